import type { AcknowledgementResult, PostedPurchaseOrder } from '../commitment/types';

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
  /** Stores the acknowledgement; returns the waiting task token, if any. */
  recordAcknowledged(poNumber: string, result: AcknowledgementResult): Promise<string | undefined>;
}
