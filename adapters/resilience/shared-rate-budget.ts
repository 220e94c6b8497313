/**
 * A request budget shared by every Lambda instance: an in-process bucket lets N concurrent
 * instances send N times the limit, so the count lives in DynamoDB (the circuit-breaker table).
 *
 * Fixed windows per endpoint, one item each (`budget#<endpoint>#<window start, epoch seconds>`). Every
 * request is one conditional `ADD used :1` that only succeeds while `used` is below the lane's cap:
 * critical work may fill the whole window, bulk work only its share of it, so when the budget runs
 * short critical calls are served first. A refused request learns how long until the next window.
 * Items carry an `expiresAt` (epoch seconds) so DynamoDB's TTL removes them after a minute.
 *
 * The budget is a protection, not a dependency: when the table cannot be reached the request is
 * decided by the fallback budget (an in-process bucket) or, without one, let through; the
 * platform's own 429 is the last line.
 */
import { isConditionFailure } from '../aws/sdk-errors';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientFailure } from '../../domain/failures';

/** Which work a request serves: `critical` (exception to posted PO) or `bulk` (reconciliation, listings). */
export type BudgetLane = 'critical' | 'bulk';

/** Whether a request may go now, and if not, when to ask again. */
export type BudgetDecision = { granted: true } | { granted: false; retryInMs: number };

/** What a client needs from a request budget (shared in DynamoDB, or in-process for tests and local runs). */
export interface RequestBudget {
  /** Takes one request from the lane's budget if it may; never waits. */
  take(lane: BudgetLane): Promise<BudgetDecision>;
}

/**
 * The request budget could not be had in time: the call was not made. Transient (retry after
 * `retryAfterSeconds`), and not a failure of the endpoint, so circuit breakers do not count it.
 */
export class RequestBudgetExhausted extends TransientFailure {
  declare readonly retryAfterSeconds: number;
  constructor(
    readonly operation: string,
    readonly lane: BudgetLane,
    system: string,
    retryAfterSeconds: number,
  ) {
    super(
      `${operation}: ${system} request budget exhausted (${lane}), retry in ${retryAfterSeconds}s`,
      system,
      retryAfterSeconds,
    );
    // The base class fixes `name` to a literal type; the runtime name still tells them apart in logs.
    Object.defineProperty(this, 'name', { value: 'RequestBudgetExhausted', enumerable: false });
  }
}

