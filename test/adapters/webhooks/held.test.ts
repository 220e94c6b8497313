/**
 * A delivery the vendor's contract allows but the canonical model cannot carry (docs/contracts.md,
 * the three rows once open: procurement units other than EA, negative quantities, ids outside the
 * canonical length and pattern) is accepted and held in the quarantine with the exact reason and no
 * expiry, publishing nothing; one the contract refuses is still a 422. Re-submitted once the
 * canonical model is widened, it is published once.
 */
import { describe, expect, it } from 'vitest';
import { planningWebhook } from '../../../adapters/planning/webhook';
import { procurementWebhook } from '../../../adapters/procurement/webhook';
import {
  receiveWebhook,
  resubmitDelivery,
  type DeliveryClaim,
  type IntakePorts,
  type VendorWebhook,
  type WebhookRequest,
} from '../../../adapters/webhooks/intake';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type { RefusedDelivery } from '../../../domain/ports/quarantine';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { purchaseOrderChangedDelivery } from '../../fixtures/procurement';
import {
  INTAKE_SECRET,
  signedPlanningDelivery,
  signedProcurementDelivery,
  everyUnitInEaches,
  widenedWebhook,
} from '../../support/webhook-intake';

const NOW = new Date('2026-12-04T23:00:00.000Z');

/** Ports that claim and complete in memory and record what was kept, held and published. */
function memoryPorts() {
  const published: CanonicalEvent[] = [];
  const kept: RefusedDelivery[] = [];
  const held: string[] = [];
  const claims = new Map<string, { eventId: string; completed: boolean }>();
  let ids = 0;
  const ports: IntakePorts = {
    secrets: async () => [INTAKE_SECRET],
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    tenantId: 'acme',
    claim: async (event): Promise<DeliveryClaim> => {
      const existing = claims.get(event.idempotencyKey);
      if (existing) return { outcome: 'duplicate', eventId: existing.eventId };
      claims.set(event.idempotencyKey, { eventId: event.eventId, completed: false });
      return { outcome: 'claimed' };
    },
    complete: async (event) => void (claims.get(event.idempotencyKey)!.completed = true),
    release: async (event) => void claims.delete(event.idempotencyKey),
    publish: async (event) => void published.push(event),
    recordStale: async () => undefined,
    quarantine: { quarantine: async (delivery) => void kept.push(delivery) },
    held: (delivery) => void held.push(delivery.quarantineId),
  };
  return { ports, published, kept, held };
}

const po = (overrides: Parameters<typeof purchaseOrderChangedDelivery>[1] = {}) =>
  purchaseOrderChangedDelivery(1, overrides);
const poLine = purchaseOrderChangedDelivery(1).lines[0]!;
const changed = (body: unknown) =>
  signedProcurementDelivery('purchase_order.changed', JSON.stringify(body), NOW);
const exception = (body: unknown) => signedPlanningDelivery(JSON.stringify(body), 'd-held', NOW);

interface HeldCase {
  row: string;
  vendor: VendorWebhook;
  event: string;
  request: WebhookRequest;
  /** Where the canonical model refuses it, the value received, and words of the limit. */
  limit: { pointer: string; value: string; limit: RegExp };
  /** The same kind of delivery breaking the vendor's own contract. */
  invalid: WebhookRequest;
  invalidPointer: string;
  /** The canonical model widened to carry it. */
  widened: Parameters<typeof widenedWebhook>[2];
}

const carriesAnything = { canonical: () => ({ ok: true as const }) };

