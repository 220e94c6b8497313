/**
 * The read store on the local DynamoDB (dynalite, the table as application/resources.ts declares
 * it): single flight across store instances (as across Lambda instances), fills only by the lease
 * holder, invalidation, and the lists' order, filters and position.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbReadStore } from '../../../adapters/aws/read-store';
import { readThrough, type Fill } from '../../../domain/system-apis/read-through';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

let dynamo: LocalDynamo;
let documents: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'readstore' });
  documents = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => dynamo.stop());

const store = () => new DynamoDbReadStore(documents, dynamo.tableNames.systemReadStore);
const POLICY = { maxStalenessMs: 60_000, leaseMs: 10_000, waitMs: 5_000, pollMs: 5 };
const ports = () => ({
  store: store(),
  now: Date.now,
  newId: () => crypto.randomUUID(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
});

describe('DynamoDbReadStore', () => {
  it('lets one of 200 simultaneous callers on 4 store instances fill a cold view; the others read its fill', async () => {
    let reads = 0;
    const read = async (): Promise<Fill> => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { body: { itemCode: 'SKU-STAMPEDE', name: 'Cola' }, filters: { status: 'ACTIVE' } };
    };
    const instances = Array.from({ length: 4 }, ports);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        readThrough('item', 'SKU-STAMPEDE', read, POLICY, instances[i % 4]!),
      ),
    );
    expect(reads).toBe(1);
    expect(new Set(results.map((result) => result.stored.etag)).size).toBe(1);
    expect(results.filter((result) => result.served === 'filled')).toHaveLength(1);
  });

  it('refuses a second live lease, takes an expired one, and keeps a fill from a filler that lost its lease', async () => {
    const s = store();
    const now = Date.now();
    expect(await s.takeLease('item', 'SKU-LEASE', 'a', now + 1000, now)).toBe(true);
    expect(await s.takeLease('item', 'SKU-LEASE', 'b', now + 1000, now)).toBe(false);
    expect(await s.takeLease('item', 'SKU-LEASE', 'b', now + 3000, now + 1000)).toBe(true);
    const view = (name: string) => ({
      view: 'item' as const,
      id: 'SKU-LEASE',
      body: { name },
      etag: `"${name}"`,
      asOf: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      filters: {},
    });
    await s.fill(view('late'), 'a');
    expect((await s.get('item', 'SKU-LEASE')).stored).toBeUndefined();
    await s.fill(view('owner'), 'b');
    const entry = await s.get('item', 'SKU-LEASE');
    expect(entry.stored?.body).toEqual({ name: 'owner' });
    expect(entry.leaseUntil).toBeUndefined();
  });

  it('marks a held view invalidated, never back in time, and ignores views it does not hold', async () => {
    const s = store();
    await readThrough('item', 'SKU-INV', async () => ({ body: { n: 1 } }), POLICY, ports());
    await s.invalidate('item', 'SKU-INV', '2026-12-05T06:00:00.000Z');
    await s.invalidate('item', 'SKU-INV', '2026-12-05T05:00:00.000Z');
    expect((await s.get('item', 'SKU-INV')).stored?.invalidatedAt).toBe('2026-12-05T06:00:00.000Z');
    await s.invalidate('item', 'SKU-NEVER-READ', '2026-12-05T06:00:00.000Z');
    expect(await s.get('item', 'SKU-NEVER-READ')).toEqual({});
  });

  it('lists known views in updatedAt#id order after a position, by filter, without unknown ones', async () => {
    const s = store();
    const fill = (id: string, at: string, status: string | null) =>
      s.fill(
        {
          view: 'supplier',
          id,
          body: status === null ? null : { id, status },
          etag: `"${id}"`,
          asOf: at,
          updatedAt: at,
          filters: status === null ? {} : { status },
        },
        'nobody',
      );
    await fill('S-3', '2026-12-05T05:00:03.000Z', 'APPROVED');
    await fill('S-1', '2026-12-05T05:00:01.000Z', 'APPROVED');
    await fill('S-2', '2026-12-05T05:00:02.000Z', 'BLOCKED');
    await fill('S-0', '2026-12-05T05:00:00.000Z', null);
    const all = await s.list({ view: 'supplier', filters: {}, limit: 10 });
    expect(all.views.map((view) => view.id)).toEqual(['S-1', 'S-2', 'S-3']);
    expect(all.last).toBeUndefined();
    const first = await s.list({ view: 'supplier', filters: { status: 'APPROVED' }, limit: 1 });
    expect(first.views.map((view) => view.id)).toEqual(['S-1']);
    const next = await s.list({
      view: 'supplier',
      filters: { status: 'APPROVED' },
      limit: 1,
      after: first.last!,
    });
    expect(next.views.map((view) => view.id)).toEqual(['S-3']);
    const since = await s.list({
      view: 'supplier',
      filters: {},
      limit: 10,
      after: '2026-12-05T05:00:02.000Z#',
    });
    expect(since.views.map((view) => view.id)).toEqual(['S-2', 'S-3']);
  });
});
