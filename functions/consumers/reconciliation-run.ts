/**
 * Consumer of `reconciliation-run.requested` (bulk lane, one run per message): runs a
 * reconciliation asked for through the API (POST /v1/reconciliation-runs, the dashboard, `ops
 * reconcile --local`), its status following it (domain/reconciliation/on-demand.ts). A run whose
 * lease another took is recorded failed, not retried; any other failure is the lane's to retry.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { ReconciliationRunRequestedV1 } from '../../canonical/generated/types';
import { validateReconciliationRunRequestedV1 } from '../../canonical/generated/validators';
import { reconcile } from '../../domain/reconciliation/run';
import { runAskedReconciliation } from '../../domain/reconciliation/on-demand';
import { reconciliationRuns } from '../api/reconciliation-run-ports';
import { canonicalValidators } from '../commons/consumer';
import { emitMetric } from '../commons/powertools';
import { runMetrics } from '../scheduled/purchase-order-reconciliation';
import {
  reconciliationLease,
  reconciliationPorts,
  reconciliationSettings,
} from '../scheduled/reconciliation-ports';
import { consumerHandler } from './composition';

/** The route's timeout (application/routing/routes.ts): the lease is held for as long as the run may last. */
const RUN_MS = 900_000;

/** Runs the reconciliation a `reconciliation-run.requested` event asked for. */
export async function runRequested(event: CanonicalEvent, logger: Pick<Logger, 'info'>): Promise<void> {
  const request = (event as ReconciliationRunRequestedV1).data;
  const since = request.since ? new Date(request.since) : undefined;
  const ports = { lease: reconciliationLease(), runs: reconciliationRuns(), now: () => new Date() };
  const outcome = await runAskedReconciliation(ports, request, new Date(Date.now() + RUN_MS), () =>
    reconcile(reconciliationPorts(), reconciliationSettings(), request.runId, since),
  );
  if (outcome.summary)
    for (const metric of runMetrics(outcome.summary))
      emitMetric(metric.name, metric.value, metric.unit, metric.dimensions);
  logger.info('asked-for reconciliation run ended', { ...outcome });
}

export const handler = consumerHandler({
  name: 'reconciliation-run',
  validators: canonicalValidators({ 'reconciliation-run.requested': validateReconciliationRunRequestedV1 }),
  process: (event, { logger }) => runRequested(event, logger),
});
