/**
 * The bounded refresh (domain/system-apis/catalogue.ts): a miss lists the view kind once across
 * callers sharing only the store, so later reads seldom reach the ERP; a complete listing answers
 * unknown ids without a read; a cut listing, an event since the listing or a failed listing leave
 * the per-id read.
 */
import { describe, expect, it } from 'vitest';
import { TransientFailure } from '../../../domain/failures';
import { freshListing, readWithCatalogue, type Catalogue } from '../../../domain/system-apis/catalogue';
import type { Fill, FreshnessPolicy } from '../../../domain/system-apis/read-through';
import { clockedPorts, MemoryReadStore } from '../../support/memory-read-store';

const POLICY: FreshnessPolicy = { maxStalenessMs: 60_000, leaseMs: 10_000, waitMs: 5_000, pollMs: 10 };
const T0 = Date.parse('2026-12-05T05:00:00.000Z');
const CODES = ['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5'];

const item = (code: string): Fill => ({ body: { itemCode: code }, filters: { status: 'ACTIVE' } });

/** A store, a clock the test moves, an ERP listing `codes` whose pages and per-id reads are counted. */
function harness(
  options: { codes?: string[]; pageSize?: number; maxPages?: number; failListing?: boolean } = {},
) {
  const codes = options.codes ?? CODES;
  const { store, ports, advance } = clockedPorts(new MemoryReadStore(), T0);
  const erp = { pages: 0, reads: [] as string[] };
  const catalogue: Catalogue = {
    pageSize: options.pageSize ?? 2,
    maxPages: options.maxPages ?? 10,
    page: async (after, limit) => {
      erp.pages++;
      await new Promise((resolve) => setImmediate(resolve));
      if (options.failListing) throw new TransientFailure('ERP down', 'erp');
      return codes
        .filter((code) => after === undefined || code > after)
        .slice(0, limit)
        .map((id) => ({ id, fill: item(id) }));
    },
  };
  const read = (id: string) =>
    readWithCatalogue(
      'item',
      id,
      async () => {
        erp.reads.push(id);
        return codes.includes(id) ? item(id) : { body: null };
      },
      catalogue,
      POLICY,
      ports,
    );
  return { store, ports, erp, catalogue, read, advance };
}

describe('readWithCatalogue', () => {
  it('lists the kind once on a miss and answers every listed id from the store', async () => {
    const { erp, read } = harness();
    const first = await read('SKU-3');
    expect(first.stored.body).toEqual({ itemCode: 'SKU-3' });
    // 5 items in pages of 2: three pages, no per-id read.
    expect(erp).toEqual({ pages: 3, reads: [] });
    for (const code of CODES) expect((await read(code)).served).toBe('store');
    expect(erp).toEqual({ pages: 3, reads: [] });
  });

  it('answers an id a complete listing did not hold as unknown, without reading the ERP for it', async () => {
    const { store, erp, read } = harness();
    await read('SKU-1');
    const unknown = await read('SKU-NOPE');
    expect(unknown.stored.body).toBeNull();
    expect(unknown.stored.asOf).toBe(new Date(T0).toISOString());
    expect((await read('SKU-NOPE')).stored.body).toBeNull();
    expect(erp.reads).toEqual([]);
    // The listing is the record of its absence: nothing written for it.
    expect((await store.get('item', 'SKU-NOPE')).stored).toBeUndefined();
  });

  it('lists once however many callers miss at once', async () => {
    const { erp, read } = harness();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => read(i % 2 ? CODES[i % 5]! : `SKU-X${i}`)),
    );
    expect(erp).toEqual({ pages: 3, reads: [] });
    expect(answers.filter((answer) => answer.stored.body !== null)).toHaveLength(15);
  });

  it('reads at most maxPages pages, and reads an id the cut listing did not reach per id', async () => {
    const { erp, read } = harness({ maxPages: 1 });
    expect((await read('SKU-1')).stored.body).toEqual({ itemCode: 'SKU-1' });
    expect(erp.pages).toBe(1);
    expect((await read('SKU-5')).stored.body).toEqual({ itemCode: 'SKU-5' });
    expect(erp.reads).toEqual(['SKU-5']);
    // The cut listing proves no absence either.
    expect((await read('SKU-NOPE')).stored.body).toBeNull();
    expect(erp.reads).toEqual(['SKU-5', 'SKU-NOPE']);
  });

  it('lists again only after the kind’s maximum staleness', async () => {
    const { erp, read, advance } = harness();
    await read('SKU-1');
    advance(POLICY.maxStalenessMs);
    await read('SKU-2');
    expect(erp.pages).toBe(3);
    advance(1);
    await read('SKU-2');
    expect(erp).toEqual({ pages: 6, reads: [] });
  });

  it('reads an id per id when an event announced it changed after the listing', async () => {
    const { store, erp, read, advance } = harness();
    await read('SKU-1');
    advance(1000);
    await store.invalidate('item', 'SKU-2', new Date(T0 + 1000).toISOString());
    expect((await read('SKU-2')).served).toBe('filled');
    expect(erp.reads).toEqual(['SKU-2']);
  });

  it('reads per id when the listing fails', async () => {
    const { erp, read } = harness({ failListing: true });
    expect((await read('SKU-4')).stored.body).toEqual({ itemCode: 'SKU-4' });
    expect(erp.reads).toEqual(['SKU-4']);
  });
});

describe('freshListing', () => {
  it('keeps an entity’s updatedAt when a later listing finds the same content', async () => {
    const { store, ports, catalogue, advance } = harness();
    await freshListing('item', catalogue, POLICY, ports);
    advance(POLICY.maxStalenessMs + 1);
    const listing = await freshListing('item', catalogue, POLICY, ports);
    const { stored } = await store.get('item', 'SKU-1');
    expect(stored).toMatchObject({ asOf: listing.asOf, updatedAt: new Date(T0).toISOString() });
    expect(listing.complete).toBe(true);
    // The listing's own entry is in no list.
    const page = await store.list({ view: 'item', filters: {}, limit: 100 });
    expect(page.views.map((view) => view.id)).toEqual(CODES);
  });
});
