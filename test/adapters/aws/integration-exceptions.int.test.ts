import { DeleteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  IntegrationExceptionStore,
  InvalidPageToken,
  recordFromEvent,
} from '../../../adapters/aws/integration-exceptions';
import { buildEvent } from '../../../canonical/envelope';
import { validateIntegrationException } from '../../../canonical/generated/validators';
import {
  IntegrationExceptionAlreadyResolved,
  IntegrationExceptionNotFound,
} from '../../../domain/integration-exceptions';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { integrationException } from '../../fixtures/integration-exceptions';

let dynamo: LocalDynamo;
let docs: DynamoDBDocumentClient;
let store: IntegrationExceptionStore;
let clock = new Date('2026-11-27T12:00:00.000Z');

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'exceptions-store' });
  docs = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => dynamo.stop());

// Each test starts from an empty table (list and stats read all of it).
beforeEach(async () => {
  const tableName = dynamo.tableNames.integrationExceptions;
  const { Items = [] } = await docs.send(new ScanCommand({ TableName: tableName }));
  for (const item of Items)
    await docs.send(new DeleteCommand({ TableName: tableName, Key: { exceptionId: item.exceptionId } }));
  clock = new Date('2026-11-27T12:00:00.000Z');
  store = new IntegrationExceptionStore(docs, tableName, () => clock);
});

const exception = integrationException;

let ids = 0;
const context = {
  now: () => clock,
  newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
};
const facts = (exceptionId: string) => ({
  sourceObjectId: exceptionId,
  sourceVersion: 1,
  occurredAt: '2026-11-27T11:00:00Z',
  correlationId: 'flow-1',
  idempotencyKey: `integration-exception:${exceptionId}:raised`,
  tenantId: 'acme',
});

