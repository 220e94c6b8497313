/**
 * How much to order, in eaches:
 * `need = forecast + safety stock - projected on hand - open supply`, ordered in whole pack multiples.
 */
import { ContractViolation } from '../failures';
import { Decimal, type DecimalLike } from '../decimal';
import { assertBucket, assertIsoDate, isWithinBucket } from './dates';
import type {
  Bucket,
  ForecastException,
  PurchaseOrderStatus,
  SourcingRequestSnapshot,
  SupplySnapshot,
} from './types';
import { packSizeOf, toEaches } from './units';

/** Purchase order statuses whose lines still bring goods (not received, closed or cancelled). */
export const OPEN_PURCHASE_ORDER_STATUSES: readonly PurchaseOrderStatus[] = Object.freeze([
  'draft',
  'issued',
  'acknowledged',
  'partially_received',
]);

/** Which item, site and bucket open supply is counted for. */
export interface SupplyScope {
  itemCode: string;
  site: string;
  bucket: Bucket;
}

/** One piece of supply that counted towards `openSupplyEa`. */
export interface SupplyContribution {
  source: 'sourcing-request' | 'purchase-order';
  /** Sourcing request id, or `<po number>/<line no>`. */
  reference: string;
  quantityEa: Decimal;
  needBy: string;
}

/** Open supply for a scope and what it is made of. */
export interface OpenSupply {
  totalEa: Decimal;
  contributions: readonly SupplyContribution[];
}

/** The need calculation, every term in eaches, kept for the audit trail. */
export interface NeedCalculation {
  forecastEa: Decimal;
  safetyStockEa: Decimal;
  projectedOnHandEa: Decimal;
  openSupplyEa: Decimal;
  /** May be zero or negative: then nothing is ordered. */
  needEa: Decimal;
  /** The order multiple in eaches. */
  packSize: Decimal;
  /** `ceil(need / packSize) * packSize` when need > 0, else 0. */
  orderQuantityEa: Decimal;
  supply: readonly SupplyContribution[];
  /** The open sourcing request left out of open supply because it is the one to amend. */
  excludedRequestId?: string;
}

/** The exception fields the need depends on. */
export type NeedInput = Pick<
  ForecastException,
  'itemCode' | 'site' | 'bucket' | 'uom' | 'packSize' | 'forecastQty' | 'projectedOnHand' | 'safetyStock'
>;

function inScope(line: { itemCode: string; site: string; needBy: string }, scope: SupplyScope): boolean {
  if (line.itemCode !== scope.itemCode || line.site !== scope.site) return false;
  // Dates compare as text, so a malformed one would silently fall in or out of the bucket.
  assertIsoDate(line.needBy, 'need_by', 'procurement');
  return isWithinBucket(line.needBy, scope.bucket);
}

/**
 * Open supply for an item at a site with need-by inside the bucket: open (not yet awarded) sourcing
 * requests, plus for purchase orders not yet received the confirmed quantity (the ordered one before
 * confirmation) less what was already received. `excludeRequestId` leaves out the request to amend.
 */
export function openSupply(
  scope: SupplyScope,
  supply: SupplySnapshot,
  excludeRequestId?: string,
): OpenSupply {
  const contributions: SupplyContribution[] = [];
  for (const request of supply.sourcingRequests) {
    if (request.status !== 'open' || request.requestId === excludeRequestId || !inScope(request, scope))
      continue;
    contributions.push({
      source: 'sourcing-request',
      reference: request.requestId,
      quantityEa: Decimal.of(request.quantityEa),
      needBy: request.needBy,
    });
  }
  for (const line of supply.purchaseOrderLines) {
    if (!OPEN_PURCHASE_ORDER_STATUSES.includes(line.status) || !inScope(line, scope)) continue;
    const expected = Decimal.of(line.confirmedQtyEa ?? line.orderedQtyEa);
    const outstanding = expected.sub(line.receivedQtyEa ?? 0);
    if (!outstanding.isPositive()) continue;
    contributions.push({
      source: 'purchase-order',
      reference: `${line.poNumber}/${line.lineNo}`,
      quantityEa: outstanding,
      needBy: line.needBy,
    });
  }
  return { totalEa: Decimal.sum(contributions.map((c) => c.quantityEa)), contributions };
}

/** `ceil(need / packSize) * packSize` when need > 0, else 0 (eaches). */
export function orderQuantityFor(needEa: DecimalLike, packSize: DecimalLike): Decimal {
  const need = Decimal.of(needEa);
  return need.isPositive() ? need.roundUpToMultiple(packSizeOf(packSize)) : Decimal.ZERO;
}

function nonNegativeQuantity(value: DecimalLike, field: string): Decimal {
  const qty = Decimal.of(value);
  if (qty.isNegative()) {
    throw new ContractViolation(`${field} must not be negative, got ${qty.toString()}`, 'planning', {
      field,
      value: qty.toString(),
    });
  }
  return qty;
}

/**
 * The need and order quantity for an exception, in eaches. Validates the exception's numbers and dates
 * (ContractViolation from `planning` when forecast or safety stock is negative, a date is malformed…).
 */
export function calculateNeed(
  exception: NeedInput,
  supply: SupplySnapshot,
  options: { excludeRequestId?: string } = {},
): NeedCalculation {
  assertBucket(exception.bucket);
  const { uom, packSize } = exception;
  const forecastEa = toEaches(nonNegativeQuantity(exception.forecastQty, 'forecast_qty'), uom, packSize);
  const safetyStockEa = toEaches(nonNegativeQuantity(exception.safetyStock, 'safety_stock'), uom, packSize);
  const projectedOnHandEa = toEaches(exception.projectedOnHand, uom, packSize);
  const open = openSupply(exception, supply, options.excludeRequestId);
  const needEa = forecastEa.add(safetyStockEa).sub(projectedOnHandEa).sub(open.totalEa);
  const calculation: NeedCalculation = {
    forecastEa,
    safetyStockEa,
    projectedOnHandEa,
    openSupplyEa: open.totalEa,
    needEa,
    packSize: packSizeOf(packSize),
    orderQuantityEa: orderQuantityFor(needEa, packSize),
    supply: open.contributions,
  };
  if (options.excludeRequestId !== undefined) calculation.excludedRequestId = options.excludeRequestId;
  return calculation;
}

/**
 * The open sourcing request for the same item, site and bucket, the one to amend or cancel instead of
 * creating a second. Should there be several, the one needed earliest (then the lowest id) is chosen,
 * so the choice is stable; the others stay in open supply.
 */
export function findOpenRequest(
  scope: SupplyScope,
  requests: readonly SourcingRequestSnapshot[],
): SourcingRequestSnapshot | undefined {
  const candidates = requests.filter((r) => r.status === 'open' && inScope(r, scope));
  return candidates.sort((a, b) =>
    a.needBy === b.needBy ? (a.requestId < b.requestId ? -1 : 1) : a.needBy < b.needBy ? -1 : 1,
  )[0];
}
