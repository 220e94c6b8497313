/**
 * `Wait for supplier acknowledgement` (supplier-acknowledgement, waitForTaskToken): keeps the task
 * token under the PO, or answers it at once when the supplier acknowledged first.
 */
import { registerAcknowledgementWait } from '../../domain/commitment/acknowledgement';
import { acknowledgementWaitPorts } from './composition';
import { workflowTask } from './task';

export const handler = workflowTask(
  'acknowledgement-wait',
  (input: { taskToken: string; purchaseOrder: { poNumber: string } }) =>
    registerAcknowledgementWait(input, acknowledgementWaitPorts()),
);
