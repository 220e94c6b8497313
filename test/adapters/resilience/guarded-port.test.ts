/** A guarded port with a request budget: the budget is taken before the breaker and the call. */
import { describe, expect, it, vi } from 'vitest';
import type { CircuitBreaker } from '../../../adapters/resilience/circuit-breaker';
import { guardedPort } from '../../../adapters/resilience/guarded-port';
import { RequestBudgetExhausted, type RequestBudget } from '../../../adapters/resilience/shared-rate-budget';

const client = { getItem: vi.fn(async (code: string) => ({ code })) };
const execute = vi.fn((_endpoint: string, call: () => Promise<unknown>) => call());
const breaker = { execute } as unknown as Pick<CircuitBreaker, 'execute'>;

describe('guardedPort with a request budget', () => {
  it('spends one critical token per call, then calls through the breaker of its endpoint', async () => {
    const take = vi.fn<RequestBudget['take']>(async () => ({ granted: true }));
    const port = guardedPort(
      'erp:west',
      async () => client,
      { getItem: 'read' },
      () => breaker,
      {
        budget: { take },
      },
    );
    expect(await port.getItem('SKU-1')).toEqual({ code: 'SKU-1' });
    expect(take).toHaveBeenCalledWith('critical');
    expect(execute).toHaveBeenCalledWith('erp:west', expect.any(Function));
  });

  it('does not call, nor count against the breaker, when the budget stays refused', async () => {
    execute.mockClear();
    client.getItem.mockClear();
    const take = vi.fn<RequestBudget['take']>(async () => ({ granted: false, retryInMs: 5_000 }));
    const port = guardedPort(
      'erp:west',
      async () => client,
      { getItem: 'read' },
      () => breaker,
      {
        budget: { take },
        maxBudgetWaitMs: 10,
      },
    );
    const failure = await port.getItem('SKU-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequestBudgetExhausted);
    expect(failure).toMatchObject({ system: 'erp:west', retryAfterSeconds: 5 });
    // A refused budget is "not now", not an endpoint failure: no in-place retry either.
    expect(take).toHaveBeenCalledTimes(1);
    expect(execute).not.toHaveBeenCalled();
    expect(client.getItem).not.toHaveBeenCalled();
  });
});
