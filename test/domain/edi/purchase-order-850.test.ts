/**
 * The 850 from the canonical purchase order: the guide's example byte for byte (golden file), each
 * purpose, line dates that differ from the header's, and every file re-read by node-x12 strictly.
 */
import { readFileSync } from 'node:fs';
import { X12Parser, type X12Interchange } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { nodeX12Codec } from '../../../adapters/edi/x12-codec';
import { outgoingInterchange } from '../../../domain/edi/envelope';
import { purchaseOrder850, transmissionPurpose } from '../../../domain/edi/purchase-order-850';
import { BusinessRejection } from '../../../domain/failures';
import { PARTNER, purchaseOrder } from '../../fixtures/edi';

const PREPARED_AT = new Date('2026-11-27T09:30:00Z');
const golden = (name: string) => readFileSync(new URL(`../../fixtures/edi/${name}`, import.meta.url), 'utf8');
const file850 = (order = purchaseOrder(), purpose = transmissionPurpose(order.status, false), number = 7) =>
  nodeX12Codec.encode(
    outgoingInterchange(PARTNER, '850', number, PREPARED_AT, [purchaseOrder850(order, purpose)]),
  );
const strict = (text: string) => new X12Parser(true).parse(text) as X12Interchange;
const segmentsOf = (text: string) =>
  strict(text).functionalGroups[0]!.transactions[0]!.segments.map((s) =>
    [s.tag, ...s.elements.map((e) => e.value)].join('*'),
  );

describe('850 purchase order to an EDI partner', () => {
  it('is the guide example for the guide order, envelopes and counts included', () => {
    const text = file850();
    expect(text).toBe(golden('850-original.x12'));
    const parsed = strict(text);
    // node-x12 reads ISA13 and IEA02 as integers; its strict parse checked they agree.
    expect(parsed.header.elements[12]!.value).toBe('7');
    expect(parsed.functionalGroups[0]!.header.elements[5]!.value).toBe('7');
  });

  it.each([
    ['an original', 'ISSUED', false, '00'],
    ['an amendment of an order the partner has', 'ISSUED', true, '05'],
    ['an order the partner never had, whatever its revision', 'ACKNOWLEDGED', false, '00'],
    ['a cancellation', 'CANCELLED', true, '01'],
  ] as const)('sends %s with BEG01 %s', (_case, status, partnerHasOrder, beg01) => {
    const purpose = transmissionPurpose(status, partnerHasOrder);
    expect(purpose).toBe(beg01);
    expect(segmentsOf(file850(purchaseOrder({ status }), purpose))[0]).toBe(
      `BEG*${beg01}*SA*PO-2026-004411**20261127`,
    );
  });

  it('dates the header with the most common need-by and gives a differing line its own DTM*002 after its PO1', () => {
    const order = purchaseOrder({
      lines: [
        { lineNo: 1, itemCode: 'SKU-1', quantityEa: '10', unitPrice: '1.00', needBy: '2026-12-09' },
        { lineNo: 2, itemCode: 'SKU-2', quantityEa: '20', unitPrice: '2.50', needBy: '2026-12-07' },
        { lineNo: 3, itemCode: 'SKU-3', quantityEa: '5', unitPrice: '0.10', needBy: '2026-12-07' },
      ],
    });
    const segments = segmentsOf(file850(order));
    expect(segments.slice(4)).toEqual([
      'DTM*002*20261207',
      'N1*ST*DC-EAST-02*92*WH-EAST',
      'PO1*1*10*EA*1.00*PE*BP*SKU-1',
      'DTM*002*20261209',
      'PO1*2*20*EA*2.50*PE*BP*SKU-2',
      'PO1*3*5*EA*0.10*PE*BP*SKU-3',
      'CTT*3*35',
    ]);
  });

  it('uses the separators of the partner profile', () => {
    const partner = { ...PARTNER, separators: { element: '|', component: '^', segment: "'" } };
    const text = nodeX12Codec.encode(
      outgoingInterchange(partner, '850', 8, PREPARED_AT, [purchaseOrder850(purchaseOrder(), '00')]),
    );
    expect(text[3]).toBe('|');
    expect(text.slice(104, 106)).toBe("^'");
    expect(strict(text).functionalGroups[0]!.transactions[0]!.trailer.elements[0]!.value).toBe('10');
  });

  it('refuses an order it cannot express: no warehouse, or a fraction of an each', () => {
    expect(() => purchaseOrder850(purchaseOrder({ warehouseCode: null }), '00')).toThrow(BusinessRejection);
    const half = purchaseOrder({
      lines: [{ lineNo: 1, itemCode: 'SKU-1', quantityEa: '2.5', unitPrice: '1.00', needBy: '2026-12-07' }],
    });
    expect(() => purchaseOrder850(half, '00')).toThrow(/whole eaches/);
  });
});
