/** The partner's 856 as a canonical shipment milestone per PO line (guide, "856"), table-driven. */
import { describe, expect, it } from 'vitest';
import { validateShipmentMilestoneReportedV1 } from '../../../canonical/generated/validators';
import {
  readAdvanceShipNotice856,
  shipmentMilestoneEvent,
  type AdvanceShipNotice,
} from '../../../domain/edi/advance-ship-notice-856';
import type { ReceivedTransactionSet } from '../../../domain/edi/interchange';
import { PARTNER } from '../../fixtures/edi';
import { asn856, GUIDE_856 } from '../../fixtures/edi-856';

/** The segments between ST and SE of `lines` (ST first, SE last). */
const set = (lines: readonly string[]): ReceivedTransactionSet => {
  const segments = lines.map((line) => {
    const [tag, ...elements] = line.split('*');
    return { tag: tag!, elements };
  });
  return { header: segments[0]!, segments: segments.slice(1, -1), trailer: segments.at(-1)! };
};
const without = (lines: readonly string[], tag: string) => lines.filter((l) => !l.startsWith(`${tag}*`));
const replaced = (lines: readonly string[], from: string, to: string) =>
  lines.map((l) => (l === from ? to : l));

describe('856 advance ship notice', () => {
  const read: {
    name: string;
    lines: readonly string[];
    transitDays?: number;
    expected: Partial<AdvanceShipNotice['milestone']> & { purpose?: AdvanceShipNotice['purpose'] };
  }[] = [
    {
      name: 'the guide example: 300 of PO-2026-004411 line 1, shipped 12-05, due 12-08',
      lines: GUIDE_856,
      expected: {
        purpose: 'original',
        shipmentId: 'SHP-77120',
        shippedDate: '2026-12-05',
        estimatedDeliveryDate: '2026-12-08',
        carrier: 'UPSN',
        billOfLading: '1Z999AA10123456784',
        lines: [{ poNumber: 'PO-2026-004411', lineNo: 1, itemCode: 'SKU-10442', shippedQuantityEa: '300' }],
      },
    },
    {
      name: 'two items on one PO line ship their sum',
      lines: asn856({
        orders: {
          'PO-1': [
            { lineNo: 2, quantity: '100' },
            { lineNo: 2, quantity: '50.5' },
          ],
        },
      }),
      expected: {
        lines: [{ poNumber: 'PO-1', lineNo: 2, itemCode: 'SKU-10442', shippedQuantityEa: '150.5' }],
      },
    },
    {
      name: 'one shipment covering two purchase orders',
      lines: asn856({
        orders: {
          'PO-1': [{ lineNo: 1, quantity: '10' }],
          'PO-2': [{ lineNo: 3, itemCode: 'SKU-2', quantity: '20' }],
        },
      }),
      expected: {
        lines: [
          { poNumber: 'PO-1', lineNo: 1, itemCode: 'SKU-10442', shippedQuantityEa: '10' },
          { poNumber: 'PO-2', lineNo: 3, itemCode: 'SKU-2', shippedQuantityEa: '20' },
        ],
      },
    },
    {
      name: 'no DTM*017: the ship date plus the partner transit days',
      lines: asn856({ estimated: null }),
      transitDays: 4,
      expected: { shippedDate: '2026-12-05', estimatedDeliveryDate: '2026-12-09' },
    },
    {
      name: 'BSN01 01: a cancellation',
      lines: asn856({ purpose: '01' }),
      expected: { purpose: 'cancellation' },
    },
    {
      name: 'BSN01 05: a replacement',
      lines: asn856({ purpose: '05' }),
      expected: { purpose: 'replacement' },
    },
    {
      name: 'no TD5 nor REF*BM: carrier and bill of lading null',
      lines: without(without(GUIDE_856, 'TD5'), 'REF'),
      expected: { carrier: null, billOfLading: null },
    },
  ];
  it.each(read)('reads $name', ({ lines, transitDays, expected }) => {
    const asn = readAdvanceShipNotice856(set(lines), { transitDays });
    expect(asn).not.toBeTypeOf('string');
    const { purpose, ...milestone } = expected;
    if (purpose) expect((asn as AdvanceShipNotice).purpose).toBe(purpose);
    expect((asn as AdvanceShipNotice).milestone).toMatchObject(milestone);
  });

  const refused: { name: string; lines: readonly string[]; reason: RegExp }[] = [
    { name: 'no BSN first', lines: without(GUIDE_856, 'BSN'), reason: /does not start with BSN/ },
    { name: 'BSN01 not 00/01/05', lines: asn856({ purpose: '07' }), reason: /BSN01 \(07\)/ },
    { name: 'a shipment id with spaces', lines: asn856({ shipmentId: 'SHP 1' }), reason: /BSN02/ },
    {
      name: 'a BSN date that is no date',
      lines: replaced(GUIDE_856, 'BSN*00*SHP-77120*20261205*1430', 'BSN*00*SHP-77120*20261305*1430'),
      reason: /BSN03\/BSN04/,
    },
    { name: 'CTT01 not the HL count', lines: replaced(GUIDE_856, 'CTT*3', 'CTT*2'), reason: /CTT01 \(2\)/ },
    {
      name: 'no shipment level first',
      lines: replaced(GUIDE_856, 'HL*1**S', 'HL*1**O'),
      reason: /exactly one shipment level/,
    },
    { name: 'no shipped date', lines: without(GUIDE_856, 'DTM'), reason: /DTM\*011/ },
    {
      name: 'no estimated delivery and no transit days',
      lines: asn856({ estimated: null }),
      reason: /DTM\*017 .* no transit days/,
    },
    {
      name: 'an estimated delivery before shipping',
      lines: asn856({ estimated: '20261201' }),
      reason: /before/,
    },
    { name: 'an order level without PRF', lines: without(GUIDE_856, 'PRF'), reason: /no PRF01/ },
    {
      name: 'an item under the shipment level',
      lines: replaced(GUIDE_856, 'HL*3*2*I', 'HL*3*1*I'),
      reason: /not under an order level/,
    },
    { name: 'an item without SN1', lines: without(GUIDE_856, 'SN1'), reason: /needs a LIN and an SN1/ },
    {
      name: 'a line number that is not one',
      lines: asn856({ orders: { 'PO-1': [{ lineNo: 0, quantity: '1' }] } }),
      reason: /LIN01 \(0\)/,
    },
    {
      name: 'a zero quantity',
      lines: asn856({ orders: { 'PO-1': [{ lineNo: 1, quantity: '0' }] } }),
      reason: /SN102 \(0\)/,
    },
    {
      name: 'a unit other than EA',
      lines: replaced(GUIDE_856, 'SN1*1*300*EA', 'SN1*1*300*CA'),
      reason: /SN103 \(CA\)/,
    },
    {
      name: 'one line shipping two item codes',
      lines: asn856({
        orders: {
          'PO-1': [
            { lineNo: 1, quantity: '1' },
            { lineNo: 1, itemCode: 'SKU-2', quantity: '1' },
          ],
        },
      }),
      reason: /two item codes/,
    },
    {
      name: 'an order with no item',
      lines: asn856({ orders: { 'PO-1': [] } }),
      reason: /ships no item/,
    },
    { name: 'an unknown level code', lines: replaced(GUIDE_856, 'HL*3*2*I', 'HL*3*2*P'), reason: /'P'/ },
    {
      name: 'an HL01 used twice',
      lines: replaced(GUIDE_856, 'HL*3*2*I', 'HL*2*2*I'),
      reason: /HL01 2 appears twice/,
    },
  ];
  it.each(refused)('refuses $name', ({ lines, reason }) => {
    expect(readAdvanceShipNotice856(set(lines), PARTNER)).toMatch(reason);
  });

  it('becomes a valid shipment.milestone-reported keyed on the supplier and shipment id, at BSN03/04 in the partner offset', () => {
    const asn = readAdvanceShipNotice856(set(GUIDE_856), PARTNER) as AdvanceShipNotice;
    const event = shipmentMilestoneEvent(asn, {
      partner: { ...PARTNER, utcOffsetMinutes: -300 },
      reference: 'edi:acme-beverages:000000101:56:0201',
      tenantId: 'dev',
      now: () => new Date('2026-12-05T20:00:00Z'),
      newId: () => '7d3c1c1e-8e0b-4b8e-9a51-3f1f6e0c2a11',
    });
    expect(validateShipmentMilestoneReportedV1(event).ok).toBe(true);
    expect(event).toMatchObject({
      sourceSystem: 'procurement',
      idempotencyKey: 'shipment:S-1001:SHP-77120',
      correlationId: 'edi:acme-beverages:000000101:56:0201',
      data: { supplierNumber: 'S-1001', reportedAt: '2026-12-05T19:30:00.000Z', shipmentId: 'SHP-77120' },
    });
  });
});
