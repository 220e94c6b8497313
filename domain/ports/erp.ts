/**
 * The ERP as the business rules see it. One implementation per ERP product in adapters/erp (Tryton
 * today, the RPC gateway), plus the local runtime's simulator; the canonical model maps onto these
 * plain types.
 *
 * Conventions: quantities are eaches and money is USD, both as decimal strings ("480", "3.10");
 * dates are `YYYY-MM-DD`; months are `YYYY-MM` (UTC). Every method throws only the classes of
 * domain/failures.ts: BusinessRejection (the ERP or a policy check said no, do not retry),
 * TransientFailure (retry with backoff), ContractViolation (bad request or unexpected answer).
 */

/** Purchase order states, as Tryton names them. `confirmed` moves on to `processing` by itself. */
export type ErpPurchaseOrderState = 'draft' | 'quotation' | 'confirmed' | 'processing' | 'done' | 'cancelled';

/** Item master entry. */
export interface ErpItem {
  itemCode: string;
  name: string;
  /** Both the variant and its template are active. */
  active: boolean;
  purchasable: boolean;
  /** The middleware deals in eaches only. */
  uom: 'EA';
}

/** A warehouse (stock location of type warehouse). */
export interface ErpWarehouse {
  code: string;
  name: string;
  active: boolean;
}

/** A supplier as the ERP knows it (the party whose code is the procurement supplier_number). */
export interface ErpSupplier {
  supplierNumber: string;
  name: string;
  active: boolean;
}

/** A supplier master change to apply where the supplier is known (the procurement platform owns it). */
export interface ErpSupplierChange {
  /** Whether the supplier may receive new orders in this ERP. */
  active: boolean;
  /** The supplier's name, when the change carries one. */
  name?: string;
}

/** Stock of one item in one warehouse, in eaches. */
export interface ErpInventoryBalance {
  /** Physically in the warehouse today. */
  onHandEa: string;
  /** On hand plus planned incoming minus planned outgoing moves. */
  forecastEa: string;
}

/** A purchase order line. */
export interface ErpPurchaseOrderLine {
  /** 1-based position, stable across amendments. */
  lineNo: number;
  itemCode: string;
  quantityEa: string;
  /** USD per each. */
  unitPrice: string;
  /** Expected receipt date; null when the ERP has none. */
  deliveryDate: string | null;
}

/** A purchase order as it stands in the ERP. */
export interface ErpPurchaseOrder {
  /** ERP number, assigned when the order is quoted. */
  number: string;
  /** The middleware's id for the commitment; the idempotency key (Tryton `reference`). */
  externalRef: string;
  state: ErpPurchaseOrderState;
  supplierNumber: string;
  warehouseCode: string;
  purchaseDate: string;
  /** 0 when posted; +1 per amendment. */
  revision: number;
  lines: ErpPurchaseOrderLine[];
}

/** An ERP order as a list of them names it: the middleware's reference and the ERP's number. */
export interface ErpOrderReference {
  externalRef: string;
  number: string;
}

/** A page of the ERP's orders by reference: see {@link ErpPort.listReferencedPurchaseOrders}. */
export interface ErpOrderReferenceQuery {
  referencePrefix: string;
  /** First purchase date, `YYYY-MM-DD`. */
  purchasedFrom: string;
  /** Purchase dates before this one. */
  purchasedUntil: string;
  /** Only references after this one. */
  after?: string;
  limit: number;
}

/** What the middleware asks the ERP to commit to. */
export interface PostPurchaseOrderRequest {
  externalRef: string;
  supplierNumber: string;
  warehouseCode: string;
  purchaseDate: string;
  /** Only `USD` is accepted until other currencies are configured. */
  currency: string;
  lines: { itemCode: string; quantityEa: string; unitPrice: string; deliveryDate: string }[];
}

/** A change to a posted order, e.g. from a partial or late supplier confirmation. */
export interface PurchaseOrderAmendment {
  lines: { lineNo: number; quantityEa?: string; deliveryDate?: string }[];
}

/** Receipt states, as Tryton names them (`received`: at the dock, `done`: put away). */
export type ErpReceiptState = 'draft' | 'received' | 'done' | 'cancelled';

/** A goods receipt (Tryton supplier shipment) of a purchase order. */
export interface ErpReceipt {
  receiptNumber: string;
  state: ErpReceiptState;
  /** Date of receipt, once received. */
  receivedAt?: string;
  lines: { itemCode: string; quantityEa: string }[];
}

