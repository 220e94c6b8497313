/** Starting a reconciliation run's state machine: the schedule's and the on-demand run's way in. */
import { startWorkflow } from '../../adapters/aws/workflows';
import { stateMachineEnvVar } from '../../application/resources';
import type { RunIteration } from '../../domain/reconciliation/loop';
import { env, stepFunctions } from '../commons/clients';

/**
 * Starts the run's state machine, which loops the reconciliation function until the run is
 * complete. Named after the run: a repeated start (a redelivered request) is refused, not run twice.
 */
export async function startReconciliationRun(run: RunIteration): Promise<void> {
  await startWorkflow(
    stepFunctions(),
    env(stateMachineEnvVar('purchase-order-reconciliation')),
    `reconciliation-${run.runId}`,
    run,
  );
}
