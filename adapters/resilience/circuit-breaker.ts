/**
 * A circuit breaker per downstream endpoint (`procurement:/api/v2/sourcing-requests`, `erp:tryton`)
 * whose state is shared by every Lambda instance through a {@link BreakerStore}: when the ERP is
 * down, one instance's failures stop all instances from piling on, and one probe (not one per
 * instance) tests whether it is back.
 *
 * Only transient failures count against an endpoint: a business rejection or a contract breach is
 * an answer, so the endpoint is up. The state is cached in memory for a short TTL so a healthy
 * path costs one atomic counter write per call and an open breaker refuses calls without any I/O.
 * The breaker is a protection, not a dependency: when its store cannot be reached, calls go through.
 */
import { BusinessRejection, ContractViolation, TransientFailure } from '../../domain/failures';
import {
  admit,
  afterCall,
  afterProbe,
  bucketOf,
  remainingOpenMs,
  resolvePolicy,
  staleBuckets,
  windowTotals,
  type BreakerPolicy,
  type BreakerState,
  type BreakerStatus,
  type CallWindow,
} from './breaker-state';
import { RequestBudgetExhausted } from './shared-rate-budget';
import { InvocationTimeExhausted } from '../http/deadline';

export type { BreakerPolicy, BreakerState, BreakerStatus, CallWindow } from './breaker-state';

/** A breaker's state as stored, with the version that guards writes. */
export interface BreakerSnapshot {
  state: BreakerState;
  /** Bumped by every state change; 0 for an endpoint never seen. */
  version: number;
  window: CallWindow;
}

/** Where breakers keep their shared state (DynamoDB in AWS and locally; see dynamodb-breaker-store.ts). */
export interface BreakerStore {
  /** Current state, read consistently; an endpoint never seen is closed at version 0. */
  read(endpoint: string): Promise<BreakerSnapshot>;
  /**
   * Counts one call in its bucket atomically (counting commutes, so no version check) and drops
   * the given stale buckets; returns the state after the write.
   */
  recordCall(
    endpoint: string,
    call: { bucket: number; failed: boolean; staleBuckets: readonly number[] },
  ): Promise<BreakerSnapshot>;
  /**
   * Writes `next` only if the stored version is still `expectedVersion` (then version + 1), and
   * drops the listed buckets. False when another instance changed the state first.
   */
  compareAndSet(
    endpoint: string,
    expectedVersion: number,
    next: BreakerState,
    clearBuckets: readonly number[],
  ): Promise<boolean>;
}

/** The system part of an endpoint key: `procurement:/api/v2/x` -> `procurement`. */
export function systemOf(endpoint: string): string {
  const colon = endpoint.indexOf(':');
  return colon > 0 ? endpoint.slice(0, colon) : endpoint;
}

/**
 * The breaker of the endpoint is open: the call was not made. Transient, so the message comes back
 * after `retryAfterSeconds` (the remaining cool-down).
 */
export class CircuitOpenError extends TransientFailure {
  declare readonly retryAfterSeconds: number;
  constructor(
    readonly endpoint: string,
    retryAfterSeconds: number,
  ) {
    super(
      `circuit open for ${endpoint}: not called, retry in ${retryAfterSeconds}s`,
      systemOf(endpoint),
      retryAfterSeconds,
    );
    // The base class fixes `name` to a literal type; the runtime name still tells them apart in logs.
    Object.defineProperty(this, 'name', { value: 'CircuitOpenError', enumerable: false });
  }
}

/** A state change, reported once across all instances: by the instance whose write made it. */
export interface BreakerStateChange {
  endpoint: string;
  /** System part of the endpoint (the `Endpoint` dimension of the CircuitBreakerOpen alarms). */
  system: string;
  from: BreakerStatus;
  to: BreakerStatus;
  at: Date;
  /** Why: `failure-rate`, `cool-down-elapsed`, `probe-succeeded`, `probe-failed`. */
  reason: 'failure-rate' | 'cool-down-elapsed' | 'probe-succeeded' | 'probe-failed';
  /** Opening on failure rate: the window that tripped it. */
  calls?: number;
  failureRate?: number;
  /** When it opened: how long it refuses calls. */
  coolDownSeconds?: number;
}

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  store: BreakerStore;
  /** Policy of every endpoint. */
  policy?: Partial<BreakerPolicy>;
  /** Per-endpoint overrides of the policy, keyed by endpoint. */
  endpointPolicies?: Readonly<Record<string, Partial<BreakerPolicy>>>;
  /**
   * Called on every state change (e.g. emit `CircuitBreakerOpen` and a canonical event). Awaited;
   * its errors are passed to `onError` and never fail the call.
   */
  onStateChange?: (change: BreakerStateChange) => void | Promise<void>;
  /** Store or callback problems (the breaker then lets calls through). */
  onError?: (error: unknown, endpoint: string) => void;
  /** Which errors count against the endpoint. @default {@link countsAgainstEndpoint} */
  isFailure?: (error: unknown) => boolean;
  /** How long a read state is trusted. @default 1000 */
  cacheTtlMs?: number;
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * Transient failures (timeouts, 5xx, network, unknown errors) count; business rejections and
 * contract violations are answers from a working endpoint, and so is a 429 with Retry-After (the
 * endpoint is up and says when to come back: the caller waits that long, and a probe that meets it
 * must not hold the breaker open for another cool-down); a nested breaker's refusal is not news,
 * and neither is our own request budget or invocation time running short (the endpoint was not
 * called).
 */
