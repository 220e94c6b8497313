/** `Check ERP policies` (purchase-commitment): the business rules' checks and whether approval is needed. */
import { checkCommitmentPolicies } from '../../domain/commitment/steps';
import type { CommitmentState } from '../../domain/commitment/types';
import { stepPorts } from './composition';
import { deferWhileRefused } from './deferral';
import { workflowTask } from './task';

// Refused by an open breaker or the request budget: the workflow waits and runs it again.
export const handler = workflowTask(
  'commitment-policy-check',
  deferWhileRefused('commitment-policy-check', (state: CommitmentState) =>
    checkCommitmentPolicies(state, stepPorts()),
  ),
);
