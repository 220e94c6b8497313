/**
 * The quarantine on the local DynamoDB (dynalite) under the real intake pipeline and the real
 * delivery ledger: refused and failed deliveries are kept with their raw body, a vendor's retry adds
 * an attempt, and a re-submit after the fault is gone publishes once and can be resolved.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryQuarantine } from '../../../adapters/aws/delivery-quarantine';
import { planningWebhook } from '../../../adapters/planning/webhook';
import { procurementWebhook } from '../../../adapters/procurement/webhook';
import { receiveWebhook, resubmitDelivery, type IntakePorts } from '../../../adapters/webhooks/intake';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { purchaseOrderChangedDelivery } from '../../fixtures/procurement';
import {
  signedPlanningDelivery,
  signedProcurementDelivery,
  tableIntakePorts,
  everyUnitInEaches,
  widenedWebhook,
} from '../../support/webhook-intake';

let dynamo: LocalDynamo;
let docs: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'delivery-quarantine' });
  docs = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => dynamo.stop());

const T0 = new Date('2026-12-04T23:00:00Z');

function intake(clock: { now: Date }, bus: { down: boolean; published: CanonicalEvent[] }): IntakePorts {
  return tableIntakePorts({
    documents: docs,
    tables: dynamo.tableNames,
    now: () => clock.now,
    publish: async (event) => {
      if (bus.down) throw new Error('PutEvents: bus unavailable');
      bus.published.push(event);
    },
  });
}

const delivery = signedPlanningDelivery;

describe('webhook quarantine on the local DynamoDB', () => {
  const store = () => new DeliveryQuarantine(docs, dynamo.tableNames.webhookQuarantine);

  it('keeps a refused delivery byte for byte; the vendor’s retry adds an attempt; a re-submit stays refused', async () => {
    const clock = { now: T0 };
    const bus = { down: false, published: [] as CanonicalEvent[] };
    const body = JSON.stringify({ event_id: 'evt-refused', notes: 'é ünïcode' });
    expect(
      (await receiveWebhook(planningWebhook, delivery(body, 'd-refused', T0), intake(clock, bus))).statusCode,
    ).toBe(422);
    clock.now = new Date(T0.getTime() + 60_000);
    await receiveWebhook(planningWebhook, delivery(body, 'd-refused', clock.now), intake(clock, bus));

    const record = await store().get('planning-d-refused');
    expect(record).toMatchObject({
      system: 'planning',
      eventType: 'forecast.exception',
      deliveryId: 'd-refused',
      status: 'open',
      attempts: 2,
      firstReceivedAt: T0.toISOString(),
      lastAttemptAt: clock.now.toISOString(),
      tenantId: 'acme',
      reason: { status: 422, type: 'urn:supplyline:problem:contract-violation' },
    });
    expect(Buffer.from(record!.body).toString('utf8')).toBe(body);
    expect(record!.expiresAt).toBe(new Date(clock.now.getTime() + 30 * 86_400_000).toISOString());

    const again = await resubmitDelivery(planningWebhook, record!, intake(clock, bus), clock.now);
    expect(again.statusCode).toBe(422);
    expect(await store().get('planning-d-refused')).toMatchObject({ status: 'open', attempts: 3 });
    expect(bus.published).toEqual([]);
  });

  it('re-submits a delivery that failed while the bus was down: published once, resolved, gone from the open list', async () => {
    const clock = { now: T0 };
    const bus = { down: true, published: [] as CanonicalEvent[] };
    const body = JSON.stringify(forecastExceptionDelivery({ exception: { exception_id: 'EXC-Q-1' } }));
    await expect(
      receiveWebhook(planningWebhook, delivery(body, 'd-failed', T0), intake(clock, bus)),
    ).rejects.toThrow('bus unavailable');
    expect((await store().list('open')).map((record) => record.quarantineId)).toContain('planning-d-failed');

    bus.down = false;
    clock.now = new Date(T0.getTime() + 2 * 3600_000);
    const record = (await store().get('planning-d-failed'))!;
    const accepted = await resubmitDelivery(planningWebhook, record, intake(clock, bus), clock.now);
    expect(JSON.parse(accepted.body).status).toBe('accepted');
    await store().resolve(record.quarantineId, clock.now, 'accepted');
    const twice = await resubmitDelivery(planningWebhook, record, intake(clock, bus), clock.now);
    expect(JSON.parse(twice.body).status).toBe('duplicate');

    expect(bus.published).toHaveLength(1);
    expect(await store().get('planning-d-failed')).toMatchObject({
      status: 'resolved',
      resolution: 'accepted',
      resolvedAt: clock.now.toISOString(),
      attempts: 1,
    });
    expect((await store().list('open')).map((r) => r.quarantineId)).not.toContain('planning-d-failed');
    expect((await store().list('resolved')).map((r) => r.quarantineId)).toContain('planning-d-failed');
  });

  const poLine = purchaseOrderChangedDelivery(1).lines[0]!;
  const HELD = [
    {
      row: 'procurement uom CS',
      vendor: procurementWebhook,
      event: 'purchase_order.changed',
      request: (at: Date) =>
        signedProcurementDelivery(
          'purchase_order.changed',
          JSON.stringify(
            purchaseOrderChangedDelivery(1, {
              po_number: 'PO-HELD-UOM',
              lines: [{ ...poLine, uom: 'CS' as never }],
            }),
          ),
          at,
        ),
      pointer: '/lines/0/uom',
      widened: everyUnitInEaches,
    },
    {
      row: 'planning safety_stock below zero',
      vendor: planningWebhook,
      event: 'forecast.exception',
      request: (at: Date) =>
        signedPlanningDelivery(
          JSON.stringify(
            forecastExceptionDelivery({ exception: { exception_id: 'EXC-HELD-QTY', safety_stock: -1 } }),
          ),
          'd-held-qty',
          at,
        ),
      pointer: '/data/safetyStockEa',
      widened: { canonical: () => ({ ok: true as const }) },
    },
    {
      row: 'planning exception_id outside the id pattern',
      vendor: planningWebhook,
      event: 'forecast.exception',
      request: (at: Date) =>
        signedPlanningDelivery(
          JSON.stringify(forecastExceptionDelivery({ exception: { exception_id: '#EXC held' } })),
          'd-held-id',
          at,
        ),
      pointer: '/data/exceptionId',
      widened: { canonical: () => ({ ok: true as const }) },
    },
  ];

  it.each(HELD)(
    'holds a vendor-valid delivery the canonical model cannot carry ($row): 202, no expiry, nothing published; widened, a re-submit publishes once',
    async (c) => {
      const clock = { now: T0 };
      const bus = { down: false, published: [] as CanonicalEvent[] };
      const response = await receiveWebhook(c.vendor, c.request(T0), intake(clock, bus));
      expect(response.statusCode).toBe(202);
      const { status, quarantineId } = JSON.parse(response.body);
      expect(status).toBe('held');

      const record = (await store().get(quarantineId))!;
      expect(record).toMatchObject({ status: 'held', attempts: 1, reason: { status: 202 } });
      expect(record.expiresAt).toBeUndefined();
      expect(record.reason.limits!.map((limit) => limit.pointer)).toContain(c.pointer);
      expect((await store().list('held')).map((r) => r.quarantineId)).toContain(quarantineId);
      expect(bus.published).toEqual([]);

      // The vendor's retry of the same delivery: still held, still no expiry.
      clock.now = new Date(T0.getTime() + 60_000);
      await receiveWebhook(c.vendor, c.request(clock.now), intake(clock, bus));
      expect(await store().get(quarantineId)).toMatchObject({ status: 'held', attempts: 2 });
      expect((await store().get(quarantineId))!.expiresAt).toBeUndefined();

      const widened = widenedWebhook(c.vendor, c.event, c.widened);
      const first = await resubmitDelivery(widened, record, intake(clock, bus), clock.now);
      const second = await resubmitDelivery(widened, record, intake(clock, bus), clock.now);
      expect([JSON.parse(first.body).status, JSON.parse(second.body).status]).toEqual([
        'accepted',
        'duplicate',
      ]);
      expect(bus.published).toHaveLength(1);

      // Resolved, it expires like any other record: its body need not be kept for good.
      await store().resolve(quarantineId, clock.now, 'accepted');
      expect((await store().get(quarantineId))!.expiresAt).toBe(
        new Date(clock.now.getTime() + 30 * 86_400_000).toISOString(),
      );
    },
  );

  it('still refuses (422) a delivery the vendor contract refuses, kept open with its 30-day expiry', async () => {
    const clock = { now: T0 };
    const bus = { down: false, published: [] as CanonicalEvent[] };
    const request = signedProcurementDelivery(
      'purchase_order.changed',
      JSON.stringify(purchaseOrderChangedDelivery(1, { po_number: '' })),
      T0,
    );
    const response = await receiveWebhook(procurementWebhook, request, intake(clock, bus));
    expect(response.statusCode).toBe(422);
    const [record] = (await store().list('open')).filter((r) => r.system === 'procurement');
    expect(record).toMatchObject({ status: 'open', reason: { status: 422 } });
    expect(record!.expiresAt).toBe(new Date(T0.getTime() + 30 * 86_400_000).toISOString());
    expect(bus.published).toEqual([]);
  });
});
