import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { planningWebhook } from '../../../adapters/planning/webhook';
import { signPlanningPayload } from '../../../adapters/planning/signature';
import { procurementWebhook } from '../../../adapters/procurement/webhook';
import {
  CLAIM_MARGIN_MS,
  receiveWebhook,
  type IntakePorts,
  type DeliveryClaim,
  type WebhookRequest,
} from '../../../adapters/webhooks/intake';
import { WEBHOOK_EDGE_HEADER } from '../../../application/resources';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { purchaseOrderChangedDelivery, supplierUpdatedDelivery } from '../../fixtures/procurement';
import { signedProcurementDelivery } from '../../support/webhook-intake';

const NOW = new Date('2026-11-27T07:20:00.000Z');
const SECRET = 'current-planning-secret';
const PREVIOUS = 'previous-planning-secret';
const PROC_SECRET = 'procurement-secret';

/** In-memory ports that behave like the AWS ones: versions only move forward, one claim per change. */
function memoryPorts(
  secrets: readonly string[] = [SECRET, PREVIOUS],
  options: { failPublish?: number } = {},
) {
  const published: CanonicalEvent[] = [];
  const stale: CanonicalEvent[] = [];
  const duplicates: CanonicalEvent[] = [];
  const claims = new Map<string, { version?: number; eventId: string; completed?: boolean }>();
  let failures = options.failPublish ?? 0;
  let ids = 0;
  const keyOf = (event: CanonicalEvent, version?: { objectKey: string }) =>
    version?.objectKey ?? event.idempotencyKey;
  const ports: IntakePorts = {
    secrets: async () => secrets,
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    tenantId: 'acme',
    claim: async (event, version): Promise<DeliveryClaim> => {
      const existing = claims.get(keyOf(event, version));
      if (existing && version && existing.version !== undefined && existing.version > version.version)
        return { outcome: 'stale' };
      if (existing && (!version || existing.version === version.version))
        return existing.completed
          ? { outcome: 'duplicate', eventId: existing.eventId }
          : { outcome: 'in-progress', retryAfterSeconds: 15 };
      claims.set(keyOf(event, version), { version: version?.version, eventId: event.eventId });
      return {
        outcome: 'claimed',
        previous:
          existing?.version === undefined
            ? undefined
            : { version: existing.version, eventId: existing.eventId },
      };
    },
    complete: async (event, version) => {
      const claim = claims.get(keyOf(event, version));
      if (claim?.eventId === event.eventId) claim.completed = true;
    },
    release: async (event, version, claim) => {
      const previous = claim.outcome === 'claimed' ? claim.previous : undefined;
      if (previous) claims.set(keyOf(event, version), { ...previous, completed: true });
      else claims.delete(keyOf(event, version));
    },
    publish: async (event) => {
      if (failures > 0) {
        failures--;
        throw new Error('bus unavailable');
      }
      published.push(event);
    },
    duplicateSuppressed: (event) => void duplicates.push(event),
    recordStale: async (event) => void stale.push(event),
    quarantine: { quarantine: async () => undefined },
  };
  return { ports, published, stale, duplicates };
}

function planningRequest(
  body: string | Buffer,
  options: {
    event?: string;
    secrets?: string[];
    signedAt?: Date;
    signature?: string | null;
    contentType?: string;
  } = {},
): WebhookRequest {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const signature =
    options.signature === undefined
      ? signPlanningPayload(raw, options.secrets ?? [SECRET], options.signedAt ?? NOW)
      : options.signature;
  return {
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-planning-event': options.event ?? 'forecast.exception',
      'x-planning-delivery': '7b0e5a51-1f7a-4c3e-9d0b-3f1e2a4b5c6d',
      ...(signature === null ? {} : { 'x-planning-signature': signature }),
    },
    body: raw,
    requestId: 'req-1',
    deadline: new Date(NOW.getTime() + 10_000),
  };
}

function procurementRequest(
  body: string,
  event: string,
  signedAt = NOW,
  secret = PROC_SECRET,
): WebhookRequest {
  const request = signedProcurementDelivery(event, body, signedAt, secret);
  return { ...request, headers: { ...request.headers, 'content-type': 'application/json; charset=utf-8' } };
}

