/**
 * The system APIs' read-through (domain/system-apis/read-through.ts): freshness, entity tags and
 * single flight across callers that share only the store, as Lambda instances do.
 */
import { describe, expect, it } from 'vitest';
import { TransientFailure } from '../../../domain/failures';
import {
  entityTag,
  isFresh,
  readThrough,
  type Fill,
  type FreshnessPolicy,
} from '../../../domain/system-apis/read-through';
import { clockedPorts, MemoryReadStore } from '../../support/memory-read-store';

const POLICY: FreshnessPolicy = { maxStalenessMs: 60_000, leaseMs: 10_000, waitMs: 5_000, pollMs: 10 };
const T0 = Date.parse('2026-12-05T05:00:00.000Z');

/** Ports on a shared store and a clock the test moves; sleeping advances the clock. */
const harness = (store = new MemoryReadStore()) => clockedPorts(store, T0);

const item = (name: string): Fill => ({ body: { itemCode: 'SKU-1', name }, filters: { status: 'ACTIVE' } });

describe('readThrough', () => {
  it('fills a miss once and answers the next read from the store', async () => {
    // Prepare
    const { ports } = harness();
    let calls = 0;
    const read = async () => (calls++, item('Widget'));
    // Act
    const first = await readThrough('item', 'SKU-1', read, POLICY, ports);
    const second = await readThrough('item', 'SKU-1', read, POLICY, ports);
    // Assess
    expect(calls).toBe(1);
    expect(first.served).toBe('filled');
    expect(second.served).toBe('store');
    expect(second.stored).toMatchObject({ body: { name: 'Widget' }, asOf: new Date(T0).toISOString() });
  });

  it('reads the systems of record again once the view is older than its maximum staleness', async () => {
    const { ports, advance } = harness();
    let calls = 0;
    const read = async () => (calls++, item('Widget'));
    await readThrough('item', 'SKU-1', read, POLICY, ports);
    advance(POLICY.maxStalenessMs);
    expect((await readThrough('item', 'SKU-1', read, POLICY, ports)).served).toBe('store');
    advance(1);
    const refreshed = await readThrough('item', 'SKU-1', read, POLICY, ports);
    expect(calls).toBe(2);
    expect(refreshed.served).toBe('filled');
  });

  it('keeps updatedAt and the entity tag when a refill finds the same content, and moves both when it changed', async () => {
    const { ports, advance } = harness();
    let name = 'Widget';
    const read = async () => item(name);
    const first = await readThrough('item', 'SKU-1', read, POLICY, ports);
    advance(POLICY.maxStalenessMs + 1);
    const same = await readThrough('item', 'SKU-1', read, POLICY, ports);
    expect(same.stored.updatedAt).toBe(first.stored.updatedAt);
    expect(same.stored.etag).toBe(first.stored.etag);
    expect(same.stored.asOf).not.toBe(first.stored.asOf);
    name = 'Widget, blue';
    advance(POLICY.maxStalenessMs + 1);
    const changed = await readThrough('item', 'SKU-1', read, POLICY, ports);
    expect(changed.stored.updatedAt).toBe(changed.stored.asOf);
    expect(changed.stored.etag).not.toBe(first.stored.etag);
  });

  it('reads again after an event invalidated the view, however fresh it was', async () => {
    const { ports, store, advance } = harness();
    let calls = 0;
    const read = async () => (calls++, item('Widget'));
    await readThrough('item', 'SKU-1', read, POLICY, ports);
    advance(1000);
    await store.invalidate('item', 'SKU-1', new Date(T0 + 1000).toISOString());
    expect((await readThrough('item', 'SKU-1', read, POLICY, ports)).served).toBe('filled');
    expect(calls).toBe(2);
  });

  it('makes one read of the systems of record for 200 simultaneous callers of a cold view', async () => {
    // Prepare: each caller has its own owner id, as separate instances would; only the store is shared.
    const { ports } = harness();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = async () => {
      calls++;
      await gate;
      return item('Widget');
    };
    // Act
    const answers = Promise.all(
      Array.from({ length: 200 }, () => readThrough('item', 'SKU-1', read, POLICY, ports)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const results = await answers;
    // Assess
    expect(calls).toBe(1);
    expect(results.filter((result) => result.served === 'filled')).toHaveLength(1);
    expect(new Set(results.map((result) => result.stored.etag)).size).toBe(1);
    expect(results.every((result) => result.stored.body?.name === 'Widget')).toBe(true);
  });

  it('takes over the lease of a filler that died, once the lease ran out', async () => {
    const { ports, store, advance } = harness();
    expect(await store.takeLease('item', 'SKU-1', 'dead-instance', T0 + POLICY.leaseMs, T0)).toBe(true);
    let calls = 0;
    const pending = readThrough(
      'item',
      'SKU-1',
      async () => (calls++, item('Widget')),
      { ...POLICY, waitMs: 60_000 },
      ports,
    );
    const result = await pending;
    expect(calls).toBe(1);
    expect(result.served).toBe('filled');
    advance(0);
  });

  it('answers the stale view when the refill fails, and fails when there is none', async () => {
    const { ports, advance } = harness();
    await readThrough('item', 'SKU-1', async () => item('Widget'), POLICY, ports);
    advance(POLICY.maxStalenessMs + 1);
    const down = async (): Promise<Fill> => {
      throw new TransientFailure('ERP down', 'erp');
    };
    const stale = await readThrough('item', 'SKU-1', down, POLICY, ports);
    expect(stale.served).toBe('stale');
    expect(stale.stored.body?.name).toBe('Widget');
    await expect(readThrough('item', 'SKU-2', down, POLICY, ports)).rejects.toBeInstanceOf(TransientFailure);
    // The failed fill released its lease: the next caller reads at once.
    expect((await readThrough('item', 'SKU-2', async () => item('Gadget'), POLICY, ports)).served).toBe(
      'filled',
    );
  });

  it('gives up waiting for another caller’s fill after waitMs with a transient failure', async () => {
    const { ports, store } = harness();
    await store.takeLease('item', 'SKU-1', 'slow-instance', T0 + 60_000, T0);
    await expect(
      readThrough('item', 'SKU-1', async () => item('Widget'), POLICY, ports),
    ).rejects.toBeInstanceOf(TransientFailure);
  });

  it('keeps an unknown id as an answer (body null), so asking again costs no read', async () => {
    const { ports } = harness();
    let calls = 0;
    const read = async (): Promise<Fill> => (calls++, { body: null });
    await readThrough('item', 'NOPE', read, POLICY, ports);
    const again = await readThrough('item', 'NOPE', read, POLICY, ports);
    expect(calls).toBe(1);
    expect(again.stored.body).toBeNull();
  });
});

describe('entityTag and isFresh', () => {
  it('tags equal content equally whatever the key order, and different content differently', () => {
    expect(entityTag({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(entityTag({ b: { d: [1, 2], c: 2 }, a: 1 }));
    expect(entityTag({ a: 1 })).not.toBe(entityTag({ a: 2 }));
    expect(entityTag({ a: 1 })).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('is fresh up to the maximum staleness and not after an invalidation at or after asOf', () => {
    const stored = {
      view: 'item' as const,
      id: 'SKU-1',
      body: {},
      etag: '"x"',
      asOf: new Date(T0).toISOString(),
      updatedAt: new Date(T0).toISOString(),
      filters: {},
    };
    expect(isFresh(stored, T0 + 60_000, POLICY)).toBe(true);
    expect(isFresh(stored, T0 + 60_001, POLICY)).toBe(false);
    expect(isFresh({ ...stored, invalidatedAt: new Date(T0 - 1).toISOString() }, T0, POLICY)).toBe(true);
    expect(isFresh({ ...stored, invalidatedAt: new Date(T0).toISOString() }, T0, POLICY)).toBe(false);
  });
});