/** An order with its receipts (oldest first): what reconciliation compares of the ERP. */
export interface ErpPurchaseOrderWithReceipts extends ErpPurchaseOrder {
  receipts: ErpReceipt[];
}

/**
 * The most references one {@link ErpPort.findPurchaseOrders} call may name: a page costs the ERP
 * a few requests whatever its size, and this bounds what one answer holds.
 */
export const ERP_ORDER_PAGE_SIZE = 100;

/**
 * A shipment the supplier announced (advance ship notice) as the ERP expects it: a receipt not yet
 * received (Tryton: a draft supplier shipment) holding the shipped part of PO lines, referenced by
 * the supplier's shipment id and planned for the estimated delivery date.
 */
export interface ErpExpectedShipment {
  /** The supplier's shipment id (Tryton: the supplier shipment's `reference`). */
  shipmentId: string;
  /** The ERP's receipt number. */
  receiptNumber: string;
  state: ErpReceiptState;
  /** The estimated delivery date the receipt is planned for. */
  plannedDate: string;
  lines: { lineNo: number; itemCode: string; quantityEa: string }[];
}

/** Why a shipment is withdrawn from an order: the supplier cancelled its id, or a replacement dropped the order. */
export type ShipmentWithdrawal = 'cancelled' | 'dropped';

/** A shipment to expect: which lines of one purchase order, how many, and when. */
export interface ExpectedShipmentRequest {
  shipmentId: string;
  plannedDate: string;
  lines: { lineNo: number; quantityEa: string }[];
}

