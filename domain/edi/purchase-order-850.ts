/**
 * The 850 purchase order we send a partner (guide, "850 Purchase order"), from the canonical
 * purchase order: BEG, CUR, REF*IA, PER, the header DTM*002, N1*ST, PO1 per line (a line whose
 * need-by differs from the header's carries its own DTM*002), CTT.
 */
import type { PurchaseOrder } from '../../canonical/generated/types';
import { Decimal } from '../decimal';
import { BusinessRejection } from '../failures';
import { x12Date, x12DateOf, type Segment } from './interchange';

/** BEG01: `00` original, `05` replace (an amendment), `01` cancellation. */
export type TransmissionPurpose = '00' | '05' | '01';

/**
 * The purpose of sending `status` when the partner already has (`partnerHasOrder`) or has not got
 * an earlier revision: a partner that never had the order gets it as an original.
 */
export function transmissionPurpose(
  status: PurchaseOrder['status'],
  partnerHasOrder: boolean,
): TransmissionPurpose {
  if (status === 'CANCELLED') return '01';
  return partnerHasOrder ? '05' : '00';
}

/** The segments of the 850 between ST and SE. */
export function purchaseOrder850(order: PurchaseOrder, purpose: TransmissionPurpose): Segment[] {
  if (!order.warehouseCode)
    throw new BusinessRejection(
      'EDI_PO_WITHOUT_WAREHOUSE',
      `Purchase order ${order.poNumber} has no ERP warehouse: the 850's ship-to (N104) cannot be given.`,
      'supplyline',
      { poNumber: order.poNumber, revision: order.revision },
    );
  const other = order.lines.find((line) => !Decimal.of(line.quantityEa).isInteger());
  if (other)
    throw new BusinessRejection(
      'EDI_FRACTIONAL_QUANTITY',
      `Purchase order ${order.poNumber} line ${other.lineNo} orders ${other.quantityEa} eaches: an 850 orders whole eaches.`,
      'supplyline',
      { poNumber: order.poNumber, lineNo: other.lineNo },
    );
  const headerNeedBy = headerDeliveryDate(order.lines.map((line) => line.needBy));
  const segments: Segment[] = [
    { tag: 'BEG', elements: [purpose, 'SA', order.poNumber, '', x12Date(new Date(order.updatedAt))] },
    { tag: 'CUR', elements: ['BY', order.currency] },
    { tag: 'REF', elements: ['IA', order.supplierNumber] },
    { tag: 'PER', elements: ['BD', 'Purchasing'] },
    { tag: 'DTM', elements: ['002', x12DateOf(headerNeedBy)] },
    { tag: 'N1', elements: ['ST', order.site, '92', order.warehouseCode] },
  ];
  for (const line of order.lines) {
    segments.push({
      tag: 'PO1',
      elements: [String(line.lineNo), line.quantityEa, 'EA', line.unitPrice, 'PE', 'BP', line.itemCode],
    });
    if (line.needBy !== headerNeedBy)
      segments.push({ tag: 'DTM', elements: ['002', x12DateOf(line.needBy)] });
  }
  const total = Decimal.sum(order.lines.map((line) => line.quantityEa));
  segments.push({ tag: 'CTT', elements: [String(order.lines.length), total.toString()] });
  return segments;
}

/** The header's requested delivery date: the one most lines share (the earliest of a tie). */
function headerDeliveryDate(needBys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const date of needBys) counts.set(date, (counts.get(date) ?? 0) + 1);
  return [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b))[0]![0];
}