const CASES: HeldCase[] = [
  {
    row: 'procurement lines[].uom other than EA',
    vendor: procurementWebhook,
    event: 'purchase_order.changed',
    request: changed(po({ lines: [{ ...poLine, uom: 'CS' as never }] })),
    limit: { pointer: '/lines/0/uom', value: '"CS"', limit: /eaches \(EA\)/ },
    invalid: changed(po({ lines: [{ ...poLine, uom: '' as never }] })),
    invalidPointer: '/lines/0/uom',
    // Widened: a conversion of the unit to eaches (here: one each per unit).
    widened: everyUnitInEaches,
  },
  {
    row: 'procurement qty below zero',
    vendor: procurementWebhook,
    event: 'purchase_order.changed',
    request: changed(po({ lines: [{ ...poLine, qty: -5 }] })),
    limit: { pointer: '/data/lines/0/quantityEa', value: '"-5"', limit: /pattern/ },
    invalid: changed(po({ lines: [{ ...poLine, qty: '-5' as never }] })),
    invalidPointer: '/lines/0/qty',
    widened: carriesAnything,
  },
  {
    row: 'planning forecast_qty below zero',
    vendor: planningWebhook,
    event: 'forecast.exception',
    request: exception(forecastExceptionDelivery({ exception: { uom: 'EA', forecast_qty: -5 } })),
    limit: { pointer: '/data/forecastQuantityEa', value: '"-5"', limit: /pattern/ },
    invalid: exception(forecastExceptionDelivery({ exception: { forecast_qty: null as never } })),
    invalidPointer: '/exception/forecast_qty',
    widened: carriesAnything,
  },
  {
    row: 'procurement po_number outside the canonical id pattern',
    vendor: procurementWebhook,
    event: 'purchase_order.changed',
    request: changed(po({ po_number: 'PO 2026/ä' })),
    limit: { pointer: '/data/poNumber', value: '"PO 2026/ä"', limit: /pattern/ },
    invalid: changed(po({ po_number: '' })),
    invalidPointer: '/po_number',
    widened: carriesAnything,
  },
  {
    row: 'planning sku longer than 64',
    vendor: planningWebhook,
    event: 'forecast.exception',
    request: exception(forecastExceptionDelivery({ exception: { sku: 'S'.repeat(65) } })),
    limit: { pointer: '/data/itemCode', value: JSON.stringify('S'.repeat(65)), limit: /64/ },
    invalid: exception(forecastExceptionDelivery({ exception: { sku: 42 as never } })),
    invalidPointer: '/exception/sku',
    widened: carriesAnything,
  },
];

describe.each(CASES)('$row', (c) => {
  it('is accepted (202 held), kept as held with the field, value and limit, no expiry, nothing published', async () => {
    const { ports, published, kept, held } = memoryPorts();
    const response = await receiveWebhook(c.vendor, c.request, ports);

    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ status: 'held', quarantineId: kept[0]?.quarantineId });
    expect(published).toEqual([]);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ held: true, eventType: c.event, reason: { status: 202 } });
    expect(kept[0]!.reason.type).toBe('urn:supplyline:problem:canonical-limit');
    const breach = kept[0]!.reason.limits!.find((b) => b.pointer === c.limit.pointer);
    expect(breach).toMatchObject({ value: c.limit.value });
    expect(breach!.limit).toMatch(c.limit.limit);
    expect(kept[0]!.reason.detail).toContain(`${c.limit.pointer} = ${c.limit.value}`);
    expect(Buffer.from(kept[0]!.body).equals(c.request.body)).toBe(true);
    expect(held).toEqual([kept[0]!.quarantineId]);
  });

  it('breaking the vendor contract instead is still refused (422) and quarantined, not held', async () => {
    const { ports, published, kept, held } = memoryPorts();
    const response = await receiveWebhook(c.vendor, c.invalid, ports);

    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).errors.map((e: { pointer: string }) => e.pointer)).toContain(
      c.invalidPointer,
    );
    expect(kept).toHaveLength(1);
    expect(kept[0]!.held).toBeUndefined();
    expect(held).toEqual([]);
    expect(published).toEqual([]);
  });

  it('re-submitted after the canonical model is widened, it is published once', async () => {
    const { ports, published, kept } = memoryPorts();
    await receiveWebhook(c.vendor, c.request, ports);
    const record = { ...kept[0]!, headers: kept[0]!.headers as Record<string, string> };

    const still = await resubmitDelivery(c.vendor, record, ports, NOW);
    expect(JSON.parse(still.body).status).toBe('held');
    expect(published).toEqual([]);

    const widened = widenedWebhook(c.vendor, c.event, c.widened);
    const first = await resubmitDelivery(widened, record, ports, NOW);
    const second = await resubmitDelivery(widened, record, ports, NOW);
    expect(JSON.parse(first.body).status).toBe('accepted');
    expect(JSON.parse(second.body).status).toBe('duplicate');
    expect(published).toHaveLength(1);
    expect(published[0]!.eventType).toBe(
      c.event === 'forecast.exception' ? 'forecast-exception.raised' : 'purchase-order.changed',
    );
  });
});

it('answers 503 (deliver again) when a held delivery cannot be recorded: a 202 would lose it', async () => {
  const { ports, published } = memoryPorts();
  const response = await receiveWebhook(
    procurementWebhook,
    changed(po({ lines: [{ ...poLine, qty: -1 }] })),
    {
      ...ports,
      quarantine: { quarantine: async () => Promise.reject(new Error('quarantine table unavailable')) },
    },
  );
  expect(response.statusCode).toBe(503);
  expect(JSON.parse(response.body).type).toBe('urn:supplyline:problem:try-again');
  expect(published).toEqual([]);
});
