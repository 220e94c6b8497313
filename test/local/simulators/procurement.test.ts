import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyProcurementSignature } from '../../../adapters/procurement/signature';
import { ProcurementSimulator } from '../../../local/simulators/procurement';
import type { ProcurementSimulatorOptions } from '../../../local/simulators/procurement';
import { startWebhookReceiver } from './webhook-receiver';
import type { WebhookReceiver } from './webhook-receiver';

const seed: Pick<ProcurementSimulatorOptions, 'suppliers' | 'items' | 'clients'> = {
  suppliers: [
    {
      supplier_number: 'S-1001',
      name: 'Acme Fasteners',
      status: 'approved',
      payment_terms: 'NET30',
      lead_time_days: 5,
    },
    { supplier_number: 'S-2002', name: 'Blocked Bottling', status: 'blocked' },
    { supplier_number: 'S-3003', name: 'Pending Partner', status: 'pending' },
    { supplier_number: 'S-4004', name: 'Second Source', status: 'approved', ackBehaviour: 'partial' },
    { supplier_number: 'S-5005', name: 'Late Logistics', status: 'approved', ackBehaviour: 'late' },
    { supplier_number: 'S-6006', name: 'Silent Supplies', status: 'approved', ackBehaviour: 'never' },
  ],
  items: [
    { item_code: 'SKU-10442', contract_price: '3.10', contracted_supplier: 'S-1001' },
    { item_code: 'SKU-20001', contract_price: '1.25', contracted_supplier: 'S-2002' },
    { item_code: 'SKU-40004', contract_price: '12.50', contracted_supplier: 'S-4004' },
    { item_code: 'SKU-50005', contract_price: '0.99', contracted_supplier: 'S-5005' },
    { item_code: 'SKU-60006', contract_price: '7.00', contracted_supplier: 'S-6006' },
  ],
  clients: [
    { clientId: 'supplyline', clientSecret: 'supplyline-secret' },
    { clientId: 'other', clientSecret: 'other-secret' },
  ],
};

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

