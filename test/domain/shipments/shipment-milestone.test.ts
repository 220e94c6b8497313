/**
 * A shipment milestone applied to the ERP (the embedded simulator, which passes the ERP contract):
 * a receipt to expect per order, once per shipment id, the rest of a line in a second shipment,
 * and what cannot be applied as integration exceptions with the shipment attached.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type { IntegrationExceptionRaisedV1 } from '../../../canonical/generated/types';
import { validateIntegrationExceptionRaisedV1 } from '../../../canonical/generated/validators';
import type { PostedPurchaseOrder } from '../../../domain/commitment/types';
import type { PostPurchaseOrderRequest } from '../../../domain/ports/erp';
import { singleErp } from '../../../domain/business-units';
import { BusinessRejection, TransientFailure } from '../../../domain/failures';
import { applyShipmentMilestone } from '../../../domain/shipments/shipment-milestone';
import { deferralOf } from '../../../functions/commons/consumer-deferral';
import { ErpSimulator } from '../../../local/simulators/erp/erp-simulator';
import { asn856 } from '../../fixtures/edi-856';
import { memoryShipmentVersions, milestoneOf, postedCommitment } from '../../support/shipments';

const request = (externalRef: string, supplierNumber = 'S-1001'): PostPurchaseOrderRequest => ({
  externalRef,
  supplierNumber,
  warehouseCode: 'WH-EAST',
  purchaseDate: '2026-11-27',
  currency: 'USD',
  lines: [
    { itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: '2026-12-07' },
    { itemCode: 'SKU-10443', quantityEa: '60', unitPrice: '1.85', deliveryDate: '2026-12-07' },
  ],
});

async function world() {
  const erp = new ErpSimulator();
  const posted = new Map<string, PostedPurchaseOrder>();
  const published: CanonicalEvent[] = [];
  const metrics: string[] = [];
  const post = async (poNumber: string, externalRef: string, supplierNumber?: string) => {
    const order = request(externalRef, supplierNumber);
    await erp.postPurchaseOrder(order);
    posted.set(poNumber, postedCommitment(poNumber, order));
  };
  const now = () => new Date('2026-12-05T20:00:00Z');
  const ports = {
    erps: singleErp(erp),
    commitments: { findByPoNumber: async (poNumber: string) => posted.get(poNumber) },
    shipmentVersions: memoryShipmentVersions(now),
    publish: async (events: readonly CanonicalEvent[]) => void published.push(...events),
    metric: (name: string) => void metrics.push(name),
    tenantId: 'dev',
    now,
    newId: () => crypto.randomUUID(),
  };
  await post('PO-1', 'SL-PO-1');
  return { erp, ports, published, metrics, post };
}
const exceptions = (events: readonly CanonicalEvent[]) =>
  events.filter((e): e is IntegrationExceptionRaisedV1 => e.eventType === 'integration-exception.raised');
const ship = (
  shipmentId: string,
  items: { lineNo: number; quantity: string; itemCode?: string }[],
  po = 'PO-1',
) =>
  milestoneOf(
    asn856({
      shipmentId,
      orders: {
        [po]: items.map((i) => ({
          ...i,
          itemCode: i.itemCode ?? (i.lineNo === 2 ? 'SKU-10443' : 'SKU-10442'),
        })),
      },
    }),
  );

describe('applying a shipment milestone', () => {
  it('makes the ERP expect the shipped quantity on the estimated delivery date, under the shipment id', async () => {
    const { erp, ports, published, metrics } = await world();
    const outcomes = await applyShipmentMilestone(ship('SHP-1', [{ lineNo: 1, quantity: '300' }]), ports);
    expect(outcomes).toMatchObject([{ poNumber: 'PO-1', outcome: 'recorded', linesNotApplied: [] }]);
    expect(await erp.listExpectedShipments('SL-PO-1')).toMatchObject([
      {
        shipmentId: 'SHP-1',
        state: 'draft',
        plannedDate: '2026-12-08',
        lines: [{ lineNo: 1, itemCode: 'SKU-10442', quantityEa: '300' }],
      },
    ]);
    expect(published).toEqual([]);
    expect(metrics).toEqual(['ShipmentMilestonesApplied']);
  });

  it('changes nothing for a re-sent ASN (same shipment id) and counts it', async () => {
    const { erp, ports, published, metrics } = await world();
    await applyShipmentMilestone(ship('SHP-1', [{ lineNo: 1, quantity: '300' }]), ports);
    const before = await erp.listExpectedShipments('SL-PO-1');
    const again = await applyShipmentMilestone(ship('SHP-1', [{ lineNo: 1, quantity: '300' }]), ports);
    expect(again).toMatchObject([{ outcome: 'already-recorded', receiptNumber: before[0]!.receiptNumber }]);
    expect(await erp.listExpectedShipments('SL-PO-1')).toEqual(before);
    expect(metrics).toEqual(['ShipmentMilestonesApplied', 'ShipmentMilestonesAlreadyApplied']);
    expect(published).toEqual([]);
  });

  it('adds a second shipment for the rest of the line', async () => {
    const { erp, ports, published } = await world();
    await applyShipmentMilestone(ship('SHP-1', [{ lineNo: 1, quantity: '300' }]), ports);
    await applyShipmentMilestone(ship('SHP-2', [{ lineNo: 1, quantity: '180' }]), ports);
    const shipments = await erp.listExpectedShipments('SL-PO-1');
    expect(shipments.map((s) => [s.shipmentId, s.lines[0]!.quantityEa])).toEqual([
      ['SHP-1', '300'],
      ['SHP-2', '180'],
    ]);
    expect(published).toEqual([]);
  });

  it('does not apply a line shipping more than remains (an exception with the shipment), and applies the other lines', async () => {
    const { erp, ports, published } = await world();
    await applyShipmentMilestone(ship('SHP-1', [{ lineNo: 1, quantity: '300' }]), ports);
    const outcomes = await applyShipmentMilestone(
      ship('SHP-2', [
        { lineNo: 1, quantity: '181' },
        { lineNo: 2, quantity: '60' },
      ]),
      ports,
    );
    expect(outcomes).toMatchObject([{ outcome: 'recorded', linesNotApplied: [1] }]);
    const shipments = await erp.listExpectedShipments('SL-PO-1');
    expect(shipments[1]).toMatchObject({ shipmentId: 'SHP-2', lines: [{ lineNo: 2, quantityEa: '60' }] });
    const [raised] = exceptions(published);
    expect(published).toHaveLength(1);
    expect(validateIntegrationExceptionRaisedV1(raised).ok).toBe(true);
    expect(raised!.data).toMatchObject({ code: 'SHIPMENT_EXCEEDS_REMAINING', category: 'BUSINESS' });
    expect(raised!.data.message).toContain(
      'PO-1 line 1 ships 181 but 180 remain (480 less 300 shipped earlier)',
    );
    const details = JSON.parse(raised!.data.details!) as Record<string, unknown>;
    expect(details).toMatchObject({
      source: 'edi:acme-beverages:000000301:56:0201',
      linesNotApplied: [{ poNumber: 'PO-1', lineNo: 1, shippedQuantityEa: '181' }],
      shipment: { shipmentId: 'SHP-2', estimatedDeliveryDate: '2026-12-08' },
    });
  });

  it('counts the confirmed quantity once an 855 amended the line', async () => {
    const { erp, ports, published } = await world();
    await erp.amendPurchaseOrder('SL-PO-1', { lines: [{ lineNo: 1, quantityEa: '450' }] });
    const outcomes = await applyShipmentMilestone(ship('SHP-1', [{ lineNo: 1, quantity: '480' }]), ports);
    expect(outcomes).toMatchObject([{ outcome: 'not-applied', linesNotApplied: [1] }]);
    expect(await erp.listExpectedShipments('SL-PO-1')).toEqual([]);
    expect(exceptions(published)[0]!.data.message).toContain('ships 480 but 450 remain');
  });

  it.each([
    [
      'an order Supplyline never posted',
      'PO-NOPE',
      [{ lineNo: 1, quantity: '1' }],
      'SHIPMENT_PURCHASE_ORDER_UNKNOWN',
    ],
    ['a line the order does not have', 'PO-1', [{ lineNo: 9, quantity: '1' }], 'SHIPMENT_LINE_UNKNOWN'],
    [
      'another item than the line orders',
      'PO-1',
      [{ lineNo: 1, quantity: '1', itemCode: 'SKU-99999' }],
      'SHIPMENT_ITEM_MISMATCH',
    ],
  ])('applies nothing for %s, with an exception', async (_case, po, items, code) => {
    const { erp, ports, published } = await world();
    await applyShipmentMilestone(ship('SHP-1', items, po), ports);
    expect(await erp.listExpectedShipments('SL-PO-1')).toEqual([]);
    expect(exceptions(published).map((e) => e.data.code)).toEqual([code]);
  });

  it("applies nothing to another supplier's order", async () => {
    const { erp, ports, published, post } = await world();
    await post('PO-2', 'SL-PO-2', 'S-2002');
    await applyShipmentMilestone(ship('SHP-1', [{ lineNo: 1, quantity: '1' }], 'PO-2'), ports);
    expect(await erp.listExpectedShipments('SL-PO-2')).toEqual([]);
    expect(exceptions(published).map((e) => e.data.code)).toEqual(['SHIPMENT_SUPPLIER_MISMATCH']);
  });

  it('turns an ERP refusal (an order no longer open) into an exception for that order', async () => {
    const { erp, ports, published } = await world();
    await erp.createPurchaseOrderInState(request('SL-PO-3'), 'cancelled');
    (
      ports.commitments as { findByPoNumber: (po: string) => Promise<PostedPurchaseOrder | undefined> }
    ).findByPoNumber = async () => postedCommitment('PO-3', request('SL-PO-3'));
    const outcomes = await applyShipmentMilestone(
      ship('SHP-1', [{ lineNo: 1, quantity: '1' }], 'PO-3'),
      ports,
    );
    expect(outcomes).toMatchObject([{ outcome: 'not-applied' }]);
    expect(exceptions(published).map((e) => e.data.code)).toEqual(['PO_NOT_RECEIVABLE']);
  });
});

/** One 856 of shipment `id` for PO-1 line 1: BSN01 purpose, quantity, estimated delivery (CCYYMMDD). */
type Step = readonly [purpose: '00' | '01' | '05', id: string, quantity: string, estimated?: string];
const notice = ([purpose, shipmentId, quantity, estimated]: Step) =>
  milestoneOf(asn856({ purpose, shipmentId, estimated, orders: { 'PO-1': [{ lineNo: 1, quantity }] } }));

