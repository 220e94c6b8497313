/**
 * The partner's 855 and 856 from text to a real Tryton 6.0, through the real codec and the same
 * domain code the consumers run: an 855 changing the quantity amends the order; an 856 creates a
 * draft supplier shipment planned for the estimated delivery; a second ASN ships the rest of the
 * line; an over-shipment changes nothing in Tryton and raises an exception; a re-sent ASN is counted;
 * an 855 arriving after an ASN amends the order and leaves the expected shipment as it was; a
 * replacement issued before the one applied changes nothing. The cases run in order on one order, as the documents would arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrytonRpc } from '../../../adapters/erp/tryton/jsonrpc';
import { TrytonErp } from '../../../adapters/erp/tryton/tryton-erp';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type {
  IntegrationExceptionRaisedV1,
  PurchaseOrderAcknowledgedV1,
  ShipmentMilestoneReportedV1,
} from '../../../canonical/generated/types';
import { singleErp } from '../../../domain/business-units';
import { applyAcknowledgement, type AcknowledgementPorts } from '../../../domain/commitment/acknowledgement';
import { receiveInterchange } from '../../../domain/edi/inbound-interchange';
import { transmitPurchaseOrder } from '../../../domain/edi/purchase-order-transmission';
import type { PostPurchaseOrderRequest } from '../../../domain/ports/erp';
import {
  applyShipmentMilestone,
  type ShipmentMilestonePorts,
} from '../../../domain/shipments/shipment-milestone';
import { partnerInterchange, purchaseOrder } from '../../fixtures/edi';
import { asn856 } from '../../fixtures/edi-856';
import { memoryInboundPorts } from '../../support/edi-memory';
import { memoryShipmentVersions, postedCommitment } from '../../support/shipments';
import { connectionOf, inDays, startTryton, stopChecked, type TrytonSandbox } from '../../support/tryton';

type Row = Record<string, unknown> & { id: number };
const x12 = (isoDate: string) => isoDate.replaceAll('-', '');
const PO = 'PO-EDI-TRYTON-1';
const order: PostPurchaseOrderRequest = {
  externalRef: `SL-${PO}`,
  supplierNumber: 'S-1001',
  warehouseCode: 'WH-EAST',
  purchaseDate: inDays(0),
  currency: 'USD',
  lines: [{ itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: inDays(30) }],
};

/** A procurement PO number and the ERP order posted for it. */
type OrderSent = readonly [string, PostPurchaseOrderRequest];

let tryton: TrytonSandbox;
let erp: TrytonErp;
let rpc: TrytonRpc;
const published: CanonicalEvent[] = [];
const metrics: string[] = [];
let interchanges = 0;

/** Events of the partner's file with `sets` in one group `gs01`, after our 850 of the order was sent. */
async function receive(
  gs01: string,
  sets: readonly string[],
  [poNumber, request]: OrderSent = [PO, order],
): Promise<CanonicalEvent[]> {
  const events: CanonicalEvent[] = [];
  const ports = memoryInboundPorts(() => new Date(), events);
  const sent = purchaseOrder({ poNumber, externalRef: request.externalRef, revision: 1 });
  await transmitPurchaseOrder(sent, ports);
  const isa13 = String(++interchanges).padStart(9, '0');
  const key = `inbound/acme-beverages/${isa13}.x12`;
  ports.mailbox.files.set(key, partnerInterchange([{ gs01, gs06: String(interchanges), sets }], { isa13 }));
  await receiveInterchange(key, ports);
  return events;
}

const shipmentVersions = memoryShipmentVersions();
const ports = ([poNumber, request]: OrderSent = [PO, order]) => {
  const posted = postedCommitment(poNumber, request);
  const common = {
    erps: singleErp(erp),
    publish: async (events: readonly CanonicalEvent[]) => void published.push(...events),
    tenantId: 'dev',
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    metric: (name: string) => void metrics.push(name),
  };
  const acknowledgement = {
    ...common,
    commitments: {
      findByPoNumber: async () => posted,
      recordConfirmationReceived: async () => undefined,
      recordAcknowledged: async () => undefined,
    },
    ledger: {
      recordEvent: async () => undefined,
      recordState: async () => undefined,
      recordSourceChange: async () => undefined,
      recordConfirmation: async () => undefined,
    },
    supply: { recordLines: async () => undefined },
    sendTaskSuccess: async () => undefined,
  } as unknown as AcknowledgementPorts;
  const shipment: ShipmentMilestonePorts = {
    ...common,
    commitments: { findByPoNumber: async (po) => (po === poNumber ? posted : undefined) },
    shipmentVersions,
  };
  return { acknowledgement, shipment };
};

