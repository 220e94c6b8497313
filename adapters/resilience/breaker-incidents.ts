/**
 * A circuit breaker's openings as integration exceptions people see: an opening raises
 * `integration-exception.raised` (code CIRCUIT_OPEN) and the closing resolves the same exception.
 * Every state change is also logged and reported as the `CircuitBreakerOpen` gauge (1 open,
 * 0 closed, dimension Endpoint; half-open is neither).
 *
 * The instance that closes a breaker is rarely the one that opened it, and the exception id needs
 * the opening time: each endpoint's open incident is kept in the breaker table
 * (`incident#<endpoint>`, {@link DynamoDbBreakerIncidents}).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type {
  IntegrationException,
  IntegrationExceptionRaisedV1,
  IntegrationExceptionResolvedV1,
} from '../../canonical/generated/types';
import { resolvedEvent, resolvedException } from '../../domain/integration-exceptions';
import type { BreakerStateChange } from './circuit-breaker';

/** Why a closed breaker's exception is resolved. */
export const CIRCUIT_CLOSED_RESOLUTION = 'circuit closed after a successful probe';

const CANONICAL_SYSTEMS: ReadonlySet<string> = new Set<IntegrationException['system']>([
  'planning',
  'procurement',
  'erp',
  'supplyline',
]);

/** Exception id of a breaker incident: deterministic from the endpoint and when it opened (epoch ms). */
export function circuitExceptionId(endpoint: string, openedAtMs: number): string {
  return `IX-CIRCUIT_OPEN-${endpoint.replace(/[^A-Za-z0-9_.:/#-]/g, '-')}-${openedAtMs}`;
}

/** The integration exception of a breaker incident that opened at `openedAtMs`. */
export function circuitException(
  change: Pick<BreakerStateChange, 'endpoint' | 'system'> & Partial<BreakerStateChange>,
  openedAtMs: number,
): IntegrationException {
  const exceptionId = circuitExceptionId(change.endpoint, openedAtMs);
  const why =
    change.reason === 'probe-failed'
      ? 'its probe failed again'
      : change.calls !== undefined && change.failureRate !== undefined
        ? `${Math.round(change.failureRate * 100)}% of ${change.calls} calls failed`
        : 'too many calls failed';
  const retry = change.coolDownSeconds === undefined ? '' : ` every ${change.coolDownSeconds}s`;
  return {
    exceptionId,
    category: 'TECHNICAL',
    code: 'CIRCUIT_OPEN',
    message:
      `Calls to ${change.endpoint} are suspended: its circuit breaker opened because ${why}. ` +
      `It probes the endpoint${retry} and closes on its own once a probe succeeds.`,
    status: 'OPEN',
    objectType: 'Endpoint',
    objectId: change.endpoint.slice(0, 200),
    system: (CANONICAL_SYSTEMS.has(change.system)
      ? change.system
      : 'supplyline') as IntegrationException['system'],
    raisedAt: new Date(openedAtMs).toISOString(),
    details: JSON.stringify({
      endpoint: change.endpoint,
      reason: change.reason ?? null,
      calls: change.calls ?? null,
      failureRate: change.failureRate ?? null,
      coolDownSeconds: change.coolDownSeconds ?? null,
    }),
  };
}

const eventContext = { now: () => new Date(), newId: () => randomUUID() };

/** `integration-exception.raised` for a breaker incident (the same id and key for every re-opening). */
export function circuitOpenedEvent(
  change: BreakerStateChange,
  openedAtMs: number,
  tenantId: string,
): IntegrationExceptionRaisedV1 {
  const exception = circuitException(change, openedAtMs);
  return buildEvent(
    'integration-exception.raised',
    exception,
    {
      sourceObjectId: exception.exceptionId,
      sourceVersion: openedAtMs,
      occurredAt: change.at,
      // The incident is its own flow: the resolution joins it by the id.
      correlationId: exception.exceptionId,
      idempotencyKey: `integration-exception:${exception.exceptionId}`,
      tenantId,
    },
    eventContext,
  );
}

/** `integration-exception.resolved` for the breaker incident that opened at `openedAtMs`. */
export function circuitClosedEvent(
  change: BreakerStateChange,
  openedAtMs: number,
  tenantId: string,
): IntegrationExceptionResolvedV1 {
  const resolved = resolvedException(
    circuitException(change, openedAtMs),
    { resolvedBy: 'circuit-breaker', reason: CIRCUIT_CLOSED_RESOLUTION },
    change.at,
  );
  return resolvedEvent(resolved, { tenantId, correlationId: resolved.exceptionId }, eventContext);
}

