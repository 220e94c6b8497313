/**
 * What a trading partner answers to one 850 (shared/contracts/edi-x12.md): the 997 for its group,
 * then an 855 and the 856s, as the simulator's behaviour says. Segment bodies only: the envelope
 * and the text come from the product's own envelope rules and codec (simulator.ts).
 *
 * Behaviours act on the order's first line (the seed's orders have one); the other lines are
 * accepted as sent and shipped in full.
 */
import { Decimal } from '../../../domain/decimal';
import { functionalAcknowledgement997 } from '../../../domain/edi/functional-acknowledgement';
import {
  addDays,
  element,
  isoDateOf,
  x12DateOf,
  type ReceivedGroup,
  type ReceivedTransactionSet,
  type Segment,
} from '../../../domain/edi/interchange';

/** How the partner answers the orders it receives. */
export type EdiPartnerBehaviour =
  | 'accept-all'
  | 'change-quantity'
  | 'reschedule'
  | 'reject-line'
  | 'split-shipment'
  /** Ships, then cancels that 856 (BSN01 `01`). */
  | 'cancel-shipment'
  /** Ships, then replaces that 856 (BSN01 `05`): the same lines delivered `replaceByDays` later. */
  | 'replace-shipment'
  | 'never-answer';

/** BSN01 of an 856: the original, its cancellation or its replacement. */
export type ShipNoticePurpose = '00' | '01' | '05';

/** What a `cancel-shipment` or `replace-shipment` partner sends after the original 856, if anything. */
export function revisionOf(
  shipment: Shipment,
  behaviour: EdiPartnerBehaviour,
  settings: AnswerSettings = {},
): { purpose: ShipNoticePurpose; shipment: Shipment } | undefined {
  if (behaviour === 'cancel-shipment') return { purpose: '01', shipment };
  if (behaviour !== 'replace-shipment') return undefined;
  const later = addDays(shipment.deliveredOn, settings.replaceByDays ?? 1);
  return { purpose: '05', shipment: { ...shipment, deliveredOn: later } };
}

/** The figures behind the behaviours. */
export interface AnswerSettings {
  /** Share of the ordered quantity a `change-quantity` partner confirms (rounded down, at least 1). @default 0.9 */
  changeRatio?: number;
  /** Days a `reschedule` partner confirms after the requested date. @default 3 */
  rescheduleByDays?: number;
  /** Days between shipping and delivery. @default 2 */
  transitDays?: number;
  /** Days the second shipment of a `split-shipment` partner arrives after the first. @default 3 */
  splitByDays?: number;
  /** Days a `replace-shipment` partner's replacement moves the delivery. @default 1 */
  replaceByDays?: number;
}

/** One line of an 850 as the partner reads it. */
export interface OrderedLine {
  readonly lineNo: number;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly itemCode: string;
  /** The requested delivery date (CCYY-MM-DD): the line's DTM*002, else the header's. */
  readonly needBy: string;
}

/** One 850 as the partner reads it. */
export interface OrderedPurchaseOrder {
  readonly poNumber: string;
  /** BEG01: `00` original, `05` replace, `01` cancel. */
  readonly purpose: string;
  readonly lines: readonly OrderedLine[];
}

/** One line as the partner confirms it in its 855. */
export interface ConfirmedLine extends OrderedLine {
  /** ACK01. */
  readonly code: 'IA' | 'IQ' | 'DR' | 'IR';
  /** 0 for a rejected line. */
  readonly confirmedQuantity: string;
  readonly confirmedDate: string;
}

/** The 850 in `set`, or why the partner cannot read it. */
export function readPurchaseOrder850(set: ReceivedTransactionSet): OrderedPurchaseOrder | string {
  const beg = set.segments.find((s) => s.tag === 'BEG');
  if (!beg) return 'the 850 has no BEG';
  let headerNeedBy: string | undefined;
  const lines: { -readonly [K in keyof OrderedLine]: OrderedLine[K] }[] = [];
  for (const segment of set.segments) {
    if (segment.tag === 'PO1')
      lines.push({
        lineNo: Number(element(segment, 1)),
        quantity: element(segment, 2),
        unitPrice: element(segment, 4),
        itemCode: element(segment, 7),
        needBy: '',
      });
    else if (segment.tag === 'DTM' && element(segment, 1) === '002') {
      const date = isoDateOf(element(segment, 2));
      if (!date) return `DTM*002 (${element(segment, 2)}) is not a date`;
      // Before the first PO1 it is the header's date; after a PO1, that line's own.
      const line = lines.at(-1);
      if (line) line.needBy = date;
      else headerNeedBy = date;
    }
  }
  if (lines.length === 0) return 'the 850 has no PO1 line';
  for (const line of lines) {
    if (line.needBy === '' && !headerNeedBy) return `PO1 line ${line.lineNo} has no requested date`;
    if (line.needBy === '') line.needBy = headerNeedBy!;
  }
  return { poNumber: element(beg, 3), purpose: element(beg, 1), lines };
}

/** The 997 segments accepting every set of the 850 group the partner received. */
export function acceptance997(group: ReceivedGroup): Segment[] {
  return functionalAcknowledgement997({
    functionalId: element(group.header, 1),
    controlNumber: element(group.header, 6),
    status: 'A',
    included: group.sets.length,
    received: group.sets.length,
    sets: group.sets.map((set) => ({
      setId: element(set.header, 1),
      controlNumber: element(set.header, 2),
      verdict: { status: 'A' },
    })),
  });
}

