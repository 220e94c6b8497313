/**
 * The business vocabulary the procurement rules work on. These are small structural shapes: the
 * canonical model (generated elsewhere) maps onto them, so names follow the business, not a vendor.
 * Quantities are {@link DecimalLike} on input and {@link Decimal} on output; dates are ISO calendar
 * dates (`YYYY-MM-DD`).
 */
import type { DecimalLike } from '../decimal';

/** A forecast exception's kind, as the planning platform names it. */
export type ExceptionKind = 'DEMAND_UPLIFT' | 'DEMAND_DROP' | 'INVENTORY_RISK';

/** How urgent the planner's system rates an exception, lowest first. */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Severities in ascending order. */
export const SEVERITIES: readonly Severity[] = Object.freeze(['low', 'medium', 'high', 'critical']);

/** Velocity (ABC) class of an item at a site. */
export type VelocityClass = 'A' | 'B' | 'C';

/** Units a forecast exception may count in: each, case or pallet (of `packSize` eaches). */
export type UnitOfMeasure = 'EA' | 'CS' | 'PAL';

/** A planning bucket: calendar dates of the site's time zone, both ends inclusive. */
export interface Bucket {
  /** First day (`YYYY-MM-DD`); supply for the bucket is needed by this day. */
  start: string;
  /** Last day (`YYYY-MM-DD`), inclusive. */
  end: string;
}

/** A forecast exception from the planning platform, with quantities in `uom` units. */
export interface ForecastException {
  /** The plan the exception belongs to, e.g. `CONSENSUS-2026W48`. */
  planId: string;
  /** The plan's version; a higher version supersedes a lower one for the same exception id. */
  planVersion: number;
  /** Unique within a plan. */
  exceptionId: string;
  kind: ExceptionKind;
  severity: Severity;
  /** The item: planning `sku` = procurement `item_code` = ERP product code. */
  itemCode: string;
  /** Planning `site` = procurement `ship_to`. */
  site: string;
  uom: UnitOfMeasure;
  /** Eaches per CS/PAL; the order multiple (case pack) when `uom` is EA. Whole number >= 1. */
  packSize: DecimalLike;
  bucket: Bucket;
  baselineQty: DecimalLike;
  forecastQty: DecimalLike;
  /** May be negative (back orders). */
  projectedOnHand: DecimalLike;
  safetyStock: DecimalLike;
  velocityClass: VelocityClass;
}

/** Status of a sourcing request on the procurement platform. */
export type SourcingRequestStatus = 'open' | 'awarded' | 'cancelled';

/** A sourcing request as it stands on the procurement platform (quantities in eaches). */
export interface SourcingRequestSnapshot {
  requestId: string;
  itemCode: string;
  /** The request's `ship_to`. */
  site: string;
  status: SourcingRequestStatus;
  quantityEa: DecimalLike;
  /** `YYYY-MM-DD`. */
  needBy: string;
}

/** Status of a purchase order on the procurement platform. */
export type PurchaseOrderStatus =
  'draft' | 'issued' | 'acknowledged' | 'partially_received' | 'received' | 'closed' | 'cancelled';

/** One purchase order line as supply for an item at a site (quantities in eaches). */
export interface PurchaseOrderLineSnapshot {
  poNumber: string;
  lineNo: number;
  itemCode: string;
  /** The site the line ships to. */
  site: string;
  status: PurchaseOrderStatus;
  orderedQtyEa: DecimalLike;
  /** The supplier-confirmed quantity, once acknowledged. */
  confirmedQtyEa?: DecimalLike | null;
  /** Already received (counted in on-hand, so not open supply any more). */
  receivedQtyEa?: DecimalLike | null;
  /** `YYYY-MM-DD`. */
  needBy: string;
}

/** The supply already on its way for an item at a site. */
export interface SupplySnapshot {
  sourcingRequests: readonly SourcingRequestSnapshot[];
  purchaseOrderLines: readonly PurchaseOrderLineSnapshot[];
}

/** A supplier's commercial status on the procurement platform. */
export type SupplierStatus = 'approved' | 'pending' | 'on_hold' | 'blocked';
