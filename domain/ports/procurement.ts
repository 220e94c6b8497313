/**
 * The procurement platform as the business rules see it: suppliers, sourcing requests and the
 * purchase orders awarded from them. adapters/procurement implements it on top of the vendor's REST
 * client and does every renaming (`ship_to` is the site) and conversion (the vendor's JSON numbers
 * are exact decimal strings here).
 *
 * Conventions: quantities are eaches and prices money, both exact decimal strings ("480", "3.10");
 * dates are `YYYY-MM-DD`. Every method throws only the classes of domain/failures.ts.
 */
import type { PurchaseOrderStatus, SourcingRequestStatus, SupplierStatus } from '../procurement/types';

/** Which share of the platform's request budget a call spends: actionable work, or bulk reads. */
export type ProcurementLane = 'critical' | 'bulk';

/** Options of a read. */
export interface ProcurementReadOptions {
  /** @default 'critical' */
  lane?: ProcurementLane;
}

/** Options of a change: a deterministic business key, so that a retry is applied once. */
export interface ProcurementWriteOptions extends ProcurementReadOptions {
  /** e.g. `sr-create:<exception key>`. */
  idempotencyKey: string;
}

/** A supplier as the procurement platform rates it. */
export interface ProcurementSupplier {
  supplierNumber: string;
  name: string;
  /** Only `approved` suppliers may receive new purchase orders. */
  status: SupplierStatus;
}

/** A request to source a quantity of an item for a site by a date. */
export interface SourcingRequest {
  requestId: string;
  /** Our reference (see domain/commitment/steps.ts `sourcingRef`); unique per request. */
  externalRef: string;
  /** When the platform created it (ISO-8601 UTC); with `requestId` unique across platform resets. */
  createdAt?: string;
  /**
   * The tag of the procurement instance it lives on (`procurementInstanceTag`, given by the
   * adapter's configuration); with `requestId` unique across instances.
   */
  instance?: string;
  itemCode: string;
  site: string;
  status: SourcingRequestStatus;
  quantityEa: string;
  needBy: string;
  /** The supplier the platform picked, with its price; null until it picked one. */
  supplierNumber: string | null;
  unitPrice: string | null;
  currency: string | null;
}

/** What the middleware asks the platform to source. */
export interface NewSourcingRequest {
  /** Idempotency on the business identity: a second create with it returns the existing request. */
  externalRef: string;
  itemCode: string;
  site: string;
  /** Whole eaches, at least 1. */
  quantityEa: string;
  needBy: string;
  /** Why the request exists, for the buyer. */
  justification?: string;
}

/** A change to an open sourcing request. */
export interface SourcingRequestChange {
  quantityEa?: string;
  needBy?: string;
}

/** Which sourcing requests to list; every criterion optional. */
export interface SourcingRequestCriteria {
  itemCode?: string;
  site?: string;
  status?: SourcingRequestStatus;
}

/** A purchase order line on the procurement platform. */
export interface ProcurementPurchaseOrderLine {
  lineNo: number;
  itemCode: string;
  quantityEa: string;
  /** Money per each. */
  unitPrice: string;
  needBy: string;
}

/** A purchase order awarded from a sourcing request. */
export interface ProcurementPurchaseOrder {
  poNumber: string;
  status: PurchaseOrderStatus;
  supplierNumber: string;
  externalRef: string;
  currency: string;
  /** 0 when issued; +1 per change. */
  revision: number;
  lines: ProcurementPurchaseOrderLine[];
}

/** The operations the business rules need from the procurement platform. */
export interface ProcurementPort {
  /** The supplier, or null when the platform does not know it. */
  getSupplier(supplierNumber: string): Promise<ProcurementSupplier | null>;
  /** The sourcing request, or null when not found. */
  getSourcingRequest(requestId: string): Promise<SourcingRequest | null>;
  /** Creates the request; idempotent on `externalRef` (a repeat returns the existing one). */
  createSourcingRequest(
    request: NewSourcingRequest,
    options: ProcurementWriteOptions,
  ): Promise<SourcingRequest>;
  /** Changes quantity and/or need-by date of an open request. */
  amendSourcingRequest(
    requestId: string,
    change: SourcingRequestChange,
    options: ProcurementWriteOptions,
  ): Promise<SourcingRequest>;
  /** Cancels an open request. */
  cancelSourcingRequest(requestId: string, options: ProcurementWriteOptions): Promise<SourcingRequest>;
  /** Every request matching the criteria. */
  listSourcingRequests(
    criteria?: SourcingRequestCriteria,
    options?: ProcurementReadOptions,
  ): Promise<SourcingRequest[]>;
  /** Awards an open sourcing request: the platform issues a purchase order under `externalRef`. */
  awardPurchaseOrder(
    award: { sourcingRequestId: string; externalRef: string },
    options: ProcurementWriteOptions,
  ): Promise<ProcurementPurchaseOrder>;
}
