/**
 * One reconciliation run: Supplyline's records of the window, a page at a time; for each page the
 * platform's and the ERP's views of the same orders; each order compared (compare.ts), its repairs
 * made and its exceptions raised; every difference written to the report as it is found. Memory
 * holds one page, whatever the window's size (and the window's references, to find the ERP's
 * orders with the middleware's reference that Supplyline never recorded). The compare itself (`reconcileViews`) takes the
 * views from any join: these paged reads, or the merge join of sorted extracts (join.ts).
 */
import type { IntegrationException } from '../../canonical/generated/types';
import type { ErpOrderReference } from '../ports/erp';
import type {
  ErpOrderReader,
  ProcurementOrderReader,
  ReconciliationExceptions,
  ReconciliationReportWriter,
  ReconciliationRepairer,
  ReconciliationSummary,
  ReconciliationWindow,
  RecordedOrderPages,
} from '../ports/reconciliation';
import { Decimal } from '../decimal';
import { CommittedValueTally } from './committed-value';
import { compareOrder } from './compare';
import { unrecordedErpOrder, wholeDaysOf } from './unrecorded';
import {
  DIFFERENCE_CLASSES,
  type Difference,
  type OrderViews,
  type ReconciliationSettings,
  type RepairAction,
} from './types';

/** The outside world of a run. */
export interface ReconciliationPorts {
  orders: RecordedOrderPages;
  procurement: ProcurementOrderReader;
  erp: ErpOrderReader;
  repairer: ReconciliationRepairer;
  exceptions: ReconciliationExceptions;
  report: ReconciliationReportWriter;
  now(): Date;
}

/**
 * The window of a run started at `now`: the last `windowDays` days, or from `since` when an
 * operator's on-demand run names its start (a start after `now` would select nothing: refused).
 */
export function reconciliationWindow(now: Date, windowDays: number, since?: Date): ReconciliationWindow {
  if (since && !(since.getTime() < now.getTime()))
    throw new RangeError(`the window start ${since.toISOString()} is not before ${now.toISOString()}`);
  return {
    since: (since ?? new Date(now.getTime() - windowDays * 86_400_000)).toISOString(),
    until: now.toISOString(),
  };
}

/** Runs reconciliation over the window (from `since` when given); resolves with the summary the report ends with. */
export async function reconcile(
  ports: ReconciliationPorts,
  settings: ReconciliationSettings,
  runId: string,
  since?: Date,
): Promise<ReconciliationSummary & { reportKeys: readonly string[] }> {
  const started = ports.now();
  const window = reconciliationWindow(started, settings.windowDays, since);
  const summary = emptySummary(runId, window, started);
  const committed = new CommittedValueTally(window);
  const recorded = new Set<string>();
  await compareViews(noting(pagedViews(ports, window), recorded), ports, settings, summary, committed);
  await compareUnrecorded(ports, window, recorded, summary);
  return finishRun(summary, committed, ports, settings);
}

/** The views, noting each recorded order's reference on the way. */
async function* noting(
  views: AsyncIterable<OrderViews>,
  references: Set<string>,
): AsyncGenerator<OrderViews> {
  for await (const order of views) {
    references.add(order.recorded.externalRef);
    yield order;
  }
}

/**
 * The ERP's orders with the middleware's reference, purchased on the window's whole days, that are
 * not among `recorded`: each is compared (counted), raised for a person and reported
 * (unrecorded.ts). The references of the window are held meanwhile: some MB at 100,000 orders.
 */
async function compareUnrecorded(
  ports: Pick<ReconciliationPorts, 'erp' | 'exceptions' | 'report' | 'now'>,
  window: ReconciliationWindow,
  recorded: ReadonlySet<string>,
  summary: ReconciliationSummary,
): Promise<void> {
  const days = wholeDaysOf(window);
  if (!days) return;
  for await (const page of ports.erp.referencedOrders(days))
    await raiseUnrecorded(ports, page, recorded, summary);
}

