/**
 * Receiving 856s (shipment milestones) and the partner's refusals, through the real codec: an
 * original ASN becomes `shipment.milestone-reported`; cancellations, line rejections in an 855,
 * invalid documents and 997s rejecting our 850 become integration exceptions with the document.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type {
  IntegrationExceptionRaisedV1,
  ShipmentMilestoneReportedV1,
} from '../../../canonical/generated/types';
import {
  validateIntegrationExceptionRaisedV1,
  validateShipmentMilestoneReportedV1,
} from '../../../canonical/generated/validators';
import { receiveInterchange } from '../../../domain/edi/inbound-interchange';
import { transmitPurchaseOrder } from '../../../domain/edi/purchase-order-transmission';
import { GUIDE_855, partnerInterchange, purchaseOrder } from '../../fixtures/edi';
import { asn856, GUIDE_856 } from '../../fixtures/edi-856';
import { memoryInboundPorts } from '../../support/edi-memory';

const NOW = new Date('2026-12-05T19:40:00Z');
const KEY = 'inbound/acme-beverages/856-0001.x12';

async function receive(groups: Parameters<typeof partnerInterchange>[0], options = {}) {
  const published: CanonicalEvent[] = [];
  const ports = memoryInboundPorts(
    () => NOW,
    published,
    () => undefined,
  );
  await transmitPurchaseOrder(purchaseOrder({ revision: 1 }), { ...ports, now: () => NOW });
  ports.mailbox.files.set(KEY, partnerInterchange(groups, options));
  const outcome = await receiveInterchange(KEY, ports);
  const answer = [...ports.mailbox.files].find(([key]) => key.endsWith('-997.x12'))?.[1] ?? '';
  return { outcome, published, answer, ports };
}
const exceptions = (events: readonly CanonicalEvent[]) =>
  events.filter((e): e is IntegrationExceptionRaisedV1 => e.eventType === 'integration-exception.raised');
const detailsOf = (event: IntegrationExceptionRaisedV1) =>
  JSON.parse(event.data.details ?? '{}') as Record<string, unknown>;

describe('receiving 856s and refusals', () => {
  it('turns the guide 856 into a shipment milestone keyed on the shipment id, answered AK5 A', async () => {
    const { published, answer } = await receive([{ gs01: 'SH', gs06: '56', sets: GUIDE_856 }]);
    expect(published.map((e) => e.eventType)).toEqual(['shipment.milestone-reported']);
    const event = published[0] as ShipmentMilestoneReportedV1;
    expect(validateShipmentMilestoneReportedV1(event).ok).toBe(true);
    expect(event).toMatchObject({
      idempotencyKey: 'shipment:S-1001:SHP-77120',
      correlationId: 'edi:acme-beverages:000000101:56:0201',
      data: {
        shipmentId: 'SHP-77120',
        supplierNumber: 'S-1001',
        shippedDate: '2026-12-05',
        estimatedDeliveryDate: '2026-12-08',
        lines: [{ poNumber: 'PO-2026-004411', lineNo: 1, itemCode: 'SKU-10442', shippedQuantityEa: '300' }],
      },
    });
    expect(answer).toContain('AK2*856*0201~\nAK5*A');
  });

  it('gives an ASN re-sent in another interchange the same event key (the consumer changes nothing twice)', async () => {
    const first = await receive([{ gs01: 'SH', gs06: '56', sets: GUIDE_856 }]);
    const again = await receive([{ gs01: 'SH', gs06: '90', sets: GUIDE_856 }], { isa13: '000000202' });
    expect(again.published[0]!.idempotencyKey).toBe(first.published[0]!.idempotencyKey);
  });

  it.each([
    ['01', 'cancellation', 'shipment:S-1001:SHP-77120:cancellation'],
    ['05', 'replacement', `shipment:S-1001:SHP-77120:replacement:${Date.parse('2026-12-05T14:30:00Z')}`],
    ['00', 'original', 'shipment:S-1001:SHP-77120'],
  ])(
    'maps BSN01 %s to a milestone of purpose %s, keyed apart from the original',
    async (bsn01, purpose, key) => {
      const { published } = await receive([{ gs01: 'SH', gs06: '56', sets: asn856({ purpose: bsn01 }) }]);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({
        eventType: 'shipment.milestone-reported',
        idempotencyKey: key,
        data: { shipmentId: 'SHP-77120', purpose },
      });
    },
  );

  it('rejects an 856 that ships nothing it can name (AK5 R 5), the document attached to its exception', async () => {
    const sets = GUIDE_856.filter((line) => !line.startsWith('PRF'));
    const fixed = sets.map((line) => (line === 'SE*14*0201' ? 'SE*13*0201' : line));
    const { published, answer } = await receive([{ gs01: 'SH', gs06: '56', sets: fixed }]);
    expect(answer).toContain('AK5*R*5');
    const [raised] = exceptions(published);
    expect(published).toHaveLength(1);
    expect(raised!.data).toMatchObject({ code: 'EDI_DOCUMENT_REJECTED' });
    expect(detailsOf(raised!).document).toContain('LIN*1*BP*SKU-10442~');
  });

  it('applies an 855 rejecting a line (it confirms 0) and raises an exception naming the line, with the 855 attached', async () => {
    const sets = [
      'ST*855*0101',
      'BAK*00*AC*PO-2026-004411*20261128',
      'PO1*1*480*EA*3.10*PE*BP*SKU-10442',
      'ACK*IR*480*EA*067*20261209',
      'CTT*1',
      'SE*6*0101',
    ];
    const { published } = await receive([{ gs01: 'PR', gs06: '55', sets }]);
    expect(published.map((e) => e.eventType).sort()).toEqual([
      'integration-exception.raised',
      'purchase-order.acknowledged',
    ]);
    const [raised] = exceptions(published);
    expect(validateIntegrationExceptionRaisedV1(raised).ok).toBe(true);
    expect(raised!.data.code).toBe('EDI_PURCHASE_ORDER_LINES_REJECTED');
    expect(raised!.data.message).toContain('line(s) 1 of PO-2026-004411');
    expect(detailsOf(raised!)).toMatchObject({ poNumber: 'PO-2026-004411', lines: [1] });
    expect(detailsOf(raised!).document).toContain('ACK*IR*480*EA*067*20261209~');
  });

  it('raises no rejection for an 855 that confirms every line', async () => {
    const { published } = await receive([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]);
    expect(exceptions(published)).toEqual([]);
  });

  it('attaches the 997 and names our 850 file when the partner rejects our 850', async () => {
    const rejecting = ['ST*997*0001', 'AK1*PO*1', 'AK2*850*0001', 'AK5*R*5', 'AK9*R*1*1*0', 'SE*6*0001'];
    const { published } = await receive([{ gs01: 'FA', gs06: '77', sets: rejecting }]);
    const [raised] = exceptions(published);
    expect(raised!.data.code).toBe('EDI_PURCHASE_ORDER_REJECTED');
    expect(detailsOf(raised!)).toMatchObject({
      purchaseOrderFile: 'outbound/acme-beverages/000000001-850-*.x12',
      document: 'ST*997*0001~\nAK1*PO*1~\nAK2*850*0001~\nAK5*R*5~\nAK9*R*1*1*0~\nSE*6*0001~',
    });
  });
});