describe('cancellations and replacements of a shipment id (BSN01 01 and 05)', () => {
  it.each<{ name: string; steps: Step[]; outcome: string; expected: [string, string, string][] }>([
    {
      name: 'a cancellation withdraws the expected receipt',
      steps: [
        ['00', 'SHP-1', '300'],
        ['01', 'SHP-1', '300'],
      ],
      outcome: 'withdrawn',
      expected: [],
    },
    {
      name: 'after a cancellation, a new ASN ships the whole line again (not an over-shipment)',
      steps: [
        ['00', 'SHP-1', '300'],
        ['01', 'SHP-1', '300'],
        ['00', 'SHP-2', '480'],
      ],
      outcome: 'recorded',
      expected: [['SHP-2', '480', '2026-12-08']],
    },
    {
      name: 'a cancellation before its original keeps the late original from being applied',
      steps: [
        ['01', 'SHP-1', '300'],
        ['00', 'SHP-1', '300'],
      ],
      outcome: 'withdrawn',
      expected: [],
    },
    {
      name: 'a replacement after a cancellation is not applied',
      steps: [
        ['00', 'SHP-1', '300'],
        ['01', 'SHP-1', '300'],
        ['05', 'SHP-1', '200'],
      ],
      outcome: 'withdrawn',
      expected: [],
    },
    {
      name: 'a replacement moves the receipt to its quantities and date',
      steps: [
        ['00', 'SHP-1', '300'],
        ['05', 'SHP-1', '450', '20261210'],
      ],
      outcome: 'replaced',
      expected: [['SHP-1', '450', '2026-12-10']],
    },
    {
      name: 'a re-sent replacement changes nothing',
      steps: [
        ['00', 'SHP-1', '300'],
        ['05', 'SHP-1', '450', '20261210'],
        ['05', 'SHP-1', '450', '20261210'],
      ],
      outcome: 'already-recorded',
      expected: [['SHP-1', '450', '2026-12-10']],
    },
    {
      name: 'a replacement before its original is the content; the late original changes nothing',
      steps: [
        ['05', 'SHP-1', '200'],
        ['00', 'SHP-1', '300'],
      ],
      outcome: 'already-recorded',
      expected: [['SHP-1', '200', '2026-12-08']],
    },
    {
      name: 'a replacement may ship what remains counting its own earlier quantity as remaining',
      steps: [
        ['00', 'SHP-1', '300'],
        ['00', 'SHP-2', '100'],
        ['05', 'SHP-1', '380'],
      ],
      outcome: 'replaced',
      expected: [
        ['SHP-1', '380', '2026-12-08'],
        ['SHP-2', '100', '2026-12-08'],
      ],
    },
  ])('$name', async ({ steps, outcome, expected }) => {
    const { erp, ports, published } = await world();
    let last: Awaited<ReturnType<typeof applyShipmentMilestone>> = [];
    for (const step of steps) last = await applyShipmentMilestone(notice(step), ports);
    expect(last).toMatchObject([{ poNumber: 'PO-1', outcome, linesNotApplied: [] }]);
    const shipments = await erp.listExpectedShipments('SL-PO-1');
    expect(shipments.map((s) => [s.shipmentId, s.lines[0]!.quantityEa, s.plannedDate])).toEqual(expected);
    expect(published).toEqual([]);
  });

  it('withdraws the receipt of an order the replacement no longer lists (it is the whole shipment)', async () => {
    const { erp, ports, published, post } = await world();
    await post('PO-2', 'SL-PO-2');
    const shipment = (purpose: string, orders: Record<string, { lineNo: number; quantity: string }[]>) =>
      milestoneOf(asn856({ purpose, shipmentId: 'SHP-1', orders }));
    const line = [{ lineNo: 1, quantity: '300' }];
    await applyShipmentMilestone(shipment('00', { 'PO-1': line, 'PO-2': line }), ports);
    const replacement = shipment('05', { 'PO-1': [{ lineNo: 1, quantity: '200' }] });

    expect(await applyShipmentMilestone(replacement, ports)).toEqual([
      expect.objectContaining({ poNumber: 'PO-1', outcome: 'replaced' }),
      { poNumber: 'SL-PO-2', outcome: 'withdrawn', linesNotApplied: [] },
    ]);
    expect(await erp.listExpectedShipments('SL-PO-2')).toEqual([]);
    expect((await erp.listExpectedShipments('SL-PO-1')).map((s) => s.lines[0]!.quantityEa)).toEqual(['200']);
    // Re-sent: nothing left to withdraw.
    expect(await applyShipmentMilestone(replacement, ports)).toMatchObject([
      { poNumber: 'PO-1', outcome: 'already-recorded' },
    ]);
    expect(published).toEqual([]);
  });

  it('counts a cancellation before its original as applied for every order it covers, once', async () => {
    const { erp, ports, metrics, post } = await world();
    await post('PO-2', 'SL-PO-2');
    const line = [{ lineNo: 1, quantity: '300' }];
    const shipment = (purpose: string) =>
      milestoneOf(asn856({ purpose, shipmentId: 'SHP-1', orders: { 'PO-1': line, 'PO-2': line } }));

    expect(await applyShipmentMilestone(shipment('01'), ports)).toMatchObject([
      { poNumber: 'PO-1', outcome: 'withdrawn' },
      { poNumber: 'PO-2', outcome: 'withdrawn' },
    ]);
    expect(metrics).toEqual(['ShipmentMilestonesApplied', 'ShipmentMilestonesApplied']);
    await applyShipmentMilestone(shipment('01'), ports);
    await applyShipmentMilestone(shipment('00'), ports);
    expect(metrics.slice(2)).toEqual(Array(4).fill('ShipmentMilestonesAlreadyApplied'));
    expect(await erp.listExpectedShipments('SL-PO-2')).toEqual([]);
  });

  it('changes nothing for a re-sent cancellation, and counts it', async () => {
    const { ports, metrics } = await world();
    for (const step of [
      ['00', 'SHP-1', '300'],
      ['01', 'SHP-1', '300'],
      ['01', 'SHP-1', '300'],
    ] as Step[])
      await applyShipmentMilestone(notice(step), ports);
    expect(metrics).toEqual([
      'ShipmentMilestonesApplied',
      'ShipmentMilestonesApplied',
      'ShipmentMilestonesAlreadyApplied',
    ]);
  });

  it('does not replace beyond what remains once the other shipments are counted: an exception, the receipt unchanged', async () => {
    const { erp, ports, published } = await world();
    for (const step of [
      ['00', 'SHP-1', '300'],
      ['00', 'SHP-2', '100'],
    ] as Step[])
      await applyShipmentMilestone(notice(step), ports);
    const outcomes = await applyShipmentMilestone(notice(['05', 'SHP-1', '381']), ports);
    expect(outcomes).toMatchObject([{ outcome: 'not-applied', linesNotApplied: [1] }]);
    expect(exceptions(published).map((e) => e.data.code)).toEqual(['SHIPMENT_EXCEEDS_REMAINING']);
    expect((await erp.listExpectedShipments('SL-PO-1'))[0]).toMatchObject({ lines: [{ quantityEa: '300' }] });
  });

  it.each([
    ['01', 'withdrawExpectedShipment'],
    ['05', 'replaceExpectedShipment'],
  ] as const)(
    'raises an exception for a person when goods were received against the shipment (BSN01 %s)',
    async (purpose, method) => {
      const { erp, ports, published } = await world();
      await applyShipmentMilestone(notice(['00', 'SHP-1', '300']), ports);
      // The ERP refuses to touch a receipt that is no longer a draft.
      erp[method] = async () => {
        throw new BusinessRejection('SHIPMENT_ALREADY_RECEIVED', 'shipment SHP-1 is done', 'erp');
      };
      const outcomes = await applyShipmentMilestone(notice([purpose, 'SHP-1', '200']), ports);
      expect(outcomes).toMatchObject([{ outcome: 'not-applied', linesNotApplied: [1] }]);
      const [raised] = exceptions(published);
      expect(raised!.data).toMatchObject({ code: 'SHIPMENT_ALREADY_RECEIVED', category: 'BUSINESS' });
      expect(validateIntegrationExceptionRaisedV1(raised).ok).toBe(true);
    },
  );
});