/** The operations the middleware needs from an ERP. Warehouse-side operations the middleware never does itself live in scripts/tryton/admin.ts (`ErpAdmin`). */
export interface ErpPort {
  /** The item with that code (inactive ones included), or null. */
  getItem(itemCode: string): Promise<ErpItem | null>;
  /**
   * One page of the item master in code order (inactive items included): the items whose code sorts
   * after `after` (from the first when absent), at most `limit` (1 to 500). Items kept in a unit
   * other than eaches are left out (the middleware cannot deal in them). A page shorter than
   * `limit` is the last.
   */
  listItems(page: { after?: string; limit: number }): Promise<ErpItem[]>;
  /** The warehouse with that code (inactive ones included), or null. */
  getWarehouse(code: string): Promise<ErpWarehouse | null>;
  /** The supplier party with that code (inactive ones included), or null. */
  getSupplier(supplierNumber: string): Promise<ErpSupplier | null>;
  /**
   * Applies a supplier master change to the supplier party with that code; null (and no change)
   * when this ERP does not know the supplier. Idempotent: a change the party already carries writes
   * nothing and returns it as it is.
   */
  applySupplierChange(supplierNumber: string, change: ErpSupplierChange): Promise<ErpSupplier | null>;
  /** Stock of an item in a warehouse. Unknown item or warehouse: BusinessRejection ITEM_UNKNOWN / WAREHOUSE_UNKNOWN. */
  getInventoryBalance(itemCode: string, warehouseCode: string): Promise<ErpInventoryBalance>;
  /**
   * Sum of quantity x unit price over the warehouse's purchase orders in state confirmed,
   * processing or done whose purchase date falls in `month` (`YYYY-MM`). Money string, e.g. "1488.00".
   */
  committedValue(warehouseCode: string, month: string): Promise<string>;
  /** The order posted under that external reference, or null. */
  findPurchaseOrder(externalRef: string): Promise<ErpPurchaseOrder | null>;
  /**
   * The orders (any state but cancelled) whose reference begins with `referencePrefix` and whose
   * purchase date is in `[purchasedFrom, purchasedUntil)` (`YYYY-MM-DD`), ordered by reference,
   * those after `after` only, at most `limit`: one page of a list that may be long.
   */
  listReferencedPurchaseOrders(query: ErpOrderReferenceQuery): Promise<ErpOrderReference[]>;
  /**
   * A page of orders by external reference, each with its receipts: per reference the order
   * findPurchaseOrder finds, with what listReceipts lists; a reference the ERP does not have is
   * absent. A few requests per page, not per order. More than {@link ERP_ORDER_PAGE_SIZE}
   * references: ContractViolation.
   */
  findPurchaseOrders(externalRefs: readonly string[]): Promise<ErpPurchaseOrderWithReceipts[]>;
  /**
   * Creates, quotes and confirms a purchase order. Idempotent on `externalRef`: a repeat returns
   * the existing order (finishing quote/confirm if an earlier attempt stopped half way) and creates
   * nothing. Checks item, warehouse, supplier and currency first: BusinessRejection ITEM_UNKNOWN,
   * ITEM_INACTIVE, ITEM_NOT_PURCHASABLE, WAREHOUSE_UNKNOWN, WAREHOUSE_INACTIVE, SUPPLIER_UNKNOWN,
   * SUPPLIER_INACTIVE, CURRENCY_UNSUPPORTED.
   */
  postPurchaseOrder(request: PostPurchaseOrderRequest): Promise<ErpPurchaseOrder>;
  /**
   * Changes quantities and/or delivery dates of a confirmed order; the revision increments. A
   * request that changes nothing returns the order as it is (so a retried amendment is harmless).
   * BusinessRejection PO_UNKNOWN / PO_NOT_AMENDABLE; unknown lineNo: ContractViolation.
   */
  amendPurchaseOrder(externalRef: string, amendment: PurchaseOrderAmendment): Promise<ErpPurchaseOrder>;
  /** Receipts of the order, oldest first; empty when none or when the order is unknown. */
  listReceipts(externalRef: string): Promise<ErpReceipt[]>;
  /**
   * The order's receipts that carry a supplier shipment id, oldest first (their lines are the
   * order's only): what earlier ship notices shipped. Empty when none or the order is unknown.
   */
  listExpectedShipments(externalRef: string): Promise<ErpExpectedShipment[]>;
  /**
   * References of the orders that expect the supplier's shipment `shipmentId` (a draft receipt),
   * sorted: what an 856 replacement no longer listing an order must withdraw. Empty when none.
   */
  findOrdersExpectingShipment(supplierNumber: string, shipmentId: string): Promise<string[]>;
  /**
   * Records a shipment to expect against the order's lines. Idempotent on `shipmentId`: when the
   * order already has it, returns it unchanged with `created: false`. Each line's quantity must fit
   * what remains unshipped of it: BusinessRejection SHIPMENT_EXCEEDS_REMAINING; PO_UNKNOWN;
   * PO_NOT_RECEIVABLE (not confirmed); unknown lineNo: ContractViolation.
   */
  recordExpectedShipment(
    externalRef: string,
    shipment: ExpectedShipmentRequest,
  ): Promise<{ created: boolean; shipment: ErpExpectedShipment }>;
  /**
   * Withdraws the supplier's shipment from the order: its draft receipt goes and its quantities go
   * back to what remains to ship. `cancelled` (an 856 cancellation) withdraws the shipment id for
   * good: the ERP remembers it (Tryton: the cancelled receipt keeps the id), so a shipment id the
   * order does not expect yet (a cancellation before its original) is withdrawn alone, and
   * recordExpectedShipment then rejects it (SHIPMENT_WITHDRAWN). `dropped` (an 856 replacement no
   * longer listing the order) withdraws only this order's receipt and remembers nothing: a later
   * replacement may list the order again (which version is newer is the caller's, ADR 10 decision
   * 17). `withdrawn: false` when there was nothing to withdraw. Goods received against it:
   * BusinessRejection SHIPMENT_ALREADY_RECEIVED, nothing changed; PO_UNKNOWN.
   */
  withdrawExpectedShipment(
    externalRef: string,
    shipmentId: string,
    why: ShipmentWithdrawal,
  ): Promise<{ withdrawn: boolean }>;
  /**
   * Gives the order's expected shipment `shipment.shipmentId` new content (an 856 replacement):
   * its old quantities go back to what remains, then the new lines and date are taken; recorded as
   * new when the order does not expect it yet. Checked before anything changes:
   * SHIPMENT_EXCEEDS_REMAINING (counting the replaced quantities as remaining),
   * SHIPMENT_ALREADY_RECEIVED, SHIPMENT_WITHDRAWN, PO_UNKNOWN, PO_NOT_RECEIVABLE.
   */
  replaceExpectedShipment(
    externalRef: string,
    shipment: ExpectedShipmentRequest,
  ): Promise<{ shipment: ErpExpectedShipment }>;
}