/** The supplier shipments in Tryton with that reference, and their moves. */
async function trytonShipments(reference: string) {
  const shipments = await rpc.searchRead<Row>(
    'stock.shipment.in',
    [['reference', '=', reference]],
    ['state', 'planned_date', 'incoming_moves'],
  );
  const moves = await rpc.read<Row>(
    'stock.move',
    shipments.flatMap((s) => s.incoming_moves as number[]),
    ['quantity', 'planned_date', 'state', 'origin'],
  );
  return { shipments, moves };
}

async function asn(
  shipmentId: string,
  quantity: string,
  estimated: string,
  which: OrderSent = [PO, order],
  purpose = '00',
  issued?: string,
) {
  const [event] = await receive(
    'SH',
    asn856({
      shipmentId,
      purpose,
      issued,
      estimated: x12(estimated),
      shipped: x12(inDays(1)),
      orders: { [which[0]]: [{ lineNo: 1, quantity }] },
    }),
    which,
  );
  expect(event?.eventType).toBe('shipment.milestone-reported');
  return applyShipmentMilestone(event as ShipmentMilestoneReportedV1, ports(which).shipment);
}

/** The guide's 855 for `poNumber`: line 1 confirmed at `quantity` for `date`. */
function acknowledgement855(poNumber: string, quantity: string, date: string): string[] {
  return [
    'ST*855*0101',
    `BAK*00*AC*${poNumber}*${x12(inDays(0))}`,
    'PO1*1*480*EA*3.10*PE*BP*SKU-10442',
    `ACK*IQ*${quantity}*EA*067*${x12(date)}`,
    'CTT*1',
    'SE*6*0101',
  ];
}

