/**
 * The trading partner simulator against the product's own EDI rules, in memory: the product sends
 * an 850 (transmitPurchaseOrder), the simulator answers in the inbound folder, and every file it
 * writes is received by the product (receiveInterchange) — so each behaviour is checked by what
 * the product makes of it, and each fault by the 997 and the record the product keeps.
 */
import { describe, expect, it } from 'vitest';
import { nodeX12Codec } from '../../../adapters/edi/x12-codec';
import type {
  PurchaseOrderAcknowledgedV1,
  ShipmentMilestoneReportedV1,
} from '../../../canonical/generated/types';
import { receiveInterchange } from '../../../domain/edi/inbound-interchange';
import { transmitPurchaseOrder } from '../../../domain/edi/purchase-order-transmission';
import {
  EdiPartnerSimulator,
  type EdiPartnerBehaviour,
  type EdiPartnerFaults,
  type PartnerMailbox,
} from '../../../local/simulators/edi-partner';
import { PARTNER, purchaseOrder } from '../../fixtures/edi';
import { inboundWorld } from '../../support/edi-memory';

const NOW = new Date('2026-11-28T09:20:00Z');
const TWO_LINES = purchaseOrder({
  lines: [
    { lineNo: 1, itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', needBy: '2026-12-07' },
    { lineNo: 2, itemCode: 'SKU-20001', quantityEa: '120', unitPrice: '5.00', needBy: '2026-12-09' },
  ],
});

async function world(
  options: {
    behaviour?: EdiPartnerBehaviour;
    faults?: Partial<EdiPartnerFaults>;
    order?: typeof TWO_LINES;
  } = {},
) {
  const { ports, published, metrics } = await inboundWorld(NOW, null);
  const files = ports.mailbox.files;
  const mailbox: PartnerMailbox = {
    list: async (prefix) => [...files.keys()].filter((key) => key.startsWith(prefix)),
    read: (key) => ports.mailbox.read(key),
    write: (key, text) => ports.mailbox.write(key, text),
  };
  const simulator = new EdiPartnerSimulator({
    partner: PARTNER,
    mailbox,
    behaviour: options.behaviour,
    faults: options.faults,
    // Every fault switched on fires.
    random: () => 0,
  });
  simulator.advanceClock(NOW.getTime() - Date.now());
  await transmitPurchaseOrder(options.order ?? purchaseOrder(), { ...ports, now: () => NOW });
  await simulator.poll();
  const outcomes = [];
  for (const file of simulator.written) outcomes.push(await receiveInterchange(file.key, ports));
  // The partner reads the product's 997s.
  await simulator.poll();
  const acknowledged = published.filter(
    (e): e is PurchaseOrderAcknowledgedV1 => e.eventType === 'purchase-order.acknowledged',
  );
  const exceptions = published.filter((e) => e.eventType === 'integration-exception.raised');
  const milestones = published.filter(
    (e): e is ShipmentMilestoneReportedV1 => e.eventType === 'shipment.milestone-reported',
  );
  return { simulator, outcomes, acknowledged, exceptions, milestones, metrics, files, ports };
}

const segmentsOf = (text: string) => {
  const decoded = nodeX12Codec.decode(text);
  if (decoded.kind !== 'interchange') throw new Error(decoded.reason);
  return decoded.interchange.groups.flatMap((g) => g.sets.flatMap((s) => s.segments));
};
const lineOf = (text: string, tag: string) =>
  segmentsOf(text)
    .filter((s) => s.tag === tag)
    .map((s) => s.elements.join('*'));

describe('EDI partner simulator', () => {
  it('accept-all: a 997 for the 850, an 855 the product maps to a full confirmation, and one 856 of the whole line', async () => {
    const { simulator, outcomes, acknowledged, exceptions } = await world();

    expect(simulator.purchaseOrdersReceived).toHaveLength(1);
    expect(simulator.written.map((f) => f.setId)).toEqual(['997', '855', '856']);
    expect(outcomes.map((o) => o.outcome)).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    expect(lineOf(simulator.written[0]!.text, 'AK5')).toEqual(['A']);
    expect(lineOf(simulator.written[1]!.text, 'BAK')[0]).toMatch(/^00\*AT\*PO-2026-004411\*/);
    expect(acknowledged.map((e) => e.data.lines)).toEqual([
      [{ lineNo: 1, confirmedQuantityEa: '480', confirmedDate: '2026-12-07' }],
    ]);
    const asn = simulator.written[2]!.text;
    expect(lineOf(asn, 'PRF')).toEqual(['PO-2026-004411']);
    expect(lineOf(asn, 'SN1')).toEqual(['1*480*EA']);
    expect(lineOf(asn, 'DTM')).toEqual(['011*20261205', '017*20261207']);
    expect(lineOf(asn, 'HL')).toEqual(['1**S', '2*1*O', '3*2*I']);
    expect(lineOf(asn, 'CTT')).toEqual(['3']);
    expect(exceptions).toEqual([]);
    // The product's 997s for the 855 and the 856, as the partner read them.
    expect(simulator.acknowledgementsReceived.map((a) => [a.functionalId, a.status, a.sets])).toEqual([
      ['PR', 'A', [{ setId: '855', controlNumber: '0001', status: 'A' }]],
      ['SH', 'A', [{ setId: '856', controlNumber: '0001', status: 'A' }]],
    ]);
  });

  it('change-quantity: the first line confirmed at 90% (IQ), and that quantity shipped', async () => {
    const { simulator, acknowledged } = await world({ behaviour: 'change-quantity' });
    expect(lineOf(simulator.written[1]!.text, 'ACK')).toEqual(['IQ*432*EA*067*20261207']);
    expect(acknowledged[0]!.data.lines).toEqual([
      { lineNo: 1, confirmedQuantityEa: '432', confirmedDate: '2026-12-07' },
    ]);
    expect(lineOf(simulator.written[2]!.text, 'SN1')).toEqual(['1*432*EA']);
  });

  it('reschedule: the first line confirmed three days late (DR), delivered on that date', async () => {
    const { simulator, acknowledged } = await world({ behaviour: 'reschedule' });
    expect(acknowledged[0]!.data.lines).toEqual([
      { lineNo: 1, confirmedQuantityEa: '480', confirmedDate: '2026-12-10' },
    ]);
    expect(lineOf(simulator.written[2]!.text, 'DTM')).toEqual(['011*20261208', '017*20261210']);
  });

  it('reject-line: the first line rejected (IR, confirms 0), the others accepted and shipped', async () => {
    const { simulator, acknowledged } = await world({ behaviour: 'reject-line', order: TWO_LINES });
    expect(lineOf(simulator.written[1]!.text, 'BAK')[0]).toMatch(/^00\*AC\*/);
    expect(acknowledged[0]!.data.lines).toEqual([
      { lineNo: 1, confirmedQuantityEa: '0', confirmedDate: '2026-12-07' },
      { lineNo: 2, confirmedQuantityEa: '120', confirmedDate: '2026-12-09' },
    ]);
    expect(simulator.written.map((f) => f.setId)).toEqual(['997', '855', '856']);
    expect(lineOf(simulator.written[2]!.text, 'LIN')).toEqual(['2*BP*SKU-20001']);
  });

  it('reject-line on a one-line order rejects the order (RJ) and ships nothing', async () => {
    const { simulator, acknowledged } = await world({ behaviour: 'reject-line' });
    expect(lineOf(simulator.written[1]!.text, 'BAK')[0]).toMatch(/^00\*RJ\*/);
    expect(acknowledged[0]!.data.lines[0]!.confirmedQuantityEa).toBe('0');
    expect(simulator.written.map((f) => f.setId)).toEqual(['997', '855']);
  });

  it('split-shipment: the line over two 856s with their own shipment ids, the rest three days later', async () => {
    const { simulator, outcomes } = await world({ behaviour: 'split-shipment' });
    const asns = simulator.written.filter((f) => f.setId === '856');
    expect(asns.map((f) => lineOf(f.text, 'SN1'))).toEqual([['1*240*EA'], ['1*240*EA']]);
    expect(asns.map((f) => lineOf(f.text, 'DTM')[1])).toEqual(['017*20261207', '017*20261210']);
    const ids = asns.map((f) => lineOf(f.text, 'BSN')[0]!.split('*')[1]);
    expect(new Set(ids).size).toBe(2);
    expect(outcomes.map((o) => o.outcome)).toEqual([
      'acknowledged',
      'acknowledged',
      'acknowledged',
      'acknowledged',
    ]);
  });

  it.each([
    ['cancel-shipment', 'cancellation', '2026-12-07'],
    ['replace-shipment', 'replacement', '2026-12-08'],
  ] as const)(
    '%s: the 856, then in its own interchange its %s (same shipment id, issued later)',
    async (behaviour, purpose, delivery) => {
      const { simulator, outcomes, milestones, exceptions } = await world({ behaviour });
      const asns = simulator.written.filter((f) => f.setId === '856');
      expect(asns.map((f) => lineOf(f.text, 'BSN')[0]!.split('*')[0])).toEqual([
        '00',
        purpose === 'cancellation' ? '01' : '05',
      ]);
      expect(new Set(asns.map((f) => f.shipmentId)).size).toBe(1);
      expect(outcomes.every((o) => o.outcome === 'acknowledged')).toBe(true);
      expect(milestones.map((m) => [m.data.purpose, m.data.estimatedDeliveryDate])).toEqual([
        ['original', '2026-12-07'],
        [purpose, delivery],
      ]);
      expect(milestones[1]!.data.reportedAt > milestones[0]!.data.reportedAt).toBe(true);
      expect(exceptions).toEqual([]);
    },
  );

  it('never-answer: the 850 is picked up and nothing is written', async () => {
    const { simulator, files } = await world({ behaviour: 'never-answer' });
    expect(simulator.purchaseOrdersReceived).toHaveLength(1);
    expect(simulator.written).toEqual([]);
    expect([...files.keys()].filter((k) => k.startsWith('inbound/'))).toEqual([]);
  });

  it('answers a cancellation with its 997 only', async () => {
    const { simulator } = await world({ order: purchaseOrder({ status: 'CANCELLED' }) });
    expect(simulator.written.map((f) => f.setId)).toEqual(['997']);
  });

  it('answers each 850 once, however often it looks', async () => {
    const { simulator } = await world();
    await simulator.poll();
    expect(simulator.written).toHaveLength(3);
  });

  it('fault malformed segment: the product rejects the 855 (AK5 R 5) and keeps the reason', async () => {
    const { simulator, acknowledged, exceptions } = await world({ faults: { malformedSegmentRate: 1 } });
    expect(simulator.written[1]!.faults).toEqual(['malformedSegmentRate']);
    expect(acknowledged).toEqual([]);
    expect(simulator.acknowledgementsReceived[0]!.sets).toEqual([
      { setId: '855', controlNumber: '0001', status: 'R', code: '5' },
    ]);
    expect(exceptions).toHaveLength(1);
    expect(JSON.stringify(exceptions[0]!.data)).toMatch(/no valid tag.*AK5 R 5/);
  });

  it('fault wrong counts: the 855 SE01 is off by one; the product rejects it (AK5 R 4) and keeps the reason', async () => {
    const { simulator, acknowledged, exceptions } = await world({ faults: { wrongCountRate: 1 } });
    expect(simulator.written[1]!.text).toMatch(/~\nSE\*7\*0001~/);
    expect(acknowledged).toEqual([]);
    expect(simulator.acknowledgementsReceived[0]!.sets).toEqual([
      { setId: '855', controlNumber: '0001', status: 'R', code: '4' },
    ]);
    expect(JSON.stringify(exceptions[0]!.data)).toMatch(/SE01 \(7\).*AK5 R 4/);
  });

  it('fault duplicate interchange: the same 855 file twice; the product answers both, applies and counts it once', async () => {
    const { simulator, outcomes, acknowledged, metrics } = await world({
      faults: { duplicateInterchangeRate: 1 },
    });
    const [first, again] = simulator.written.filter((f) => f.setId === '855');
    expect(again!.key).not.toBe(first!.key);
    expect(again!.text).toBe(first!.text);
    expect(outcomes.map((o) => o.outcome)).toEqual([
      'acknowledged',
      'acknowledged',
      'duplicate',
      'acknowledged',
    ]);
    expect(acknowledged).toHaveLength(1);
    expect(metrics.filter((m) => m === 'EdiDuplicateInterchanges')).toHaveLength(1);
  });

  it('fault another separator set: every file in ^ : and newline, read from the ISA and taken as usual', async () => {
    const { simulator, acknowledged } = await world({ faults: { alternateSeparatorsRate: 1 } });
    for (const file of simulator.written) expect(file.text.slice(0, 4)).toBe('ISA^');
    expect(simulator.written[1]!.text).toContain('\nBAK^00^AT^PO-2026-004411^');
    expect(acknowledged).toHaveLength(1);
    expect(simulator.acknowledgementsReceived.map((a) => a.status)).toEqual(['A', 'A']);
  });

  it('writes no fault unless switched on, and a behaviour change applies to the next order', async () => {
    const { simulator, ports } = await world();
    expect(simulator.written.flatMap((f) => f.faults)).toEqual([]);
    simulator.setBehaviour('never-answer');
    await transmitPurchaseOrder(purchaseOrder({ revision: 2 }), { ...ports, now: () => NOW });
    await simulator.poll();
    expect(simulator.purchaseOrdersReceived).toHaveLength(2);
    expect(simulator.written).toHaveLength(3);
  });
});
