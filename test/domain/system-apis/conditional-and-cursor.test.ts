/** Conditional reads (If-None-Match, Cache-Control) and list cursors of the system APIs. */
import { describe, expect, it } from 'vitest';
import { cacheControl, ifNoneMatchMatches, oldestAsOf } from '../../../domain/system-apis/conditional';
import { decodeCursor, encodeCursor, listPosition } from '../../../domain/system-apis/cursor';
import { inventoryBalanceId, viewsChangedBy } from '../../../domain/system-apis/invalidation';
import type { StoredView } from '../../../domain/ports/read-store';

const view = (asOf: string): StoredView => ({
  view: 'item',
  id: 'SKU-1',
  body: {},
  etag: '"abc"',
  asOf,
  updatedAt: asOf,
  filters: {},
});

describe('If-None-Match', () => {
  it('matches the tag, weakly, in a list, or *; nothing else', () => {
    expect(ifNoneMatchMatches('"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('"x", "abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('*', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('"abd"', '"abc"')).toBe(false);
    expect(ifNoneMatchMatches('abc', '"abc"')).toBe(false);
    expect(ifNoneMatchMatches(undefined, '"abc"')).toBe(false);
  });
});

describe('Cache-Control', () => {
  it('lets a client reuse an answer for what is left of its freshness, never less than 0', () => {
    const asOf = '2026-12-05T05:00:00.000Z';
    const now = Date.parse(asOf) + 20_000;
    expect(cacheControl(view(asOf), now, { maxStalenessMs: 60_000 })).toBe('private, max-age=40');
    expect(cacheControl(view(asOf), now + 60_000, { maxStalenessMs: 60_000 })).toBe('private, max-age=0');
    expect(oldestAsOf([view('2026-12-05T05:00:02Z'), view(asOf)], '2026-12-06T00:00:00Z')).toBe(asOf);
  });
});

describe('cursor', () => {
  const position = listPosition('2026-12-05T05:00:00.000Z', 'SKU-1');

  it('round-trips a position for the same list and filters', () => {
    const cursor = encodeCursor('item', { status: 'ACTIVE' }, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('item', { status: 'ACTIVE' }, cursor)).toBe(position);
  });

  it('refuses a cursor of another list, other filters, or a forged or garbled one', () => {
    const cursor = encodeCursor('item', { status: 'ACTIVE' }, position);
    expect(decodeCursor('supplier', { status: 'ACTIVE' }, cursor)).toBeNull();
    expect(decodeCursor('item', { status: 'INACTIVE' }, cursor)).toBeNull();
    expect(decodeCursor('item', {}, 'not-a-cursor')).toBeNull();
    expect(decodeCursor('item', {}, 'a'.repeat(600))).toBeNull();
    const forged = Buffer.from(JSON.stringify({ s: 'x', p: "' OR 1=1" })).toString('base64url');
    expect(decodeCursor('item', {}, forged)).toBeNull();
  });
});

describe('viewsChangedBy', () => {
  it('names the views each event changes', () => {
    expect(viewsChangedBy({ eventType: 'item.updated', data: { itemCode: 'SKU-1' } })).toEqual([
      { view: 'item', id: 'SKU-1' },
    ]);
    expect(viewsChangedBy({ eventType: 'purchase-order.changed', data: { poNumber: 'PO-1' } })).toEqual([
      { view: 'purchase-order', id: 'PO-1' },
    ]);
    expect(
      viewsChangedBy({
        eventType: 'receipt.posted',
        data: { warehouseCode: 'WH1', lines: [{ itemCode: 'A' }, { itemCode: 'A' }, { itemCode: 'B' }] },
      }),
    ).toEqual([
      { view: 'inventory-balance', id: inventoryBalanceId('A', 'WH1') },
      { view: 'inventory-balance', id: 'B@WH1' },
    ]);
  });
});
