/**
 * Reconciliation against the real Tryton 6.0 and the procurement simulator, with Supplyline's own
 * records in dynalite: three orders are posted through the commitment steps, then drift is made on
 * purpose (an order deleted on the platform, a quantity a person amended in the ERP, a quantity a
 * buyer changed on the platform). The run finds exactly those, repairs only the last, and a second
 * run finds the first two again (raising the same exception ids) and repairs nothing twice. Then an
 * acknowledgement is dropped (kept, but its ERP amendment dead-lettered) and a receipt's status
 * sync is dead-lettered: the run applies both once, and the next run finds nothing. A buyer's new
 * price is raised, a new need-by date repaired once. An order
 * made in the ERP under the middleware's reference, which Supplyline never recorded, is found. Last,
 * ERP orders a person deleted (in a Tryton that, as in production, processes a confirmed order only
 * after a grace period) are posted again when they need no approval, raised when they did; orders
 * still in that grace period take the acknowledgement and a repair.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCommitmentRegistry } from '../../../adapters/aws/commitments';
import { DynamoDbRecordedOrders } from '../../../adapters/aws/reconciliation-records';
import { SyncLedger } from '../../../adapters/aws/sync-ledger';
import { ErpOrders } from '../../../adapters/erp/order-reader';
import { ProcurementClient } from '../../../adapters/procurement/client';
import { ProcurementOrders } from '../../../adapters/procurement/order-reader';
import { mapForecastException } from '../../../adapters/planning/mapping';
import { mapPurchaseOrderAcknowledged } from '../../../adapters/procurement/mapping';
import type { IntegrationException } from '../../../canonical/generated/types';
import { Decimal } from '../../../domain/decimal';
import { applyAcknowledgement } from '../../../domain/commitment/acknowledgement';
import { evaluateForecastException } from '../../../domain/commitment/evaluation';
import { TransientFailure } from '../../../domain/failures';
import { checkCommitmentPolicies, postPurchaseOrder, sourceTheNeed } from '../../../domain/commitment/steps';
import type { CommitmentState, PostedPurchaseOrder } from '../../../domain/commitment/types';
import { reconciliationRepairs } from '../../../domain/reconciliation/repairs';
import { reconcile, type ReconciliationPorts } from '../../../domain/reconciliation/run';
import type { Difference } from '../../../domain/reconciliation/types';
import type { ErpPurchaseOrder } from '../../../domain/ports/erp';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { nextBucket } from '../../../local/scenario/seed-scenario';
import { TrytonErpAdmin } from '../../../scripts/tryton/admin';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { startHarness, type Harness } from '../../support/commitment-harness';
import { connectionOf, startTryton, type TrytonSandbox } from '../../support/tryton';
import { singleErp } from '../../../domain/business-units';

const SETTINGS = { windowDays: 90, receiptStatusServiceLevelSeconds: 300, approvalLimit: '25000.00' };
const context = { tenantId: 'acme', now: () => new Date(), newId: () => crypto.randomUUID() };

let tryton: TrytonSandbox;
let erp: TrytonErpAdmin;
let dynamo: LocalDynamo;
let harness: Harness;
let ledger: SyncLedger;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  [tryton, dynamo, harness] = await Promise.all([
    startTryton(),
    startLocalDynamo({ prefix: `recon-${process.pid}` }),
    startHarness(),
  ]);
  erp = adminOf(tryton);
  documents = DynamoDBDocumentClient.from(dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  ledger = new SyncLedger(documents, dynamo.tableNames.syncLedger);
});

afterAll(async () => {
  await harness?.close();
  await dynamo?.stop();
  try {
    expect(tryton.criticalLines(), `CRITICAL lines in ${tryton.logPath}`).toEqual([]);
  } finally {
    await tryton?.stop();
  }
});

/** The test's own hand in a Tryton sandbox. */
const adminOf = (sandbox: TrytonSandbox) => new TrytonErpAdmin(connectionOf(sandbox));

