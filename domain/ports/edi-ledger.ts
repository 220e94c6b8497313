/**
 * What the EDI rules keep per trading partner: control numbers that never repeat, the 850s sent
 * (so a retry re-sends the same numbers and an 855 finds the revision it answers), and the files
 * and interchanges received (so a repeat changes nothing and is counted).
 */
import type { TransmissionPurpose } from '../edi/purchase-order-850';

/** An 850 as sent: what rebuilds the same file on a retry. */
export interface PurchaseOrderTransmission {
  readonly partnerId: string;
  readonly poNumber: string;
  readonly revision: number;
  readonly purpose: TransmissionPurpose;
  /** ISA13 and GS06. */
  readonly interchangeNumber: number;
  /** ISO instant the interchange is dated (ISA09/10, GS04/05). */
  readonly preparedAt: string;
  /** Mailbox key of the file. */
  readonly key: string;
}

/** What we answered for one received file: the 997's interchange number and date. */
export interface ReceivedFile {
  readonly partnerId: string;
  readonly key: string;
  readonly acknowledgementNumber: number;
  readonly preparedAt: string;
}

/** The EDI ledger of the trading partners. */
export interface EdiLedger {
  /**
   * The next interchange control number of `partnerId` (1, 2, ...): atomic, so concurrent senders
   * never get the same one. A number taken and not used is a gap, which partners accept.
   */
  nextInterchangeNumber(partnerId: string): Promise<number>;
  /** The 850 sent for this revision of the order and purpose, if any. */
  transmissionOf(
    partnerId: string,
    poNumber: string,
    revision: number,
    purpose: TransmissionPurpose,
  ): Promise<PurchaseOrderTransmission | undefined>;
  /**
   * The last 850 sent for the order, if any: the highest revision, and of one revision its
   * cancellation after the order itself.
   */
  latestTransmission(partnerId: string, poNumber: string): Promise<PurchaseOrderTransmission | undefined>;
  /** Records `transmission` unless one exists for its revision and purpose: returns the one kept. */
  recordTransmission(transmission: PurchaseOrderTransmission): Promise<PurchaseOrderTransmission>;
  /** Records the answer to a received file unless one exists for its key: returns the one kept. */
  recordReceivedFile(file: ReceivedFile): Promise<ReceivedFile>;
  /**
   * Claims interchange `controlNumber` (ISA13) of `partnerId` for the file `key`: returns the key
   * of the file that first carried it (the same key when this file is the first).
   */
  claimInterchange(partnerId: string, controlNumber: string, key: string): Promise<string>;
  /**
   * Notes that `transmission` awaits the partner's 997 (before its file is written, so no 997 can
   * come first); a no-op once its 997 was received, so a re-send does not make it awaited again.
   */
  awaitAcknowledgement(transmission: PurchaseOrderTransmission): Promise<void>;
  /** Notes that a 997 (accepting or rejecting) answered our 850 interchange `interchangeNumber` (GS06). */
  recordAcknowledgement(partnerId: string, interchangeNumber: number, receivedAt: string): Promise<void>;
  /** The 850s of `partnerId` prepared at or before `sentBefore` (ISO instant) that no 997 answered. */
  unacknowledgedSentBefore(partnerId: string, sentBefore: string): Promise<PurchaseOrderTransmission[]>;
}
