import type { AcknowledgementResult, PostedPurchaseOrder } from '../commitment/types';
import type { ConfirmedLine } from '../reconciliation/types';

/**
 * Posted commitments by procurement PO number, and the acknowledgement workflow's task token: the
 * acknowledgement may arrive before the workflow registered its wait, so both sides check the other.
 */
export interface CommitmentRegistry {
  recordPosted(po: PostedPurchaseOrder): Promise<void>;
  findByPoNumber(poNumber: string): Promise<PostedPurchaseOrder | undefined>;
  /** Stores the token; returns the acknowledgement when it already arrived. */
  registerAcknowledgementWait(
    poNumber: string,
    taskToken: string,
  ): Promise<AcknowledgementResult | undefined>;
  /**
   * Keeps the supplier's latest confirmation as received, before it is applied to the ERP, so
   * reconciliation can tell one that never reached the ERP order (an older one never replaces it).
   */
  recordConfirmationReceived(
    poNumber: string,
    confirmation: { receivedAt: string; lines: ConfirmedLine[] },
  ): Promise<void>;
  /** Stores the acknowledgement; returns the waiting task token, if any. */
  recordAcknowledged(poNumber: string, result: AcknowledgementResult): Promise<string | undefined>;
}

/**
 * The ERP order a posted commitment stands for. Reconciliation posts an order the ERP lost again,
 * under a new ERP number: receipts are then announced with that number, not the lost one's.
 */
export interface PostedCommitmentErpOrders {
  /** Records `erpNumber` as the commitment's ERP order (nothing when no commitment is recorded). */
  recordErpNumber(poNumber: string, erpNumber: string): Promise<void>;
}
