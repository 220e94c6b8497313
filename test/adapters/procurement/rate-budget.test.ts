import { describe, expect, it } from 'vitest';
import { PROCUREMENT_RATE_BUDGET, RateBudget } from '../../../adapters/procurement/rate-budget';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RateBudget', () => {
  it('lets a full bucket burst up to its capacity, then refills at the configured rate', () => {
    const c = clock();
    const budget = new RateBudget({ capacity: 4, refillPerSecond: 2, criticalReservedShare: 0, now: c.now });
    expect([1, 2, 3, 4, 5].map(() => budget.tryTake('critical'))).toEqual([true, true, true, true, false]);
    expect(budget.msUntilAvailable('critical')).toBe(500);
    c.advance(499);
    expect(budget.tryTake('critical')).toBe(false);
    c.advance(1);
    expect(budget.tryTake('critical')).toBe(true);
    c.advance(60_000);
    expect(budget.available()).toBe(4); // never above capacity
  });

  it('keeps the reserved share for critical work: bulk is refused first when the budget runs short', () => {
    const c = clock();
    const budget = new RateBudget({
      capacity: 10,
      refillPerSecond: 10,
      criticalReservedShare: 0.3,
      now: c.now,
    });
    const bulk: boolean[] = [];
    for (let i = 0; i < 10; i++) bulk.push(budget.tryTake('bulk'));
    // Bulk takes 7 tokens and leaves the 3 reserved for critical work.
    expect(bulk.filter(Boolean)).toHaveLength(7);
    expect(budget.tryTake('bulk')).toBe(false);
    expect([budget.tryTake('critical'), budget.tryTake('critical'), budget.tryTake('critical')]).toEqual([
      true,
      true,
      true,
    ]);
    expect(budget.tryTake('critical')).toBe(false);
  });

  it('serves critical before bulk when both wait for the same refill', () => {
    const c = clock();
    const budget = new RateBudget({
      capacity: 3,
      refillPerSecond: 6,
      criticalReservedShare: 1 / 3,
      now: c.now,
    });
    while (budget.tryTake('critical'));
    // Critical needs one token, bulk needs one above the reserve of one.
    expect(budget.msUntilAvailable('critical')).toBe(167);
    expect(budget.msUntilAvailable('bulk')).toBe(334);
    c.advance(200);
    expect(budget.tryTake('bulk')).toBe(false);
    expect(budget.tryTake('critical')).toBe(true);
    c.advance(400);
    expect(budget.tryTake('bulk')).toBe(true);
  });

  it('the procurement defaults never let more than 10 requests into any one-second window', () => {
    const c = clock();
    const budget = new RateBudget({ ...PROCUREMENT_RATE_BUDGET, now: c.now });
    const granted: number[] = [];
    for (let t = 0; t < 5000; t++) {
      while (budget.tryTake(t % 2 === 0 ? 'critical' : 'bulk')) granted.push(t);
      c.advance(1);
    }
    for (let i = 0; i < granted.length; i++) {
      const inWindow = granted.filter((g) => g >= granted[i]! && g < granted[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(10);
    }
    expect(granted.length).toBeGreaterThan(25);
  });

  it('answers the asynchronous RequestBudget interface: granted, or when to ask again', async () => {
    const c = clock();
    const budget = new RateBudget({ capacity: 1, refillPerSecond: 4, criticalReservedShare: 0, now: c.now });
    expect(await budget.take('critical')).toEqual({ granted: true });
    expect(await budget.take('critical')).toEqual({ granted: false, retryInMs: 250 });
    c.advance(250);
    expect(await budget.take('bulk')).toEqual({ granted: true });
  });

  it('rejects settings that cannot work', () => {
    expect(() => new RateBudget({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => new RateBudget({ capacity: 2, refillPerSecond: 0 })).toThrow(RangeError);
    expect(() => new RateBudget({ capacity: 2, refillPerSecond: 1, criticalReservedShare: 0.9 })).toThrow(
      RangeError,
    );
  });
});
