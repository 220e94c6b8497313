/**
 * The partner's 856 (guide, "856 Advance ship notice") as a canonical shipment milestone: which
 * purchase order lines shipped, how many, when they left and when they should arrive.
 *
 * Hierarchy: shipment (`S`: TD5, REF*BM, DTM*011 shipped, DTM*017 estimated delivery) > order
 * (`O`: PRF01 the PO number) > item (`I`: LIN01 the PO line, LIN03 the item code, SN1-02/03 the
 * quantity). Two items of one ASN on the same PO line ship the sum of their quantities. Without a
 * DTM*017, a partner with transit days in its profile arrives on the ship date plus those days.
 * A cancellation (BSN01 `01`) or replacement (`05`) of a shipment id has the same structure: its
 * order levels name the purchase orders it withdraws or replaces (domain/shipments).
 */
import { createHash } from 'node:crypto';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { ShipmentMilestone } from '../../canonical/generated/types';
import { Decimal } from '../decimal';
import {
  addDays,
  element,
  instantOf,
  isoDateOf,
  type ReceivedTransactionSet,
  type Segment,
} from './interchange';
import type { TradingPartner } from './partners';

/** BSN01: what the ASN does to its shipment id. */
export type ShipmentPurpose = 'original' | 'cancellation' | 'replacement';

/** What an 856 says. */
export interface AdvanceShipNotice {
  readonly purpose: ShipmentPurpose;
  /** BSN03/BSN04 as the partner wrote them (its local time). */
  readonly issued: { readonly date: string; readonly time: string };
  readonly milestone: Omit<ShipmentMilestone, 'reportedAt' | 'supplierNumber'>;
}

const PURPOSES: Readonly<Record<string, ShipmentPurpose>> = {
  '00': 'original',
  '01': 'cancellation',
  '05': 'replacement',
};
const TAG = /^[A-Z][A-Z0-9]{1,2}$/;
/** The canonical identifier form (shipment id, PO number, item code). */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:/#-]*$/;

interface Level {
  readonly id: string;
  readonly parent: string;
  readonly code: string;
  readonly segments: Segment[];
}

/** The 856's content, or the reason it is not an 856 of the guide. */
export function readAdvanceShipNotice856(
  set: ReceivedTransactionSet,
  partner: Pick<TradingPartner, 'transitDays'>,
): AdvanceShipNotice | string {
  const [bsn, ...rest] = set.segments;
  if (!bsn || bsn.tag !== 'BSN') return 'the 856 does not start with BSN';
  const purpose = PURPOSES[element(bsn, 1)];
  if (!purpose) return `BSN01 (${element(bsn, 1)}) is not 00, 01 or 05`;
  const shipmentId = element(bsn, 2);
  if (!IDENTIFIER.test(shipmentId) || shipmentId.length > 128)
    return `BSN02 (${shipmentId}) is not a shipment id`;
  if (!instantOf(element(bsn, 3), element(bsn, 4).slice(0, 4)))
    return `BSN03/BSN04 (${element(bsn, 3)} ${element(bsn, 4)}) are not a date and time`;

  const levels: Level[] = [];
  const ids = new Set<string>();
  let ctt: Segment | undefined;
  for (const segment of rest) {
    if (!TAG.test(segment.tag)) return `a segment has no valid tag ('${segment.tag}')`;
    if (segment.tag === 'HL') {
      const level = { id: element(segment, 1), parent: element(segment, 2), code: element(segment, 3) };
      // A set, not a search of the levels: an ASN of 20,000 items would check 2e8 pairs.
      if (ids.has(level.id)) return `HL01 ${level.id} appears twice`;
      ids.add(level.id);
      levels.push({ ...level, segments: [] });
    } else if (segment.tag === 'CTT') ctt = segment;
    else {
      const level = levels.at(-1);
      if (!level) return `${segment.tag} comes before any HL`;
      level.segments.push(segment);
    }
  }
  if (ctt && element(ctt, 1) !== String(levels.length))
    return `CTT01 (${element(ctt, 1)}) is not the number of HL segments (${levels.length})`;

  const shipment = levels[0];
  if (
    !shipment ||
    shipment.code !== 'S' ||
    shipment.parent !== '' ||
    levels.filter((l) => l.code === 'S').length > 1
  )
    return 'the 856 must have exactly one shipment level (HL03 S), first and without a parent';
  const dates = shipmentDates(shipment, partner.transitDays);
  if (typeof dates === 'string') return dates;

  const byId = new Map(levels.map((l) => [l.id, l]));
  const lines = new Map<string, ShipmentMilestone['lines'][number]>();
  for (const level of levels.slice(1)) {
    const parent = byId.get(level.parent);
    if (level.code === 'O') {
      if (parent !== shipment) return `order level HL ${level.id} is not under the shipment level`;
      const poNumber = element(level.segments.find((s) => s.tag === 'PRF') ?? bsn, 1);
      if (!level.segments.some((s) => s.tag === 'PRF') || !IDENTIFIER.test(poNumber) || poNumber.length > 64)
        return `order level HL ${level.id} has no PRF01 purchase order number`;
    } else if (level.code === 'I') {
      if (parent?.code !== 'O') return `item level HL ${level.id} is not under an order level`;
      const poNumber = element(
        parent.segments.find((s) => s.tag === 'PRF')!,
        1,
      );
      const item = itemOf(level);
      if (typeof item === 'string') return item;
      const key = `${poNumber}\u0000${item.lineNo}`;
      const earlier = lines.get(key);
      if (earlier && earlier.itemCode !== item.itemCode)
        return `PO ${poNumber} line ${item.lineNo} ships two item codes (${earlier.itemCode}, ${item.itemCode})`;
      lines.set(key, {
        poNumber,
        lineNo: item.lineNo,
        itemCode: item.itemCode,
        shippedQuantityEa: earlier
          ? Decimal.of(earlier.shippedQuantityEa).add(item.quantity).toString()
          : item.quantity.toString(),
      });
    } else return `HL ${level.id} has level code '${level.code}', not S, O or I`;
  }
  if (lines.size === 0) return 'the 856 ships no item (no HL03 I level)';

  const td5 = shipment.segments.find((s) => s.tag === 'TD5');
  const bm = shipment.segments.find((s) => s.tag === 'REF' && element(s, 1) === 'BM');
  const carrier = td5 ? element(td5, 3) : '';
  const billOfLading = bm ? element(bm, 2) : '';
  return {
    purpose,
    issued: { date: element(bsn, 3), time: element(bsn, 4).slice(0, 4) },
    milestone: {
      shipmentId,
      ...dates,
      carrier: IDENTIFIER.test(carrier) ? carrier.slice(0, 64) : null,
      billOfLading: IDENTIFIER.test(billOfLading) ? billOfLading.slice(0, 128) : null,
      lines: [...lines.values()],
    },
  };
}

