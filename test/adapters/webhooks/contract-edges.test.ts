/**
 * Deliveries at the edges the vendor contracts allow and the intake once refused (docs/contracts.md,
 * "Vendor input limits"): each is accepted and its value arrives whole on the canonical event.
 */
import { describe, expect, it } from 'vitest';
import { planningWebhook } from '../../../adapters/planning/webhook';
import { PLANNING_MAX_BODY_BYTES } from '../../../adapters/planning/webhook-schemas';
import { signPlanningPayload } from '../../../adapters/planning/signature';
import { procurementWebhook } from '../../../adapters/procurement/webhook';
import { signProcurementPayload } from '../../../adapters/procurement/signature';
import { receiveWebhook, type IntakePorts, type VendorWebhook } from '../../../adapters/webhooks/intake';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { forecastExceptionDelivery, forecastPublishedDelivery } from '../../fixtures/planning';
import { purchaseOrderAcknowledgedDelivery, purchaseOrderChangedDelivery } from '../../fixtures/procurement';

const NOW = new Date('2026-11-27T07:20:00.000Z');
const SECRET = 'edge-secret';

/** Delivers one signed body and returns the answer and the canonical event published for it. */
async function deliver(vendor: VendorWebhook, eventName: string, delivery: unknown) {
  const body = Buffer.from(JSON.stringify(delivery));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (vendor.system === 'planning') {
    headers['x-planning-event'] = eventName;
    headers['x-planning-signature'] = signPlanningPayload(body, [SECRET], NOW);
  } else {
    const signed = signProcurementPayload(body, SECRET, NOW);
    Object.assign(headers, {
      'x-proc-event': eventName,
      'x-proc-timestamp': signed.timestamp,
      'x-proc-signature': signed.signature,
    });
  }
  const published: CanonicalEvent[] = [];
  let ids = 0;
  const ports: IntakePorts = {
    secrets: async () => [SECRET],
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    tenantId: 'acme',
    claim: async () => ({ outcome: 'claimed' }),
    complete: async () => undefined,
    release: async () => undefined,
    publish: async (event) => void published.push(event),
    recordStale: async () => undefined,
    quarantine: { quarantine: async () => undefined },
  };
  const response = await receiveWebhook(
    vendor,
    { headers, body, requestId: 'req-edge', deadline: new Date(NOW.getTime() + 10_000) },
    ports,
  );
  return {
    response,
    event: published[0] as (CanonicalEvent & { data: Record<string, unknown> }) | undefined,
    size: body.length,
  };
}

describe('deliveries the contracts allow are accepted whole', () => {
  it('keeps a forecast.exception note of any length up to the 262,144-byte body, any Unicode', async () => {
    const filler = 'Regional promotion, 🎉 «ёлка» ';
    const shell = JSON.stringify(forecastExceptionDelivery({ exception: { notes: '' } }));
    const room = PLANNING_MAX_BODY_BYTES - Buffer.byteLength(shell);
    const notes = filler.repeat(Math.floor(room / Buffer.byteLength(filler)));
    const { response, event, size } = await deliver(
      planningWebhook,
      'forecast.exception',
      forecastExceptionDelivery({ exception: { notes } }),
    );
    expect(size).toBeGreaterThan(PLANNING_MAX_BODY_BYTES - filler.length * 4);
    expect(notes.length).toBeGreaterThan(4_000);
    expect(response.statusCode).toBe(202);
    expect(event?.data.notes).toBe(notes);
  });

  it('accepts a pack size above 1,000,000 and carries it', async () => {
    const { response, event } = await deliver(
      planningWebhook,
      'forecast.exception',
      forecastExceptionDelivery({ exception: { pack_size: 2_500_000, uom: 'EA' } }),
    );
    expect(response.statusCode).toBe(202);
    expect(event?.data.packSize).toBe(2_500_000);
  });

  it('carries a bucket granularity and a plan cycle the contract does not enumerate', async () => {
    const exception = await deliver(
      planningWebhook,
      'forecast.exception',
      forecastExceptionDelivery({
        plan: { cycle: 'quarterly' as never },
        exception: { bucket: { start: '2026-12-07', end: '2027-03-07', granularity: 'quarter' as never } },
      }),
    );
    expect(exception.response.statusCode).toBe(202);
    expect(exception.event?.data.bucket).toMatchObject({ granularity: 'quarter' });
    const published = await deliver(
      planningWebhook,
      'forecast.published',
      forecastPublishedDelivery({
        plan: { plan_id: 'CONSENSUS-2026Q1', version: 1, cycle: 'quarterly' as never },
      }),
    );
    expect(published.response.statusCode).toBe(202);
    expect(published.event?.data.cycle).toBe('quarterly');
  });

  it('carries a pre-signed export URL longer than 4,096 characters', async () => {
    const location = `https://exports.planning.example/CONSENSUS-2026W48/7.csv?X-Amz-Security-Token=${'A'.repeat(6_000)}`;
    const delivered = forecastPublishedDelivery();
    const { response, event } = await deliver(planningWebhook, 'forecast.published', {
      ...delivered,
      export: { ...delivered.export, location },
    });
    expect(response.statusCode).toBe(202);
    expect(event?.data.export).toMatchObject({ location });
  });

  it('accepts a purchase_order.changed of 600 lines with line numbers above 9,999, every line kept', async () => {
    const delivery = purchaseOrderChangedDelivery(600);
    delivery.lines = delivery.lines.map((line, index) => ({ ...line, line_no: 10_000 + index }));
    const { response, event } = await deliver(procurementWebhook, 'purchase_order.changed', delivery);
    expect(response.statusCode).toBe(202);
    const lines = event?.data.lines as { lineNo: number }[];
    expect(lines.map((line) => line.lineNo)).toEqual(delivery.lines.map((line) => line.line_no));
  });

  it('accepts a purchase_order.acknowledged of 600 lines with line numbers above 9,999, every line kept', async () => {
    const delivery = purchaseOrderAcknowledgedDelivery();
    const line = delivery.lines[0]!;
    delivery.lines = Array.from({ length: 600 }, (_, index) => ({ ...line, line_no: 10_000 + index }));
    const { response, event } = await deliver(procurementWebhook, 'purchase_order.acknowledged', delivery);
    expect(response.statusCode).toBe(202);
    const lines = event?.data.lines as { lineNo: number }[];
    expect(lines.map((l) => l.lineNo)).toEqual(delivery.lines.map((l) => l.line_no));
  });
});
