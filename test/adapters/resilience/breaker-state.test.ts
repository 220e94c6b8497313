import { describe, expect, it } from 'vitest';
import {
  CLOSED,
  admit,
  afterCall,
  afterProbe,
  bucketOf,
  opened,
  resolvePolicy,
  staleBuckets,
  windowTotals,
} from '../../../adapters/resilience/breaker-state';

const policy = resolvePolicy({
  minimumCalls: 4,
  failureRateThreshold: 0.5,
  windowSeconds: 30,
  bucketSeconds: 10,
});
const T = Date.parse('2026-11-27T08:00:00Z');
const window = (entries: [number, number, number][]) =>
  new Map(entries.map(([offsetSeconds, calls, failures]) => [T / 1000 + offsetSeconds, { calls, failures }]));

describe('breaker state machine (pure)', () => {
  it('refuses nonsensical policies', () => {
    expect(() => resolvePolicy({ failureRateThreshold: 0 })).toThrow('failureRateThreshold');
    expect(() => resolvePolicy({ windowSeconds: 25, bucketSeconds: 10 })).toThrow('whole multiple');
    expect(() => resolvePolicy({ halfOpenProbes: 0 })).toThrow('halfOpenProbes');
  });

  it('counts only the buckets inside the rolling window', () => {
    const calls = window([
      [-30, 100, 100], // left the window
      [-20, 2, 1],
      [0, 2, 1],
    ]);
    expect(windowTotals(calls, T + 5_000, policy)).toEqual({ calls: 4, failures: 2, failureRate: 0.5 });
    expect(staleBuckets(calls, T + 5_000, policy)).toEqual([T / 1000 - 30]);
    expect(bucketOf(T + 9_999, policy)).toBe(T / 1000);
  });

  it('opens only from closed, at the threshold, with the minimum number of calls', () => {
    expect(afterCall(CLOSED, window([[0, 3, 3]]), T, policy)).toBeUndefined();
    expect(afterCall(CLOSED, window([[0, 5, 2]]), T, policy)).toBeUndefined();
    expect(afterCall(CLOSED, window([[0, 4, 2]]), T, policy)).toMatchObject({
      status: 'open',
      openUntil: T + policy.coolDownSeconds * 1000,
    });
    expect(afterCall(opened(T, policy), window([[0, 4, 4]]), T, policy)).toBeUndefined();
  });

  it('refuses while open, then hands out at most halfOpenProbes slots, which lapse with their lease', () => {
    const open = opened(T, policy);
    expect(admit(open, T + 1_000, policy)).toEqual({ kind: 'reject', retryAfterMs: 29_000 });
    const first = admit(open, T + 30_000, policy);
    expect(first).toMatchObject({ kind: 'probe', next: { status: 'half-open', probes: 1 } });
    const halfOpen = (first as { next: typeof open }).next;
    expect(admit(halfOpen, T + 31_000, policy).kind).toBe('reject');
    expect(admit(halfOpen, T + 30_000 + policy.probeTimeoutSeconds * 1000, policy)).toMatchObject({
      kind: 'probe',
      next: { probes: 1, changedAt: halfOpen.changedAt },
    });
    const twoProbes = resolvePolicy({ halfOpenProbes: 2 });
    expect(admit(halfOpen, T + 31_000, twoProbes)).toMatchObject({ kind: 'probe', next: { probes: 2 } });
  });

  it('decides a probing round once: a late probe of a decided round changes nothing', () => {
    const halfOpen = {
      ...CLOSED,
      status: 'half-open' as const,
      changedAt: T,
      probes: 1,
      probeLeaseUntil: T + 1,
    };
    expect(afterProbe(halfOpen, T, true, T + 10, policy)).toMatchObject({ status: 'closed' });
    expect(afterProbe(halfOpen, T, false, T + 10, policy)).toMatchObject({ status: 'open' });
    expect(afterProbe(halfOpen, T - 1, true, T + 10, policy)).toBeUndefined();
    expect(afterProbe(opened(T, policy), T, true, T + 10, policy)).toBeUndefined();
  });
});
