/** `Post purchase order` (purchase-commitment): award in procurement, post to the ERP, record and emit. */
import { postPurchaseOrder } from '../../domain/commitment/steps';
import type { CommitmentState } from '../../domain/commitment/types';
import { stepPorts } from './composition';
import { workflowTask } from './task';

export const handler = workflowTask('purchase-order-posting', (state: CommitmentState) =>
  postPurchaseOrder(state, stepPorts()),
);
