/**
 * The system APIs' read store (issue #17, ADR 12): the canonical views of ERP entities that the
 * governed API answers from, so callers never reach the ERP directly. One entry per view, with the
 * lease that lets exactly one caller, in any instance, fill it from the systems of record.
 */

/** The views the system APIs serve. */
export const SYSTEM_VIEWS = ['item', 'supplier', 'location', 'inventory-balance', 'purchase-order'] as const;

/** A view kind. */
export type SystemView = (typeof SYSTEM_VIEWS)[number];

/** One view as the store keeps it. */
export interface StoredView {
  view: SystemView;
  /** Its business identity (item code, supplier number, site, `<item>@<warehouse>`, PO number). */
  id: string;
  /** The canonical object; null: the systems of record do not know it (a 404, kept like an answer). */
  body: Record<string, unknown> | null;
  /** Strong entity tag of `body`. */
  etag: string;
  /** When the systems of record were read for it (UTC ISO), i.e. how fresh it is. */
  asOf: string;
  /** When its content last changed as the store saw it (UTC ISO): what `updatedSince` compares. */
  updatedAt: string;
  /** Values lists filter on (e.g. `status`), from `body`. */
  filters: Readonly<Record<string, string>>;
  /** A canonical event said it changed after `asOf` (UTC ISO): read it again before answering. */
  invalidatedAt?: string;
}

/** What `get` finds: the view if filled, and the fill lease if someone holds one. */
export interface StoreEntry {
  stored?: StoredView;
  /** Epoch ms until which another caller's fill lease runs. */
  leaseUntil?: number;
}

/** Which views a page holds. */
export interface ViewQuery {
  view: SystemView;
  /** Answer views whose `updatedAt#id` sorts after this (exclusive). */
  after?: string;
  /** Only views whose filter values are equal to these. */
  filters: Readonly<Record<string, string>>;
  limit: number;
}

/** The store. */
export interface ReadStore {
  get(view: SystemView, id: string): Promise<StoreEntry>;
  /**
   * Takes the fill lease until `untilMs` unless another live lease (one not past `nowMs`) holds
   * it: true when this caller now holds it. Works across every instance sharing the store.
   */
  takeLease(view: SystemView, id: string, owner: string, untilMs: number, nowMs: number): Promise<boolean>;
  /** Writes the filled view and releases `owner`'s lease. */
  fill(stored: StoredView, owner: string): Promise<void>;
  /** Releases `owner`'s lease without a view (the fill failed). */
  release(view: SystemView, id: string, owner: string): Promise<void>;
  /** Marks the view as changed at `at` (UTC ISO); nothing when the store does not hold it. */
  invalidate(view: SystemView, id: string, at: string): Promise<void>;
  /** Views in `updatedAt#id` order after `query.after`; `last` is the last one's position. */
  list(query: ViewQuery): Promise<{ views: StoredView[]; last?: string }>;
}
