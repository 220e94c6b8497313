/**
 * The partner's 855 (guide, "855 Purchase order acknowledgement") as the supplier's confirmation
 * the procurement platform's `purchase_order.acknowledged` also gives: per PO line, the quantity
 * confirmed and the delivery date confirmed.
 *
 * Several ACKs on one line confirm the sum of their quantities and the latest of their dates; an
 * `IR` line, and every line of a `RJ` 855, confirms 0 (dated with its ACK05, or the BAK04 date when
 * it carries none). ACK04 `068` is a ship date: the partner's transit days make it a delivery date.
 */
import type { SupplierAcknowledgement } from '../../canonical/generated/types';
import { Decimal } from '../decimal';
import { addDays, element, isoDateOf, type ReceivedTransactionSet, type Segment } from './interchange';
import type { TradingPartner } from './partners';

/** What an 855 says, before it is tied to the order revision it answers. */
export interface PartnerAcknowledgement {
  readonly poNumber: string;
  /** BAK02. */
  readonly acknowledgementType: 'AT' | 'AC' | 'RJ';
  readonly lines: SupplierAcknowledgement['lines'];
}

const ACK_CODES = new Set(['IA', 'IQ', 'DR', 'IR']);
const TAG = /^[A-Z][A-Z0-9]{1,2}$/;

/** The 855's content, or the reason it is not an 855 of the guide. */
export function readAcknowledgement855(
  set: ReceivedTransactionSet,
  partner: Pick<TradingPartner, 'transitDays'>,
): PartnerAcknowledgement | string {
  const [bak, ...rest] = set.segments;
  if (!bak || bak.tag !== 'BAK') return 'the 855 does not start with BAK';
  const type = element(bak, 2);
  if (type !== 'AT' && type !== 'AC' && type !== 'RJ') return `BAK02 (${type}) is not AT, AC or RJ`;
  const poNumber = element(bak, 3);
  if (poNumber === '') return 'BAK03 (the purchase order number) is empty';
  const bakDate = isoDateOf(element(bak, 4));
  if (!bakDate) return `BAK04 (${element(bak, 4)}) is not a CCYYMMDD date`;

  const lines: { lineNo: number; acks: Segment[] }[] = [];
  let ctt: Segment | undefined;
  for (const segment of rest) {
    if (!TAG.test(segment.tag)) return `a segment has no valid tag ('${segment.tag}')`;
    if (segment.tag === 'PO1') {
      const lineNo = Number(element(segment, 1));
      if (!Number.isSafeInteger(lineNo) || lineNo < 1)
        return `PO101 (${element(segment, 1)}) is not a line number`;
      if (lines.some((line) => line.lineNo === lineNo)) return `PO1 line ${lineNo} appears twice`;
      lines.push({ lineNo, acks: [] });
    } else if (segment.tag === 'ACK') {
      const line = lines.at(-1);
      if (!line) return 'an ACK comes before any PO1';
      line.acks.push(segment);
    } else if (segment.tag === 'CTT') ctt = segment;
  }
  if (lines.length === 0) return 'the 855 has no PO1 line';
  if (ctt && element(ctt, 1) !== String(lines.length))
    return `CTT01 (${element(ctt, 1)}) is not the number of PO1 lines (${lines.length})`;

  const confirmed: SupplierAcknowledgement['lines'][number][] = [];
  for (const line of lines) {
    const read = confirmation(line.lineNo, line.acks, type === 'RJ', bakDate, partner.transitDays);
    if (typeof read === 'string') return read;
    confirmed.push(read);
  }
  return { poNumber, acknowledgementType: type, lines: confirmed };
}

function confirmation(
  lineNo: number,
  acks: readonly Segment[],
  orderRejected: boolean,
  bakDate: string,
  transitDays: number | undefined,
): SupplierAcknowledgement['lines'][number] | string {
  if (acks.length === 0 && !orderRejected) return `PO1 line ${lineNo} has no ACK`;
  let quantity = Decimal.ZERO;
  let latest: string | undefined;
  let rejected = orderRejected;
  for (const ack of acks) {
    const code = element(ack, 1);
    if (!ACK_CODES.has(code)) return `line ${lineNo}: ACK01 (${code}) is not IA, IQ, DR or IR`;
    if (code === 'IR') rejected = true;
    const dated = deliveryDate(ack, transitDays);
    if ('problem' in dated) return `line ${lineNo}: ${dated.problem}`;
    const date = dated.date;
    if (date !== undefined && (latest === undefined || date > latest)) latest = date;
    if (code === 'IR') continue;
    const amount = Decimal.tryParse(element(ack, 2));
    if (!amount || amount.isNegative()) return `line ${lineNo}: ACK02 (${element(ack, 2)}) is not a quantity`;
    if (element(ack, 3) !== 'EA') return `line ${lineNo}: ACK03 (${element(ack, 3)}) is not EA`;
    if (date === undefined) return `line ${lineNo}: an ACK confirming a quantity has no ACK04 067/068 date`;
    quantity = quantity.add(amount);
  }
  return {
    lineNo,
    confirmedQuantityEa: rejected ? '0' : quantity.toString(),
    confirmedDate: latest ?? bakDate,
  };
}

/** ACK04/ACK05 as a delivery date (undefined when the ACK has none), or what is wrong with them. */
function deliveryDate(
  ack: Segment,
  transitDays: number | undefined,
): { readonly date: string | undefined } | { readonly problem: string } {
  const qualifier = element(ack, 4);
  if (qualifier === '' && element(ack, 5) === '') return { date: undefined };
  const date = isoDateOf(element(ack, 5));
  if (!date) return { problem: `ACK05 (${element(ack, 5)}) is not a CCYYMMDD date` };
  if (qualifier === '067') return { date };
  if (qualifier !== '068') return { problem: `ACK04 (${qualifier}) is not 067 or 068` };
  if (transitDays === undefined)
    return { problem: 'ACK04 068 (a ship date) needs transit days in the partner profile' };
  return { date: addDays(date, transitDays) };
}
