/**
 * The circuit breaker as a pure state machine: no I/O, no clock of its own. The executor
 * (circuit-breaker.ts) reads a snapshot from the shared store, asks these functions what to do and
 * writes the answer back with a version check, so every Lambda instance follows the same rules.
 *
 * closed --(failure rate over the window >= threshold, with >= minimumCalls)--> open
 * open --(cool-down elapsed; the first caller claims a probe)--> half-open
 * half-open --(a probe succeeds)--> closed (window cleared)
 * half-open --(a probe fails)--> open (a new cool-down)
 */

/** Where a breaker stands. */
export type BreakerStatus = 'closed' | 'open' | 'half-open';

/** When a breaker opens and how it recovers. */
export interface BreakerPolicy {
  /** Failure share (0..1] of the calls in the window at which the breaker opens. */
  failureRateThreshold: number;
  /** Fewer calls than this in the window never open the breaker. */
  minimumCalls: number;
  /** Length of the rolling window of recent calls. */
  windowSeconds: number;
  /** Width of one counter bucket; the window is made of whole buckets. */
  bucketSeconds: number;
  /** How long an open breaker refuses calls before it lets probes through. */
  coolDownSeconds: number;
  /** Probe calls allowed at once while half-open. */
  halfOpenProbes: number;
  /** A probe slot whose caller never reported (crashed, timed out) is given back after this. */
  probeTimeoutSeconds: number;
}

/** Defaults: 50 % failures over the last minute with at least 10 calls; 30 s cool-down; one probe. */
export const DEFAULT_BREAKER_POLICY: Readonly<BreakerPolicy> = {
  failureRateThreshold: 0.5,
  minimumCalls: 10,
  windowSeconds: 60,
  bucketSeconds: 10,
  coolDownSeconds: 30,
  halfOpenProbes: 1,
  probeTimeoutSeconds: 30,
};

/** The shared state of one breaker (times in epoch milliseconds). */
export interface BreakerState {
  status: BreakerStatus;
  /** When the breaker entered its status; in half-open it also names the probing round. */
  changedAt: number;
  /** Open: calls are refused until then. 0 otherwise. */
  openUntil: number;
  /** Half-open: probe slots handed out in this round. */
  probes: number;
  /** Half-open: when the latest probe slot lapses if its caller never reports. */
  probeLeaseUntil: number;
}

/** Calls and failures counted per bucket, keyed by the bucket's start in epoch seconds. */
export type CallWindow = ReadonlyMap<number, { calls: number; failures: number }>;

/** A breaker never seen before. */
export const CLOSED: Readonly<BreakerState> = {
  status: 'closed',
  changedAt: 0,
  openUntil: 0,
  probes: 0,
  probeLeaseUntil: 0,
};

/** Checks a policy; a nonsensical one is a configuration bug. */
export function resolvePolicy(overrides: Partial<BreakerPolicy> = {}): BreakerPolicy {
  const policy = { ...DEFAULT_BREAKER_POLICY, ...overrides };
  const problems: string[] = [];
  if (!(policy.failureRateThreshold > 0 && policy.failureRateThreshold <= 1))
    problems.push('failureRateThreshold must be in (0, 1]');
  if (!(Number.isInteger(policy.minimumCalls) && policy.minimumCalls >= 1))
    problems.push('minimumCalls must be an integer >= 1');
  if (!(Number.isInteger(policy.bucketSeconds) && policy.bucketSeconds >= 1))
    problems.push('bucketSeconds must be an integer >= 1');
  if (!(policy.windowSeconds >= policy.bucketSeconds && policy.windowSeconds % policy.bucketSeconds === 0))
    problems.push('windowSeconds must be a whole multiple of bucketSeconds');
  if (!(policy.coolDownSeconds > 0)) problems.push('coolDownSeconds must be > 0');
  if (!(Number.isInteger(policy.halfOpenProbes) && policy.halfOpenProbes >= 1))
    problems.push('halfOpenProbes must be an integer >= 1');
  if (!(policy.probeTimeoutSeconds > 0)) problems.push('probeTimeoutSeconds must be > 0');
  if (problems.length > 0) throw new RangeError(`circuit breaker policy: ${problems.join('; ')}`);
  return policy;
}

/** Start (epoch seconds) of the bucket that `nowMs` falls in. */
export function bucketOf(nowMs: number, policy: BreakerPolicy): number {
  const seconds = Math.floor(nowMs / 1000);
  return seconds - (seconds % policy.bucketSeconds);
}