async function tokenFor(sim: ProcurementSimulator, clientId = 'supplyline', secret = `${clientId}-secret`) {
  const res = await fetch(`${sim.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function apiFor(sim: ProcurementSimulator, token: string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
}

const srBody = (ref: string, overrides: Record<string, unknown> = {}) => ({
  external_ref: ref,
  item_code: 'SKU-10442',
  ship_to: 'DC-EAST-02',
  quantity: 480,
  uom: 'EA',
  need_by: '2026-12-07',
  justification: 'uplift',
  ...overrides,
});

describe('procurement simulator: contract conformance', () => {
  let sim: ProcurementSimulator;
  let api: ReturnType<typeof apiFor>;

  beforeEach(async () => {
    sim = await ProcurementSimulator.start({ ...seed, pageSize: 2, acknowledgement: { delayMs: 10 } });
    api = apiFor(sim, (await tokenFor(sim)).body.access_token as string);
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('authentication', () => {
    it('issues a bearer token for form-encoded client credentials', async () => {
      const answer = await tokenFor(sim);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
      });
    });

    it.each([
      ['a wrong secret', 'supplyline', 'nope'],
      ['an unknown client', 'stranger', 'x'],
    ])('answers 401 invalid_client for %s', async (_name, id, secret) => {
      expect(await tokenFor(sim, id, secret)).toEqual({ status: 401, body: { error: 'invalid_client' } });
    });

    it('answers 400 unsupported_grant_type for another grant', async () => {
      const res = await fetch(`${sim.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&client_id=supplyline&client_secret=supplyline-secret',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'unsupported_grant_type' });
    });

    it('answers 401 unauthorized without a token, with an unknown one and with an expired one', async () => {
      expect((await apiFor(sim, 'made-up')('GET', '/api/v2/suppliers/S-1001')).status).toBe(401);
      const none = await fetch(`${sim.url}/api/v2/suppliers/S-1001`);
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ errors: [{ code: 'unauthorized', message: expect.any(String) }] });
      expect((await api('GET', '/api/v2/suppliers/S-1001')).status).toBe(200);
      sim.advanceClock(3600 * 1000);
      expect((await api('GET', '/api/v2/suppliers/S-1001')).status).toBe(401);
    });

    it('token lifetime is configurable and tokens can be expired on demand', async () => {
      sim.setTokenTtl(2);
      const short = await tokenFor(sim);
      expect(short.body.expires_in).toBe(2);
      const shortApi = apiFor(sim, short.body.access_token as string);
      expect((await shortApi('GET', '/api/v2/suppliers/S-1001')).status).toBe(200);
      sim.advanceClock(2000);
      expect((await shortApi('GET', '/api/v2/suppliers/S-1001')).status).toBe(401);
      sim.expireTokens();
      expect((await api('GET', '/api/v2/suppliers/S-1001')).status).toBe(401);
    });
  });

  describe('rate limit', () => {
    it('allows 10 requests per second per client, then 429 rate_limited with Retry-After', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => api('GET', '/api/v2/suppliers/S-1001')),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
      const limited = answers.filter((a) => a.status === 429);
      expect(limited).toHaveLength(2);
      expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited[0]!.body.errors[0].code).toBe('rate_limited');

      const other = apiFor(sim, (await tokenFor(sim, 'other')).body.access_token as string);
      expect((await other('GET', '/api/v2/suppliers/S-1001')).status).toBe(200);
      sim.advanceClock(1000);
      expect((await api('GET', '/api/v2/suppliers/S-1001')).status).toBe(200);
    });

    it('does not count token calls', async () => {
      const tokens = await Promise.all(Array.from({ length: 15 }, () => tokenFor(sim)));
      expect(tokens.every((t) => t.status === 200)).toBe(true);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => api('GET', '/api/v2/suppliers/S-1001')),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
    });
  });

  describe('Idempotency-Key', () => {
    it('the same key with the same JSON body (any key order, any spacing) replays the first answer', async () => {
      const first = await api('POST', '/api/v2/sourcing-requests', srBody('R1'), { 'idempotency-key': 'k1' });
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(srBody('R1')).reverse()), null, 2);
      const second = await api('POST', '/api/v2/sourcing-requests', reordered, { 'idempotency-key': 'k1' });
      expect(first.status).toBe(201);
      expect(second).toMatchObject({ status: 201, body: first.body });
      expect(sim.sourcingRequests()).toHaveLength(1);
    });

    it('the same key with a different body is 409 idempotency_key_reused', async () => {
      await api('POST', '/api/v2/sourcing-requests', srBody('R1'), { 'idempotency-key': 'k1' });
      const answer = await api('POST', '/api/v2/sourcing-requests', srBody('R1', { quantity: 481 }), {
        'idempotency-key': 'k1',
      });
      expect(answer.status).toBe(409);
      expect(answer.body.errors[0].code).toBe('idempotency_key_reused');
    });

    it('the same key on another endpoint is 409 idempotency_key_reused', async () => {
      const created = await api('POST', '/api/v2/sourcing-requests', srBody('R1'), {
        'idempotency-key': 'k1',
      });
      const answer = await api('PATCH', `/api/v2/sourcing-requests/${created.body.id}`, srBody('R1'), {
        'idempotency-key': 'k1',
      });
      expect(answer.status).toBe(409);
      expect(answer.body.errors[0].code).toBe('idempotency_key_reused');
    });

    it('stores 4xx answers: the replay repeats the rejection even after the cause is gone', async () => {
      const body = srBody('R1', { preferred_supplier: 'S-3003' });
      const first = await api('POST', '/api/v2/sourcing-requests', body, { 'idempotency-key': 'k1' });
      expect(first.status).toBe(422);
      sim.setSupplierStatus('S-3003', 'approved');
      expect((await api('POST', '/api/v2/sourcing-requests', body, { 'idempotency-key': 'k1' })).status).toBe(
        422,
      );
      expect((await api('POST', '/api/v2/sourcing-requests', body, { 'idempotency-key': 'k2' })).status).toBe(
        201,
      );
    });

    it('does not store 5xx answers: the same key may be retried', async () => {
      sim.setFaults({ errorRate: 1 });
      expect(
        (await api('POST', '/api/v2/sourcing-requests', srBody('R1'), { 'idempotency-key': 'k1' })).status,
      ).toBe(500);
      sim.setFaults({ errorRate: 0 });
      expect(
        (await api('POST', '/api/v2/sourcing-requests', srBody('R1'), { 'idempotency-key': 'k1' })).status,
      ).toBe(201);
    });

    it('is scoped per client and to 24 hours', async () => {
      await api('POST', '/api/v2/sourcing-requests', srBody('R1'), { 'idempotency-key': 'k1' });
      const other = apiFor(sim, (await tokenFor(sim, 'other')).body.access_token as string);
      expect(
        (await other('POST', '/api/v2/sourcing-requests', srBody('R2'), { 'idempotency-key': 'k1' })).status,
      ).toBe(201);
      sim.advanceClock(24 * 3600 * 1000 - 1000);
      api = apiFor(sim, (await tokenFor(sim)).body.access_token as string);
      expect(
        (await api('POST', '/api/v2/sourcing-requests', srBody('R3'), { 'idempotency-key': 'k1' })).status,
      ).toBe(409);
      sim.advanceClock(1000);
      expect(
        (await api('POST', '/api/v2/sourcing-requests', srBody('R3'), { 'idempotency-key': 'k1' })).status,
      ).toBe(201);
    });
  });

  describe('suppliers', () => {
    it('returns the documented supplier shape; unknown is 404 not_found', async () => {
      expect(await api('GET', '/api/v2/suppliers/S-1001')).toMatchObject({
        status: 200,
        body: {
          supplier_number: 'S-1001',
          name: 'Acme Fasteners',
          status: 'approved',
          payment_terms: 'NET30',
          currency: 'USD',
          lead_time_days: 5,
          updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        },
      });
      const missing = await api('GET', '/api/v2/suppliers/S-0000');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ errors: [{ code: 'not_found', message: expect.any(String) }] });
    });
  });

  describe('sourcing requests', () => {
    it('creates with every field sent plus id, status, contract price and contracted supplier', async () => {
      const answer = await api('POST', '/api/v2/sourcing-requests', srBody('R1'));
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        ...srBody('R1'),
        id: expect.stringMatching(/^SR-\d{6}$/),
        status: 'open',
        unit_price: '3.10',
        currency: 'USD',
        supplier_number: 'S-1001',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it('uses an approved preferred supplier instead of the contracted one', async () => {
      const answer = await api(
        'POST',
        '/api/v2/sourcing-requests',
        srBody('R1', { preferred_supplier: 'S-4004' }),
      );
      expect(answer.body).toMatchObject({ supplier_number: 'S-4004', preferred_supplier: 'S-4004' });
    });

    it.each([
      ['external_ref missing', { external_ref: undefined }, 'external_ref'],
      ['item_code missing', { item_code: undefined }, 'item_code'],
      ['item_code unknown', { item_code: 'SKU-0' }, 'item_code'],
      ['ship_to missing', { ship_to: undefined }, 'ship_to'],
      ['quantity missing', { quantity: undefined }, 'quantity'],
      ['quantity 0', { quantity: 0 }, 'quantity'],
      ['quantity fractional', { quantity: 1.5 }, 'quantity'],
      ['quantity as a string', { quantity: '480' }, 'quantity'],
      ['uom CS', { uom: 'CS' }, 'uom'],
      ['uom missing', { uom: undefined }, 'uom'],
      ['need_by missing', { need_by: undefined }, 'need_by'],
      ['need_by not a date', { need_by: '2026-02-30' }, 'need_by'],
      ['need_by a timestamp', { need_by: '2026-12-07T00:00:00Z' }, 'need_by'],
      ['preferred_supplier unknown', { preferred_supplier: 'S-9' }, 'preferred_supplier'],
    ])('rejects %s with 422 invalid_field', async (_name, overrides, field) => {
      const answer = await api('POST', '/api/v2/sourcing-requests', srBody('R1', overrides));
      expect(answer.status).toBe(422);
      expect(answer.body.errors).toContainEqual({
        code: 'invalid_field',
        field,
        message: expect.any(String),
      });
    });

    it.each(['S-2002', 'S-3003'])(
      'rejects a non-approved preferred supplier %s with 422 supplier_not_approved',
      async (s) => {
        const answer = await api(
          'POST',
          '/api/v2/sourcing-requests',
          srBody('R1', { preferred_supplier: s }),
        );
        expect(answer.status).toBe(422);
        expect(answer.body.errors[0].code).toBe('supplier_not_approved');
      },
    );

    it('rejects a second request with the same external_ref: 409 invalid_state naming the existing id', async () => {
      const first = await api('POST', '/api/v2/sourcing-requests', srBody('R1'));
      const second = await api('POST', '/api/v2/sourcing-requests', srBody('R1', { quantity: 1 }));
      expect(second.status).toBe(409);
      expect(second.body.errors[0]).toMatchObject({ code: 'invalid_state', existing_id: first.body.id });
      // Unique per client only.
      const other = apiFor(sim, (await tokenFor(sim, 'other')).body.access_token as string);
      expect((await other('POST', '/api/v2/sourcing-requests', srBody('R1'))).status).toBe(201);
    });

    it('reads one request; unknown and other clients’ requests are 404', async () => {
      const created = await api('POST', '/api/v2/sourcing-requests', srBody('R1'));
      expect(await api('GET', `/api/v2/sourcing-requests/${created.body.id}`)).toMatchObject({
        status: 200,
        body: created.body,
      });
      expect((await api('GET', '/api/v2/sourcing-requests/SR-999999')).status).toBe(404);
      const other = apiFor(sim, (await tokenFor(sim, 'other')).body.access_token as string);
      expect((await other('GET', `/api/v2/sourcing-requests/${created.body.id}`)).status).toBe(404);
    });

    it('lists with every filter optional and paginates with page_token', async () => {
      for (const [ref, ship] of [
        ['R1', 'DC-EAST-02'],
        ['R2', 'DC-EAST-02'],
        ['R3', 'DC-WEST-01'],
        ['R4', 'DC-EAST-02'],
        ['R5', 'DC-EAST-02'],
      ])
        await api('POST', '/api/v2/sourcing-requests', srBody(ref!, { ship_to: ship }));
      sim.advanceClock(1000);
      const first = await api(
        'GET',
        '/api/v2/sourcing-requests?item_code=SKU-10442&ship_to=DC-EAST-02&status=open',
      );
      expect(first.body.data.map((r: { external_ref: string }) => r.external_ref)).toEqual(['R1', 'R2']);
      expect(first.body.next_page_token).toEqual(expect.any(String));
      const second = await api(
        'GET',
        `/api/v2/sourcing-requests?item_code=SKU-10442&ship_to=DC-EAST-02&status=open&page_token=${first.body.next_page_token}`,
      );
      expect(second.body.data.map((r: { external_ref: string }) => r.external_ref)).toEqual(['R4', 'R5']);
      expect(second.body.next_page_token).toBeNull();
      const all = await api('GET', '/api/v2/sourcing-requests?item_code=&ship_to=&status=&external_ref=');
      expect(all.body.data).toHaveLength(2);
      expect(all.body.next_page_token).not.toBeNull();
      expect((await api('GET', '/api/v2/sourcing-requests?external_ref=R3')).body.data).toHaveLength(1);
      expect((await api('GET', '/api/v2/sourcing-requests?status=weird')).status).toBe(422);
      expect((await api('GET', '/api/v2/sourcing-requests?page_token=garbage')).status).toBe(422);
    });

    it('patches quantity and/or need_by only while open', async () => {
      const created = await api('POST', '/api/v2/sourcing-requests', srBody('R1'));
      const path = `/api/v2/sourcing-requests/${created.body.id}`;
      expect(await api('PATCH', path, { quantity: 500 })).toMatchObject({
        status: 200,
        body: { quantity: 500 },
      });
      expect(await api('PATCH', path, { need_by: '2026-12-09' })).toMatchObject({
        status: 200,
        body: { quantity: 500, need_by: '2026-12-09' },
      });
      expect((await api('PATCH', path, { quantity: 0 })).status).toBe(422);
      expect((await api('PATCH', path, {})).status).toBe(422);
      expect((await api('PATCH', path, { item_code: 'SKU-20001' })).body.errors[0]).toMatchObject({
        code: 'invalid_field',
        field: 'item_code',
      });
      await api('POST', '/api/v2/purchase-orders', {
        sourcing_request_id: created.body.id,
        external_ref: 'P1',
      });
      const awarded = await api('PATCH', path, { quantity: 1 });
      expect(awarded.status).toBe(409);
      expect(awarded.body.errors[0].code).toBe('invalid_state');
      expect((await api('PATCH', '/api/v2/sourcing-requests/SR-999999', { quantity: 1 })).status).toBe(404);
    });

    it('cancels: open becomes cancelled, cancelled again is a no-op 200, awarded is 409 invalid_state', async () => {
      const a = await api('POST', '/api/v2/sourcing-requests', srBody('R1'));
      const cancel = (id: string) => api('POST', `/api/v2/sourcing-requests/${id}/cancel`);
      expect(await cancel(a.body.id)).toMatchObject({ status: 200, body: { status: 'cancelled' } });
      expect(await cancel(a.body.id)).toMatchObject({ status: 200, body: { status: 'cancelled' } });
      expect((await api('PATCH', `/api/v2/sourcing-requests/${a.body.id}`, { quantity: 1 })).status).toBe(
        409,
      );
      const b = await api('POST', '/api/v2/sourcing-requests', srBody('R2'));
      await api('POST', '/api/v2/purchase-orders', { sourcing_request_id: b.body.id, external_ref: 'P2' });
      const awarded = await cancel(b.body.id);
      expect(awarded.status).toBe(409);
      expect(awarded.body.errors[0].code).toBe('invalid_state');
    });
  });

  describe('purchase orders', () => {
    it('creating one awards the open request, with the item’s contract price', async () => {
      const sr = await api(
        'POST',
        '/api/v2/sourcing-requests',
        srBody('R1', { quantity: 480, need_by: '2026-12-07' }),
      );
      const po = await api('POST', '/api/v2/purchase-orders', {
        sourcing_request_id: sr.body.id,
        external_ref: 'EXC-1',
      });
      expect(po.status).toBe(201);
      expect(po.body).toEqual({
        po_number: expect.stringMatching(/^PO-\d{4}-\d{6}$/),
        status: 'issued',
        supplier_number: 'S-1001',
        external_ref: 'EXC-1',
        currency: 'USD',
        lines: [
          {
            line_no: 1,
            item_code: 'SKU-10442',
            qty: 480,
            uom: 'EA',
            unit_price: '3.10',
            need_by: '2026-12-07',
          },
        ],
        revision: 1,
        updated_at: expect.any(String),
      });
      expect((await api('GET', `/api/v2/sourcing-requests/${sr.body.id}`)).body.status).toBe('awarded');
      expect(await api('GET', `/api/v2/purchase-orders/${po.body.po_number}`)).toMatchObject({
        status: 200,
        body: { po_number: po.body.po_number },
      });
      expect((await api('GET', '/api/v2/purchase-orders/PO-2026-999999')).status).toBe(404);
    });

    it('requires external_ref, an open request and an approved supplier', async () => {
      const sr = await api('POST', '/api/v2/sourcing-requests', srBody('R1'));
      const missing = await api('POST', '/api/v2/purchase-orders', { sourcing_request_id: sr.body.id });
      expect(missing.body.errors[0]).toMatchObject({ code: 'invalid_field', field: 'external_ref' });
      expect(
        (
          await api('POST', '/api/v2/purchase-orders', {
            sourcing_request_id: 'SR-999999',
            external_ref: 'x',
          })
        ).status,
      ).toBe(404);

      sim.setSupplierStatus('S-1001', 'on_hold');
      const held = await api('POST', '/api/v2/purchase-orders', {
        sourcing_request_id: sr.body.id,
        external_ref: 'x',
      });
      expect(held.status).toBe(422);
      expect(held.body.errors[0].code).toBe('supplier_not_approved');
      sim.setSupplierStatus('S-1001', 'approved');

      // Without preferred_supplier the contracted supplier is used even when blocked; the PO then refuses it.
      const blocked = await api(
        'POST',
        '/api/v2/sourcing-requests',
        srBody('R2', { item_code: 'SKU-20001' }),
      );
      expect(blocked.body.supplier_number).toBe('S-2002');
      expect(
        (
          await api('POST', '/api/v2/purchase-orders', {
            sourcing_request_id: blocked.body.id,
            external_ref: 'y',
          })
        ).body.errors[0].code,
      ).toBe('supplier_not_approved');

      await api('POST', `/api/v2/sourcing-requests/${sr.body.id}/cancel`);
      const cancelled = await api('POST', '/api/v2/purchase-orders', {
        sourcing_request_id: sr.body.id,
        external_ref: 'x',
      });
      expect(cancelled.status).toBe(409);
      expect(cancelled.body.errors[0].code).toBe('invalid_state');
    });

    it('syncs ERP outcomes back; erp_reference is required; no webhook is sent', async () => {
      const receiver = await startWebhookReceiver();
      try {
        sim.setSubscriber(receiver.url);
        sim.setSupplierAckBehaviour('S-1001', 'never');
        const sr = await api('POST', '/api/v2/sourcing-requests', srBody('R1'));
        const po = await api('POST', '/api/v2/purchase-orders', {
          sourcing_request_id: sr.body.id,
          external_ref: 'x',
        });
        const path = `/api/v2/purchase-orders/${po.body.po_number}/status`;
        expect((await api('POST', path, { status: 'received' })).body.errors[0]).toMatchObject({
          code: 'invalid_field',
          field: 'erp_reference',
        });
        expect((await api('POST', path, { status: 'acknowledged', erp_reference: 'E1' })).status).toBe(422);
        expect(await api('POST', path, { status: 'partially_received', erp_reference: 'E1' })).toMatchObject({
          status: 200,
          body: { status: 'partially_received', revision: 1 },
        });
        expect((await api('POST', path, { status: 'received', erp_reference: 'E1' })).body.status).toBe(
          'received',
        );
        expect((await api('POST', path, { status: 'received', erp_reference: 'E1' })).status).toBe(200);
        expect((await api('POST', path, { status: 'cancelled', erp_reference: 'E1' })).status).toBe(409);
        await sim.settle();
        expect(receiver.received).toHaveLength(0);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('errors', () => {
    it('answers unknown routes and bad JSON in the documented error shape', async () => {
      const route = await api('GET', '/api/v2/nothing-here');
      expect(route.status).toBe(404);
      expect(route.body.errors[0].code).toBe('not_found');
      const json = await api('POST', '/api/v2/sourcing-requests', '{"external_ref":');
      expect(json.status).toBe(422);
      expect(json.body.errors[0]).toMatchObject({ code: 'invalid_field', field: 'body' });
    });
    it('routes by method and path: another method is 404 no route, ids are percent-decoded', async () => {
      const wrongMethod = await api('DELETE', '/api/v2/suppliers/S-1001');
      expect(wrongMethod.status).toBe(404);
      expect(wrongMethod.body.errors[0]).toEqual({
        code: 'not_found',
        message: 'no route DELETE /api/v2/suppliers/S-1001',
      });
      expect((await api('GET', '/api/v2/suppliers/S%2D1001/')).body.supplier_number).toBe('S-1001');
      expect((await api('GET', '/api/v2/suppliers/S-1001/extra')).status).toBe(404);
      expect((await api('GET', '/api/v2')).status).toBe(404);
      expect((await api('POST', '/api/v2/purchase-orders/PO-1/cancel', {})).status).toBe(404);
    });

    it('the token endpoint answers another method 405; other paths need a token first', async () => {
      const token = await fetch(`${sim.url}/oauth2/token`);
      expect(token.status).toBe(405);
      expect(await token.json()).toEqual({ errors: [{ code: 'method_not_allowed', message: 'use POST' }] });
      expect((await fetch(`${sim.url}/oauth2/token/`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${sim.url}/nothing-here`)).status).toBe(401);
    });
  });

  describe('faults', () => {
    it('an outage window answers every request 503, token calls included', async () => {
      const now = sim.now().getTime();
      sim.setFaults({ outageWindows: [{ start: new Date(now - 1000), end: new Date(now + 60_000) }] });
      expect((await api('GET', '/api/v2/suppliers/S-1001')).status).toBe(503);
      expect((await tokenFor(sim)).status).toBe(503);
      sim.advanceClock(61_000);
      api = apiFor(sim, (await tokenFor(sim)).body.access_token as string);
      expect((await api('GET', '/api/v2/suppliers/S-1001')).status).toBe(200);
      sim.setFaults({ outage: true });
      expect((await api('GET', '/api/v2/suppliers/S-1001')).status).toBe(503);
    });

    it('an error rate answers 500 to that share of API calls', async () => {
      let n = 0;
      await sim.close();
      sim = await ProcurementSimulator.start({ ...seed, random: () => (n++ % 2 === 0 ? 0.1 : 0.9) });
      api = apiFor(sim, (await tokenFor(sim)).body.access_token as string);
      sim.setFaults({ errorRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await api('GET', '/api/v2/suppliers/S-1001')).status);
      expect(statuses.sort()).toEqual([200, 200, 500, 500]);
    });

    it('adds latency', async () => {
      sim.setFaults({ latencyMs: 150 });
      const started = performance.now();
      await api('GET', '/api/v2/suppliers/S-1001');
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('a 429 burst answers the next calls 429 with the given Retry-After', async () => {
      sim.injectRateLimitBurst(2, 30);
      const a = await api('GET', '/api/v2/suppliers/S-1001');
      const b = await api('GET', '/api/v2/suppliers/S-1001');
      const c = await api('GET', '/api/v2/suppliers/S-1001');
      expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
      expect(a.headers.get('retry-after')).toBe('30');
    });
  });
});

describe('procurement simulator: webhooks', () => {
  let sim: ProcurementSimulator;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiFor>;
  const SECRET = 'proc-secret';

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    sim = await ProcurementSimulator.start({
      ...seed,
      webhooks: { url: receiver.url, secret: SECRET, retry: { maxRetries: 6, baseDelayMs: 10 } },
      acknowledgement: { delayMs: 5, partialRatio: 0.9, lateByDays: 2 },
    });
    api = apiFor(sim, (await tokenFor(sim)).body.access_token as string);
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  async function orderFrom(item: string, quantity = 480) {
    const sr = await api(
      'POST',
      '/api/v2/sourcing-requests',
      srBody(`R-${item}`, { item_code: item, quantity }),
    );
    return (
      await api('POST', '/api/v2/purchase-orders', {
        sourcing_request_id: sr.body.id,
        external_ref: `P-${item}`,
      })
    ).body as { po_number: string };
  }

  const verify = (headers: Record<string, unknown>, raw: Buffer, secrets = [SECRET]) =>
    verifyProcurementSignature(
      { timestamp: headers['x-proc-timestamp'] as string, signature: headers['x-proc-signature'] as string },
      raw,
      { secrets, now: new Date() },
    );

  it('a full acknowledgement is signed, carries the event type only in X-Proc-Event, and sets the PO acknowledged', async () => {
    const po = await orderFrom('SKU-10442');
    const [hook] = await receiver.waitFor(1);
    expect(hook!.headers['x-proc-event']).toBe('purchase_order.acknowledged');
    expect(verify(hook!.headers, hook!.raw)).toEqual({ ok: true });
    expect(hook!.json).toEqual({
      event_id: expect.any(String),
      po_number: po.po_number,
      revision: 1,
      acknowledged_at: expect.any(String),
      lines: [{ line_no: 1, confirmed_qty: 480, confirmed_date: '2026-12-07' }],
      supplier_number: 'S-1001',
    });
    expect((await api('GET', `/api/v2/purchase-orders/${po.po_number}`)).body).toMatchObject({
      status: 'acknowledged',
      revision: 1,
    });
  });

  it.each([
    ['partial', 'SKU-40004', { confirmed_qty: 432, confirmed_date: '2026-12-07' }],
    ['late', 'SKU-50005', { confirmed_qty: 480, confirmed_date: '2026-12-09' }],
  ])('a %s supplier confirms accordingly', async (_b, item, line) => {
    await orderFrom(item);
    const [hook] = await receiver.waitFor(1);
    expect(hook!.json.lines).toEqual([{ line_no: 1, ...line }]);
  });

  it('a supplier that never acknowledges sends nothing; a test can trigger it', async () => {
    const po = await orderFrom('SKU-60006');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sim.settle();
    expect(receiver.received).toHaveLength(0);
    sim.acknowledgePurchaseOrder(po.po_number, {
      lines: [{ line_no: 1, confirmed_qty: 100, confirmed_date: '2026-12-20' }],
    });
    const [hook] = await receiver.waitFor(1);
    expect(hook!.json.lines).toEqual([{ line_no: 1, confirmed_qty: 100, confirmed_date: '2026-12-20' }]);
    expect(sim.confirmation(po.po_number)).toEqual(hook!.json.lines);
  });

  it('purchase_order.changed carries the next revision and the lines', async () => {
    sim.setSupplierAckBehaviour('S-1001', 'never');
    const po = await orderFrom('SKU-10442');
    sim.changePurchaseOrder(po.po_number, { qty: 450, need_by: '2026-12-09' });
    const [hook] = await receiver.waitFor(1);
    expect(hook!.headers['x-proc-event']).toBe('purchase_order.changed');
    expect(hook!.json).toMatchObject({
      po_number: po.po_number,
      revision: 2,
      status: 'issued',
      lines: [
        {
          line_no: 1,
          item_code: 'SKU-10442',
          qty: 450,
          uom: 'EA',
          unit_price: '3.10',
          need_by: '2026-12-09',
        },
      ],
    });
    expect(verify(hook!.headers, hook!.raw)).toEqual({ ok: true });
  });

  it('supplier.updated announces a status change', async () => {
    sim.setSupplierStatus('S-1001', 'on_hold');
    const [hook] = await receiver.waitFor(1);
    expect(hook!.headers['x-proc-event']).toBe('supplier.updated');
    expect(hook!.json).toEqual({
      event_id: expect.any(String),
      supplier_number: 'S-1001',
      status: 'on_hold',
      updated_at: expect.any(String),
    });
  });

  it('retries non-2xx answers, re-signing each attempt with a fresh timestamp, until a 2xx', async () => {
    receiver.answer = (i) => (i < 2 ? 500 : 204);
    sim.setSupplierStatus('S-1001', 'blocked');
    const hooks = await receiver.waitFor(3);
    await sim.settle();
    expect(hooks.map((h) => h.answeredWith)).toEqual([500, 500, 204]);
    expect(new Set(hooks.map((h) => h.json.event_id)).size).toBe(1);
    expect(new Set(hooks.map((h) => h.headers['x-proc-timestamp'])).size).toBe(3);
    for (const h of hooks) expect(verify(h.headers, h.raw)).toEqual({ ok: true });
    expect(sim.deliveries[0]!.state).toBe('delivered');
  });

  it('gives up after 6 retries', async () => {
    receiver.answer = () => 503;
    sim.setSupplierStatus('S-1001', 'blocked');
    await sim.settle();
    expect(receiver.received).toHaveLength(7);
    expect(sim.deliveries[0]!.state).toBe('failed');
  });

  it('signs with a rotated secret; receivers holding both secrets accept', async () => {
    sim.setSubscriber(receiver.url, 'proc-secret-2');
    sim.setSupplierStatus('S-1001', 'pending');
    const [hook] = await receiver.waitFor(1);
    expect(verify(hook!.headers, hook!.raw)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(hook!.headers, hook!.raw, ['proc-secret-2', SECRET])).toEqual({ ok: true });
  });

  it('can deliver an event twice (at least once), same event_id', async () => {
    sim.setFaults({ duplicateWebhookRate: 1 });
    const update = sim.setSupplierStatus('S-1001', 'pending');
    const hooks = await receiver.waitFor(2);
    expect(hooks.map((h) => h.json.event_id)).toEqual([hooks[0]!.json.event_id, hooks[0]!.json.event_id]);
    expect(update.status).toBe('pending');
    sim.redeliverWebhook(hooks[0]!.json.event_id as string);
    expect((await receiver.waitFor(3))[2]!.json.event_id).toBe(hooks[0]!.json.event_id);
  });
});