/** A Tryton that, as in production, processes a confirmed order only after an hour's grace period. */
async function startGracedTryton() {
  const graced = await startTryton({ queueWorker: true });
  const graceErp = adminOf(graced);
  await graceErp.setPurchaseGracePeriod(3600).catch(async (error: unknown) => {
    await graced.stop();
    throw error;
  });
  return { graced, graceErp };
}

/** Supplyline's posted commitments (dynalite). */
const commitments = () => new DynamoDbCommitmentRegistry(documents, dynamo.tableNames.workflowCorrelation);

/**
 * Posts the commitment of forecast exception `n` (its own week, so each is a new need) to Tryton
 * (`to`: another than the suite's), planned at `forecastQty` cases when given. Approval is not this
 * helper's: an order above the limit is posted as if a person had approved it.
 */
async function post(
  n: number,
  options: { to?: TrytonErpAdmin; forecastQty?: number } = {},
): Promise<PostedPurchaseOrder> {
  const ports = {
    ...harness.ports,
    erps: singleErp(options.to ?? erp),
    ledger,
    commitments: commitments(),
  };
  const event = mapForecastException(
    forecastExceptionDelivery({
      exception: {
        exception_id: `EXC-RECON-${n}`,
        bucket: { ...nextBucket(new Date(Date.now() + n * 7 * 86_400_000)), granularity: 'week' },
        ...(options.forecastQty === undefined ? {} : { forecast_qty: options.forecastQty }),
      },
    }),
    context,
  );
  let state: CommitmentState | undefined;
  await evaluateForecastException(event, {
    ...ports,
    settings: { approvalTimeoutSeconds: 3600, acknowledgementTimeoutSeconds: 3600 },
    startCommitment: async (input) => void (state = input),
  });
  if (!state) throw new Error(`exception ${n} started no commitment`);
  const sourcing = await sourceTheNeed(state, ports);
  const policy = await checkCommitmentPolicies({ ...state, sourcing }, ports);
  return postPurchaseOrder({ ...state, sourcing, policy }, ports);
}

/**
 * One run over the real systems (the window from `since`, the clock at `now`, the ERP `erp` or the
 * suite's); what it reported and raised.
 */
async function run(runId: string, at: { since?: Date; now?: () => Date; erp?: TrytonErpAdmin } = {}) {
  const now = at.now ?? (() => new Date());
  const target = at.erp ?? erp;
  const differences: Difference[] = [];
  const raised: IntegrationException[] = [];
  const procurement = new ProcurementOrders(
    new ProcurementClient({
      baseUrl: harness.procurement.url,
      credentials: { clientId: 'supplyline', clientSecret: 'supplyline-secret' },
    }),
  );
  const ports: ReconciliationPorts = {
    orders: new DynamoDbRecordedOrders(documents, {
      commitments: dynamo.tableNames.workflowCorrelation,
      ledger: dynamo.tableNames.syncLedger,
    }),
    procurement,
    erp: new ErpOrders(target),
    repairer: reconciliationRepairs({
      erps: singleErp(target),
      procurement,
      ledger,
      commitments: commitments(),
      now,
    }),
    exceptions: { raise: async (exception) => void raised.push(exception) },
    report: {
      add: async (difference) => void differences.push(difference),
      finish: async () => [],
    },
    now,
  };
  const summary = await reconcile(ports, SETTINGS, runId, at.since);
  return { summary, differences, raised };
}

