/**
 * The intake keeps every authentic delivery it did not accept (refused for content, or failed on
 * our side) in the quarantine, counts unsigned ones without storing them, and a re-submit takes the
 * same steps after the signature.
 */
import { describe, expect, it } from 'vitest';
import { planningWebhook } from '../../../adapters/planning/webhook';
import { signProcurementPayload } from '../../../adapters/procurement/signature';
import { procurementWebhook } from '../../../adapters/procurement/webhook';
import { TransientFailure } from '../../../domain/failures';
import {
  receiveWebhook,
  resubmitDelivery,
  type DeliveryClaim,
  type IntakePorts,
  type WebhookRequest,
} from '../../../adapters/webhooks/intake';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type { RefusedDelivery } from '../../../domain/ports/quarantine';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { purchaseOrderChangedDelivery } from '../../fixtures/procurement';
import { INTAKE_SECRET, signedPlanningDelivery } from '../../support/webhook-intake';

const NOW = new Date('2026-12-04T23:00:00.000Z');
const SECRET = INTAKE_SECRET;
const DELIVERY_ID = '7b0e5a51-1f7a-4c3e-9d0b-3f1e2a4b5c6d';
const DEADLINE = new Date(NOW.getTime() + 10_000);

/** Ports that claim and complete in memory; the bus fails while `busDown` is set. */
function memoryPorts(options: { busDown?: boolean; quarantineDown?: boolean } = {}) {
  const state = { busDown: options.busDown ?? false };
  const published: CanonicalEvent[] = [];
  const kept: RefusedDelivery[] = [];
  const unsigned: string[] = [];
  const claims = new Map<string, { eventId: string; completed: boolean }>();
  let ids = 0;
  const ports: IntakePorts = {
    secrets: async () => [SECRET],
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    tenantId: 'acme',
    claim: async (event): Promise<DeliveryClaim> => {
      const existing = claims.get(event.idempotencyKey);
      if (existing)
        return existing.completed
          ? { outcome: 'duplicate', eventId: existing.eventId }
          : { outcome: 'in-progress', retryAfterSeconds: 15 };
      claims.set(event.idempotencyKey, { eventId: event.eventId, completed: false });
      return { outcome: 'claimed' };
    },
    complete: async (event) => void (claims.get(event.idempotencyKey)!.completed = true),
    release: async (event) => void claims.delete(event.idempotencyKey),
    publish: async (event) => {
      if (state.busDown) throw new TransientFailure('PutEvents failed: bus unavailable', 'eventbridge');
      published.push(event);
    },
    recordStale: async () => undefined,
    quarantine: {
      quarantine: async (delivery) => {
        if (options.quarantineDown) throw new Error('quarantine table unavailable');
        kept.push(delivery);
      },
    },
    signatureRefused: (reason) => void unsigned.push(reason),
  };
  return { ports, published, kept, unsigned, state, claims };
}

/** A signed delivery (`signature` replaces the valid one). */
function planningRequest(body: string, signature?: string): WebhookRequest {
  const request = signedPlanningDelivery(body, DELIVERY_ID, NOW);
  return signature
    ? { ...request, headers: { ...request.headers, 'x-planning-signature': signature } }
    : request;
}

const validBody = JSON.stringify(forecastExceptionDelivery());
// The contract requires plan and exception: a signed body without them is refused for content.
const refusedBody = JSON.stringify({ event_id: 'evt-1' });

