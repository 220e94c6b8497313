/** budgetedPort: each call takes its lane's budget first, waits for a window while allowed, then fails transiently. */
import { describe, expect, it } from 'vitest';
import { budgetedPort } from '../../../adapters/resilience/budgeted-port';
import { RequestBudgetExhausted, type BudgetDecision } from '../../../adapters/resilience/shared-rate-budget';

function budget(decisions: BudgetDecision[]) {
  const lanes: string[] = [];
  return {
    lanes,
    take: async (lane: 'critical' | 'bulk') => {
      lanes.push(lane);
      return decisions.shift() ?? { granted: true as const };
    },
  };
}

describe('budgetedPort', () => {
  it('takes the lane’s budget before every call', async () => {
    const shared = budget([]);
    const calls: string[] = [];
    const port = budgetedPort({ getItem: async (code: string) => (calls.push(code), code) }, ['getItem'], {
      budget: shared,
      lane: 'bulk',
      system: 'erp',
    });
    expect(await port.getItem('SKU-1')).toBe('SKU-1');
    expect(shared.lanes).toEqual(['bulk']);
    expect(calls).toEqual(['SKU-1']);
  });

  it('waits for the next window while maxWaitMs allows, then calls', async () => {
    const shared = budget([
      { granted: false, retryInMs: 300 },
      { granted: false, retryInMs: 400 },
    ]);
    const slept: number[] = [];
    const port = budgetedPort({ getItem: async () => 'ok' }, ['getItem'], {
      budget: shared,
      lane: 'bulk',
      system: 'erp',
      maxWaitMs: 1000,
      sleep: async (ms) => void slept.push(ms),
    });
    expect(await port.getItem()).toBe('ok');
    expect(slept).toEqual([300, 400]);
  });

  it('fails with RequestBudgetExhausted, without calling, once waiting would pass maxWaitMs', async () => {
    const shared = budget([
      { granted: false, retryInMs: 600 },
      { granted: false, retryInMs: 600 },
    ]);
    let called = false;
    const port = budgetedPort({ getItem: async () => (called = true) }, ['getItem'], {
      budget: shared,
      lane: 'bulk',
      system: 'erp',
      maxWaitMs: 1000,
      sleep: async () => undefined,
    });
    const failure = await port.getItem().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequestBudgetExhausted);
    expect(failure).toMatchObject({ lane: 'bulk', retryAfterSeconds: 1 });
    expect(called).toBe(false);
  });
});
