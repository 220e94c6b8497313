/**
 * ERP receipts -> procurement purchase order status (business-rules.md: "ERP receipt posted ->
 * procurement PO status updated: under 5 minutes"). Pure decisions; the poller and the receipt-sync
 * consumer do the I/O.
 */
import type { Receipt } from '../canonical/generated/types';
import { Decimal } from './decimal';

/** Receipt states that mean the goods are in the ERP (`received`: at the dock, `done`: put away). */
const POSTED_STATES: ReadonlySet<string> = new Set(['received', 'done']);

/** A receipt as the ERP reports it (structurally `ErpReceipt`). */
export interface ErpReceiptView {
  receiptNumber: string;
  state: string;
  receivedAt?: string;
  lines: readonly { itemCode: string; quantityEa: string }[];
}

/** What was ordered, per line: the ERP order's current quantities (amendments included). */
export interface OrderedLine {
  lineNo: number;
  itemCode: string;
  quantityEa: string;
}

/** A posted commitment the poller watches. */
export interface CommitmentAwaitingReceipt {
  poNumber: string;
  externalRef: string;
  erpNumber: string;
  warehouseCode: string;
  /** Receipt numbers already announced as `receipt.posted`. */
  announcedReceipts: readonly string[];
}

/** A receipt to announce, with the order's state after it. */
export interface ReceiptToAnnounce {
  receipt: Receipt;
  /** Received so far per line number (this receipt and every earlier posted one). */
  receivedByLine: ReadonlyMap<number, string>;
}

/**
 * The posted receipts not announced yet, oldest first (the ERP's order), each as a canonical
 * `Receipt`. `complete` is true once every ordered line's quantity is received, counting every
 * posted receipt up to and including this one. A receipt line names its order line only when the
 * item is on exactly one line of the order; received quantities of an item on several lines fill
 * them in order. Receipts with no line left (all moves cancelled) are skipped.
 *
 * `detectedAt` stands in for the receipt time: the ERP gives a date only, and the lag the service
 * level measures starts when the middleware could see the receipt.
 */
export function receiptsToAnnounce(
  commitment: CommitmentAwaitingReceipt,
  ordered: readonly OrderedLine[],
  receipts: readonly ErpReceiptView[],
  detectedAt: string,
): ReceiptToAnnounce[] {
  const announced = new Set(commitment.announcedReceipts);
  const linesOfItem = new Map<string, OrderedLine[]>();
  for (const line of [...ordered].sort((a, b) => a.lineNo - b.lineNo)) {
    const list = linesOfItem.get(line.itemCode) ?? [];
    list.push(line);
    linesOfItem.set(line.itemCode, list);
  }
  const receivedByItem = new Map<string, Decimal>();
  const result: ReceiptToAnnounce[] = [];
  for (const receipt of receipts) {
    if (!POSTED_STATES.has(receipt.state) || receipt.lines.length === 0) continue;
    for (const line of receipt.lines)
      receivedByItem.set(
        line.itemCode,
        (receivedByItem.get(line.itemCode) ?? Decimal.ZERO).add(line.quantityEa),
      );
    if (announced.has(receipt.receiptNumber)) continue;
    const receivedByLine = allocate(linesOfItem, receivedByItem);
    const complete =
      ordered.length > 0 &&
      ordered.every((line) => Decimal.of(receivedByLine.get(line.lineNo) ?? '0').gte(line.quantityEa));
    result.push({
      receipt: {
        receiptNumber: receipt.receiptNumber,
        externalRef: commitment.externalRef,
        erpNumber: commitment.erpNumber,
        warehouseCode: commitment.warehouseCode,
        receivedAt: detectedAt,
        complete,
        lines: receipt.lines.map((line) => {
          const onLines = linesOfItem.get(line.itemCode) ?? [];
          return {
            itemCode: line.itemCode,
            quantityEa: Decimal.of(line.quantityEa).toString(),
            lineNo: onLines.length === 1 ? onLines[0]!.lineNo : null,
          };
        }),
      },
      receivedByLine,
    });
  }
  return result;
}

/** Received quantity per order line: an item's total fills its lines in line order, the rest on the last. */
function allocate(
  linesOfItem: ReadonlyMap<string, readonly OrderedLine[]>,
  receivedByItem: ReadonlyMap<string, Decimal>,
): Map<number, string> {
  const byLine = new Map<number, string>();
  for (const [itemCode, lines] of linesOfItem) {
    let left = receivedByItem.get(itemCode) ?? Decimal.ZERO;
    lines.forEach((line, index) => {
      const take =
        index === lines.length - 1
          ? left
          : Decimal.of(line.quantityEa).lt(left)
            ? Decimal.of(line.quantityEa)
            : left;
      byLine.set(line.lineNo, take.toString());
      left = left.sub(take);
    });
  }
  return byLine;
}

/** The procurement status a receipt leads to. */
export type ProcurementReceiptStatus = 'partially_received' | 'received';

/** The procurement status update for a receipt, with its Idempotency-Key (one per receipt). */
export function procurementStatusUpdate(
  poNumber: string,
  receipt: Pick<Receipt, 'receiptNumber' | 'erpNumber' | 'complete'>,
): { body: { status: ProcurementReceiptStatus; erp_reference: string }; idempotencyKey: string } {
  return {
    body: { status: receipt.complete ? 'received' : 'partially_received', erp_reference: receipt.erpNumber },
    idempotencyKey: `po-status:${poNumber}:receipt:${receipt.receiptNumber}`,
  };
}

/**
 * The idempotency key of a `receipt.posted` event: the ERP receipt number (one event per receipt).
 * Instances number their receipts each on their own, so past the primary the instance is in it.
 */
export function receiptEventKey(receiptNumber: string, instance?: string): string {
  return instance === undefined ? `receipt:${receiptNumber}` : `receipt:${instance}:${receiptNumber}`;
}

/** `sourceVersion` of a receipt event: epoch ms of its detection (the envelope allows epoch ms). */
export function receiptVersion(detectedAt: string): number {
  const ms = Date.parse(detectedAt);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${detectedAt}`);
  return ms;
}
