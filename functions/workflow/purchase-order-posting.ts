/** `Post purchase order` (purchase-commitment): award in procurement, post to the ERP, record and emit. */
import { postCommitment } from '../../domain/commitment/need';
import type { CommitmentState } from '../../domain/commitment/types';
import { stepPorts } from './composition';
import { deferWhileRefused } from './deferral';
import { workflowTask } from './task';

// Refused by an open breaker or the request budget: the workflow waits and runs it again.
export const handler = workflowTask(
  'purchase-order-posting',
  deferWhileRefused('purchase-order-posting', (state: CommitmentState) => postCommitment(state, stepPorts())),
);
