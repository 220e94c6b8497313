/**
 * Read-through with single flight (ADR 12): a view is answered from the read store while it is
 * fresh (read within its maximum staleness and not invalidated by an event since); otherwise the
 * one caller that takes the store's fill lease reads the systems of record, and every other caller,
 * in any instance, waits for that fill and reads it. A miss so costs one fill however many ask.
 */
import { createHash } from 'node:crypto';
import { TransientFailure } from '../failures';
import type { ReadStore, StoredView, SystemView } from '../ports/read-store';

/** How long a view may be served, and how a fill is shared. */
export interface FreshnessPolicy {
  /** Oldest `asOf` answered without reading the systems of record again. */
  maxStalenessMs: number;
  /** How long a fill lease holds before another caller may take it over (a filler that died). */
  leaseMs: number;
  /** How long a caller waits for another's fill before it gives up (503, or the stale view). */
  waitMs: number;
  /** How often a waiting caller looks at the store. */
  pollMs: number;
}

/** What the read-through needs. */
export interface ReadThroughPorts {
  store: ReadStore;
  /** Epoch ms. */
  now: () => number;
  newId: () => string;
  sleep: (ms: number) => Promise<void>;
}

/** A view answered, and how: from the store, filled now, or stale because the fill failed. */
export interface ReadResult {
  stored: StoredView;
  served: 'store' | 'filled' | 'waited' | 'stale' | 'listed';
}

/** What a view's fill reads from the systems of record: its canonical body (null: unknown) and filters. */
export interface Fill {
  body: Record<string, unknown> | null;
  filters?: Readonly<Record<string, string>>;
}

/** Strong entity tag of a canonical body: the same content always has the same tag. */
export function entityTag(body: Record<string, unknown> | null): string {
  const digest = createHash('sha256').update(canonicalJson(body)).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

/** JSON with object keys sorted, so equal content serialises equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** Whether the view may be answered at `nowMs` without reading the systems of record. */
export function isFresh(stored: StoredView, nowMs: number, policy: Pick<FreshnessPolicy, 'maxStalenessMs'>) {
  const asOf = Date.parse(stored.asOf);
  if (stored.invalidatedAt !== undefined && Date.parse(stored.invalidatedAt) >= asOf) return false;
  return nowMs - asOf <= policy.maxStalenessMs;
}

/** The view a fill makes: `updatedAt` moves only when the content changed. */
export function filledView(
  view: SystemView,
  id: string,
  fill: Fill,
  asOf: string,
  previous: StoredView | undefined,
): StoredView {
  const etag = entityTag(fill.body);
  return {
    view,
    id,
    body: fill.body,
    etag,
    asOf,
    updatedAt: previous && previous.etag === etag ? previous.updatedAt : asOf,
    filters: fill.filters ?? {},
  };
}

/** The view `id`, fresh, filled by one caller across every instance when it is not. */
export async function readThrough(
  view: SystemView,
  id: string,
  read: () => Promise<Fill>,
  policy: FreshnessPolicy,
  ports: ReadThroughPorts,
): Promise<ReadResult> {
  const started = ports.now();
  const owner = ports.newId();
  let waited = false;
  for (;;) {
    const { stored, leaseUntil } = await ports.store.get(view, id);
    const now = ports.now();
    if (stored && isFresh(stored, now, policy)) return { stored, served: waited ? 'waited' : 'store' };
    // A waiter whose filler finished since it began waiting takes that fill even if an event
    // invalidated it meanwhile: it is newer than anything the waiter could have been answered.
    if (waited && stored && Date.parse(stored.asOf) >= started) return { stored, served: 'waited' };
    const leaseFree = leaseUntil === undefined || leaseUntil <= now;
    if (leaseFree && (await ports.store.takeLease(view, id, owner, now + policy.leaseMs, now))) {
      // asOf is when the read began: an event arriving while it runs still invalidates it.
      const asOf = new Date(ports.now()).toISOString();
      let fill: Fill;
      try {
        fill = await read();
      } catch (error) {
        await ports.store.release(view, id, owner);
        if (stored) return { stored, served: 'stale' };
        throw error;
      }
      const filled = filledView(view, id, fill, asOf, stored);
      await ports.store.fill(filled, owner);
      return { stored: filled, served: 'filled' };
    }
    if (ports.now() - started >= policy.waitMs) {
      if (stored) return { stored, served: 'stale' };
      throw new TransientFailure(
        `${view} ${id}: another caller's read of the ERP did not finish in time`,
        'erp',
      );
    }
    waited = true;
    await ports.sleep(policy.pollMs);
  }
}
