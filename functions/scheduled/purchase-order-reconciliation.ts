/**
 * Daily reconciliation of the purchase orders of the last 90 days across the procurement platform,
 * the ERP and Supplyline's record (business-rules.md, "Reconciliation"; domain/reconciliation):
 * repairs what the contract allows, raises an integration exception for the rest, writes the run's
 * report (JSON and CSV) and emits the differences per class as metrics.
 *
 * Environment: WORKFLOW_CORRELATION_TABLE_NAME, SYNC_LEDGER_TABLE_NAME, CIRCUIT_BREAKER_TABLE_NAME,
 * RECONCILIATION_REPORTS_BUCKET_NAME, EVENT_BUS_NAME, TENANT_ID, SUPPLYLINE_BUSINESS_RULES and the
 * procurement and ERP connectors' settings and secrets.
 */
import type { Context } from 'aws-lambda';
import { reconcile } from '../../domain/reconciliation/run';
import type { BusinessMetricName } from '../../application/metrics';
import type { ReconciliationSummary } from '../../domain/ports/reconciliation';
import { driftPercent } from '../../domain/reconciliation/drift';
import { DIFFERENCE_CLASSES } from '../../domain/reconciliation/types';
import { beginInvocation } from '../commons/invocation';
import { emitMetric, logger, metrics } from '../commons/powertools';
import { reconciliationPorts, reconciliationSettings } from './reconciliation-ports';

/**
 * The window start an on-demand run asks for (`{ "since": "<ISO 8601>" }`, from `ops reconcile`);
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
export function runMetrics(run: ReconciliationSummary): RunMetric[] {
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

/** Schedule target (daily) and the operations CLI's on-demand run (`ops reconcile`). */
export const handler = async (event?: unknown, context?: Context) => {
  beginInvocation(context);
  try {
    const since = windowStartOf(event);
    const startedAt = new Date();
    const runId = `${startedAt.toISOString().replace(/[-:.]/g, '')}-${crypto.randomUUID().slice(0, 8)}`;
    const run = await reconcile(reconciliationPorts(), reconciliationSettings(), runId, since);
    for (const metric of runMetrics(run))
      emitMetric(metric.name, metric.value, metric.unit, metric.dimensions);
    logger.info('purchase orders reconciled', { ...run });
    return run;
  } finally {
    metrics.publishStoredMetrics();
  }
};