describe('reconciliation against Tryton and the procurement simulator', () => {
  it('finds exactly the drift made on purpose, repairs what it may, and repeats nothing on a second run', async () => {
    const deleted = await post(1);
    const editedInErp = await post(2);
    const changedByBuyer = await post(3);
    const awarded = (po: PostedPurchaseOrder) => Number(po.lines[0]!.quantityEa);

    // Drift: the platform loses an order; a person amends an ERP order; a buyer changes a platform order.
    harness.procurement.deletePurchaseOrder(deleted.poNumber);
    await erp.amendPurchaseOrder(editedInErp.externalRef, {
      lines: [{ lineNo: 1, quantityEa: String(awarded(editedInErp) - 10) }],
    });
    harness.procurement.changePurchaseOrder(changedByBuyer.poNumber, { qty: awarded(changedByBuyer) + 20 });

    const first = await run('run-1');
    expect(first.summary).toMatchObject({ orders: 3, repaired: 1, exceptionsRaised: 2, repairFailures: 0 });
    expect(
      first.differences.map((d) => [d.class, d.externalRef, d.expected.value, d.found.value, d.resolution]),
    ).toEqual(
      expect.arrayContaining([
        [
          'missing_in_procurement',
          deleted.externalRef,
          null,
          deleted.erpNumber,
          expect.objectContaining({ kind: 'exception', code: 'ORDER_MISSING_IN_PROCUREMENT' }),
        ],
        [
          'quantity_mismatch',
          editedInErp.externalRef,
          String(awarded(editedInErp)),
          String(awarded(editedInErp) - 10),
          expect.objectContaining({ kind: 'exception', code: 'ERP_CHANGED_BY_PERSON' }),
        ],
        [
          'quantity_mismatch',
          changedByBuyer.externalRef,
          String(awarded(changedByBuyer) + 20),
          String(awarded(changedByBuyer)),
          { kind: 'repair', action: 'amend-erp-order' },
        ],
      ]),
    );
    expect(first.differences).toHaveLength(3);
    // Financial reconciliation: the ERP now carries the person's -10 and the repaired +20 that
    // Supplyline's commitments do not; reported, never repaired.
    const price = (po: PostedPurchaseOrder) => Decimal.of(po.lines[0]!.unitPrice);
    expect(first.summary.committedValues).toEqual([
      expect.objectContaining({
        warehouseCode: deleted.warehouseCode,
        month: deleted.postedAt.slice(0, 7),
        difference: price(changedByBuyer).mul(20).sub(price(editedInErp).mul(10)).toMoneyString('half-even'),
      }),
    ]);
    expect(first.summary.committedValueDifferences).toBe(1);
    // The person's amendment stands; the buyer's change reached the ERP.
    expect((await erp.findPurchaseOrder(editedInErp.externalRef))?.lines[0]?.quantityEa).toBe(
      String(awarded(editedInErp) - 10),
    );
    const repaired = await erp.findPurchaseOrder(changedByBuyer.externalRef);
    expect(repaired?.lines[0]?.quantityEa).toBe(String(awarded(changedByBuyer) + 20));

    const second = await run('run-2');
    expect(second.summary).toMatchObject({ orders: 3, repaired: 0, exceptionsRaised: 2 });
    expect(second.differences.map((d) => [d.class, d.externalRef])).toEqual(
      expect.arrayContaining([
        ['missing_in_procurement', deleted.externalRef],
        ['quantity_mismatch', editedInErp.externalRef],
      ]),
    );
    expect(second.differences).toHaveLength(2);
    expect(second.raised.map((e) => e.exceptionId).sort()).toEqual(
      first.raised.map((e) => e.exceptionId).sort(),
    );
    expect((await erp.findPurchaseOrder(changedByBuyer.externalRef))?.revision).toBe(repaired?.revision);
  });

  it('applies a dropped acknowledgement and a dead-lettered status sync once, and finds nothing on the next run', async () => {
    const since = new Date();
    const dropped = await post(4);
    const statusLost = await post(5);
    const line = dropped.lines[0]!;
    const confirmedQty = Number(line.quantityEa) - 30;
    const confirmedDate = new Date(Date.parse(`${line.needBy}T00:00:00Z`) + 3 * 86_400_000)
      .toISOString()
      .slice(0, 10);

    // The supplier confirms less, later; the acknowledgement consumer keeps the confirmation, then
    // the ERP refuses the amendment for good and the message ends in the DLQ (never redriven).
    const acknowledged = harness.procurement.acknowledgePurchaseOrder(dropped.poNumber, {
      lines: [{ line_no: 1, confirmed_qty: confirmedQty, confirmed_date: confirmedDate }],
    });
    const refusingErp = Object.assign(Object.create(erp) as TrytonErpAdmin, {
      amendPurchaseOrder: async () => {
        throw new TransientFailure('ERP unavailable', 'erp');
      },
    });
    await expect(
      applyAcknowledgement(mapPurchaseOrderAcknowledged(acknowledged, context), {
        ...harness.ports,
        erps: singleErp(refusingErp),
        ledger,
        commitments: commitments(),
        sendTaskSuccess: async () => undefined,
      }),
    ).rejects.toThrow('ERP unavailable');
    // The goods arrive in full in the ERP; the receipt's status sync to the platform was
    // dead-lettered and never redriven, so the platform still shows the order as issued.
    const receipt = await erp.receiveShipment(statusLost.externalRef);
    const issued = harness.procurement.purchaseOrders().find((po) => po.po_number === statusLost.poNumber);
    expect(issued?.status).not.toBe('received');

    // The next day's run: the receipt's service level (counted from the end of its day) has passed.
    const nextDay = () => new Date(Date.now() + 86_400_000 + 3_600_000);
    const first = await run('run-3', { since, now: nextDay });
    expect(first.summary).toMatchObject({ orders: 2, repaired: 2, exceptionsRaised: 0, repairFailures: 0 });
    expect(
      first.differences.map((d) => [d.class, d.externalRef, d.expected.value, d.found.value, d.resolution]),
    ).toEqual(
      // In the order the scan reads them.
      expect.arrayContaining([
        [
          'acknowledgement_not_applied',
          dropped.externalRef,
          `${confirmedQty} EA on ${confirmedDate}`,
          `${line.quantityEa} EA on ${line.needBy}`,
          { kind: 'repair', action: 'amend-erp-order' },
        ],
        [
          'status_lag',
          statusLost.externalRef,
          'received',
          issued?.status,
          { kind: 'repair', action: 'sync-procurement-status' },
        ],
      ]),
    );
    expect(first.differences).toHaveLength(2);
    // The ERP order now carries the supplier's confirmation; the platform shows the receipt.
    const applied = await erp.findPurchaseOrder(dropped.externalRef);
    expect(applied?.lines[0]).toMatchObject({
      quantityEa: String(confirmedQty),
      deliveryDate: confirmedDate,
    });
    const synced = harness.procurement.purchaseOrders().find((po) => po.po_number === statusLost.poNumber);
    expect(synced?.status).toBe('received');
    expect(receipt.state).toBe('done');

    const second = await run('run-4', { since, now: nextDay });
    expect(second.summary).toMatchObject({ orders: 2, repaired: 0, exceptionsRaised: 0 });
    expect(second.differences).toEqual([]);
    expect((await erp.findPurchaseOrder(dropped.externalRef))?.revision).toBe(applied?.revision);
    expect(
      harness.procurement.purchaseOrders().find((po) => po.po_number === statusLost.poNumber)?.revision,
    ).toBe(synced?.revision);
  });

  it('price and need-by date changed by a buyer on the platform: the price is raised for a person, the date repaired once', async () => {
    const since = new Date();
    const repriced = await post(7);
    const rescheduled = await post(8);
    const line = (po: PostedPurchaseOrder) => po.lines[0]!;
    const newPrice = Decimal.of(line(repriced).unitPrice).add(Decimal.of('0.25')).toMoneyString('half-even');
    const newNeedBy = new Date(Date.parse(`${line(rescheduled).needBy}T00:00:00Z`) + 7 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    harness.procurement.changePurchaseOrder(repriced.poNumber, { unit_price: newPrice });
    harness.procurement.changePurchaseOrder(rescheduled.poNumber, { need_by: newNeedBy });

    const first = await run('run-price-date', { since });
    expect(first.differences.map((d) => [d.class, d.externalRef, d.expected.value, d.resolution])).toEqual(
      expect.arrayContaining([
        [
          'price_mismatch',
          repriced.externalRef,
          newPrice,
          expect.objectContaining({ kind: 'exception', code: 'PRICE_MISMATCH' }),
        ],
        ['date_mismatch', rescheduled.externalRef, newNeedBy, { kind: 'repair', action: 'amend-erp-order' }],
      ]),
    );
    expect(first.differences).toHaveLength(2);
    expect(first.summary).toMatchObject({ orders: 2, repaired: 1, exceptionsRaised: 1 });
    const amended = await erp.findPurchaseOrder(rescheduled.externalRef);
    expect(amended?.lines[0]?.deliveryDate).toBe(newNeedBy);
    // The ERP price stands until a person corrects it.
    const erpPrice = (await erp.findPurchaseOrder(repriced.externalRef))!.lines[0]!.unitPrice;
    expect(Decimal.of(erpPrice).eq(line(repriced).unitPrice)).toBe(true);

    const second = await run('run-price-date-2', { since });
    expect(second.differences.map((d) => [d.class, d.externalRef])).toEqual([
      ['price_mismatch', repriced.externalRef],
    ]);
    expect(second.summary.repaired).toBe(0);
    expect((await erp.findPurchaseOrder(rescheduled.externalRef))?.revision).toBe(amended?.revision);
  });

  it('finds an order made in the ERP under the middleware’s reference that Supplyline never recorded, raises it once, and leaves the ERP’s own orders alone', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const made = (externalRef: string) =>
      erp.postPurchaseOrder({
        externalRef,
        supplierNumber: 'S-1001',
        warehouseCode: 'WH-EAST',
        // Yesterday: a day the run's window covers whole.
        purchaseDate: day(-1),
        currency: 'USD',
        lines: [{ itemCode: 'SKU-10442', quantityEa: '12', unitPrice: '3.10', deliveryDate: day(30) }],
      });
    const unrecorded = await made(`SL-PO-BY-HAND-${Date.now()}`);
    const own = await made(`BY-HAND-${Date.now()}`);

    const first = await run('unrecorded-1');
    expect(first.differences.filter((d) => d.externalRef === unrecorded.externalRef)).toMatchObject([
      {
        class: 'missing_in_procurement',
        poNumber: null,
        erpNumber: unrecorded.number,
        found: { system: 'erp', value: unrecorded.number },
        resolution: { kind: 'exception', code: 'ORDER_UNKNOWN_TO_SUPPLYLINE' },
      },
    ]);
    expect(first.differences.some((d) => d.externalRef === own.externalRef)).toBe(false);
    const raisedFor = (r: Awaited<ReturnType<typeof run>>) =>
      r.raised.filter((e) => e.objectId === unrecorded.externalRef).map((e) => e.exceptionId);
    expect(raisedFor(first)).toEqual([
      `reconciliation:${unrecorded.externalRef}:missing_in_procurement:order`,
    ]);
    // Nothing repaired: the ERP order stands as the person made it.
    await expect(erp.findPurchaseOrder(unrecorded.externalRef)).resolves.toMatchObject({
      state: unrecorded.state,
      revision: 0,
    });

    // The next run raises the same exception id (the recorder keeps the first).
    expect(raisedFor(await run('unrecorded-2'))).toEqual(raisedFor(first));
  });

  it('ERP orders a person deleted: the one that needs no approval is posted again, once; the one that needed approval is raised', async () => {
    // Tryton deletes only an order it has not processed (processing -> draft is no transition). With
    // a worker queue, as in production, a confirmed order waits out the purchase configuration's
    // grace period before it is processed, and meanwhile a person may reset it to draft and delete
    // it. The suite's Tryton runs without a worker, so it processes each order at once: this one
    // has a worker queue (no worker runs: the grace period never ends during the test).
    const processed = await post(13);
    await expect(erp.deletePurchaseOrder(processed.externalRef)).rejects.toThrow(/cancel/);
    expect(await erp.countPurchaseOrders(processed.externalRef)).toBe(1);
    const { graced, graceErp } = await startGracedTryton();
    try {
      const since = new Date();
      const small = await post(11, { to: graceErp });
      const approved = await post(12, { to: graceErp, forecastQty: 1000 });
      expect(Decimal.of(small.totalValue).gt(SETTINGS.approvalLimit)).toBe(false);
      expect(Decimal.of(approved.totalValue).gt(SETTINGS.approvalLimit)).toBe(true);
      for (const po of [small, approved]) {
        expect((await graceErp.findPurchaseOrder(po.externalRef))?.state).toBe('confirmed');
        await graceErp.deletePurchaseOrder(po.externalRef);
        expect(await graceErp.countPurchaseOrders(po.externalRef)).toBe(0);
      }

      const first = await run('missing-in-erp-1', { since, erp: graceErp });
      expect(
        first.differences.map((d) => [
          d.class,
          d.externalRef,
          d.erpNumber,
          d.expected,
          d.found,
          d.resolution,
        ]),
      ).toEqual(
        expect.arrayContaining([
          [
            'missing_in_erp',
            small.externalRef,
            small.erpNumber,
            { system: 'procurement', value: small.poNumber },
            { system: 'erp', value: null },
            { kind: 'repair', action: 'post-missing-order' },
          ],
          [
            'missing_in_erp',
            approved.externalRef,
            approved.erpNumber,
            { system: 'procurement', value: approved.poNumber },
            { system: 'erp', value: null },
            expect.objectContaining({ kind: 'exception', code: 'MISSING_ORDER_NEEDS_APPROVAL' }),
          ],
        ]),
      );
      expect(first.differences).toHaveLength(2);
      expect(first.summary).toMatchObject({ orders: 2, repaired: 1, exceptionsRaised: 1, repairFailures: 0 });
      // Tryton holds the awarded order again under the middleware's reference; not the one above the limit.
      expect(await graceErp.countPurchaseOrders(small.externalRef)).toBe(1);
      const reposted = await graceErp.findPurchaseOrder(small.externalRef);
      const awardedLine = small.lines[0]!;
      expect(reposted).toMatchObject({
        state: 'confirmed',
        lines: [
          expect.objectContaining({ quantityEa: awardedLine.quantityEa, deliveryDate: awardedLine.needBy }),
        ],
      });
      expect(Decimal.of(reposted!.lines[0]!.unitPrice).eq(awardedLine.unitPrice)).toBe(true);
      // Supplyline's commitment now stands for the new ERP order (its receipts are announced with it).
      expect(reposted!.number).not.toBe(small.erpNumber);
      expect((await commitments().findByPoNumber(small.poNumber))?.erpNumber).toBe(reposted!.number);
      expect(await graceErp.countPurchaseOrders(approved.externalRef)).toBe(0);

      const second = await run('missing-in-erp-2', { since, erp: graceErp });
      expect(second.differences.map((d) => [d.class, d.externalRef])).toEqual([
        ['missing_in_erp', approved.externalRef],
      ]);
      expect(second.summary).toMatchObject({ orders: 2, repaired: 0, exceptionsRaised: 1 });
      expect(second.raised.map((e) => e.exceptionId)).toEqual(first.raised.map((e) => e.exceptionId));
      expect(await graceErp.countPurchaseOrders(small.externalRef)).toBe(1);
      expect(await graceErp.findPurchaseOrder(small.externalRef)).toMatchObject({
        number: reposted!.number,
        revision: reposted!.revision,
      });
      expect(await graceErp.countPurchaseOrders(approved.externalRef)).toBe(0);
      expect(graced.criticalLines(), `CRITICAL lines in ${graced.logPath}`).toEqual([]);
    } finally {
      await graced.stop();
    }
  });

  it('amends orders still in their grace period (confirmed, not yet processed): the acknowledgement and a repair apply once, keeping the rest of the order', async () => {
    const { graced, graceErp } = await startGracedTryton();
    try {
      const since = new Date();
      const acknowledged = await post(14, { to: graceErp });
      const changedByBuyer = await post(15, { to: graceErp });
      const before = new Map<string, ErpPurchaseOrder>();
      for (const po of [acknowledged, changedByBuyer]) {
        const order = (await graceErp.findPurchaseOrder(po.externalRef))!;
        expect(order.state).toBe('confirmed');
        before.set(po.externalRef, order);
      }
      /** The order as it was, but for the changed line's quantity and date, one revision on. */
      const amendedFrom = (po: PostedPurchaseOrder, quantityEa: string, deliveryDate: string) => {
        const was = before.get(po.externalRef)!;
        return {
          ...was,
          state: 'processing',
          revision: was.revision + 1,
          lines: [{ ...was.lines[0]!, quantityEa, deliveryDate }, ...was.lines.slice(1)],
        };
      };

      // The workflow applies the supplier's acknowledgement while the order waits out its grace period.
      const line = acknowledged.lines[0]!;
      const confirmedQty = String(Number(line.quantityEa) - 30);
      const confirmedDate = new Date(Date.parse(`${line.needBy}T00:00:00Z`) + 3 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      await applyAcknowledgement(
        mapPurchaseOrderAcknowledged(
          harness.procurement.acknowledgePurchaseOrder(acknowledged.poNumber, {
            lines: [{ line_no: 1, confirmed_qty: Number(confirmedQty), confirmed_date: confirmedDate }],
          }),
          context,
        ),
        {
          ...harness.ports,
          erps: singleErp(graceErp),
          ledger,
          commitments: commitments(),
          sendTaskSuccess: async () => undefined,
        },
      );
      const applied = await graceErp.findPurchaseOrder(acknowledged.externalRef);
      expect(applied).toEqual(amendedFrom(acknowledged, confirmedQty, confirmedDate));

      // A buyer changes the quantity on the platform; the run repairs the order still in its grace period.
      const awarded = changedByBuyer.lines[0]!;
      const newQty = String(Number(awarded.quantityEa) + 20);
      harness.procurement.changePurchaseOrder(changedByBuyer.poNumber, { qty: Number(newQty) });
      const first = await run('grace-1', { since, erp: graceErp });
      expect(first.differences.map((d) => [d.class, d.externalRef, d.resolution])).toEqual([
        ['quantity_mismatch', changedByBuyer.externalRef, { kind: 'repair', action: 'amend-erp-order' }],
      ]);
      expect(first.summary).toMatchObject({ orders: 2, repaired: 1, exceptionsRaised: 0, repairFailures: 0 });
      const repaired = await graceErp.findPurchaseOrder(changedByBuyer.externalRef);
      expect(repaired).toEqual(amendedFrom(changedByBuyer, newQty, awarded.needBy));

      const second = await run('grace-2', { since, erp: graceErp });
      expect(second.differences).toEqual([]);
      expect(second.summary).toMatchObject({ orders: 2, repaired: 0, exceptionsRaised: 0 });
      expect(await graceErp.findPurchaseOrder(changedByBuyer.externalRef)).toEqual(repaired);
      expect(await graceErp.findPurchaseOrder(acknowledged.externalRef)).toEqual(applied);
      expect(graced.criticalLines(), `CRITICAL lines in ${graced.logPath}`).toEqual([]);
    } finally {
      await graced.stop();
    }
  });
});
