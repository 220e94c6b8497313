/**
 * Integration exception aging (business-rules.md, "Reconciliation": exceptions open longer than
 * 24 hours, critical ones 4 hours, are escalated): the age buckets people and alarms read, when an
 * open exception is due for escalation, and escalating each one once with its announcement.
 */
import { EXCEPTION_AGE_BUCKETS, type ExceptionAgeBucket } from '../canonical/codes/exception-aging';
import { buildEvent, type EventContext } from '../canonical/envelope';
import type { IntegrationException, IntegrationExceptionEscalatedV1 } from '../canonical/generated/types';
import type { EscalationPorts, OpenIntegrationException } from './ports/integration-exceptions';

/** Each age bucket's upper bound in hours: the contract's two limits (4 h critical, 24 h every exception). */
const UPPER_BOUND_HOURS = {
  'under-1h': 1,
  '1h-4h': 4,
  '4h-24h': 24,
  'over-24h': Number.POSITIVE_INFINITY,
} as const satisfies Record<ExceptionAgeBucket, number>;

/** The age buckets, youngest first, with the upper bound of each in hours. */
export const AGE_BUCKETS = EXCEPTION_AGE_BUCKETS.map((name) => ({
  name,
  upToHours: UPPER_BOUND_HOURS[name],
}));

/** An age bucket's name (the `AgeBucket` dimension of `IntegrationExceptionsOpenByAge`). */
export type AgeBucket = ExceptionAgeBucket;

/** The bucket beyond every exception's limit: the alarm watches it. */
export const OVERDUE_BUCKET: AgeBucket = 'over-24h';

/** The bucket of an age in seconds (a bucket's upper bound belongs to the next one). */
export function ageBucketOf(ageSeconds: number): AgeBucket {
  return AGE_BUCKETS.find((bucket) => ageSeconds < bucket.upToHours * 3600)!.name;
}

/** How many exceptions of each age there are, every bucket present (0 when empty). */
export function agingDistribution(agesSeconds: Iterable<number>): Record<AgeBucket, number> {
  const counts = Object.fromEntries(AGE_BUCKETS.map((bucket) => [bucket.name, 0])) as Record<
    AgeBucket,
    number
  >;
  for (const age of agesSeconds) counts[ageBucketOf(age)] += 1;
  return counts;
}

/** When open exceptions escalate; the environment's business rules may change it. */
export interface EscalationPolicy {
  /**
   * Hours an exception may stay open before it escalates.
   * @default 24
   */
  readonly openHours: number;
  /**
   * Hours a critical exception may stay open.
   * @default 4
   */
  readonly criticalOpenHours: number;
  /**
   * Reason codes that are critical: the ones that stop goods or money moving until a person acts.
   * @default DEFAULT_ESCALATION_POLICY.criticalCodes
   */
  readonly criticalCodes: readonly string[];
}

/**
 * The contract's limits. Critical by default: a system refusing calls (every flow to it waits), an
 * approval that timed out (the order was not posted), a supplier that never acknowledged (goods may
 * not come) and a reconciliation repair that failed (the systems still disagree about an order).
 */
export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  openHours: 24,
  criticalOpenHours: 4,
  criticalCodes: [
    'CIRCUIT_OPEN',
    'APPROVAL_TIMEOUT',
    'ACKNOWLEDGEMENT_OVERDUE',
    'RECONCILIATION_REPAIR_FAILED',
  ],
};

/** Whether the policy counts the exception as critical. */
export function isCritical(exception: IntegrationException, policy: EscalationPolicy): boolean {
  return policy.criticalCodes.includes(exception.code);
}

/** When the exception escalates if still open (ISO 8601 UTC). */
export function escalationDueAt(exception: IntegrationException, policy: EscalationPolicy): string {
  const hours = isCritical(exception, policy) ? policy.criticalOpenHours : policy.openHours;
  return new Date(Date.parse(exception.raisedAt) + hours * 3600_000).toISOString();
}

/** Whether an open exception not escalated yet has reached its limit at `now`. */
export function isDueForEscalation(
  open: OpenIntegrationException,
  now: Date,
  policy: EscalationPolicy,
): boolean {
  return (
    open.exception.status === 'OPEN' &&
    open.escalatedAt === undefined &&
    Date.parse(escalationDueAt(open.exception, policy)) <= now.getTime()
  );
}

/** Business identity of an escalation: an exception escalates once, so its id is enough. */
export function escalationKey(exceptionId: string): string {
  return `integration-exception:${exceptionId}:escalated`;
}

/** The canonical `integration-exception.escalated` event of an exception escalated at `escalatedAt`. */
export function escalatedEvent(
  open: OpenIntegrationException,
  escalatedAt: Date,
  defaultTenantId: string,
  context: EventContext,
): IntegrationExceptionEscalatedV1 {
  const { exception } = open;
  return buildEvent(
    'integration-exception.escalated',
    exception,
    {
      sourceObjectId: exception.exceptionId,
      // The documented "epoch ms of its update" version for objects without a revision.
      sourceVersion: escalatedAt.getTime(),
      occurredAt: escalatedAt,
      correlationId: open.correlationId ?? context.newId(),
      idempotencyKey: escalationKey(exception.exceptionId),
      tenantId: open.tenantId ?? defaultTenantId,
    },
    context,
  );
}

/** What one escalation pass found and did. */
export interface EscalationPass {
  /** Open exceptions seen. */
  open: number;
  /** Open exceptions per age bucket. */
  distribution: Record<AgeBucket, number>;
  /** Age of the oldest open exception in seconds; 0 when none is open. */
  oldestAgeSeconds: number;
  /** Ids escalated by this pass (each exception is escalated by one pass only). */
  escalated: string[];
}

/**
 * Escalates every open exception past its limit, once: the mark on the exception is conditional
 * (only one pass wins it), and counts only once announced, so when the bus refuses the event the
 * mark is taken back and the next pass escalates it again rather than never.
 */
export async function escalateOverdueExceptions(
  ports: EscalationPorts,
  policy: EscalationPolicy,
): Promise<EscalationPass> {
  const now = ports.now();
  const ages: number[] = [];
  const escalated: string[] = [];
  for await (const open of ports.openExceptions()) {
    ages.push(Math.max(0, Math.floor((now.getTime() - Date.parse(open.exception.raisedAt)) / 1000)));
    if (!isDueForEscalation(open, now, policy)) continue;
    const escalatedAt = now.toISOString();
    if (!(await ports.markEscalated(open.exception.exceptionId, escalatedAt))) continue;
    try {
      await ports.publish(escalatedEvent(open, new Date(escalatedAt), ports.tenantId, ports));
    } catch (error) {
      await ports.undoEscalation(open.exception.exceptionId, escalatedAt);
      throw error;
    }
    escalated.push(open.exception.exceptionId);
  }
  return {
    open: ages.length,
    distribution: agingDistribution(ages),
    oldestAgeSeconds: ages.reduce((oldest, age) => Math.max(oldest, age), 0),
    escalated,
  };
}