function shipmentDates(
  shipment: Level,
  transitDays: number | undefined,
): { shippedDate: string; estimatedDeliveryDate: string } | string {
  const dtm = (qualifier: string) =>
    shipment.segments.find((s) => s.tag === 'DTM' && element(s, 1) === qualifier);
  const shipped = dtm('011');
  if (!shipped) return 'the shipment level has no DTM*011 (shipped date)';
  const shippedDate = isoDateOf(element(shipped, 2));
  if (!shippedDate) return `DTM*011 (${element(shipped, 2)}) is not a CCYYMMDD date`;
  const estimated = dtm('017');
  if (!estimated) {
    if (transitDays === undefined)
      return 'the shipment level has no DTM*017 (estimated delivery) and the partner profile has no transit days';
    return { shippedDate, estimatedDeliveryDate: addDays(shippedDate, transitDays) };
  }
  const estimatedDeliveryDate = isoDateOf(element(estimated, 2));
  if (!estimatedDeliveryDate) return `DTM*017 (${element(estimated, 2)}) is not a CCYYMMDD date`;
  if (estimatedDeliveryDate < shippedDate)
    return `DTM*017 (${estimatedDeliveryDate}) is before DTM*011 (${shippedDate})`;
  return { shippedDate, estimatedDeliveryDate };
}

function itemOf(level: Level): { lineNo: number; itemCode: string; quantity: Decimal } | string {
  const lin = level.segments.find((s) => s.tag === 'LIN');
  const sn1 = level.segments.find((s) => s.tag === 'SN1');
  if (!lin || !sn1) return `item level HL ${level.id} needs a LIN and an SN1`;
  const lineNo = Number(element(lin, 1));
  if (!/^\d+$/.test(element(lin, 1)) || !Number.isSafeInteger(lineNo) || lineNo < 1)
    return `LIN01 (${element(lin, 1)}) is not a PO line number`;
  const itemCode = element(lin, 3);
  if (element(lin, 2) !== 'BP' || !IDENTIFIER.test(itemCode) || itemCode.length > 64)
    return `LIN02/LIN03 (${element(lin, 2)} ${itemCode}) are not BP and an item code`;
  const quantity = Decimal.tryParse(element(sn1, 2));
  if (!quantity || !quantity.isPositive()) return `SN102 (${element(sn1, 2)}) is not a quantity shipped`;
  if (element(sn1, 3) !== 'EA') return `SN103 (${element(sn1, 3)}) is not EA`;
  return { lineNo, itemCode, quantity };
}

/** What stamps the milestone event. */
export interface MilestoneFacts {
  readonly partner: Pick<TradingPartner, 'supplierNumber' | 'utcOffsetMinutes' | 'partnerId'>;
  /** Interchange, group and set the ASN came in: the event's correlation. */
  readonly reference: string;
  readonly tenantId: string;
  readonly now: () => Date;
  readonly newId: () => string;
}

/**
 * The `shipment.milestone-reported` event of an ASN. Its key is the partner's shipment id (unique per
 * partner) and what the ASN does to it: an ASN sent again, in any interchange, is the same fact; a
 * replacement is one fact per issue time (a shipment may be replaced more than once).
 */
export function shipmentMilestoneEvent(asn: AdvanceShipNotice, facts: MilestoneFacts): CanonicalEvent {
  const reportedAt = instantOf(asn.issued.date, asn.issued.time, facts.partner.utcOffsetMinutes ?? 0)!;
  const data: ShipmentMilestone = {
    ...asn.milestone,
    supplierNumber: facts.partner.supplierNumber,
    reportedAt: reportedAt.toISOString(),
    purpose: asn.purpose,
  };
  const revision = {
    original: '',
    cancellation: ':cancellation',
    replacement: `:replacement:${reportedAt.getTime()}`,
  };
  // The shipment id may be long: the object id and key stay within their limits by a digest.
  const identity = `${facts.partner.supplierNumber}:${asn.milestone.shipmentId}`;
  const objectId = identity.length <= 200 ? identity : createHash('sha256').update(identity).digest('hex');
  return buildEvent(
    'shipment.milestone-reported',
    data,
    {
      sourceObjectId: objectId,
      sourceVersion: reportedAt.getTime(),
      occurredAt: reportedAt,
      correlationId: facts.reference,
      causationId: facts.reference,
      idempotencyKey: `shipment:${objectId}${revision[asn.purpose]}`,
      tenantId: facts.tenantId,
    },
    { now: facts.now, newId: facts.newId },
  );
}