/** Each order of the page not among `recorded`: counted, raised for a person and reported. */
export async function raiseUnrecorded(
  ports: Pick<ReconciliationPorts, 'exceptions' | 'report' | 'now'>,
  page: readonly ErpOrderReference[],
  recorded: ReadonlySet<string>,
  summary: ReconciliationSummary,
): Promise<void> {
  for (const order of page) {
    if (recorded.has(order.externalRef)) continue;
    const difference = unrecordedErpOrder(order);
    summary.orders++;
    summary.differences[difference.class]++;
    await ports.exceptions.raise(integrationExceptionOf(difference, ports.now()));
    summary.exceptionsRaised++;
    await ports.report.add(difference);
  }
}

/**
 * Supplyline's records a page at a time, each page's platform and ERP views read for the same
 * orders (the platform has no list of orders: each is read by number).
 */
export async function* pagedViews(
  ports: Pick<ReconciliationPorts, 'orders' | 'procurement' | 'erp'>,
  window: ReconciliationWindow,
): AsyncGenerator<OrderViews> {
  for await (const page of ports.orders.pages(window)) {
    const [awarded, posted] = await Promise.all([
      ports.procurement.ordersByNumber(page.map((order) => order.poNumber)),
      ports.erp.ordersByReference(page),
    ]);
    for (const recorded of page) {
      yield {
        recorded,
        procurement: awarded.get(recorded.poNumber) ?? null,
        erp: posted.get(recorded.externalRef) ?? null,
      };
    }
  }
}

/** What the compare does with each order's views: repairs, exceptions, the report, the ERP's committed value. */
export type ReconciliationOutcomes = Pick<
  ReconciliationPorts,
  'repairer' | 'exceptions' | 'report' | 'now'
> & {
  erp: Pick<ErpOrderReader, 'committedValue'>;
};

/**
 * The streaming compare every run makes, whatever joined the views (the paged reads above, or the
 * merge join of sorted extracts, join.ts): each order compared, its repairs made, its exceptions
 * raised and its differences reported as they are found. Memory holds one order's views.
 */
export async function reconcileViews(
  views: AsyncIterable<OrderViews>,
  ports: ReconciliationOutcomes,
  settings: ReconciliationSettings,
  run: { runId: string; window: ReconciliationWindow; startedAt: Date },
): Promise<ReconciliationSummary & { reportKeys: readonly string[] }> {
  const summary = emptySummary(run.runId, run.window, run.startedAt);
  const committed = new CommittedValueTally(run.window);
  await compareViews(views, ports, settings, summary, committed);
  return finishRun(summary, committed, ports, settings);
}

/** A run's summary before any order is compared. */
export function emptySummary(
  runId: string,
  window: ReconciliationWindow,
  startedAt: Date,
): ReconciliationSummary {
  return {
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    window,
    orders: 0,
    differences: Object.fromEntries(
      DIFFERENCE_CLASSES.map((name) => [name, 0]),
    ) as ReconciliationSummary['differences'],
    repaired: 0,
    exceptionsRaised: 0,
    repairFailures: 0,
    committedValues: [],
    committedValueDifferences: 0,
  };
}

/** Compares each order of `views`, counting into `summary` and adding its value to `committed`. */
export async function compareViews(
  views: AsyncIterable<OrderViews>,
  ports: Omit<ReconciliationOutcomes, 'erp'>,
  settings: ReconciliationSettings,
  summary: ReconciliationSummary,
  committed: CommittedValueTally,
): Promise<void> {
  for await (const order of views) {
    summary.orders++;
    committed.add(order.recorded);
    const findings = compareOrder(order, settings, ports.now());
    const failed = await applyRepairs(order, findings.repairs, ports.repairer, summary);
    for (const found of findings.differences) {
      const difference = failedRepair(found, failed);
      summary.differences[difference.class]++;
      if (difference.resolution.kind === 'exception') {
        await ports.exceptions.raise(integrationExceptionOf(difference, ports.now()));
        summary.exceptionsRaised++;
      }
      await ports.report.add(difference);
    }
  }
}

