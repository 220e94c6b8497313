/** `Check ERP policies` (purchase-commitment): the business rules' checks and whether approval is needed. */
import { checkCommitmentPolicies } from '../../domain/commitment/steps';
import type { CommitmentState } from '../../domain/commitment/types';
import { stepPorts } from './composition';
import { workflowTask } from './task';

export const handler = workflowTask('commitment-policy-check', (state: CommitmentState) =>
  checkCommitmentPolicies(state, stepPorts()),
);
