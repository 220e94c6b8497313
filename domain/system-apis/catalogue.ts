/**
 * The bounded refresh of a view kind the ERP can list (ADR 12): on the first miss or list read
 * after the kind's maximum staleness, one caller across every instance reads the ERP's listing in
 * pages (at most `maxPages`) and writes every view it holds, so readers seldom miss; each page is
 * one ERP call where a miss per id would be one call per entity. A listing that ended is complete:
 * an id it did not hold is one the ERP does not know, answered 404 without an ERP call until the
 * kind's staleness bound. A listing cut at `maxPages` only warms what it read.
 *
 * The listing itself is kept as the store entry `<view>#*` (no body, so in no list; `*` matches no
 * id the API accepts), filled under the same lease as any view: its single flight and staleness are
 * the read-through's.
 */
import type { StoredView, SystemView } from '../ports/read-store';
import {
  entityTag,
  filledView,
  isFresh,
  readThrough,
  type Fill,
  type FreshnessPolicy,
  type ReadResult,
  type ReadThroughPorts,
} from './read-through';

/** A view kind's listing: pages of fills in id order, and how far one refresh may read. */
export interface Catalogue {
  /** The views whose ids sort after `after` (from the first when absent), at most `limit`. */
  page(after: string | undefined, limit: number): Promise<{ id: string; fill: Fill }[]>;
  pageSize: number;
  /** Pages one refresh reads at most: the bound on what a refresh costs the ERP. */
  maxPages: number;
}

/** The store entry holding a kind's last listing. */
const LISTING_ID = '*';

/** Views of one page written at once. */
const WRITES_AT_ONCE = 8;

/** What the kind's last listing says: when it was read and whether it held every entity. */
export interface Listing {
  asOf: string;
  complete: boolean;
  /** Read (or waited for) by this call rather than found fresh in the store. */
  refreshed: boolean;
}

/** A view the listing did not hold: unknown to the ERP as of the listing. */
function absent(view: SystemView, id: string, asOf: string): StoredView {
  return { view, id, body: null, etag: entityTag(null), asOf, updatedAt: asOf, filters: {} };
}

/** The kind's listing, read again (by one caller) when older than the kind's maximum staleness. */
export async function freshListing(
  view: SystemView,
  catalogue: Catalogue,
  policy: FreshnessPolicy,
  ports: ReadThroughPorts,
): Promise<Listing> {
  const { stored, served } = await readThrough(
    view,
    LISTING_ID,
    () => list(view, catalogue, policy, ports),
    policy,
    ports,
  );
  // A stale listing (its refresh failed) warms nothing more and proves no absence.
  return {
    asOf: stored.asOf,
    complete: served !== 'stale' && stored.filters.complete === 'true',
    refreshed: served !== 'store',
  };
}

/**
 * The view `id` like {@link readThrough}, but a miss first brings the kind's listing up to date:
 * the view is then answered from it, or as unknown when a complete listing did not hold it. A
 * listing that fails leaves the per-id read.
 */
export async function readWithCatalogue(
  view: SystemView,
  id: string,
  read: () => Promise<Fill>,
  catalogue: Catalogue,
  policy: FreshnessPolicy,
  ports: ReadThroughPorts,
): Promise<ReadResult> {
  const before = await ports.store.get(view, id);
  if (before.stored && isFresh(before.stored, ports.now(), policy))
    return { stored: before.stored, served: 'store' };
  let listing: Listing | undefined;
  try {
    listing = await freshListing(view, catalogue, policy, ports);
  } catch {
    listing = undefined;
  }
  if (listing) {
    // Only a listing read just now can have filled the view since the first look.
    const { stored } = listing.refreshed ? await ports.store.get(view, id) : before;
    if (stored && isFresh(stored, ports.now(), policy)) return { stored, served: 'listed' };
    // An event since the listing names it: the ERP may have it now, read it.
    const announced = stored?.invalidatedAt !== undefined && stored.invalidatedAt >= listing.asOf;
    // Not in a complete listing: unknown as of the listing, which is the record of it (no write).
    if (listing.complete && !announced) return { stored: absent(view, id, listing.asOf), served: 'listed' };
  }
  return readThrough(view, id, read, policy, ports);
}

/** Reads the listing page by page, writing each view; the listing's own entry says if it ended. */
async function list(
  view: SystemView,
  catalogue: Catalogue,
  policy: FreshnessPolicy,
  ports: ReadThroughPorts,
): Promise<Fill> {
  const asOf = new Date(ports.now()).toISOString();
  let after: string | undefined;
  for (let pages = 0; pages < catalogue.maxPages; pages++) {
    const rows = await catalogue.page(after, catalogue.pageSize);
    for (let i = 0; i < rows.length; i += WRITES_AT_ONCE)
      await Promise.all(rows.slice(i, i + WRITES_AT_ONCE).map((row) => keep(view, row, asOf, policy, ports)));
    if (rows.length < catalogue.pageSize) return { body: null, filters: { complete: 'true' } };
    after = rows.at(-1)!.id;
  }
  return { body: null, filters: { complete: 'false' } };
}

/**
 * Writes one listed view under its own lease, like a fill: a caller filling it meanwhile keeps its
 * newer read, and a view read after the listing began is left as it is.
 */
async function keep(
  view: SystemView,
  row: { id: string; fill: Fill },
  asOf: string,
  policy: FreshnessPolicy,
  ports: ReadThroughPorts,
): Promise<void> {
  const { stored, leaseUntil } = await ports.store.get(view, row.id);
  const now = ports.now();
  if ((leaseUntil !== undefined && leaseUntil > now) || newer(stored, asOf)) return;
  const owner = ports.newId();
  if (!(await ports.store.takeLease(view, row.id, owner, now + policy.leaseMs, now))) return;
  await ports.store.fill(filledView(view, row.id, row.fill, asOf, stored), owner);
}

const newer = (stored: StoredView | undefined, asOf: string) => stored !== undefined && stored.asOf > asOf;
