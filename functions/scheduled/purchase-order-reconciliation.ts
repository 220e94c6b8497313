/**
 * Daily reconciliation of the purchase orders of the last 90 days across the procurement platform,
 * the ERP and Supplyline's record (business-rules.md, "Reconciliation"; domain/reconciliation):
 * repairs what the contract allows, raises an integration exception for the rest, writes the run's
 * report (JSON and CSV) and emits the differences per class as metrics. One run at a time: each
 * holds a lease (domain/reconciliation/lease.ts); the schedule's run stands down while another
 * runs, an on-demand run fails with ReconciliationRunInProgress.
 *
 * Environment: WORKFLOW_CORRELATION_TABLE_NAME, SYNC_LEDGER_TABLE_NAME, CIRCUIT_BREAKER_TABLE_NAME,
 * RECONCILIATION_REPORTS_BUCKET_NAME, EVENT_BUS_NAME, TENANT_ID, SUPPLYLINE_BUSINESS_RULES and the
 * procurement and ERP connectors' settings and secrets.
 */
import type { Context } from 'aws-lambda';
import { reconcile } from '../../domain/reconciliation/run';
import type { BusinessMetricName } from '../../application/metrics';
import type { ReconciliationRunCounts } from '../../domain/ports/reconciliation-runs';
import { driftPercent } from '../../domain/reconciliation/drift';
import { exclusively, ReconciliationRunInProgress } from '../../domain/reconciliation/lease';
import { DIFFERENCE_CLASSES } from '../../domain/reconciliation/types';
import { beginInvocation } from '../commons/invocation';
import { emitMetric, logger, metrics } from '../commons/powertools';
import { reconciliationLease, reconciliationPorts, reconciliationSettings } from './reconciliation-ports';

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

/** Whether the invocation is the daily schedule's (an EventBridge `Scheduled Event`). */
export function isScheduledEvent(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event'
  );
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

/** Schedule target (daily), and a run invoked directly (an on-demand one fails while another runs). */
export const handler = async (event?: unknown, context?: Context) => {
  beginInvocation(context);
  try {
    const since = windowStartOf(event);
    const startedAt = new Date();
    const runId = `${startedAt.toISOString().replace(/[-:.]/g, '')}-${crypto.randomUUID().slice(0, 8)}`;
    // Held for as long as this invocation may last; a run killed by its timeout frees it then.
    const until = new Date(startedAt.getTime() + (context?.getRemainingTimeInMillis() ?? 900_000));
    let run;
    try {
      run = await exclusively(reconciliationLease(), runId, until, () =>
        reconcile(reconciliationPorts(), reconciliationSettings(), runId, since),
      );
    } catch (error) {
      // The schedule's run would compare what the run in progress compares: it stands down.
      // An on-demand run fails with the reason, for the person who asked to try again after it.
      if (!(error instanceof ReconciliationRunInProgress) || !isScheduledEvent(event)) throw error;
      logger.warn('scheduled reconciliation skipped: a run is in progress', { ...error });
      return { skipped: error.message, heldBy: error.heldBy, until: error.until };
    }
    for (const metric of runMetrics(run))
      emitMetric(metric.name, metric.value, metric.unit, metric.dimensions);
    logger.info('purchase orders reconciled', { ...run });
    return run;
  } finally {
    metrics.publishStoredMetrics();
  }
};
