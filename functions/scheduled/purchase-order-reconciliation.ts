/**
 * Daily reconciliation of the purchase orders of the last 90 days across the procurement platform,
 * the ERP and Supplyline's record (business-rules.md, "Reconciliation"; domain/reconciliation):
 * repairs what the contract allows, raises an integration exception for the rest, writes the run's
 * report (JSON and CSV) and emits the differences per class as metrics. A run of any size: the
 * schedule starts the run's state machine (purchase-order-reconciliation), which invokes this
 * function with the run until it is complete, each invocation comparing posting-day partitions
 * from the run's checkpoint (domain/reconciliation/loop.ts). One run at a time: each holds a lease
 * across its iterations; the schedule's run stands down while another runs, an on-demand run whose
 * lease another took is recorded failed.
 *
 * Environment: WORKFLOW_CORRELATION_TABLE_NAME, SYNC_LEDGER_TABLE_NAME, CIRCUIT_BREAKER_TABLE_NAME,
 * RECONCILIATION_REPORTS_BUCKET_NAME, EVENT_BUS_NAME, TENANT_ID, SUPPLYLINE_BUSINESS_RULES and the
 * procurement and ERP connectors' settings and secrets.
 */
import type { Context } from 'aws-lambda';
import {
  reconcileIteration,
  reconciliationRunFailed,
  type IterationPorts,
  type RunIteration,
} from '../../domain/reconciliation/loop';
import { reconcileInPartitions } from '../../domain/reconciliation/partitioned';
import type { BusinessMetricName } from '../../application/metrics';
import type { ReconciliationRunCounts } from '../../domain/ports/reconciliation-runs';
import { driftPercent } from '../../domain/reconciliation/drift';
import { DIFFERENCE_CLASSES } from '../../domain/reconciliation/types';
import { beginInvocation } from '../commons/invocation';
import { emitMetric, logger, metrics } from '../commons/powertools';
import { newRunId, reconciliationLease, reconciliationRuns } from '../api/reconciliation-run-ports';
import {
  reconciliationCheckpoints,
  reconciliationPorts,
  reconciliationSettings,
} from './reconciliation-ports';
import { startReconciliationRun } from './reconciliation-start';

/**
 * The window start a direct invocation asks for (`{ "since": "<ISO 8601>" }`; people and `ops reconcile`
 * ask through POST /v1/reconciliation-runs instead);
 * undefined for the schedule's event, which names none. A malformed start is refused before any
 * system is read.
 */
export function windowStartOf(event: unknown): Date | undefined {
  if (typeof event !== 'object' || event === null || !('since' in event)) return undefined;
  const { since } = event as { since: unknown };
  const start = typeof since === 'string' ? new Date(since) : undefined;
  if (!start || Number.isNaN(start.getTime()))
    throw new TypeError(`since must be an ISO 8601 time, not ${JSON.stringify(since)}`);
  return start;
}

/** A business metric a run emits. */
export interface RunMetric {
  name: BusinessMetricName;
  value: number;
  unit: 'Count' | 'Percent';
  dimensions?: Record<string, string>;
}

/** What a run's summary feeds CloudWatch: orders, differences per class, drift, repairs. */
export function runMetrics(run: ReconciliationRunCounts): RunMetric[] {
  return [
    { name: 'ReconciliationOrders', value: run.orders, unit: 'Count' },
    ...DIFFERENCE_CLASSES.map((name): RunMetric => ({
      name: 'ReconciliationDifferences',
      value: run.differences[name],
      unit: 'Count',
      dimensions: { DifferenceClass: name },
    })),
    // The drift alarm's metric: differences per 100 orders compared.
    { name: 'ReconciliationDriftPercent', value: driftPercent(run), unit: 'Percent' },
    { name: 'ReconciliationRepairs', value: run.repaired, unit: 'Count' },
    { name: 'ReconciliationRepairFailures', value: run.repairFailures, unit: 'Count' },
    { name: 'ReconciliationCommittedValueDifferences', value: run.committedValueDifferences, unit: 'Count' },
  ];
}

/** A failure the state machine caught (its Catch's `Error` and `Cause`). */
interface CaughtFailure {
  Error?: string;
  Cause?: string;
}

/** The state machine's iteration (`{ runId, since?, requestedBy? }`, with `failure` once it gave up). */
function iterationOf(event: unknown): (RunIteration & { failure?: CaughtFailure }) | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { runId, since, requestedBy, failure } = event as Record<string, unknown>;
  if (typeof runId !== 'string') return undefined;
  return {
    runId,
    ...(typeof since === 'string' ? { since } : {}),
    ...(typeof requestedBy === 'string' ? { requestedBy } : {}),
    ...(typeof failure === 'object' && failure !== null ? { failure: failure as CaughtFailure } : {}),
  };
}

/** What each iteration, and the record of a run given up on, needs besides the run. */
function iterationPorts(): IterationPorts {
  return { lease: reconciliationLease(), runs: reconciliationRuns(), now: () => new Date() };
}

/**
 * One iteration of a run (ADR 0011, "Scale"): partitions compared until the invocation's time left
 * is below the reserve, then `{ ...run, complete }` for the state machine to loop on.
 */
async function reconcileRunIteration(run: RunIteration, context?: Context) {
  const settings = reconciliationSettings();
  const time = {
    remainingMs: () => context?.getRemainingTimeInMillis() ?? 900_000,
    reserveMs: (settings.partitionTimeReserveSeconds ?? 300) * 1000,
  };
  const since = run.since ? { since: new Date(run.since) } : {};
  const result = await reconcileIteration(iterationPorts(), run, time, (shouldStop) =>
    reconcileInPartitions(
      { ...reconciliationPorts(), checkpoints: reconciliationCheckpoints() },
      settings,
      run.runId,
      { ...since, shouldStop },
    ),
  );
  if ('summary' in result) {
    for (const metric of runMetrics(result.summary))
      emitMetric(metric.name, metric.value, metric.unit, metric.dimensions);
    logger.info('purchase orders reconciled', { ...result.summary });
  } else if ('skipped' in result)
    logger.warn('scheduled reconciliation skipped: a run is in progress', result);
  else logger.info('reconciliation run iteration ended', { ...run, ...result });
  return { ...run, complete: result.complete };
}

/**
 * The daily schedule's target and a direct invocation (`{ since }`) start a run's state machine;
 * the state machine invokes it with the run (`{ runId }`) until the run is complete.
 */
export const handler = async (event?: unknown, context?: Context) => {
  beginInvocation(context);
  try {
    const iteration = iterationOf(event);
    if (!iteration) {
      const since = windowStartOf(event);
      const runId = newRunId(new Date());
      await startReconciliationRun({ runId, ...(since ? { since: since.toISOString() } : {}) });
      logger.info('reconciliation run started', { runId });
      return { started: runId };
    }
    const { failure, ...run } = iteration;
    if (!failure) return await reconcileRunIteration(run, context);
    const reason = `${failure.Error ?? 'failed'}: ${failure.Cause ?? ''}`;
    await reconciliationRunFailed(iterationPorts(), run, reason);
    logger.error('reconciliation run failed', { ...run, reason });
    return { ...run, complete: true, failed: reason };
  } finally {
    metrics.publishStoredMetrics();
  }
};
