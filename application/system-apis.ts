/**
 * The system APIs' read store settings (issue #17, ADR 12): how stale each view may be answered
 * before the ERP is read again, how a fill is shared, and the ERP request budget those reads take.
 * Plain data: the functions and the bench read it.
 */
import type { SystemView } from '../domain/ports/read-store';
import type { FreshnessPolicy } from '../domain/system-apis/read-through';

/** Fill sharing every view uses: a lease longer than an ERP read, callers wait up to 5 s for it. */
const SHARED_FILL = { leaseMs: 10_000, waitMs: 5_000, pollMs: 25 } as const;

/**
 * Maximum staleness per view. Events invalidate items, suppliers and purchase orders when they
 * change (the read-store-invalidation consumer), so their bound only catches changes made in the ERP
 * itself; stock moves without any event, so balances are read again after a minute.
 */
export const VIEW_FRESHNESS: Readonly<Record<SystemView, FreshnessPolicy>> = {
  item: { maxStalenessMs: 15 * 60_000, ...SHARED_FILL },
  supplier: { maxStalenessMs: 15 * 60_000, ...SHARED_FILL },
  location: { maxStalenessMs: 60 * 60_000, ...SHARED_FILL },
  'inventory-balance': { maxStalenessMs: 60_000, ...SHARED_FILL },
  'purchase-order': { maxStalenessMs: 5 * 60_000, ...SHARED_FILL },
};

/**
 * The ERP request budget every instance shares (windows in TABLES.circuitBreaker, endpoint `erp`):
 * 25 requests per half-second window, of which the system APIs' reads (the bulk lane) may take 10
 * (20/s). Commitment work takes the critical lane of the same budget, which may fill the whole
 * window: the cap keeps reads from crowding the ERP it uses. A declared instance's budget
 * (application/erp-instances.ts) gives reads the same share.
 */
export const ERP_SHARED_BUDGET = { limitPerWindow: 25, windowMs: 500, bulkShare: 0.4 } as const;

/**
 * The bounded refresh of the views the ERP lists (domain/system-apis/catalogue.ts): once per
 * maximum staleness, on a miss or a list read, one caller reads at most `maxPages` pages of
 * `pageSize` (each one ERP call in the bulk lane) and fills every view they hold.
 */
export const VIEW_CATALOGUES = {
  item: { pageSize: 200, maxPages: 5 },
} as const satisfies Partial<Record<SystemView, { pageSize: number; maxPages: number }>>;
