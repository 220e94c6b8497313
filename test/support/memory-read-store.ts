/**
 * An in-memory ReadStore with the DynamoDB adapter's semantics (conditional lease, fill only by
 * the lease owner, sparse list in `updatedAt#id` order), for the domain's read-through tests.
 */
import type { ReadStore, StoredView, SystemView, ViewQuery } from '../../domain/ports/read-store';
import type { ReadThroughPorts } from '../../domain/system-apis/read-through';
import { listPosition } from '../../domain/system-apis/cursor';

interface Entry {
  stored?: StoredView;
  leaseOwner?: string;
  leaseUntil?: number;
}

export class MemoryReadStore implements ReadStore {
  readonly entries = new Map<string, Entry>();
  private entry(view: SystemView, id: string): Entry {
    const key = `${view}#${id}`;
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = {}));
    return entry;
  }
  async get(view: SystemView, id: string) {
    await Promise.resolve();
    const { stored, leaseUntil } = this.entry(view, id);
    return {
      ...(stored ? { stored: { ...stored } } : {}),
      ...(leaseUntil !== undefined ? { leaseUntil } : {}),
    };
  }
  async takeLease(view: SystemView, id: string, owner: string, untilMs: number, nowMs: number) {
    await Promise.resolve();
    const entry = this.entry(view, id);
    if (entry.leaseUntil !== undefined && entry.leaseUntil > nowMs) return false;
    entry.leaseOwner = owner;
    entry.leaseUntil = untilMs;
    return true;
  }
  async fill(stored: StoredView, owner: string) {
    await Promise.resolve();
    const entry = this.entry(stored.view, stored.id);
    if (entry.leaseOwner !== undefined && entry.leaseOwner !== owner) return;
    const invalidatedAt = entry.stored?.invalidatedAt;
    entry.stored = { ...stored, ...(invalidatedAt ? { invalidatedAt } : {}) };
    delete entry.leaseOwner;
    delete entry.leaseUntil;
  }
  async release(view: SystemView, id: string, owner: string) {
    await Promise.resolve();
    const entry = this.entry(view, id);
    if (entry.leaseOwner === owner) {
      delete entry.leaseOwner;
      delete entry.leaseUntil;
    }
  }
  async invalidate(view: SystemView, id: string, at: string) {
    await Promise.resolve();
    const { stored } = this.entry(view, id);
    if (stored && (stored.invalidatedAt === undefined || stored.invalidatedAt < at))
      stored.invalidatedAt = at;
  }
  async list(query: ViewQuery) {
    await Promise.resolve();
    const views = [...this.entries.values()]
      .flatMap((entry) =>
        entry.stored && entry.stored.body !== null && entry.stored.view === query.view ? [entry.stored] : [],
      )
      .map((stored) => ({ stored, position: listPosition(stored.updatedAt, stored.id) }))
      .filter(({ position }) => query.after === undefined || position > query.after)
      .filter(({ stored }) =>
        Object.entries(query.filters).every(([name, value]) => stored.filters[name] === value),
      )
      .sort((a, b) => (a.position < b.position ? -1 : 1));
    const page = views.slice(0, query.limit);
    return {
      views: page.map(({ stored }) => stored),
      ...(views.length > query.limit ? { last: page.at(-1)!.position } : {}),
    };
  }
}

/** Read-through ports on a shared store and a clock the test moves from `t0`; sleeping advances it. */
export function clockedPorts(store: MemoryReadStore, t0: number) {
  let now = t0;
  let ids = 0;
  const ports: ReadThroughPorts = {
    store,
    now: () => now,
    newId: () => `owner-${++ids}`,
    sleep: async (ms) => {
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return { store, ports, advance: (ms: number) => (now += ms) };
}
