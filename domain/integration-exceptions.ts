/**
 * Integration exceptions: business rejections and technical failures a person must see and
 * resolve. The pure rules: how old one is, the order people work them in, what resolving changes,
 * the canonical event that reports a resolution, and resolving with its announcement through ports.
 */
import { buildEvent, type EventContext } from '../canonical/envelope';
import type { IntegrationException, IntegrationExceptionResolvedV1 } from '../canonical/generated/types';
import { ageBucketOf, type AgeBucket } from './integration-exception-aging';

/**
 * A resolution as recorded: why, and who resolved it. `resolvedBy` is the verified caller's subject
 * (or the component that closed it, e.g. the circuit breaker), never a request body's word.
 */
export interface Resolution {
  readonly reason: string;
  readonly resolvedBy: string;
}

/** An exception's statuses, in the order people work them. */
export const EXCEPTION_STATUSES = ['OPEN', 'RESOLVED'] as const;

/** OPEN until a person resolves it. */
export type ExceptionStatus = IntegrationException['status'];

/** Whether `value` is one of {@link EXCEPTION_STATUSES}. */
export function isExceptionStatus(value: unknown): value is ExceptionStatus {
  return (EXCEPTION_STATUSES as readonly unknown[]).includes(value);
}

/** An exception as an answer shows it: with its age, which is never stored (it changes every second). */
export interface AgedIntegrationException extends IntegrationException {
  /** Whole seconds it was open: until now while OPEN, until its resolution once RESOLVED. */
  ageSeconds: number;
  /** The age bucket of `ageSeconds` (the dashboard's aging distribution and the metric's dimension). */
  ageBucket: AgeBucket;
  /** When it was escalated for staying open beyond its limit; absent when it was not. */
  escalatedAt?: string;
}

/** No exception for that id. */
export class IntegrationExceptionNotFound extends Error {
  override readonly name = 'IntegrationExceptionNotFound';
  constructor(readonly exceptionId: string) {
    super(`No integration exception ${exceptionId}.`);
  }
}

/** A person already resolved it: a second resolution would overwrite theirs. */
export class IntegrationExceptionAlreadyResolved extends Error {
  override readonly name = 'IntegrationExceptionAlreadyResolved';
  constructor(
    readonly exceptionId: string,
    readonly resolvedAt: string | null,
  ) {
    super(
      `Integration exception ${exceptionId} was already resolved${resolvedAt ? ` at ${resolvedAt}` : ''}.`,
    );
  }
}

/**
 * A time in the one ISO form (UTC, milliseconds) that sorts as text in time order: the store's
 * `byStatus` index sorts `raisedAt` as a string, and `...00Z` sorts after `...00.5Z`.
 */