/** Buckets that have left the window (the store may delete them). */
export function staleBuckets(window: CallWindow, nowMs: number, policy: BreakerPolicy): number[] {
  const oldest = bucketOf(nowMs, policy) - policy.windowSeconds + policy.bucketSeconds;
  return [...window.keys()].filter((bucket) => bucket < oldest);
}

/** Calls and failures inside the rolling window ending now. */
export function windowTotals(
  window: CallWindow,
  nowMs: number,
  policy: BreakerPolicy,
): { calls: number; failures: number; failureRate: number } {
  const current = bucketOf(nowMs, policy);
  const oldest = current - policy.windowSeconds + policy.bucketSeconds;
  let calls = 0;
  let failures = 0;
  for (const [bucket, counts] of window) {
    if (bucket < oldest || bucket > current) continue;
    calls += counts.calls;
    failures += counts.failures;
  }
  return { calls, failures, failureRate: calls === 0 ? 0 : failures / calls };
}

/** What a caller may do now. */
export type Admission =
  /** Closed: call, then count the outcome. */
  | { kind: 'call' }
  /** Claim a probe slot by writing `next` (version-checked); the probe's outcome decides. */
  | { kind: 'probe'; next: BreakerState }
  /** Refused without calling; try again after this long. */
  | { kind: 'reject'; retryAfterMs: number };

/**
 * How long the breaker still refuses every call: the rest of its cool-down while open, 0 once it
 * admits a probe or calls. What work refused by it should wait, no more.
 */
export function remainingOpenMs(state: BreakerState, nowMs: number): number {
  return state.status === 'open' ? Math.max(0, state.openUntil - nowMs) : 0;
}

/** Whether a call may go to the endpoint now. */
export function admit(state: BreakerState, nowMs: number, policy: BreakerPolicy): Admission {
  switch (state.status) {
    case 'closed':
      return { kind: 'call' };
    case 'open':
      if (nowMs < state.openUntil) return { kind: 'reject', retryAfterMs: remainingOpenMs(state, nowMs) };
      return {
        kind: 'probe',
        next: {
          status: 'half-open',
          changedAt: nowMs,
          openUntil: 0,
          probes: 1,
          probeLeaseUntil: nowMs + policy.probeTimeoutSeconds * 1000,
        },
      };
    case 'half-open': {
      // Slots whose callers never reported lapse with their lease.
      const taken = nowMs >= state.probeLeaseUntil ? 0 : state.probes;
      // Ask to come back soon: the probe usually settles well before its lease runs out.
      if (taken >= policy.halfOpenProbes)
        return {
          kind: 'reject',
          retryAfterMs: Math.min(Math.max(1, state.probeLeaseUntil - nowMs), policy.bucketSeconds * 100),
        };
      return {
        kind: 'probe',
        next: {
          ...state,
          probes: taken + 1,
          probeLeaseUntil: nowMs + policy.probeTimeoutSeconds * 1000,
        },
      };
    }
  }
}

/** The open state that starts a cool-down now. */
export function opened(nowMs: number, policy: BreakerPolicy): BreakerState {
  return {
    status: 'open',
    changedAt: nowMs,
    openUntil: nowMs + policy.coolDownSeconds * 1000,
    probes: 0,
    probeLeaseUntil: 0,
  };
}

/** The closed state entered now. */
export function closed(nowMs: number): BreakerState {
  return { status: 'closed', changedAt: nowMs, openUntil: 0, probes: 0, probeLeaseUntil: 0 };
}

/**
 * After an ordinary call was counted: the open state when the window (which includes that call)
 * crosses the threshold, else undefined. Only a closed breaker opens this way.
 */
export function afterCall(
  state: BreakerState,
  window: CallWindow,
  nowMs: number,
  policy: BreakerPolicy,
): BreakerState | undefined {
  if (state.status !== 'closed') return undefined;
  const { calls, failureRate } = windowTotals(window, nowMs, policy);
  if (calls < policy.minimumCalls || failureRate < policy.failureRateThreshold) return undefined;
  return opened(nowMs, policy);
}

/**
 * After a probe of the round that began at `round`: closed on success, open again on failure.
 * Undefined when that round is already decided (another probe answered first).
 */
export function afterProbe(
  state: BreakerState,
  round: number,
  succeeded: boolean,
  nowMs: number,
  policy: BreakerPolicy,
): BreakerState | undefined {
  if (state.status !== 'half-open' || state.changedAt !== round) return undefined;
  return succeeded ? closed(nowMs) : opened(nowMs, policy);
}
