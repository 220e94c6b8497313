/**
 * Reconciliation's vocabulary (shared/contracts/business-rules.md, "Reconciliation"): the three
 * views of one purchase order, the difference classes with both sides' values, and what is done
 * about each difference (a repair through the normal idempotent path, or an integration exception).
 */
import type { ErpPurchaseOrderWithReceipts } from '../ports/erp';
import type { ProcurementPurchaseOrder } from '../ports/procurement';

/** The contract's difference classes, in its order (a code table: the run status API lists them too). */
export { DIFFERENCE_CLASSES } from '../../canonical/codes/reconciliation';
import type { DIFFERENCE_CLASSES } from '../../canonical/codes/reconciliation';

/** One of {@link DIFFERENCE_CLASSES}. */
export type DifferenceClass = (typeof DIFFERENCE_CLASSES)[number];

/** The supplier's latest confirmation of one line, as Supplyline received it. */
export interface ConfirmedLine {
  lineNo: number;
  confirmedQtyEa: string;
  /** `YYYY-MM-DD`. */
  confirmedDate: string;
}

/** Supplyline's own record of an order it created or learned of. */
export interface RecordedOrder {
  externalRef: string;
  poNumber: string;
  erpNumber: string | null;
  supplierNumber: string;
  warehouseCode: string;
  currency: string;
  totalValue: string;
  /** When Supplyline posted (or learned of) the order: what the reconciliation window selects on. */
  recordedAt: string;
  lines: { lineNo: number; itemCode: string; quantityEa: string; unitPrice: string; needBy: string }[];
  /**
   * The ERP revision of the middleware's own last change (posting or amendment); null when it has
   * none on record. A higher ERP revision means someone else changed the order since.
   */
  erpRevisionWritten: number | null;
  /** The supplier's latest confirmation (platform acknowledgement or EDI 855); null when none. */
  confirmation: { receivedAt: string; lines: ConfirmedLine[] } | null;
}

/** The ERP's order with its receipts (oldest first). */
export type ErpOrderView = ErpPurchaseOrderWithReceipts;

/** The three views of one order; null where a system has none. */
export interface OrderViews {
  recorded: RecordedOrder;
  procurement: ProcurementPurchaseOrder | null;
  erp: ErpOrderView | null;
}

/** Who owns a field (the contract's "who owns what"). */
export type FieldOwner = 'procurement' | 'supplier' | 'erp';

/** One side of a difference: a system and its value (null: it has none). */
export interface Side {
  system: 'procurement' | 'erp' | 'supplyline' | 'supplier';
  value: string | null;
}

/** A change to the ERP order, applied as one idempotent amendment. */
export interface ErpLineRepair {
  lineNo: number;
  quantityEa?: string;
  deliveryDate?: string;
}

/** A repair through one of the middleware's normal, idempotent paths. */
export type RepairAction =
  | { kind: 'post-missing-order' }
  | { kind: 'amend-erp-order'; lines: ErpLineRepair[] }
  | {
      kind: 'sync-procurement-status';
      status: 'partially_received' | 'received';
      /** The receipt whose status is synchronised: the status update's idempotency key. */
      receiptNumber: string;
    }
  /**
   * Supplyline's commitment names another ERP number than the ERP's order for its reference (an
   * order posted again whose new number was not recorded): the receipt poller reads the record.
   */
  | { kind: 'record-erp-number'; erpNumber: string };

/** What is done about a difference. */
export type Resolution =
  { kind: 'repair'; action: RepairAction['kind'] } | { kind: 'exception'; code: string; reason: string };

/** One difference, with both sides' values and what is done about it. */
export interface Difference {
  class: DifferenceClass;
  externalRef: string;
  /** Null: Supplyline knows no platform order for it (domain/reconciliation/unrecorded.ts). */
  poNumber: string | null;
  erpNumber: string | null;
  /** The line concerned; null for the whole order. */
  lineNo: number | null;
  field: 'order' | 'quantity' | 'deliveryDate' | 'unitPrice' | 'status' | 'confirmation';
  owner: FieldOwner;
  /** The owner's value. */
  expected: Side;
  /** The value that differs from it. */
  found: Side;
  resolution: Resolution;
}

/** What comparing one order found and the repairs it calls for (at most one of each kind). */
export interface OrderFindings {
  differences: Difference[];
  repairs: RepairAction[];
}

/** The numbers reconciliation runs with (business-rules.md defaults). */
export interface ReconciliationSettings {
  /**
   * Orders the middleware created or learned of in this many days are compared.
   * @default 90
   */
  windowDays: number;
  /**
   * "ERP receipt posted -> procurement PO status updated: under 5 minutes".
   * @default 300
   */
  receiptStatusServiceLevelSeconds: number;
  /** Above this total value an order needs a person's approval, so a missing one is not posted by a repair. */
  approvalLimit: string;
  /**
   * A run in partitions starts no further partition in an invocation with less time left than
   * this: a partition of a 100,000-order window is ~165 s of platform reads (ADR 0011, "Scale").
   * @default 300
   */
  partitionTimeReserveSeconds?: number;
  /**
   * The warehouses the environment's sites map to: the committed value of each is compared in
   * every whole month of the window, also where only the ERP committed.
   */
  warehouses?: readonly string[];
}

/** The contract's defaults (the approval limit is the procurement policy's). */
export const DEFAULT_RECONCILIATION_SETTINGS: Omit<ReconciliationSettings, 'approvalLimit'> = {
  windowDays: 90,
  receiptStatusServiceLevelSeconds: 300,
  partitionTimeReserveSeconds: 300,
};
