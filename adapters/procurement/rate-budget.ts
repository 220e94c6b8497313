/**
 * A token bucket that spends a request budget in two lanes: `critical` work (the path from a
 * forecast exception to a posted PO) may take any token; `bulk` work (reconciliation, listings)
 * only takes while the bucket holds more than the share reserved for critical work, so when the
 * budget runs short critical calls are served first.
 *
 * In-process only: for tests, the local runtime, and as the fallback of the shared budget
 * (adapters/resilience/shared-rate-budget.ts) that Lambda uses.
 */
import type { BudgetDecision, BudgetLane, RequestBudget } from '../resilience/shared-rate-budget';

export type { BudgetDecision, BudgetLane, RequestBudget } from '../resilience/shared-rate-budget';

/** Bucket settings. */
export interface RateBudgetOptions {
  /** Most tokens the bucket holds (the largest burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  /**
   * Share of the capacity (0..1) kept for critical work: bulk may take only when a token remains
   * above it after taking.
   * @default 0.3
   */
  criticalReservedShare?: number;
  /** Clock in milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * Budget for the procurement platform (10 requests/s per client). A bucket lets through at most
 * `capacity + refillPerSecond` requests in any one-second window, so 3 + 6 keeps a margin under 10
 * for network jitter. It is per process: Lambda instances running concurrently each hold one, so
 * in Lambda it is only the fallback of the shared budget.
 */
export const PROCUREMENT_RATE_BUDGET: Readonly<Required<Omit<RateBudgetOptions, 'now'>>> = {
  capacity: 3,
  refillPerSecond: 6,
  criticalReservedShare: 1 / 3,
};

/** In-process token bucket with a reserve for critical work. */
export class RateBudget implements RequestBudget {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private readonly reserve: number;
  private readonly now: () => number;

  constructor(options: RateBudgetOptions) {
    if (!(options.capacity >= 1)) throw new RangeError('RateBudget: capacity must be >= 1');
    if (!(options.refillPerSecond > 0)) throw new RangeError('RateBudget: refillPerSecond must be > 0');
    const share = options.criticalReservedShare ?? 0.3;
    if (!(share >= 0 && share < 1))
      throw new RangeError('RateBudget: criticalReservedShare must be in [0, 1)');
    this.capacity = options.capacity;
    this.refillPerMs = options.refillPerSecond / 1000;
    this.reserve = options.capacity * share;
    if (this.reserve + 1 > options.capacity)
      throw new RangeError('RateBudget: the reserve leaves no token for bulk work');
    this.now = options.now ?? Date.now;
    this.tokens = options.capacity;
    this.last = this.now();
  }

  /** Tokens in the bucket now (fractional). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** @inheritdoc */
  take(lane: BudgetLane): Promise<BudgetDecision> {
    return Promise.resolve(
      this.tryTake(lane)
        ? { granted: true }
        : { granted: false, retryInMs: Math.max(1, this.msUntilAvailable(lane)) },
    );
  }

  /** Takes one token for the lane if it may. */
  tryTake(lane: BudgetLane): boolean {
    this.refill();
    if (this.tokens < this.floor(lane) + 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until `tryTake(lane)` could succeed (0 when it could now). */
  msUntilAvailable(lane: BudgetLane): number {
    this.refill();
    const missing = this.floor(lane) + 1 - this.tokens;
    return missing <= 0 ? 0 : Math.ceil(missing / this.refillPerMs);
  }

  // Tokens the lane must leave in the bucket.
  private floor(lane: BudgetLane): number {
    return lane === 'critical' ? 0 : this.reserve;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerMs);
  }
}