/** The committed values compared with the ERP's, and the report stored with the summary. */
export async function finishRun(
  summary: ReconciliationSummary,
  committed: CommittedValueTally,
  ports: ReconciliationOutcomes,
  settings: Pick<ReconciliationSettings, 'warehouses'>,
): Promise<ReconciliationSummary & { reportKeys: readonly string[] }> {
  summary.committedValues = await committed.compare(
    (warehouse, month) => ports.erp.committedValue(warehouse, month),
    settings.warehouses,
  );
  summary.committedValueDifferences = summary.committedValues.filter(
    (comparison) => !Decimal.of(comparison.difference).isZero(),
  ).length;
  summary.finishedAt = ports.now().toISOString();
  const reportKeys = await ports.report.finish(summary);
  return { ...summary, reportKeys };
}

/** Makes each repair; resolves with the failure message of each repair kind that failed. */
async function applyRepairs(
  { recorded, procurement, erp }: OrderViews,
  repairs: readonly RepairAction[],
  repairer: ReconciliationRepairer,
  summary: ReconciliationSummary,
): Promise<Map<RepairAction['kind'], string>> {
  const failed = new Map<RepairAction['kind'], string>();
  for (const action of repairs) {
    try {
      if (action.kind === 'post-missing-order') await repairer.postMissingOrder(recorded, procurement!);
      else if (action.kind === 'amend-erp-order') await repairer.amendErpOrder(recorded, action.lines);
      else if (action.kind === 'record-erp-number')
        await repairer.recordErpNumber(recorded, action.erpNumber);
      else await repairer.syncProcurementStatus(recorded, erp!.number, action.status, action.receiptNumber);
      summary.repaired++;
    } catch (error) {
      summary.repairFailures++;
      failed.set(action.kind, error instanceof Error ? error.message : String(error));
    }
  }
  return failed;
}

/** A difference whose repair failed goes to a person, with the failure as its reason. */
function failedRepair(difference: Difference, failed: ReadonlyMap<RepairAction['kind'], string>): Difference {
  const { resolution } = difference;
  if (resolution.kind !== 'repair' || !failed.has(resolution.action)) return difference;
  return {
    ...difference,
    resolution: {
      kind: 'exception',
      code: 'RECONCILIATION_REPAIR_FAILED',
      reason: `The repair (${resolution.action}) failed: ${failed.get(resolution.action)}`,
    },
  };
}

/**
 * The integration exception of a difference. Its id names the order, class and line, so the next
 * run raises the same id again (a no-op) instead of a second exception.
 */
export function integrationExceptionOf(difference: Difference, at: Date): IntegrationException {
  if (difference.resolution.kind !== 'exception')
    throw new RangeError('a repaired difference raises no exception');
  const line = difference.lineNo === null ? 'order' : `line-${difference.lineNo}`;
  return {
    exceptionId: `reconciliation:${difference.externalRef}:${difference.class}:${line}`,
    category: 'BUSINESS',
    code: difference.resolution.code,
    message: difference.resolution.reason,
    status: 'OPEN',
    objectType: 'PurchaseOrder',
    objectId: difference.externalRef,
    system:
      difference.found.system === 'erp'
        ? 'erp'
        : difference.found.system === 'procurement'
          ? 'procurement'
          : 'supplyline',
    raisedAt: at.toISOString(),
    details: JSON.stringify({
      class: difference.class,
      poNumber: difference.poNumber,
      erpNumber: difference.erpNumber,
      lineNo: difference.lineNo,
      field: difference.field,
      owner: difference.owner,
      expected: difference.expected,
      found: difference.found,
    }),
  };
}
