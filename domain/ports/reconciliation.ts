/**
 * What reconciliation (domain/reconciliation) needs from the outside world: each system read in
 * pages, the repairs it may make through the middleware's normal idempotent paths, the integration
 * exceptions it raises and the report it writes. Orders are identified by the middleware's
 * reference (`externalRef`, the ERP's `reference`) and the platform's PO number.
 */
import type { IntegrationException } from '../../canonical/generated/types';
import type { ErpOrderReference } from './erp';
import type { ProcurementPurchaseOrder } from './procurement';
import type { CommittedValueComparison } from '../reconciliation/committed-value';
import type { Difference, ErpLineRepair, ErpOrderView, RecordedOrder } from '../reconciliation/types';

/** Which orders a run compares: those the middleware created or learned of in `[since, until)`. */
export interface ReconciliationWindow {
  since: string;
  until: string;
}

/** Supplyline's own records, a page at a time (a page's size is the adapter's choice). */
export interface RecordedOrderPages {
  pages(window: ReconciliationWindow): AsyncIterable<readonly RecordedOrder[]>;
  /**
   * Those of `externalRefs` Supplyline recorded in the window (the orders `pages` yields): a run
   * resumed across invocations looks a page of the ERP's referenced orders up by it.
   */
  recordedAmong(externalRefs: readonly string[], window: ReconciliationWindow): Promise<ReadonlySet<string>>;
}

/** The procurement platform's orders, read within its request budget at bulk priority. */
export interface ProcurementOrderReader {
  /** The orders found, by PO number; a PO number the platform does not know is absent from the map. */
  ordersByNumber(poNumbers: readonly string[]): Promise<ReadonlyMap<string, ProcurementPurchaseOrder>>;
}

/**
 * Where the ERP keeps a recorded order: its reference, and its warehouse, whose ERP instance holds
 * it (domain/business-units.ts).
 */
export type ErpOrderLocator = Pick<RecordedOrder, 'externalRef' | 'warehouseCode'>;

/** An ERP order with the middleware's reference; `instance` names its ERP where there are several. */
export type ReferencedErpOrder = ErpOrderReference & { instance?: string };

/**
 * Where a listing of referenced orders stopped: the last order read (its instance where there are
 * several: references repeat across instances, and each is listed in turn).
 */
export type ErpOrderPosition = Pick<ReferencedErpOrder, 'externalRef' | 'instance'>;

/** The ERP's orders with their receipts. */
export interface ErpOrderReader {
  /** The orders found (any state), by external reference; one the ERP does not have is absent. */
  ordersByReference(orders: readonly ErpOrderLocator[]): Promise<ReadonlyMap<string, ErpOrderView>>;
  /**
   * The ERP's orders with the middleware's reference purchased on the days `[from, until)`, a page
   * at a time in reference order, from the one after `after` when given (domain/reconciliation/
   * unrecorded.ts looks for those Supplyline never recorded).
   */
  referencedOrders(
    days: { from: string; until: string },
    after?: ErpOrderPosition,
  ): AsyncIterable<readonly ReferencedErpOrder[]>;
  /** The warehouse's committed value in the month (as ErpPort.committedValue counts it). */
  committedValue(warehouseCode: string, month: string): Promise<string>;
}

/**
 * The repairs reconciliation may make, each through the path the events take (so each is
 * idempotent: a second run repeats nothing). Each records what the middleware changed, so the next
 * run tells its own change from a person's.
 */
export interface ReconciliationRepairer {
  /** Posts the awarded order that has no ERP order (idempotent on its external reference). */
  postMissingOrder(order: RecordedOrder, awarded: ProcurementPurchaseOrder): Promise<void>;
  /** Amends the ERP order to its owners' values, and records the revision the amendment made. */
  amendErpOrder(order: RecordedOrder, lines: readonly ErpLineRepair[]): Promise<void>;
  /** Synchronises the platform's status with the ERP's receipts (idempotency key per receipt). */
  syncProcurementStatus(
    order: RecordedOrder,
    erpNumber: string,
    status: 'partially_received' | 'received',
    receiptNumber: string,
  ): Promise<void>;
  /** Records the ERP's number of the order on its commitment (PostedCommitmentErpOrders). */
  recordErpNumber(order: RecordedOrder, erpNumber: string): Promise<void>;
}

/** Integration exceptions for a person; raising the same exception id again changes nothing. */
export interface ReconciliationExceptions {
  raise(exception: IntegrationException): Promise<void>;
}

/** The summary of a run, as its report states it. */
export interface ReconciliationSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  window: ReconciliationWindow;
  orders: number;
  /** Differences found per contract class (every class listed, 0 included). */
  differences: Record<Difference['class'], number>;
  repaired: number;
  exceptionsRaised: number;
  repairFailures: number;
  /** Committed value per warehouse and whole month of the window, ERP against Supplyline. */
  committedValues: CommittedValueComparison[];
  /** How many of them differ (reported, never repaired). */
  committedValueDifferences: number;
}

/** Where a run's report goes: each difference as it is found, then the summary. */
export interface ReconciliationReportWriter {
  add(difference: Difference): Promise<void>;
  /**
   * Stores the differences added since the last part, so a run resumed in another invocation
   * keeps them (`finish` then joins the parts). Needed by runs in partitions only.
   */
  endPart?(part: number, run: Pick<ReconciliationSummary, 'runId' | 'startedAt'>): Promise<void>;
  /** Stores the report; resolves with where it was stored (e.g. object keys). */
  finish(summary: ReconciliationSummary): Promise<readonly string[]>;
}

/**
 * Where a run made in posting-day partitions (domain/reconciliation/partitioned.ts) stands after
 * its last finished partition: enough for another invocation to resume it without repeating one.
 */
export interface ReconciliationCheckpoint {
  runId: string;
  startedAt: string;
  window: ReconciliationWindow;
  /**
   * How many steps are done (in order), each one report part: the window's partitions compared,
   * repaired and reported, then the pages of the ERP's referenced orders looked up.
   */
  partitionsDone: number;
  /** The last ERP order looked up by a finished step (domain/reconciliation/unrecorded.ts). */
  unrecordedAfter?: ErpOrderPosition;
  /** The summary's counts so far (committed values are compared once the last partition is done). */
  summary: ReconciliationSummary;
  /** Supplyline's committed value so far per `warehouse|month`, exact decimal strings. */
  committed: Record<string, string>;
}

/** The checkpoints of runs in partitions, by run id. */
export interface ReconciliationCheckpoints {
  load(runId: string): Promise<ReconciliationCheckpoint | undefined>;
  save(checkpoint: ReconciliationCheckpoint): Promise<void>;
}
