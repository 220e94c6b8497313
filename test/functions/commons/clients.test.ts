import { describe, expect, it } from 'vitest';
import { FUNCTION_CATALOG } from '../../../application/functions';
import {
  dynamo,
  eventBridge,
  secretsManager,
  SHORT_CALL_BUDGET,
  worstCaseMs,
} from '../../../functions/commons/clients';

/** What the SDK client will use: its retry attempts and its HTTP handler's timeouts. */
async function budgetOf(client: ReturnType<typeof eventBridge> | ReturnType<typeof dynamo>) {
  const handler = client.config.requestHandler as unknown as {
    configProvider: Promise<{ connectionTimeout?: number; requestTimeout?: number }>;
  };
  const options = await handler.configProvider;
  return {
    maxAttempts: await client.config.maxAttempts(),
    connectionTimeoutMs: options.connectionTimeout,
    requestTimeoutMs: options.requestTimeout,
  };
}

describe('AWS SDK call budgets', () => {
  it('fails a short call well before the shortest function timeout', () => {
    const shortest = Math.min(
      ...FUNCTION_CATALOG.flatMap((fn) => (fn.timeoutSeconds === undefined ? [] : [fn.timeoutSeconds])),
    );
    expect(shortest).toBe(10);
    // 7 s of 10: the 3 s left answer the webhook's 503 (or release a claim) before the timeout.
    expect(worstCaseMs(SHORT_CALL_BUDGET)).toBeLessThanOrEqual(shortest * 1000 * 0.7);
  });

  it.each([
    ['EventBridge', eventBridge],
    ['DynamoDB', dynamo],
    ['Secrets Manager', secretsManager],
  ] as const)('builds the %s client with the budget', async (_name, client) => {
    expect(await budgetOf(client() as ReturnType<typeof eventBridge>)).toEqual({
      maxAttempts: SHORT_CALL_BUDGET.maxAttempts,
      connectionTimeoutMs: SHORT_CALL_BUDGET.connectionTimeoutMs,
      requestTimeoutMs: SHORT_CALL_BUDGET.requestTimeoutMs,
    });
  });
});