describe('quarantine of authentic deliveries that were not accepted', () => {
  it('keeps a signed delivery refused for its content with the reason, the headers that matter and the raw body', async () => {
    const { ports, kept, published } = memoryPorts();
    const response = await receiveWebhook(planningWebhook, planningRequest(refusedBody), ports);

    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(published).toEqual([]);
    expect(kept).toHaveLength(1);
    const delivery = kept[0]!;
    expect(delivery).toMatchObject({
      quarantineId: `planning-${DELIVERY_ID}`,
      system: 'planning',
      eventType: 'forecast.exception',
      deliveryId: DELIVERY_ID,
      receivedAt: NOW,
      tenantId: 'acme',
      reason: {
        status: 422,
        type: 'urn:supplyline:problem:contract-violation',
        detail: JSON.parse(response.body).detail,
      },
    });
    expect(Buffer.from(delivery.body).toString('utf8')).toBe(refusedBody);
    // The signature is not kept: it proves nothing once its 300 s window is past.
    expect(delivery.headers).toEqual({
      'content-type': 'application/json',
      'x-planning-event': 'forecast.exception',
      'x-planning-delivery': DELIVERY_ID,
    });
  });

  it('counts a delivery whose signature does not verify and stores nothing of it', async () => {
    const { ports, kept } = memoryPorts();
    const forged = await receiveWebhook(planningWebhook, planningRequest(refusedBody, 't=1,v1=00'), ports);
    const { ports: other, kept: keptOther, unsigned } = memoryPorts();
    const unsignedRequest = planningRequest(validBody);
    delete (unsignedRequest.headers as Record<string, string | undefined>)['x-planning-signature'];
    const missing = await receiveWebhook(planningWebhook, unsignedRequest, other);

    expect(forged.statusCode).toBe(401);
    expect(missing.statusCode).toBe(401);
    expect(kept).toEqual([]);
    expect(keptOther).toEqual([]);
    expect(unsigned).toEqual(['missing']);
  });

  it('keeps a signed delivery that failed on our side (503) and still answers 503 to the vendor', async () => {
    const { ports, kept, published } = memoryPorts({ busDown: true });
    await expect(receiveWebhook(planningWebhook, planningRequest(validBody), ports)).rejects.toThrow(
      'bus unavailable',
    );
    expect(published).toEqual([]);
    expect(kept.map((delivery) => delivery.reason)).toEqual([
      {
        status: 503,
        type: 'urn:supplyline:problem:try-again',
        detail: 'TransientFailure: PutEvents failed: bus unavailable',
      },
    ]);
  });

  it('keeps nothing for a delivery another invocation is still publishing (it only has to wait)', async () => {
    const { ports, kept, claims } = memoryPorts();
    const first = await receiveWebhook(planningWebhook, planningRequest(validBody), ports);
    expect(first.statusCode).toBe(202);
    for (const claim of claims.values()) claim.completed = false;
    const waiting = await receiveWebhook(planningWebhook, planningRequest(validBody), ports);
    expect(waiting.statusCode).toBe(503);
    expect(kept).toEqual([]);
  });

  it('answers 503 instead of the refusal when the delivery could not be kept, so the vendor delivers it again', async () => {
    const { ports } = memoryPorts({ quarantineDown: true });
    const response = await receiveWebhook(planningWebhook, planningRequest(refusedBody), ports);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).type).toBe('urn:supplyline:problem:try-again');
    expect(response.headers['retry-after']).toBe('5');
  });

  it('gives every re-signed retry of a procurement delivery (no delivery id) the same quarantine id', async () => {
    const { ports, kept } = memoryPorts();
    const body = Buffer.from(
      JSON.stringify(purchaseOrderChangedDelivery(1, { status: 'on-the-moon' as never })),
    );
    for (const signedAt of [NOW, new Date(NOW.getTime() + 60_000)]) {
      const signed = signProcurementPayload(body, SECRET, signedAt);
      const response = await receiveWebhook(
        procurementWebhook,
        {
          headers: {
            'content-type': 'application/json',
            'x-proc-event': 'purchase_order.changed',
            'x-proc-timestamp': signed.timestamp,
            'x-proc-signature': signed.signature,
          },
          body,
          requestId: 'req-proc',
          deadline: DEADLINE,
        },
        { ...ports, now: () => signedAt },
      );
      expect(response.statusCode).toBe(422);
    }
    expect(kept).toHaveLength(2);
    expect(kept[0]!.quarantineId).toMatch(/^procurement-[0-9a-f]{32}$/);
    expect(kept[1]!.quarantineId).toBe(kept[0]!.quarantineId);
    expect(kept[1]!.headers['x-proc-timestamp']).toBe(
      signProcurementPayload(body, SECRET, kept[1]!.receivedAt).timestamp,
    );
  });
});

describe('re-submitting a quarantined delivery', () => {
  it('refuses a delivery whose content is still wrong again, and keeps it under the same id with one more attempt', async () => {
    const { ports, kept, published } = memoryPorts();
    await receiveWebhook(planningWebhook, planningRequest(refusedBody), ports);
    const record = kept[0]!;

    const again = await resubmitDelivery(planningWebhook, record, ports, DEADLINE);
    expect(again.statusCode).toBe(422);
    expect(kept.map((delivery) => delivery.quarantineId)).toEqual([record.quarantineId, record.quarantineId]);
    expect(published).toEqual([]);
  });

  it('publishes a delivery that failed on our side once the fault is gone, and a second re-submit is a duplicate', async () => {
    const { ports, kept, published, state } = memoryPorts({ busDown: true });
    await expect(receiveWebhook(planningWebhook, planningRequest(validBody), ports)).rejects.toThrow();
    const record = kept[0]!;
    state.busDown = false;

    // Hours later: the signature's window is long past, the re-submit does not need it.
    const later = { ...ports, now: () => new Date(NOW.getTime() + 6 * 3600_000) };
    const accepted = await resubmitDelivery(planningWebhook, record, later, DEADLINE);
    expect(accepted.statusCode).toBe(202);
    expect(JSON.parse(accepted.body).status).toBe('accepted');
    const twice = await resubmitDelivery(planningWebhook, record, later, DEADLINE);
    expect(JSON.parse(twice.body).status).toBe('duplicate');
    expect(published.map((event) => event.eventType)).toEqual(['forecast-exception.raised']);
    expect(published[0]!.tenantId).toBe('acme');
    expect(kept).toHaveLength(1);
  });
});