describe('EDI documents applied to a real Tryton 6.0', () => {
  beforeAll(async () => {
    tryton = await startTryton();
    const connection = connectionOf(tryton);
    erp = new TrytonErp(connection);
    rpc = new TrytonRpc(connection);
    await erp.postPurchaseOrder(order);
  });
  afterAll(() => stopChecked(tryton));

  it('amends the order from an 855 that changes the quantity and the date', async () => {
    const [event] = await receive('PR', acknowledgement855(PO, '450', inDays(33)));
    expect(event?.eventType).toBe('purchase-order.acknowledged');
    const result = await applyAcknowledgement(event as PurchaseOrderAcknowledgedV1, ports().acknowledgement);
    expect(result.amended).toBe(true);
    expect(await erp.findPurchaseOrder(order.externalRef)).toMatchObject({
      revision: 1,
      lines: [{ lineNo: 1, quantityEa: '450', deliveryDate: inDays(33) }],
    });
  });

  it('creates a draft supplier shipment holding the shipped moves, planned for the estimated delivery', async () => {
    const outcomes = await asn('SHP-T-1', '300', inDays(20));
    expect(outcomes).toMatchObject([{ outcome: 'recorded', linesNotApplied: [] }]);
    const { shipments, moves } = await trytonShipments('SHP-T-1');
    expect(shipments).toMatchObject([{ state: 'draft', planned_date: inDays(20) }]);
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ quantity: 300, planned_date: inDays(20), state: 'draft' });
    expect(String(moves[0]!.origin)).toMatch(/^purchase\.line,\d+$/);
  });

  it('changes nothing for a re-sent ASN, and counts it', async () => {
    const before = await trytonShipments('SHP-T-1');
    expect(await asn('SHP-T-1', '300', inDays(20))).toMatchObject([{ outcome: 'already-recorded' }]);
    expect(await trytonShipments('SHP-T-1')).toEqual(before);
    expect(metrics).toContain('ShipmentMilestonesAlreadyApplied');
  });

  it('adds a second shipment for the rest of the line (the confirmed 450 less 300)', async () => {
    expect(await asn('SHP-T-2', '150', inDays(25))).toMatchObject([{ outcome: 'recorded' }]);
    const { shipments, moves } = await trytonShipments('SHP-T-2');
    expect(shipments).toMatchObject([{ state: 'draft', planned_date: inDays(25) }]);
    expect(moves.map((m) => m.quantity)).toEqual([150]);
    expect((await erp.listExpectedShipments(order.externalRef)).map((s) => s.lines[0]!.quantityEa)).toEqual([
      '300',
      '150',
    ]);
  });

  it('raises an exception for an over-shipment and changes nothing in Tryton', async () => {
    const movesBefore = await rpc.searchRead<Row>(
      'stock.move',
      [],
      ['quantity', 'state', 'shipment', 'planned_date'],
    );
    const shipmentsBefore = await rpc.search('stock.shipment.in', []);
    const outcomes = await asn('SHP-T-3', '1', inDays(26));
    expect(outcomes).toMatchObject([{ outcome: 'not-applied', linesNotApplied: [1] }]);
    const raised = published.filter(
      (e): e is IntegrationExceptionRaisedV1 => e.eventType === 'integration-exception.raised',
    );
    expect(raised.map((e) => e.data.code)).toEqual(['SHIPMENT_EXCEEDS_REMAINING']);
    expect(raised[0]!.data.message).toContain('ships 1 but 0 remain (450 less 450 shipped earlier)');
    expect(await rpc.search('stock.shipment.in', [])).toEqual(shipmentsBefore);
    expect(
      await rpc.searchRead<Row>('stock.move', [], ['quantity', 'state', 'shipment', 'planned_date']),
    ).toEqual(movesBefore);
  });
  it('applies an 855 that arrives after an ASN: the order is amended, the expected shipment stays, and the rest of the confirmation ships', async () => {
    const late = 'PO-EDI-TRYTON-2';
    const request = { ...order, externalRef: `SL-${late}` };
    const which: OrderSent = [late, request];
    await erp.postPurchaseOrder(request);
    expect(await asn('SHP-T2-1', '300', inDays(20), which)).toMatchObject([{ outcome: 'recorded' }]);

    const [event] = await receive('PR', acknowledgement855(late, '450', inDays(21)), which);
    const result = await applyAcknowledgement(
      event as PurchaseOrderAcknowledgedV1,
      ports(which).acknowledgement,
    );
    expect(result.amended).toBe(true);
    expect(await erp.findPurchaseOrder(request.externalRef)).toMatchObject({
      lines: [{ lineNo: 1, quantityEa: '450' }],
    });
    // The amendment leaves the partner's shipment as it was: still expected, same quantity and date.
    const { shipments, moves } = await trytonShipments('SHP-T2-1');
    expect(shipments).toMatchObject([{ state: 'draft', planned_date: inDays(20) }]);
    expect(moves.map((m) => [m.quantity, m.state])).toEqual([[300, 'draft']]);
    // What remains is the confirmed 450 less the 300 already shipped.
    expect(await asn('SHP-T2-3', '151', inDays(25), which)).toMatchObject([{ outcome: 'not-applied' }]);
    expect(await asn('SHP-T2-2', '150', inDays(25), which)).toMatchObject([{ outcome: 'recorded' }]);
    expect((await erp.listExpectedShipments(request.externalRef)).map((s) => s.lines[0]!.quantityEa)).toEqual(
      ['300', '150'],
    );
  });

  /** A new order of 480 for these cases, and its shipments' lines as the port reads them. */
  async function freshOrder(poNumber: string) {
    const request = { ...order, externalRef: `SL-${poNumber}` };
    await erp.postPurchaseOrder(request);
    const which: OrderSent = [poNumber, request];
    const expected = async () =>
      (await erp.listExpectedShipments(request.externalRef)).map((s) => [
        s.shipmentId,
        s.lines[0]!.quantityEa,
        s.plannedDate,
      ]);
    return { which, expected };
  }

  it("moves the expected receipt's quantity and date on a replacement, computing what remains without the replaced ASN", async () => {
    const { which, expected } = await freshOrder('PO-EDI-TRYTON-3');
    expect(await asn('SHP-T3-1', '300', inDays(20), which)).toMatchObject([{ outcome: 'recorded' }]);
    expect(await asn('SHP-T3-1', '400', inDays(27), which, '05')).toMatchObject([{ outcome: 'replaced' }]);
    const { shipments, moves } = await trytonShipments('SHP-T3-1');
    expect(shipments).toMatchObject([{ state: 'draft', planned_date: inDays(27) }]);
    expect(moves.reduce((sum, m) => sum + Number(m.quantity), 0)).toBe(400);
    expect(moves.every((m) => m.planned_date === inDays(27) && m.state === 'draft')).toBe(true);
    // The same replacement again changes nothing.
    expect(await asn('SHP-T3-1', '400', inDays(27), which, '05')).toMatchObject([
      { outcome: 'already-recorded' },
    ]);
    // 480 less the replaced 400 remain: 81 is an over-shipment, 80 ships.
    expect(await asn('SHP-T3-2', '81', inDays(28), which)).toMatchObject([{ outcome: 'not-applied' }]);
    expect(await asn('SHP-T3-3', '80', inDays(28), which)).toMatchObject([{ outcome: 'recorded' }]);
    expect(await expected()).toEqual([
      ['SHP-T3-1', '400', inDays(27)],
      ['SHP-T3-3', '80', inDays(28)],
    ]);
  });

  it('keeps the newer replacement when an older one (or the original) arrives after it: Tryton unchanged', async () => {
    const { which, expected } = await freshOrder('PO-EDI-TRYTON-5');
    const issued = (hhmm: string) => `${x12(inDays(0))}*${hhmm}`;
    expect(await asn('SHP-T5-1', '400', inDays(27), which, '05', issued('1600'))).toMatchObject([
      { outcome: 'recorded' },
    ]);
    expect(await asn('SHP-T5-1', '350', inDays(26), which, '05', issued('1500'))).toMatchObject([
      { outcome: 'superseded' },
    ]);
    expect(await asn('SHP-T5-1', '300', inDays(20), which, '00', issued('0900'))).toMatchObject([
      { outcome: 'superseded' },
    ]);
    expect(await expected()).toEqual([['SHP-T5-1', '400', inDays(27)]]);
    const { moves } = await trytonShipments('SHP-T5-1');
    expect(moves.reduce((sum, m) => sum + Number(m.quantity), 0)).toBe(400);
  });

  it('withdraws the expected receipt on a cancellation, so a new ASN ships the whole line; the late original stays withdrawn', async () => {
    const { which, expected } = await freshOrder('PO-EDI-TRYTON-4');
    expect(await asn('SHP-T4-1', '300', inDays(20), which)).toMatchObject([{ outcome: 'recorded' }]);
    expect(await asn('SHP-T4-1', '300', inDays(20), which, '01')).toMatchObject([{ outcome: 'withdrawn' }]);
    expect(await expected()).toEqual([]);
    const { shipments, moves } = await trytonShipments('SHP-T4-1');
    expect(shipments).toMatchObject([{ state: 'cancelled', incoming_moves: [] }]);
    expect(moves).toEqual([]);
    // Re-sent cancellation and a late original: nothing changes.
    expect(await asn('SHP-T4-1', '300', inDays(20), which, '01')).toMatchObject([{ outcome: 'withdrawn' }]);
    expect(await asn('SHP-T4-1', '300', inDays(20), which)).toMatchObject([{ outcome: 'withdrawn' }]);
    expect(await expected()).toEqual([]);
    expect(await asn('SHP-T4-2', '480', inDays(22), which)).toMatchObject([{ outcome: 'recorded' }]);
    expect(await expected()).toEqual([['SHP-T4-2', '480', inDays(22)]]);
  });

  it('never touches goods received against a cancelled shipment: an exception for a person', async () => {
    const { which } = await freshOrder('PO-EDI-TRYTON-5');
    await asn('SHP-T5-1', '100', inDays(20), which);
    const [received] = await rpc.search('stock.shipment.in', [['reference', '=', 'SHP-T5-1']]);
    await rpc.button('stock.shipment.in', 'receive', [received!]);
    const before = await trytonShipments('SHP-T5-1');
    expect(before.shipments).toMatchObject([{ state: 'received' }]);
    const raisedBefore = published.length;

    expect(await asn('SHP-T5-1', '100', inDays(20), which, '01')).toMatchObject([
      { outcome: 'not-applied', linesNotApplied: [1] },
    ]);
    expect(await trytonShipments('SHP-T5-1')).toEqual(before);
    expect(published.slice(raisedBefore).map((e) => (e as IntegrationExceptionRaisedV1).data.code)).toEqual([
      'SHIPMENT_ALREADY_RECEIVED',
    ]);
  });
});