describe('integration exception store on the local DynamoDB', () => {
  it('records a raised exception once however often it arrives', async () => {
    expect(await store.record(exception())).toBe('recorded');
    expect(await store.record(exception({ message: 'a second delivery' }))).toBe('duplicate');
    const stored = await store.get('IX-1');
    expect(stored?.message).toBe('Supplier S-100 is on hold in procurement.');
    expect(validateIntegrationException(stored).ok).toBe(true);
    expect((await store.list({ status: 'OPEN' })).items).toHaveLength(1);
  });

  it('answers undefined for an unknown id', async () => {
    expect(await store.get('IX-NONE')).toBeUndefined();
  });

  it('lists by status oldest first with ages from the clock, and OPEN before RESOLVED without a status', async () => {
    await store.record(exception({ exceptionId: 'IX-NEW', raisedAt: '2026-11-27T11:59:00Z' }));
    await store.record(exception({ exceptionId: 'IX-OLD', raisedAt: '2026-11-26T12:00:00Z' }));
    // An offset time is normalised, so it sorts by instant (10:30Z), not by text.
    await store.record(exception({ exceptionId: 'IX-MID', raisedAt: '2026-11-27T11:30:00+01:00' }));
    await store.record(exception({ exceptionId: 'IX-DONE', raisedAt: '2026-11-25T00:00:00Z' }));
    await store.resolve('IX-DONE', { resolvedBy: 'ops.anna', reason: 'supplier released' });

    const open = await store.list({ status: 'OPEN' });
    expect(open.items.map((item) => [item.exceptionId, item.ageSeconds])).toEqual([
      ['IX-OLD', 86_400],
      ['IX-MID', 5_400],
      ['IX-NEW', 60],
    ]);
    expect(open.nextToken).toBeUndefined();

    const all = await store.list();
    expect(all.items.map((item) => item.exceptionId)).toEqual(['IX-OLD', 'IX-MID', 'IX-NEW', 'IX-DONE']);
    // A resolved one keeps the age it had when resolved: 2.5 days open.
    expect(all.items[3]).toMatchObject({ status: 'RESOLVED', ageSeconds: 216_000 });

    clock = new Date('2026-11-27T13:00:00.000Z');
    expect((await store.list({ status: 'OPEN' })).items.map((item) => item.ageSeconds)).toEqual([
      90_000, 9_000, 3_660,
    ]);
    // The age is an answer, never stored.
    expect(await store.get('IX-OLD')).not.toHaveProperty('ageSeconds');
  });

  it('pages through the list with nextToken, across the OPEN and RESOLVED partitions', async () => {
    for (let n = 1; n <= 5; n++)
      await store.record(exception({ exceptionId: `IX-${n}`, raisedAt: `2026-11-27T0${n}:00:00Z` }));
    await store.resolve('IX-1', { resolvedBy: 'ops.anna', reason: 'fixed' });
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await store.list({ limit: 2, ...(nextToken ? { nextToken } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.exceptionId));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 10);
    expect(seen).toEqual(['IX-2', 'IX-3', 'IX-4', 'IX-5', 'IX-1']);
    await expect(store.list({ nextToken: 'not-a-token' })).rejects.toBeInstanceOf(InvalidPageToken);
    const openPage = await store.list({ status: 'OPEN', limit: 1 });
    await expect(store.list({ status: 'RESOLVED', nextToken: openPage.nextToken! })).rejects.toBeInstanceOf(
      InvalidPageToken,
    );
  });

  it('resolves once with reason and resolver; a second resolution is refused and changes nothing', async () => {
    await store.record(exception(), { correlationId: 'flow-1', tenantId: 'acme' });
    clock = new Date('2026-11-27T12:30:00.000Z');
    const resolved = await store.resolve('IX-1', { resolvedBy: 'ops.anna', reason: 'supplier released' });
    expect(resolved).toMatchObject({
      exception: {
        status: 'RESOLVED',
        resolvedAt: '2026-11-27T12:30:00.000Z',
        resolution: 'supplier released',
      },
      resolvedBy: 'ops.anna',
      correlationId: 'flow-1',
      tenantId: 'acme',
    });
    expect(validateIntegrationException(resolved.exception).ok).toBe(true);

    clock = new Date('2026-11-27T13:00:00.000Z');
    const second = store.resolve('IX-1', { resolvedBy: 'ops.ben', reason: 'other' });
    await expect(second).rejects.toBeInstanceOf(IntegrationExceptionAlreadyResolved);
    expect(await store.getStored('IX-1')).toMatchObject({
      exception: { resolution: 'supplier released', resolvedAt: '2026-11-27T12:30:00.000Z' },
      resolvedBy: 'ops.anna',
    });
    await expect(store.resolve('IX-NONE', { resolvedBy: 'a', reason: 'b' })).rejects.toBeInstanceOf(
      IntegrationExceptionNotFound,
    );
  });

  it('two concurrent resolutions: exactly one wins', async () => {
    await store.record(exception());
    const outcomes = await Promise.allSettled([
      store.resolve('IX-1', { resolvedBy: 'ops.anna', reason: 'a' }),
      store.resolve('IX-1', { resolvedBy: 'ops.ben', reason: 'b' }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(IntegrationExceptionAlreadyResolved);
  });

  it('undoes only its own resolution', async () => {
    await store.record(exception());
    const { exception: resolved } = await store.resolve('IX-1', { resolvedBy: 'ops.anna', reason: 'a' });
    await store.undoResolution('IX-1', '2020-01-01T00:00:00.000Z');
    expect((await store.get('IX-1'))?.status).toBe('RESOLVED');
    await store.undoResolution('IX-1', resolved.resolvedAt);
    expect(await store.get('IX-1')).toMatchObject({ status: 'OPEN', resolvedAt: null, resolution: null });
    expect((await store.getStored('IX-1'))?.resolvedBy).toBeUndefined();
  });

  it('lists the open exceptions of one object', async () => {
    await store.record(exception({ exceptionId: 'IX-A', objectId: 'PO-1' }));
    await store.record(exception({ exceptionId: 'IX-B', objectId: 'PO-2' }));
    await store.record(exception({ exceptionId: 'IX-C', objectId: 'PO-1', objectType: 'SourcingRequest' }));
    await store.record(
      exception({ exceptionId: 'IX-D', objectId: 'PO-1', raisedAt: '2026-11-27T10:00:00Z' }),
    );
    await store.record(exception({ exceptionId: 'IX-E', objectId: 'PO-1' }));
    await store.resolve('IX-E', { resolvedBy: 'ops.anna', reason: 'done' });
    const open = await store.openFor({ objectType: 'PurchaseOrder', objectId: 'PO-1' });
    expect(open.map((item) => item.exceptionId)).toEqual(['IX-D', 'IX-A']);
    expect(await store.openFor({ objectType: 'PurchaseOrder', objectId: 'PO-9' })).toEqual([]);
  });

  it('computes the open count and the oldest open age for the dashboard', async () => {
    expect(await store.openStats()).toEqual({ openCount: 0, oldestAgeSeconds: 0 });
    await store.record(exception({ exceptionId: 'IX-1', raisedAt: '2026-11-27T11:00:00Z' }));
    await store.record(exception({ exceptionId: 'IX-2', raisedAt: '2026-11-27T09:00:00Z' }));
    await store.record(exception({ exceptionId: 'IX-3', raisedAt: '2026-11-26T00:00:00Z' }));
    await store.resolve('IX-3', { resolvedBy: 'ops.anna', reason: 'done' });
    expect(await store.openStats()).toEqual({ openCount: 2, oldestAgeSeconds: 3 * 3600 });
  });
});

describe('escalation marks on the local DynamoDB', () => {
  it('marks an open exception escalated once, and lists it with the mark', async () => {
    await store.record(exception({ exceptionId: 'IX-OLD', raisedAt: '2026-11-26T10:00:00.000Z' }));
    await store.record(exception({ exceptionId: 'IX-NEW' }), { correlationId: 'flow-1', tenantId: 'acme' });

    expect(await store.markEscalated('IX-OLD', '2026-11-27T12:00:00.000Z')).toBe(true);
    expect(await store.markEscalated('IX-OLD', '2026-11-27T12:15:00.000Z')).toBe(false);

    const open = [];
    for await (const item of store.openExceptions()) open.push(item);
    expect(open.map((item) => [item.exception.exceptionId, item.escalatedAt, item.correlationId])).toEqual([
      ['IX-OLD', '2026-11-27T12:00:00.000Z', undefined],
      ['IX-NEW', undefined, 'flow-1'],
    ]);
    expect((await store.list({ status: 'OPEN' })).items[0]).toMatchObject({
      exceptionId: 'IX-OLD',
      escalatedAt: '2026-11-27T12:00:00.000Z',
      ageBucket: 'over-24h',
    });
  });

  it('does not mark a resolved exception, and keeps the mark through a resolution', async () => {
    await store.record(exception({ exceptionId: 'IX-DONE' }));
    await store.resolve('IX-DONE', { reason: 'fixed', resolvedBy: 'ava' });
    expect(await store.markEscalated('IX-DONE', '2026-11-27T12:00:00.000Z')).toBe(false);

    await store.record(exception({ exceptionId: 'IX-ESC' }));
    await store.markEscalated('IX-ESC', '2026-11-27T12:00:00.000Z');
    await store.resolve('IX-ESC', { reason: 'fixed', resolvedBy: 'ava' });
    expect(
      (await store.list({ status: 'RESOLVED' })).items.find((item) => item.exceptionId === 'IX-ESC'),
    ).toMatchObject({ escalatedAt: '2026-11-27T12:00:00.000Z' });
  });

  it('takes back only the mark it made', async () => {
    await store.record(exception({ exceptionId: 'IX-1' }));
    await store.markEscalated('IX-1', '2026-11-27T12:00:00.000Z');
    await store.undoEscalation('IX-1', '2026-11-27T11:00:00.000Z');
    expect((await store.getStored('IX-1'))?.escalatedAt).toBe('2026-11-27T12:00:00.000Z');
    await store.undoEscalation('IX-1', '2026-11-27T12:00:00.000Z');
    expect((await store.getStored('IX-1'))?.escalatedAt).toBeUndefined();
    expect(await store.markEscalated('IX-1', '2026-11-27T12:15:00.000Z')).toBe(true);
  });
});

describe('recording integration exception events', () => {
  it('records a raise once and applies a resolution made elsewhere, in any order', async () => {
    const raised = buildEvent('integration-exception.raised', exception(), facts('IX-1'), context);
    expect(await recordFromEvent(raised, store)).toBe('recorded');
    expect(await recordFromEvent(raised, store)).toBe('duplicate');

    const resolvedData = exception({
      status: 'RESOLVED',
      resolvedAt: '2026-11-27T11:45:00Z',
      resolution: 'cancelled by the workflow',
    });
    const resolved = buildEvent('integration-exception.resolved', resolvedData, facts('IX-1'), context);
    expect(await recordFromEvent(resolved, store)).toBe('recorded');
    expect(await recordFromEvent(resolved, store)).toBe('duplicate');
    expect(await store.get('IX-1')).toMatchObject({
      status: 'RESOLVED',
      resolvedAt: '2026-11-27T11:45:00.000Z',
      resolution: 'cancelled by the workflow',
    });

    // A resolution that overtakes its raise: the late raise does not reopen it.
    const lateResolved = buildEvent(
      'integration-exception.resolved',
      { ...resolvedData, exceptionId: 'IX-2' },
      facts('IX-2'),
      context,
    );
    const lateRaised = buildEvent(
      'integration-exception.raised',
      exception({ exceptionId: 'IX-2' }),
      facts('IX-2'),
      context,
    );
    expect(await recordFromEvent(lateResolved, store)).toBe('recorded');
    expect(await recordFromEvent(lateRaised, store)).toBe('duplicate');
    expect((await store.get('IX-2'))?.status).toBe('RESOLVED');
    expect(await store.getStored('IX-2')).toMatchObject({ correlationId: 'flow-1', tenantId: 'acme' });
  });

  it('a resolution this API made itself comes back as a duplicate', async () => {
    await store.record(exception());
    const { exception: resolved } = await store.resolve('IX-1', { resolvedBy: 'ops.anna', reason: 'fixed' });
    const event = buildEvent('integration-exception.resolved', resolved, facts('IX-1'), context);
    expect(await recordFromEvent(event, store)).toBe('duplicate');
    expect((await store.getStored('IX-1'))?.resolvedBy).toBe('ops.anna');
  });

  it('refuses an event of another type', async () => {
    const other = { ...buildEvent('integration-exception.raised', exception(), facts('IX-1'), context) };
    (other as { eventType: string }).eventType = 'item.updated';
    await expect(recordFromEvent(other, store)).rejects.toThrow(/not an integration exception event/);
  });
});