/** Options of {@link SharedRateBudget}. */
export interface SharedRateBudgetOptions {
  documents: DynamoDBDocumentClient;
  /** Table keyed by `endpoint` (S) with TTL on `expiresAt` (TABLES.circuitBreaker). */
  tableName: string;
  /** Whose limit this is, e.g. `procurement` (one OAuth client per deployment). */
  endpoint: string;
  /**
   * Requests granted per window. Any one-second interval spans up to `1000 / windowMs + 1` windows:
   * keep their total below the platform's limit (headroom for clock skew).
   * @default PROCUREMENT_SHARED_BUDGET.limitPerWindow
   */
  limitPerWindow?: number;
  /**
   * Window width, a divisor of 1000. Keys name the window's start in epoch seconds
   * (`budget#procurement#1764230400`, `...#1764230400.5`). @default PROCUREMENT_SHARED_BUDGET.windowMs
   */
  windowMs?: number;
  /**
   * Share (0..1] of a window bulk work may fill (rounded down); critical work may fill all of it.
   * @default PROCUREMENT_SHARED_BUDGET.bulkShare
   */
  bulkShare?: number;
  /** How long a window's item is kept after the window. @default 60 */
  itemTtlSeconds?: number;
  /** Decides when the table cannot be reached. @default every request granted */
  fallback?: RequestBudget;
  /** Table problems (the fallback then decides). */
  onError?: (error: unknown) => void;
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * The procurement platform's budget (10 requests/s per client): 3 requests per half-second window.
 * A one-second interval spans at most three half-second windows, so no interval anywhere holds more
 * than 9 requests, however the platform measures its second; one-second windows of 9 would allow 18
 * across a window boundary (and did draw 429s from the simulator's sliding-window limit under load).
 * Bulk work may fill 2 of the 3: critical work always has at least 2 requests/s of its own.
 * The bound holds when requests are granted, not when they arrive: after a window whose grants came
 * at its very end, network delay can still bring 10+ into one of the platform's seconds. Its 429
 * with Retry-After is then honoured (the client's last line); under load, refused callers retry at
 * a window's start, where the margin is half a second. Granting only in each window's first half
 * closes that corner. It was tried and not adopted: in load-bench runs interleaved with this code it
 * was worse in 2 of 3 pairs (figures in docs/performance.md), and what it prevents is one
 * Retry-After wait.
 */
export const PROCUREMENT_SHARED_BUDGET = { limitPerWindow: 3, windowMs: 500, bulkShare: 2 / 3 } as const;

/** Key of an endpoint's budget item for the window starting at `windowStartMs` (epoch seconds in the key). */
export function budgetKey(endpoint: string, windowStartMs: number): string {
  return `budget#${endpoint}#${windowStartMs / 1000}`;
}

/** A {@link RequestBudget} counted in DynamoDB, shared by every instance that uses the same table and endpoint. */
export class SharedRateBudget implements RequestBudget {
  private readonly limit: number;
  private readonly bulkLimit: number;
  private readonly windowMs: number;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(private readonly options: SharedRateBudgetOptions) {
    const limit = options.limitPerWindow ?? PROCUREMENT_SHARED_BUDGET.limitPerWindow;
    const share = options.bulkShare ?? PROCUREMENT_SHARED_BUDGET.bulkShare;
    const windowMs = options.windowMs ?? PROCUREMENT_SHARED_BUDGET.windowMs;
    if (!(Number.isInteger(limit) && limit >= 1))
      throw new RangeError('SharedRateBudget: limitPerWindow must be an integer >= 1');
    if (!(Number.isInteger(windowMs) && windowMs >= 1 && 1000 % windowMs === 0))
      throw new RangeError('SharedRateBudget: windowMs must divide 1000');
    this.windowMs = windowMs;
    if (!(share > 0 && share <= 1)) throw new RangeError('SharedRateBudget: bulkShare must be in (0, 1]');
    this.limit = limit;
    // The epsilon keeps 3 x (2/3) from rounding down to 1.
    this.bulkLimit = Math.floor(limit * share + 1e-9);
    if (this.bulkLimit < 1) throw new RangeError('SharedRateBudget: the bulk share leaves bulk work nothing');
    this.ttlSeconds = options.itemTtlSeconds ?? 60;
    this.now = options.now ?? Date.now;
  }

  /** Requests a lane may have in one window: the whole limit for critical work, the bulk share for bulk. */
  limitOf(lane: BudgetLane): number {
    return lane === 'critical' ? this.limit : this.bulkLimit;
  }

  /** @inheritdoc */
  async take(lane: BudgetLane): Promise<BudgetDecision> {
    const start = Math.floor(this.now() / this.windowMs) * this.windowMs;
    const end = start + this.windowMs;
    try {
      await this.options.documents.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { endpoint: budgetKey(this.options.endpoint, start) },
          UpdateExpression: 'SET #expiresAt = :expiresAt ADD #used :one',
          // Bulk compares the window's total with its share, so what it leaves is critical work's.
          ConditionExpression: 'attribute_not_exists(#used) OR #used < :limit',
          ExpressionAttributeNames: { '#used': 'used', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': this.limitOf(lane),
            ':expiresAt': Math.ceil(end / 1000) + this.ttlSeconds,
          },
        }),
      );
      return { granted: true };
    } catch (error) {
      if (isConditionFailure(error)) return { granted: false, retryInMs: Math.max(1, end - this.now()) };
      this.options.onError?.(error);
      return this.options.fallback ? this.options.fallback.take(lane) : { granted: true };
    }
  }
}
