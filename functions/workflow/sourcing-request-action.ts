/** `Source the need` (purchase-commitment): create, amend or cancel the sourcing request. */
import { sourceTheNeed } from '../../domain/commitment/steps';
import type { CommitmentState } from '../../domain/commitment/types';
import { stepPorts } from './composition';
import { workflowTask } from './task';

export const handler = workflowTask('sourcing-request-action', (state: CommitmentState) =>
  sourceTheNeed(state, stepPorts()),
);
