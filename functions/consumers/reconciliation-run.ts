/**
 * Consumer of `reconciliation-run.requested` (bulk lane): starts the run asked for through the API
 * (POST /v1/reconciliation-runs, the dashboard, `ops reconcile --local`) as an execution of the
 * reconciliation state machine, which loops the run's function until the run is complete (ADR 0011,
 * "Scale"). A start that fails is the lane's to retry.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { ReconciliationRunRequestedV1 } from '../../canonical/generated/types';
import { validateReconciliationRunRequestedV1 } from '../../canonical/generated/validators';
import { canonicalValidators } from '../commons/consumer';
import { startReconciliationRun } from '../scheduled/reconciliation-start';
import { consumerHandler } from './composition';

/**
 * Starts the run's state machine, which runs it (its status following it) in as many invocations
 * as its window needs. A redelivered request whose execution already exists changes nothing.
 */
export async function runRequested(event: CanonicalEvent, logger: Pick<Logger, 'info'>): Promise<void> {
  const { runId, requestedBy, since } = (event as ReconciliationRunRequestedV1).data;
  try {
    await startReconciliationRun({ runId, requestedBy, ...(since ? { since } : {}) });
  } catch (error) {
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
  }
  logger.info('asked-for reconciliation run started', { runId });
}

export const handler = consumerHandler({
  name: 'reconciliation-run',
  validators: canonicalValidators({ 'reconciliation-run.requested': validateReconciliationRunRequestedV1 }),
  process: (event, { logger }) => runRequested(event, logger),
});