export function normalisedTime(time: string | Date): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid time: ${String(time)}`);
  return date.toISOString();
}

/** Whole seconds from `from` to `to`; clock skew reads as 0. */
function secondsBetween(from: string, to: number): number {
  return Math.max(0, Math.floor((to - Date.parse(from)) / 1000));
}

/**
 * How long the exception has been (or was) open: an OPEN one ages with the clock, a RESOLVED one
 * keeps the age it had when it was resolved.
 */
export function exceptionAgeSeconds(exception: IntegrationException, now: Date): number {
  const end =
    exception.status === 'RESOLVED' && exception.resolvedAt
      ? Date.parse(exception.resolvedAt)
      : now.getTime();
  return secondsBetween(exception.raisedAt, end);
}

/** The exception with its age at `now`. */
export function withAge(
  exception: IntegrationException,
  now: Date,
  escalatedAt?: string,
): AgedIntegrationException {
  const ageSeconds = exceptionAgeSeconds(exception, now);
  return {
    ...exception,
    ageSeconds,
    ageBucket: ageBucketOf(ageSeconds),
    ...(escalatedAt === undefined ? {} : { escalatedAt }),
  };
}

/** The order people work exceptions in: OPEN before RESOLVED, oldest first, then by id (stable). */
export function compareForWork(a: IntegrationException, b: IntegrationException): number {
  return (
    EXCEPTION_STATUSES.indexOf(a.status) - EXCEPTION_STATUSES.indexOf(b.status) ||
    Date.parse(a.raisedAt) - Date.parse(b.raisedAt) ||
    (a.exceptionId < b.exceptionId ? -1 : a.exceptionId > b.exceptionId ? 1 : 0)
  );
}

/** What the dashboard shows of the open exceptions. */
export interface OpenExceptionStats {
  openCount: number;
  /** Age of the oldest open exception; 0 when none is open, so the gauge drops back. */
  oldestAgeSeconds: number;
}

/** The dashboard figures from the open count and the oldest open exception's `raisedAt`. */
export function openExceptionStats(
  openCount: number,
  oldestRaisedAt: string | undefined,
  now: Date,
): OpenExceptionStats {
  return {
    openCount,
    oldestAgeSeconds: oldestRaisedAt === undefined ? 0 : secondsBetween(oldestRaisedAt, now.getTime()),
  };
}

/**
 * The exception once a person resolved it at `at`. The canonical object has no resolver field:
 * `resolution` carries the reason and the store keeps who resolved it.
 * @throws IntegrationExceptionAlreadyResolved when it is not OPEN.
 */
export function resolvedException(
  exception: IntegrationException,
  resolution: Resolution,
  at: Date,
): IntegrationException {
  if (exception.status !== 'OPEN')
    throw new IntegrationExceptionAlreadyResolved(exception.exceptionId, exception.resolvedAt ?? null);
  return { ...exception, status: 'RESOLVED', resolvedAt: normalisedTime(at), resolution: resolution.reason };
}

/** Business identity of a resolution: an exception is resolved once, so its id is enough. */
export function resolutionKey(exceptionId: string): string {
  return `integration-exception:${exceptionId}:resolved`;
}

/** Envelope facts of a resolution that the exception itself does not carry. */
export interface ResolutionFacts {
  tenantId: string;
  /** The raised event's correlation id when known; a new flow otherwise. */
  correlationId?: string;
  /** The request that resolved it. */
  causationId?: string;
}

/** The canonical `integration-exception.resolved` event for a resolved exception. */
export function resolvedEvent(
  exception: IntegrationException,
  facts: ResolutionFacts,
  context: EventContext,
): IntegrationExceptionResolvedV1 {
  if (exception.status !== 'RESOLVED' || !exception.resolvedAt)
    throw new Error(`integration exception ${exception.exceptionId} is not resolved`);
  return buildEvent(
    'integration-exception.resolved',
    exception,
    {
      sourceObjectId: exception.exceptionId,
      // The documented "epoch ms of its update" version for objects without a revision.
      sourceVersion: Date.parse(exception.resolvedAt),
      occurredAt: exception.resolvedAt,
      correlationId: facts.correlationId ?? context.newId(),
      ...(facts.causationId === undefined ? {} : { causationId: facts.causationId }),
      idempotencyKey: resolutionKey(exception.exceptionId),
      tenantId: facts.tenantId,
    },
    context,
  );
}

/** What resolving needs: the store's conditional resolve and its undo, and the bus. */
export interface ResolutionPorts extends EventContext {
  /**
   * Marks the exception RESOLVED if it is OPEN; returns it with the envelope facts it was raised with.
   * @throws IntegrationExceptionNotFound | IntegrationExceptionAlreadyResolved
   */
  resolve(
    exceptionId: string,
    resolution: Resolution,
  ): Promise<{ exception: IntegrationException; correlationId?: string; tenantId?: string }>;
  /** Reopens an exception this resolution (identified by `resolvedAt`) resolved. */
  undoResolution(exceptionId: string, resolvedAt: string): Promise<void>;
  publish(event: IntegrationExceptionResolvedV1): Promise<void>;
  /** Tenant of the deployment, for exceptions recorded without one. */
  tenantId: string;
}

/**
 * Resolves an exception and announces it. The resolution counts only once announced: when the bus
 * does not take the event, the resolution is undone and the error rethrown, so the person's retry
 * resolves it again rather than meeting a 409 for an exception nobody heard was resolved.
 */
export async function resolveIntegrationException(
  exceptionId: string,
  resolution: Resolution,
  ports: ResolutionPorts,
  request: { causationId?: string } = {},
): Promise<IntegrationException> {
  const resolved = await ports.resolve(exceptionId, resolution);
  const event = resolvedEvent(
    resolved.exception,
    {
      tenantId: resolved.tenantId ?? ports.tenantId,
      ...(resolved.correlationId === undefined ? {} : { correlationId: resolved.correlationId }),
      ...(request.causationId === undefined ? {} : { causationId: request.causationId }),
    },
    ports,
  );
  try {
    await ports.publish(event);
  } catch (error) {
    await ports.undoResolution(exceptionId, resolved.exception.resolvedAt!);
    throw error;
  }
  return resolved.exception;
}