export function countsAgainstEndpoint(error: unknown): boolean {
  if (error instanceof BusinessRejection || error instanceof ContractViolation) return false;
  if (
    error instanceof CircuitOpenError ||
    error instanceof RequestBudgetExhausted ||
    error instanceof InvocationTimeExhausted
  )
    return false;
  return !(error instanceof TransientFailure && (error.retryAfterSeconds ?? 0) > 0);
}

type Ticket = { kind: 'call' } | { kind: 'probe'; round: number } | { kind: 'unguarded' };

const CAS_ATTEMPTS = 3;

/** Circuit breakers of many endpoints sharing one store. One instance per execution environment. */
export class CircuitBreaker {
  private readonly cache = new Map<string, { snapshot: BreakerSnapshot; readAt: number }>();
  private readonly policies = new Map<string, BreakerPolicy>();
  private readonly defaultPolicy: BreakerPolicy;
  private readonly now: () => number;
  private readonly cacheTtlMs: number;
  private readonly isFailure: (error: unknown) => boolean;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.defaultPolicy = resolvePolicy(options.policy);
    for (const [endpoint, overrides] of Object.entries(options.endpointPolicies ?? {}))
      this.policies.set(endpoint, resolvePolicy({ ...options.policy, ...overrides }));
    this.now = options.now ?? Date.now;
    this.cacheTtlMs = options.cacheTtlMs ?? 1000;
    this.isFailure = options.isFailure ?? countsAgainstEndpoint;
  }

  /**
   * Runs `fn` unless the endpoint's breaker is open, counting its outcome.
   * @throws CircuitOpenError without calling `fn` while open (or while half-open probes are taken).
   */
  async execute<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
    const ticket = await this.admit(endpoint);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      // Refused by our own request budget: the endpoint was never called, so the call is neither a
      // success nor a failure (a probe's slot is released by its lease and probed again later).
      if (error instanceof RequestBudgetExhausted) throw error;
      await this.settle(endpoint, ticket, this.isFailure(error));
      throw error;
    }
    await this.settle(endpoint, ticket, false);
    return result;
  }

  /** The endpoint's status as this instance sees it (cached up to the TTL). */
  async status(endpoint: string): Promise<BreakerStatus> {
    return (await this.snapshot(endpoint, false))?.state.status ?? 'closed';
  }

  /**
   * How long the endpoint's breaker stays open, in milliseconds, read fresh from the shared store:
   * the rest of its cool-down, 0 when it admits calls (or its store cannot be read).
   */
  async remainingOpenMs(endpoint: string): Promise<number> {
    const snapshot = await this.snapshot(endpoint, true);
    return snapshot ? remainingOpenMs(snapshot.state, this.now()) : 0;
  }

  private policyOf(endpoint: string): BreakerPolicy {
    return this.policies.get(endpoint) ?? this.defaultPolicy;
  }

  private async admit(endpoint: string): Promise<Ticket> {
    const policy = this.policyOf(endpoint);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const snapshot = await this.snapshot(endpoint, attempt > 0);
      if (!snapshot) return { kind: 'unguarded' };
      const now = this.now();
      const admission = admit(snapshot.state, now, policy);
      if (admission.kind === 'call') return admission;
      if (admission.kind === 'reject')
        throw new CircuitOpenError(endpoint, Math.max(1, Math.ceil(admission.retryAfterMs / 1000)));
      const claimed = await this.write(endpoint, snapshot, admission.next, false);
      if (claimed === undefined) return { kind: 'unguarded' };
      if (claimed) {
        if (snapshot.state.status === 'open')
          await this.report(endpoint, 'open', 'half-open', now, { reason: 'cool-down-elapsed' });
        return { kind: 'probe', round: admission.next.changedAt };
      }
      // Another instance changed the state first: decide again on a fresh read.
    }
    // Heavy contention for probe slots: others are probing already.
    throw new CircuitOpenError(endpoint, 1);
  }

  private async settle(endpoint: string, ticket: Ticket, failed: boolean): Promise<void> {
    if (ticket.kind === 'unguarded') return;
    const policy = this.policyOf(endpoint);
    try {
      if (ticket.kind === 'probe') {
        await this.settleProbe(endpoint, ticket.round, !failed, policy);
        return;
      }
      const now = this.now();
      const known = this.cache.get(endpoint)?.snapshot.window ?? new Map();
      const snapshot = await this.options.store.recordCall(endpoint, {
        bucket: bucketOf(now, policy),
        failed,
        staleBuckets: staleBuckets(known, now, policy),
      });
      this.remember(endpoint, snapshot);
      if (!failed) return;
      let current: BreakerSnapshot | undefined = snapshot;
      for (let attempt = 0; attempt < CAS_ATTEMPTS && current; attempt++) {
        const next = afterCall(current.state, current.window, now, policy);
        if (!next) return;
        const won = await this.write(endpoint, current, next, true);
        if (won === undefined) return;
        if (won) {
          const { calls, failureRate } = windowTotals(current.window, now, policy);
          await this.report(endpoint, 'closed', 'open', now, {
            reason: 'failure-rate',
            calls,
            failureRate,
            coolDownSeconds: policy.coolDownSeconds,
          });
          return;
        }
        current = await this.snapshot(endpoint, true);
      }
    } catch (error) {
      this.options.onError?.(error, endpoint);
    }
  }

  private async settleProbe(
    endpoint: string,
    round: number,
    succeeded: boolean,
    policy: BreakerPolicy,
  ): Promise<void> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.snapshot(endpoint, true);
      if (!current) return;
      const now = this.now();
      const next = afterProbe(current.state, round, succeeded, now, policy);
      if (!next) return;
      const won = await this.write(endpoint, current, next, true);
      if (won === undefined) return;
      if (won) {
        await this.report(endpoint, 'half-open', next.status, now, {
          reason: succeeded ? 'probe-succeeded' : 'probe-failed',
          ...(succeeded ? {} : { coolDownSeconds: policy.coolDownSeconds }),
        });
        return;
      }
    }
  }

  /** Version-checked write; true when won, false when lost, undefined when the store failed. */
  private async write(
    endpoint: string,
    current: BreakerSnapshot,
    next: BreakerState,
    clearWindow: boolean,
  ): Promise<boolean | undefined> {
    const clear = clearWindow ? [...current.window.keys()] : [];
    let won: boolean;
    try {
      won = await this.options.store.compareAndSet(endpoint, current.version, next, clear);
    } catch (error) {
      this.options.onError?.(error, endpoint);
      return undefined;
    }
    if (won) {
      const window = new Map(current.window);
      for (const bucket of clear) window.delete(bucket);
      this.remember(endpoint, { state: next, version: current.version + 1, window });
    } else {
      this.cache.delete(endpoint);
    }
    return won;
  }

  private async snapshot(endpoint: string, fresh: boolean): Promise<BreakerSnapshot | undefined> {
    const cached = this.cache.get(endpoint);
    if (!fresh && cached && this.now() - cached.readAt < this.cacheTtlMs) return cached.snapshot;
    try {
      const snapshot = await this.options.store.read(endpoint);
      this.remember(endpoint, snapshot);
      return snapshot;
    } catch (error) {
      this.options.onError?.(error, endpoint);
      return cached?.snapshot;
    }
  }

  private remember(endpoint: string, snapshot: BreakerSnapshot): void {
    this.cache.set(endpoint, { snapshot, readAt: this.now() });
  }

  private async report(
    endpoint: string,
    from: BreakerStatus,
    to: BreakerStatus,
    nowMs: number,
    facts: Pick<BreakerStateChange, 'reason' | 'calls' | 'failureRate' | 'coolDownSeconds'>,
  ): Promise<void> {
    if (!this.options.onStateChange) return;
    try {
      await this.options.onStateChange({
        endpoint,
        system: systemOf(endpoint),
        from,
        to,
        at: new Date(nowMs),
        ...facts,
      });
    } catch (error) {
      this.options.onError?.(error, endpoint);
    }
  }
}
