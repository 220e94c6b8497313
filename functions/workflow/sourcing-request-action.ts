/** `Source the need` (purchase-commitment): create, amend or cancel the sourcing request. */
import { sourceTheNeed } from '../../domain/commitment/steps';
import type { CommitmentState } from '../../domain/commitment/types';
import { stepPorts } from './composition';
import { deferWhileRefused } from './deferral';
import { workflowTask } from './task';

// Refused by an open breaker or the request budget: the workflow waits and runs it again.
export const handler = workflowTask(
  'sourcing-request-action',
  deferWhileRefused('sourcing-request-action', (state: CommitmentState) => sourceTheNeed(state, stepPorts())),
);