describe('versions of a shipment id, ordered by their issue time (BSN03/BSN04), not by arrival', () => {
  type Lines = { lineNo: number; quantity: string }[];
  /** An 856 of SHP-1 for `orders` issued at `hhmm` on 2026-12-05 (the partner's local time). */
  const version = (purpose: string, hhmm: string, orders: Record<string, Lines>) =>
    milestoneOf(asn856({ purpose, shipmentId: 'SHP-1', issued: `20261205*${hhmm}`, orders }));
  /** The same for PO-1 line 1 only. */
  const issued = (purpose: '00' | '05', hhmm: string, quantity: string) =>
    version(purpose, hhmm, { 'PO-1': [{ lineNo: 1, quantity }] });
  const quantities = async (erp: ErpSimulator) =>
    (await erp.listExpectedShipments('SL-PO-1')).map((s) => s.lines[0]!.quantityEa);

  it('applies a replacement newer than the one applied', async () => {
    const { erp, ports, metrics } = await world();
    await applyShipmentMilestone(issued('00', '1400', '300'), ports);
    await applyShipmentMilestone(issued('05', '1500', '400'), ports);
    expect(await applyShipmentMilestone(issued('05', '1600', '450'), ports)).toMatchObject([
      { outcome: 'replaced' },
    ]);
    expect(await quantities(erp)).toEqual(['450']);
    expect(metrics).toEqual(Array(3).fill('ShipmentMilestonesApplied'));
  });

  it('does not apply a replacement older than the one applied: stale, counted, no exception', async () => {
    const { erp, ports, published, metrics } = await world();
    await applyShipmentMilestone(issued('00', '1400', '300'), ports);
    await applyShipmentMilestone(issued('05', '1600', '450'), ports);
    expect(await applyShipmentMilestone(issued('05', '1500', '400'), ports)).toEqual([
      { poNumber: 'PO-1', outcome: 'superseded', linesNotApplied: [] },
    ]);
    expect(await quantities(erp)).toEqual(['450']);
    expect(metrics.at(-1)).toBe('ShipmentMilestonesSuperseded');
    expect(published).toEqual([]);
  });

  it('does not apply an original arriving after a newer replacement', async () => {
    const { erp, ports, published, metrics } = await world();
    await applyShipmentMilestone(issued('05', '1600', '200'), ports);
    expect(await applyShipmentMilestone(issued('00', '1400', '300'), ports)).toMatchObject([
      { outcome: 'superseded' },
    ]);
    expect(await quantities(erp)).toEqual(['200']);
    expect(metrics).toEqual(['ShipmentMilestonesApplied', 'ShipmentMilestonesSuperseded']);
    expect(published).toEqual([]);
  });

  it('lets a newer replacement list again an order an older one dropped; a cancellation stays final', async () => {
    const { erp, ports, published, post } = await world();
    await post('PO-2', 'SL-PO-2');
    const line = [{ lineNo: 1, quantity: '300' }];
    await applyShipmentMilestone(version('00', '1400', { 'PO-1': line, 'PO-2': line }), ports);
    await applyShipmentMilestone(version('05', '1500', { 'PO-1': line }), ports);
    expect(await erp.listExpectedShipments('SL-PO-2')).toEqual([]);

    expect(
      await applyShipmentMilestone(version('05', '1600', { 'PO-1': line, 'PO-2': line }), ports),
    ).toMatchObject([
      { poNumber: 'PO-1', outcome: 'already-recorded' },
      { poNumber: 'PO-2', outcome: 'recorded' },
    ]);
    expect(await erp.listExpectedShipments('SL-PO-2')).toMatchObject([
      { shipmentId: 'SHP-1', lines: [{ quantityEa: '300' }] },
    ]);
    await applyShipmentMilestone(version('01', '1700', { 'PO-1': line, 'PO-2': line }), ports);
    expect(await applyShipmentMilestone(version('05', '1800', { 'PO-2': line }), ports)).toMatchObject([
      { poNumber: 'PO-2', outcome: 'withdrawn' },
    ]);
    expect(await erp.listExpectedShipments('SL-PO-2')).toEqual([]);
    expect(published).toEqual([]);
  });

  it('applies on retry a version whose ERP write failed, and makes an older one stale meanwhile', async () => {
    const { erp, ports, published } = await world();
    await applyShipmentMilestone(issued('00', '1400', '300'), ports);
    const replace = erp.replaceExpectedShipment.bind(erp);
    erp.replaceExpectedShipment = async () => {
      erp.replaceExpectedShipment = replace;
      throw new TransientFailure('Tryton answered 503', 'erp');
    };
    await expect(applyShipmentMilestone(issued('05', '1600', '450'), ports)).rejects.toThrow(
      TransientFailure,
    );
    expect(await applyShipmentMilestone(issued('05', '1500', '400'), ports)).toMatchObject([
      { outcome: 'superseded' },
    ]);
    expect(await quantities(erp)).toEqual(['300']);
    expect(await applyShipmentMilestone(issued('05', '1600', '450'), ports)).toMatchObject([
      { outcome: 'replaced' },
    ]);
    expect(await quantities(erp)).toEqual(['450']);
    expect(published).toEqual([]);
  });

  it('makes a newer version wait (not fail) while an older one is being applied, then applies it', async () => {
    const { erp, ports } = await world();
    await applyShipmentMilestone(issued('00', '1400', '300'), ports);
    const replace = erp.replaceExpectedShipment.bind(erp);
    let entered!: () => void;
    const inErp = new Promise<void>((resolve) => (entered = resolve));
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    erp.replaceExpectedShipment = async (...args) => {
      entered();
      await held;
      return replace(...args);
    };
    const older = applyShipmentMilestone(issued('05', '1500', '400'), ports);
    await inErp;
    erp.replaceExpectedShipment = replace;

    const waiting = await applyShipmentMilestone(issued('05', '1600', '450'), ports).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(TransientFailure);
    // The consumer defers it a few seconds, spending no delivery: it never reaches the DLQ.
    expect(deferralOf(waiting, 0)).toEqual({ seconds: 5, cause: 'retry-after' });
    finish();
    await older;
    expect(await quantities(erp)).toEqual(['400']);
    expect(await applyShipmentMilestone(issued('05', '1600', '450'), ports)).toMatchObject([
      { outcome: 'replaced' },
    ]);
    expect(await quantities(erp)).toEqual(['450']);
  });
});