const validBody = JSON.stringify(forecastExceptionDelivery());

describe('planning webhook intake', () => {
  it('accepts a signed forecast exception and publishes one canonical event', async () => {
    const { ports, published } = memoryPorts();
    const response = await receiveWebhook(planningWebhook, planningRequest(validBody), ports);
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({
      status: 'accepted',
      eventId: published[0]?.eventId,
      idempotencyKey: 'forecast-exception:CONSENSUS-2026W48:EXC-88213:v7',
    });
    expect(published.map((event) => event.eventType)).toEqual(['forecast-exception.raised']);
  });

  it('accepts a delivery signed with the previous secret during rotation', async () => {
    const { ports, published } = memoryPorts();
    const response = await receiveWebhook(
      planningWebhook,
      planningRequest(validBody, { secrets: [PREVIOUS] }),
      ports,
    );
    expect(response.statusCode).toBe(202);
    expect(published).toHaveLength(1);
  });

  it('does not keep the claim of a delivery it could not publish: the retry publishes it', async () => {
    const { ports, published } = memoryPorts([SECRET], { failPublish: 1 });
    await expect(receiveWebhook(planningWebhook, planningRequest(validBody), ports)).rejects.toThrow(
      'bus unavailable',
    );
    const retry = await receiveWebhook(planningWebhook, planningRequest(validBody), ports);
    expect(JSON.parse(retry.body).status).toBe('accepted');
    expect(published).toHaveLength(1);
  });

  it('answers a delivery whose change another invocation is still publishing with a retryable 503, not duplicate', async () => {
    const { ports, published } = memoryPorts();
    let publishing!: () => void;
    const reached = new Promise<void>((resolve) => (publishing = resolve));
    const first = receiveWebhook(planningWebhook, planningRequest(validBody), {
      ...ports,
      publish: async (event) => {
        publishing();
        await new Promise((resolve) => setImmediate(resolve));
        await ports.publish(event);
      },
    });
    await reached;
    const concurrent = await receiveWebhook(planningWebhook, planningRequest(validBody), ports);
    expect(concurrent.statusCode).toBe(503);
    expect(concurrent.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '15',
    });
    expect(JSON.parse(concurrent.body).type).toBe('urn:supplyline:problem:delivery-in-progress');
    expect((await first).statusCode).toBe(202);
    expect(published).toHaveLength(1);
  });

  it('claims in progress until the invocation deadline plus a margin', async () => {
    const { ports } = memoryPorts();
    const until: Date[] = [];
    await receiveWebhook(planningWebhook, planningRequest(validBody), {
      ...ports,
      claim: (event, version, inProgressUntil) => {
        until.push(inProgressUntil);
        return ports.claim(event, version, inProgressUntil);
      },
    });
    expect(until).toEqual([new Date(NOW.getTime() + 10_000 + CLAIM_MARGIN_MS)]);
  });

  it('still answers 202 when the published event could not be marked completed (no second publish)', async () => {
    const { ports, published } = memoryPorts();
    const warnings: string[] = [];
    const response = await receiveWebhook(planningWebhook, planningRequest(validBody), {
      ...ports,
      complete: async () => {
        throw new Error('ledger throttled');
      },
      log: { info: () => undefined, warn: (message) => void warnings.push(message) },
    });
    expect(response.statusCode).toBe(202);
    expect(published).toHaveLength(1);
    expect(warnings).toEqual(['published event not marked completed']);
  });

  it('answers the same event delivered 5 times with 2xx and publishes it once', async () => {
    const { ports, published, duplicates } = memoryPorts();
    const statuses: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await receiveWebhook(planningWebhook, planningRequest(validBody), ports);
      expect(response.statusCode).toBe(202);
      statuses.push(JSON.parse(response.body).status);
    }
    expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(published).toHaveLength(1);
    expect(duplicates).toHaveLength(4);
  });

  it('records an older plan version as stale and publishes nothing for it', async () => {
    const { ports, published, stale } = memoryPorts();
    await receiveWebhook(
      planningWebhook,
      planningRequest(JSON.stringify(forecastExceptionDelivery({ plan: { version: 8 } }))),
      ports,
    );
    const response = await receiveWebhook(
      planningWebhook,
      planningRequest(
        JSON.stringify(forecastExceptionDelivery({ event_id: 'fe_older', plan: { version: 7 } })),
      ),
      ports,
    );
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body).status).toBe('stale');
    expect(published.map((event) => event.sourceVersion)).toEqual([8]);
    expect(stale.map((event) => event.sourceVersion)).toEqual([7]);
  });

  const hugeNotes = JSON.stringify(forecastExceptionDelivery({ exception: { notes: 'x'.repeat(262_144) } }));
  const badInputs: {
    name: string;
    request: () => WebhookRequest;
    status: number;
    type: string;
    pointers?: string[];
  }[] = [
    {
      name: 'missing signature',
      request: () => planningRequest(validBody, { signature: null }),
      status: 401,
      type: 'signature-missing',
    },
    {
      name: 'signature with spaces',
      request: () => planningRequest(validBody, { signature: 't=1, v1=abc' }),
      status: 401,
      type: 'signature-malformed',
    },
    {
      name: 'wrong secret',
      request: () => planningRequest(validBody, { secrets: ['not-the-secret'] }),
      status: 401,
      type: 'signature-mismatch',
    },
    {
      name: 'tampered body',
      request: () => {
        const request = planningRequest(validBody);
        return {
          ...request,
          body: Buffer.from(validBody.replace('"forecast_qty":140', '"forecast_qty":14000')),
        };
      },
      status: 401,
      type: 'signature-mismatch',
    },
    {
      name: 'replayed: signed 301 s ago',
      request: () => planningRequest(validBody, { signedAt: new Date(NOW.getTime() - 301_000) }),
      status: 401,
      type: 'signature-expired',
    },
    {
      name: 'signed 301 s in the future',
      request: () => planningRequest(validBody, { signedAt: new Date(NOW.getTime() + 301_000) }),
      status: 401,
      type: 'signature-expired',
    },
    {
      name: 'oversized body',
      request: () => planningRequest(hugeNotes),
      status: 413,
      type: 'payload-too-large',
    },
    {
      name: 'not JSON media type',
      request: () => planningRequest(validBody, { contentType: 'text/plain' }),
      status: 415,
      type: 'unsupported-media-type',
    },
    {
      name: 'malformed JSON',
      request: () => planningRequest('{"event":"forecast.exception",'),
      status: 400,
      type: 'malformed-json',
    },
    {
      name: 'unknown event type',
      request: () => planningRequest(validBody, { event: 'forecast.deleted' }),
      status: 400,
      type: 'unknown-event',
    },
    {
      name: 'event type from the prototype',
      request: () => planningRequest(validBody, { event: 'constructor' }),
      status: 400,
      type: 'unknown-event',
    },
    {
      name: '__proto__ key (prototype pollution)',
      request: () => planningRequest(validBody.replace('{', '{"__proto__":{"polluted":true},')),
      status: 400,
      type: 'forbidden-key',
    },
    {
      name: 'constructor key nested',
      request: () =>
        planningRequest(validBody.replace('"exception":{', '"exception":{"constructor":{"prototype":{}},')),
      status: 400,
      type: 'forbidden-key',
    },
    {
      name: '__proto__ key spelled with an escape (an own __proto__ key once parsed)',
      request: () =>
        planningRequest(
          validBody.replace('"exception":{', '"exception":{"\\u005f_proto__":{"polluted":true},'),
        ),
      status: 400,
      type: 'forbidden-key',
      pointers: ['/exception/__proto__'],
    },
    {
      name: 'constructor key spelled with an escape, in an array',
      request: () =>
        planningRequest(
          validBody.replace('"exception":{', '"extra":[{},{"\\u0063onstructor":1}],"exception":{'),
        ),
      status: 400,
      type: 'forbidden-key',
      pointers: ['/extra/1/constructor'],
    },
    {
      name: 'a plan version beyond the safe integers (1e300)',
      request: () => planningRequest(validBody.replace('"version":7', '"version":1e300')),
      status: 422,
      type: 'contract-violation',
      pointers: ['/plan/version'],
    },
    {
      name: 'a plan version of 2^53 (no longer exactly comparable)',
      request: () => planningRequest(validBody.replace('"version":7', '"version":9007199254740992')),
      status: 422,
      type: 'contract-violation',
      pointers: ['/plan/version'],
    },
    {
      name: 'JSON array body',
      request: () => planningRequest('[1,2,3]'),
      status: 422,
      type: 'contract-violation',
      pointers: [''],
    },
    {
      name: 'JSON null body',
      request: () => planningRequest('null'),
      status: 422,
      type: 'contract-violation',
    },
    {
      name: 'every schema violation listed',
      request: () =>
        planningRequest(
          JSON.stringify(
            forecastExceptionDelivery({
              published_at: 'yesterday',
              plan: { version: 0 },
              exception: {
                uom: 'BOX' as never,
                pack_size: 0,
                // A negative quantity is vendor-valid (no minimum stated): held, not refused (held.test.ts).
                forecast_qty: -5,
                bucket: { start: '2026-02-30', end: '2026-12-13', granularity: 'week' },
              },
            }),
          ),
        ),
      status: 422,
      type: 'contract-violation',
      pointers: [
        '/published_at',
        '/plan/version',
        '/exception/uom',
        '/exception/pack_size',
        '/exception/bucket/start',
      ],
    },
    {
      name: 'wrong types everywhere',
      request: () =>
        planningRequest(
          JSON.stringify({ event: 1, event_id: {}, published_at: [], plan: 'x', exception: true }),
        ),
      status: 422,
      type: 'contract-violation',
      pointers: ['/event', '/event_id', '/published_at', '/plan', '/exception'],
    },
    {
      name: 'deeply nested value',
      request: () =>
        planningRequest(
          validBody.replace('"sku":"SKU-10442"', `"sku":${'['.repeat(5000)}${']'.repeat(5000)}`),
        ),
      status: 422,
      type: 'contract-violation',
      pointers: ['/exception/sku'],
    },
    {
      name: '120,000 levels of nesting (near the size limit; nothing recurses into it)',
      request: () =>
        planningRequest(
          validBody.replace('"sku":"SKU-10442"', `"sku":${'['.repeat(120_000)}${']'.repeat(120_000)}`),
        ),
      status: 422,
      type: 'contract-violation',
      pointers: ['/exception/sku'],
    },
  ];

  for (const { name, request, status, type, pointers } of badInputs) {
    it(`refuses ${name} with ${status} problem+json and publishes nothing`, async () => {
      const { ports, published } = memoryPorts();
      const response = await receiveWebhook(planningWebhook, request(), ports);
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toBe('application/problem+json');
      const body = JSON.parse(response.body);
      expect(body).toMatchObject({
        type: `urn:supplyline:problem:${type}`,
        status,
        instance: 'urn:supplyline:request:req-1',
      });
      if (pointers)
        expect(body.errors.map((error: { pointer: string }) => error.pointer)).toEqual(
          expect.arrayContaining(pointers),
        );
      expect(published).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

describe('behind the webhook edge (CloudFront + WAF)', () => {
  const EDGE = 'edge-secret-only-cloudfront-sends';
  const through = (request: WebhookRequest, value?: string): WebhookRequest => ({
    ...request,
    headers: { ...request.headers, ...(value === undefined ? {} : { [WEBHOOK_EDGE_HEADER]: value }) },
  });

  it('refuses a signed delivery that came around the edge (no or a wrong edge header): 403, nothing kept', async () => {
    for (const value of [undefined, 'guessed', `${EDGE}x`, EDGE.slice(1)]) {
      const { ports, published } = memoryPorts();
      const refused: string[] = [];
      const kept: unknown[] = [];
      const response = await receiveWebhook(planningWebhook, through(planningRequest(validBody), value), {
        ...ports,
        edgeSecret: async () => EDGE,
        signatureRefused: (reason) => void refused.push(reason),
        quarantine: { quarantine: async (delivery) => void kept.push(delivery) },
      });
      expect(response.statusCode, String(value)).toBe(403);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({ type: 'urn:supplyline:problem:edge-bypass' });
      expect(published).toEqual([]);
      expect(kept).toEqual([]);
      expect(refused).toEqual(['edge-bypass']);
    }
  });

  it('accepts the same delivery carrying the edge’s header', async () => {
    const { ports, published } = memoryPorts();
    const response = await receiveWebhook(planningWebhook, through(planningRequest(validBody), EDGE), {
      ...ports,
      edgeSecret: async () => EDGE,
    });
    expect(response.statusCode).toBe(202);
    expect(published).toHaveLength(1);
  });
});

describe('procurement webhook intake', () => {
  it('accepts a signed purchase_order.changed and ignores an older revision that arrives later', async () => {
    const { ports, published, stale } = memoryPorts([PROC_SECRET]);
    const r2 = await receiveWebhook(
      procurementWebhook,
      procurementRequest(JSON.stringify(purchaseOrderChangedDelivery(3)), 'purchase_order.changed'),
      ports,
    );
    const r1 = await receiveWebhook(
      procurementWebhook,
      procurementRequest(
        JSON.stringify(purchaseOrderChangedDelivery(3, { revision: 1, event_id: 'pc_old' })),
        'purchase_order.changed',
      ),
      ports,
    );
    expect([r2.statusCode, r1.statusCode]).toEqual([202, 202]);
    expect(JSON.parse(r1.body).status).toBe('stale');
    expect(published.map((event) => event.eventType)).toEqual(['purchase-order.changed']);
    expect(stale).toHaveLength(1);
  });

  it('refuses a PO revision beyond the safe integers with 422 and publishes nothing', async () => {
    const { ports, published } = memoryPorts([PROC_SECRET]);
    const body = JSON.stringify(purchaseOrderChangedDelivery(1, { revision: 7 })).replace(
      '"revision":7',
      '"revision":1e300',
    );
    const response = await receiveWebhook(
      procurementWebhook,
      procurementRequest(body, 'purchase_order.changed'),
      ports,
    );
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).errors).toEqual([
      { pointer: '/revision', detail: 'must be <= 9007199254740991' },
    ]);
    expect(published).toEqual([]);
  });

  it('refuses an unmapped supplier status with 422 and publishes nothing', async () => {
    const { ports, published } = memoryPorts([PROC_SECRET]);
    const body = JSON.stringify({ ...supplierUpdatedDelivery(), status: 'suspended' });
    const response = await receiveWebhook(
      procurementWebhook,
      procurementRequest(body, 'supplier.updated'),
      ports,
    );
    expect(response.statusCode).toBe(422);
    expect(published).toEqual([]);
  });

  it('refuses a delivery re-signed more than 300 s ago and accepts one at exactly 300 s', async () => {
    const body = JSON.stringify(supplierUpdatedDelivery());
    const late = memoryPorts([PROC_SECRET]);
    const old = await receiveWebhook(
      procurementWebhook,
      procurementRequest(body, 'supplier.updated', new Date(NOW.getTime() - 301_000)),
      late.ports,
    );
    expect(old.statusCode).toBe(401);
    expect(late.published).toEqual([]);
    const edge = memoryPorts([PROC_SECRET]);
    const ok = await receiveWebhook(
      procurementWebhook,
      procurementRequest(body, 'supplier.updated', new Date(NOW.getTime() - 300_000)),
      edge.ports,
    );
    expect(ok.statusCode).toBe(202);
  });

  it('refuses the planning signature scheme on the procurement route', async () => {
    const { ports, published } = memoryPorts([PROC_SECRET]);
    const request = planningRequest(JSON.stringify(supplierUpdatedDelivery()), { secrets: [PROC_SECRET] });
    const response = await receiveWebhook(
      procurementWebhook,
      { ...request, headers: { ...request.headers, 'x-proc-event': 'supplier.updated' } },
      ports,
    );
    expect(response.statusCode).toBe(401);
    expect(published).toEqual([]);
  });
});
