import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IntegrationExceptionStore } from '../../../adapters/aws/integration-exceptions';
import type { IntegrationException } from '../../../canonical/generated/types';
import { validateIntegrationException } from '../../../canonical/generated/validators';
import type { AgedIntegrationException } from '../../../domain/integration-exceptions';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { apiEvent, expectJson, expectProblem, startApiEnvironment, type ApiHandler } from './support';

let dynamo: LocalDynamo;
let handler: ApiHandler;

function exception(overrides: Partial<IntegrationException>): IntegrationException {
  return {
    exceptionId: 'IX-1',
    category: 'TECHNICAL',
    code: 'ERP_UNAVAILABLE',
    message: 'The ERP did not answer.',
    status: 'OPEN',
    objectType: 'PurchaseOrder',
    objectId: 'PO-1',
    system: 'erp',
    raisedAt: '2026-11-27T11:00:00.000Z',
    ...overrides,
  };
}

beforeAll(async () => {
  dynamo = await startApiEnvironment('exceptions-list-api');
  const store = new IntegrationExceptionStore(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.integrationExceptions,
    () => new Date('2026-11-27T12:00:00Z'),
  );
  await store.record(exception({ exceptionId: 'IX-NEW', raisedAt: '2026-11-27T11:59:30Z' }));
  await store.record(exception({ exceptionId: 'IX-OLD', raisedAt: '2026-11-26T12:00:00Z' }));
  await store.record(exception({ exceptionId: 'IX-MID', raisedAt: '2026-11-27T10:00:00Z' }));
  await store.record(exception({ exceptionId: 'IX-DONE', raisedAt: '2026-11-27T08:00:00Z' }));
  await store.markEscalated('IX-OLD', '2026-11-27T12:00:00.000Z');
  await store.resolve('IX-DONE', { resolvedBy: 'ops.anna', reason: 'ERP back' });
  ({ handler } = await import('../../../functions/api/integration-exceptions-list'));
});
afterAll(async () => dynamo.stop());
afterEach(() => vi.useRealTimers());

type Page = { items: AgedIntegrationException[]; nextToken?: string };
const list = (query: Record<string, string> = {}) =>
  handler(apiEvent({ path: '/v1/integration-exceptions', query }));

describe('GET /v1/integration-exceptions', () => {
  it('200: OPEN ones oldest first, with their age, age bucket and escalation, nothing else added', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T12:00:00Z'));
    const page = expectJson<Page>(await list({ status: 'OPEN' }), 200);
    expect(
      page.items.map((item) => [item.exceptionId, item.ageSeconds, item.ageBucket, item.escalatedAt]),
    ).toEqual([
      ['IX-OLD', 86_400, 'over-24h', '2026-11-27T12:00:00.000Z'],
      ['IX-MID', 7_200, '1h-4h', undefined],
      ['IX-NEW', 30, 'under-1h', undefined],
    ]);
    expect(page.nextToken).toBeUndefined();
    for (const { ageSeconds, ageBucket, escalatedAt: _escalatedAt, ...item } of page.items) {
      expect(ageSeconds).toBeTypeOf('number');
      expect(ageBucket).toBeTypeOf('string');
      expect(validateIntegrationException(item)).toMatchObject({ ok: true });
    }

    vi.setSystemTime(new Date('2026-11-27T12:01:00Z'));
    const later = expectJson<Page>(await list({ status: 'OPEN' }), 200);
    expect(later.items.map((item) => item.ageSeconds)).toEqual([86_460, 7_260, 90]);
  });

  it('200: RESOLVED ones with the age they had when resolved', async () => {
    const page = expectJson<Page>(await list({ status: 'RESOLVED' }), 200);
    expect(page.items).toEqual([
      expect.objectContaining({ exceptionId: 'IX-DONE', resolution: 'ERP back', ageSeconds: 4 * 3600 }),
    ]);
  });

  it('200: without a status, OPEN first then RESOLVED, paged by limit and nextToken', async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = expectJson<Page>(await list({ limit: '2', ...(nextToken ? { nextToken } : {}) }), 200);
      seen.push(...page.items.map((item) => item.exceptionId));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual(['IX-OLD', 'IX-MID', 'IX-NEW', 'IX-DONE']);
  });

  it('400 for another status, a bad limit or a forged nextToken', async () => {
    expect(expectProblem(await list({ status: 'CLOSED' }), 400, 'invalid-query').detail).toContain(
      'OPEN, RESOLVED',
    );
    expectProblem(await list({ status: 'open' }), 400, 'invalid-query');
    expectProblem(await list({ limit: '0' }), 400, 'invalid-query');
    expectProblem(await list({ limit: 'ten' }), 400, 'invalid-query');
    expectProblem(await list({ limit: '1001' }), 400, 'invalid-query');
    expectProblem(await list({ nextToken: 'forged' }), 400, 'invalid-query');
  });
});