/** Where each endpoint's open incident is kept, so whichever instance closes it can resolve it. */
export interface BreakerIncidents {
  /** Starts or continues the endpoint's incident; when it opened (epoch ms). */
  open(change: BreakerStateChange): Promise<number>;
  /** Ends the endpoint's incident; when it opened, or undefined when none was recorded. */
  close(change: BreakerStateChange): Promise<number | undefined>;
}

/** Breaker incidents in the circuit breaker's table, one item `incident#<endpoint>` per open one. */
export class DynamoDbBreakerIncidents implements BreakerIncidents {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(endpoint: string) {
    return { endpoint: `incident#${endpoint}` };
  }

  /** A breaker that was closed starts an incident; one re-opened after a failed probe continues its own. */
  async open(change: BreakerStateChange): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(change.endpoint),
        UpdateExpression:
          change.from === 'closed' ? 'SET #openedAt = :at' : 'SET #openedAt = if_not_exists(#openedAt, :at)',
        ExpressionAttributeNames: { '#openedAt': 'openedAt' },
        ExpressionAttributeValues: { ':at': change.at.getTime() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const openedAt = Attributes?.openedAt;
    return typeof openedAt === 'number' ? openedAt : change.at.getTime();
  }

  async close(change: BreakerStateChange): Promise<number | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: this.key(change.endpoint),
        ReturnValues: 'ALL_OLD',
      }),
    );
    const openedAt = Attributes?.openedAt;
    return typeof openedAt === 'number' ? openedAt : undefined;
  }
}

/** What reporting a breaker change needs. */
export interface BreakerReportingPorts {
  incidents: BreakerIncidents;
  publish(events: readonly CanonicalEvent[]): Promise<void>;
  tenantId(): string;
  logger: Pick<Logger, 'warn' | 'error'>;
  metric(name: string, value: number, unit: 'Count', dimensions: Record<string, string>): void;
  /**
   * Endpoints with a gauge (and alarm) of their own: each ERP instance past the primary
   * (`erp:<instance>`, ADR 0013). Any other endpoint reports under its system. @default none
   */
  ownGauges?: readonly string[];
}

/** Publishes the integration exception of an opening or its resolution on closing. */
async function announceBreakerChange(
  change: BreakerStateChange,
  ports: BreakerReportingPorts,
): Promise<void> {
  if (change.to === 'open') {
    let openedAt = change.at.getTime();
    try {
      openedAt = await ports.incidents.open(change);
    } catch (error) {
      ports.logger.warn('circuit breaker incident not stored; its closing cannot resolve the exception', {
        endpoint: change.endpoint,
        error: error as Error,
      });
    }
    await ports.publish([circuitOpenedEvent(change, openedAt, ports.tenantId())]);
    return;
  }
  if (change.to === 'closed') {
    const openedAt = await ports.incidents.close(change);
    if (openedAt === undefined) {
      ports.logger.warn('circuit breaker closed without a stored incident: no exception to resolve', {
        endpoint: change.endpoint,
      });
      return;
    }
    await ports.publish([circuitClosedEvent(change, openedAt, ports.tenantId())]);
  }
}

/**
 * The breaker's `onStateChange`: a log line, the CircuitBreakerOpen gauge, and the incident's
 * integration exception. It never throws: reporting must not fail the call that changed the state.
 */
export function breakerChangeReporter(
  ports: BreakerReportingPorts,
): (change: BreakerStateChange) => Promise<void> {
  return async (change) => {
    ports.logger.warn('circuit breaker changed state', { ...change, at: change.at.toISOString() });
    if (change.to === 'half-open') return;
    const gauge = ports.ownGauges?.includes(change.endpoint) ? change.endpoint : change.system;
    ports.metric('CircuitBreakerOpen', change.to === 'open' ? 1 : 0, 'Count', { Endpoint: gauge });
    try {
      await announceBreakerChange(change, ports);
    } catch (error) {
      ports.logger.error('circuit breaker exception event not published', {
        endpoint: change.endpoint,
        to: change.to,
        error: error as Error,
      });
    }
  };
}