/** How the partner confirms each line of `order`. */
export function confirmedLines(
  order: OrderedPurchaseOrder,
  behaviour: Exclude<EdiPartnerBehaviour, 'never-answer'>,
  settings: AnswerSettings = {},
): ConfirmedLine[] {
  return order.lines.map((line, index) => {
    const accepted: ConfirmedLine = {
      ...line,
      code: 'IA',
      confirmedQuantity: line.quantity,
      confirmedDate: line.needBy,
    };
    if (index > 0) return accepted;
    switch (behaviour) {
      case 'change-quantity': {
        const ratio = settings.changeRatio ?? 0.9;
        const changed = Math.max(1, Math.floor(Number(line.quantity) * ratio));
        return { ...accepted, code: 'IQ', confirmedQuantity: String(changed) };
      }
      case 'reschedule':
        return {
          ...accepted,
          code: 'DR',
          confirmedDate: addDays(line.needBy, settings.rescheduleByDays ?? 3),
        };
      case 'reject-line':
        return { ...accepted, code: 'IR', confirmedQuantity: '0' };
      default:
        return accepted;
    }
  });
}

/** The 855 segments confirming `lines` of `poNumber`, dated `today` (CCYY-MM-DD). */
export function acknowledgement855(
  poNumber: string,
  lines: readonly ConfirmedLine[],
  today: string,
): Segment[] {
  const type = lines.every((l) => l.code === 'IR') ? 'RJ' : lines.every((l) => l.code === 'IA') ? 'AT' : 'AC';
  const segments: Segment[] = [{ tag: 'BAK', elements: ['00', type, poNumber, x12DateOf(today)] }];
  for (const line of lines) {
    segments.push({
      tag: 'PO1',
      elements: [String(line.lineNo), line.quantity, 'EA', line.unitPrice, 'PE', 'BP', line.itemCode],
    });
    segments.push({
      tag: 'ACK',
      elements: [line.code, line.confirmedQuantity, 'EA', '067', x12DateOf(line.confirmedDate)],
    });
  }
  segments.push({ tag: 'CTT', elements: [String(lines.length)] });
  return segments;
}

/** One shipment the partner announces: which quantity of which lines, shipped and delivered when. */
export interface Shipment {
  /** BSN02, unique per partner. */
  readonly shipmentId: string;
  readonly shippedOn: string;
  readonly deliveredOn: string;
  readonly lines: readonly {
    readonly lineNo: number;
    readonly itemCode: string;
    readonly quantity: string;
  }[];
}

/**
 * The shipments of the confirmed lines: one for all of them, or, for `split-shipment`, the first
 * line's quantity over two (the larger half first, the rest `splitByDays` later). Rejected lines
 * ship nothing.
 */
export function shipments(
  lines: readonly ConfirmedLine[],
  behaviour: Exclude<EdiPartnerBehaviour, 'never-answer'>,
  shipmentIdOf: (n: number) => string,
  settings: AnswerSettings = {},
): Shipment[] {
  const shipping = lines.filter((l) => l.code !== 'IR' && Decimal.of(l.confirmedQuantity).isPositive());
  if (shipping.length === 0) return [];
  const transit = settings.transitDays ?? 2;
  const delivered = shipping.map((l) => l.confirmedDate).sort()[0]!;
  const first: Shipment = {
    shipmentId: shipmentIdOf(1),
    shippedOn: addDays(delivered, -transit),
    deliveredOn: delivered,
    lines: shipping.map((l) => ({ lineNo: l.lineNo, itemCode: l.itemCode, quantity: l.confirmedQuantity })),
  };
  const split = shipping[0]!;
  const whole = Number(split.confirmedQuantity);
  if (behaviour !== 'split-shipment' || whole < 2) return [first];
  const firstPart = Math.ceil(whole / 2);
  const later = addDays(delivered, settings.splitByDays ?? 3);
  return [
    {
      ...first,
      lines: first.lines.map((l, i) => (i === 0 ? { ...l, quantity: String(firstPart) } : l)),
    },
    {
      shipmentId: shipmentIdOf(2),
      shippedOn: addDays(later, -transit),
      deliveredOn: later,
      lines: [{ lineNo: split.lineNo, itemCode: split.itemCode, quantity: String(whole - firstPart) }],
    },
  ];
}

/** The 856 segments of one shipment of `poNumber` (guide, "856 Advance ship notice"). */
export function shipNotice856(
  poNumber: string,
  shipment: Shipment,
  time = '1430',
  purpose: ShipNoticePurpose = '00',
): Segment[] {
  const segments: Segment[] = [
    { tag: 'BSN', elements: [purpose, shipment.shipmentId, x12DateOf(shipment.shippedOn), time] },
    { tag: 'HL', elements: ['1', '', 'S'] },
    { tag: 'TD5', elements: ['B', '2', 'UPSN', 'M'] },
    { tag: 'REF', elements: ['BM', `1Z${shipment.shipmentId.replace(/[^A-Z0-9]/g, '')}`] },
    { tag: 'DTM', elements: ['011', x12DateOf(shipment.shippedOn)] },
    { tag: 'DTM', elements: ['017', x12DateOf(shipment.deliveredOn)] },
    { tag: 'HL', elements: ['2', '1', 'O'] },
    { tag: 'PRF', elements: [poNumber] },
  ];
  let hl = 2;
  for (const [index, line] of shipment.lines.entries()) {
    hl += 1;
    segments.push({ tag: 'HL', elements: [String(hl), '2', 'I'] });
    segments.push({ tag: 'LIN', elements: [String(line.lineNo), 'BP', line.itemCode] });
    segments.push({ tag: 'SN1', elements: [String(index + 1), line.quantity, 'EA'] });
  }
  segments.push({ tag: 'CTT', elements: [String(hl)] });
  return segments;
}
