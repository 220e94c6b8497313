/**
 * The system APIs against the real Tryton, through the local runtime's governed API: the BI
 * application's access token from the local OpenID Connect provider, the template's authorizer, the
 * bundled readers filling the read store (dynalite) from Tryton and the procurement simulator, and
 * the invalidation consumer on the bus. Items, suppliers and a purchase order by id and listed,
 * updatedSince and cursors, 304 on a held ETag, an event making the next read refill, bad input;
 * every answer is checked against the OpenAPI document.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrytonErp } from '../../adapters/erp/tryton/tryton-erp';
import { ProcurementClient } from '../../adapters/procurement/client';
import { ProcurementPlatform } from '../../adapters/procurement/platform';
import { buildEvent } from '../../canonical/envelope';
import openApi from '../../canonical/generated/openapi.json';
import type { LocalEnvironment } from '../../local/environment';
import { expectDocumentedAnswer } from '../support/openapi';
import type { TrytonSandbox } from '../support/tryton';
import { startOnTryton } from './support';

let tryton: TrytonSandbox;
let environment: LocalEnvironment;
let erp: TrytonErp;
let reader: string;

beforeAll(async () => {
  ({ tryton, environment, erp } = await startOnTryton());
  reader = await environment.runtime.identity.token({ application: 'bi' });
}, 300_000);

afterAll(async () => {
  await environment?.stop();
  await tryton?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** GET `path`, checked against the operation `documented` of the OpenAPI document. */
async function get(documented: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const runtime = environment.runtime;
  const response = await fetch(`${runtime.baseUrl}${path}`, {
    headers: { 'x-api-key': runtime.apiKey, authorization: `Bearer ${reader}`, ...headers },
  });
  const text = await response.text();
  if (response.status === 304) {
    const operation = (openApi.paths as unknown as Record<string, { get: { responses: object } }>)[
      documented
    ];
    expect(Object.keys(operation!.get.responses)).toContain('304');
    expect(text).toBe('');
    return { status: 304, headers: response.headers, body: {} };
  }
  const body = JSON.parse(text) as Record<string, unknown>;
  expectDocumentedAnswer('GET', documented, {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
  });
  return { status: response.status, headers: response.headers, body };
}

const waitFor = async (what: string, check: () => Promise<boolean>) => {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('items', () => {
  it('reads an item from Tryton once, then from the store, and answers 304 to its ETag', async () => {
    const first = await get('/v1/items/{itemCode}', '/v1/items/SKU-10442');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      itemCode: 'SKU-10442',
      status: 'ACTIVE',
      purchasable: true,
      baseUom: 'EA',
    });
    expect(first.headers.get('as-of')).toBe(first.body.asOf);
    expect(first.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    const second = await get('/v1/items/{itemCode}', '/v1/items/SKU-10442');
    // Served from the store: the same read of Tryton, the same tag.
    expect(second.body.asOf).toBe(first.body.asOf);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    const conditional = await get('/v1/items/{itemCode}', '/v1/items/SKU-10442', {
      'if-none-match': first.headers.get('etag')!,
    });
    expect(conditional.status).toBe(304);
    expect(conditional.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('refills an item after its item.updated event, keeping updatedAt when nothing changed', async () => {
    const before = await get('/v1/items/{itemCode}', '/v1/items/SKU-10443');
    const { runtime } = environment;
    const event = buildEvent(
      'item.updated',
      {
        itemCode: 'SKU-10443',
        name: 'changed',
        status: 'ACTIVE',
        purchasable: true,
        baseUom: 'EA',
        updatedAt: new Date().toISOString(),
      },
      {
        sourceObjectId: 'SKU-10443',
        sourceVersion: 2,
        occurredAt: new Date(),
        tenantId: 'local',
        correlationId: crypto.randomUUID(),
        idempotencyKey: `Item#SKU-10443#${Date.now()}`,
      },
      { now: () => new Date(), newId: () => crypto.randomUUID() },
    );
    const put = await runtime.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: runtime.bus.name,
            Source: 'supplyline.erp',
            DetailType: 'item.updated',
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    await waitFor('the item to be read again', async () => {
      const after = await get('/v1/items/{itemCode}', '/v1/items/SKU-10443');
      return after.body.asOf !== before.body.asOf;
    });
    const after = await get('/v1/items/{itemCode}', '/v1/items/SKU-10443');
    expect(after.body.updatedAt).toBe(before.body.updatedAt);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('lists what the store holds, a page at a time, and from updatedSince', async () => {
    await get('/v1/items/{itemCode}', '/v1/items/SKU-10442');
    await get('/v1/items/{itemCode}', '/v1/items/SKU-10443');
    const first = await get('/v1/items', '/v1/items?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get('/v1/items', `/v1/items?limit=1&cursor=${String(first.body.nextCursor)}`);
    const codes = [first, second].map((page) => (page.body.items as { itemCode: string }[])[0]!.itemCode);
    expect(new Set(codes)).toEqual(new Set(['SKU-10442', 'SKU-10443']));
    const future = await get(
      '/v1/items',
      `/v1/items?updatedSince=${new Date(Date.now() + 60_000).toISOString()}`,
    );
    expect(future.body).toMatchObject({ items: [], nextCursor: null });
    const active = await get('/v1/items', '/v1/items?status=ACTIVE&updatedSince=2020-01-01T00:00:00Z');
    expect((active.body.items as unknown[]).length).toBeGreaterThanOrEqual(2);
    const same = await get('/v1/items', '/v1/items?status=ACTIVE&updatedSince=2020-01-01T00:00:00Z', {
      'if-none-match': active.headers.get('etag')!,
    });
    expect(same.status).toBe(304);
  });

  it('answers 404 for an item Tryton does not know, and 400 problem+json for bad input', async () => {
    expect((await get('/v1/items/{itemCode}', '/v1/items/SKU-NOT-THERE')).status).toBe(404);
    for (const path of [
      '/v1/items?limit=0',
      '/v1/items?status=GONE',
      '/v1/items?cursor=forged',
      '/v1/items?updatedSince=soon',
    ])
      expect((await get('/v1/items', path)).status, path).toBe(400);
  });
});

describe('suppliers', () => {
  it('joins procurement’s status and the Tryton party into the supplier with its eligibility', async () => {
    const approved = await get('/v1/suppliers/{supplierNumber}', '/v1/suppliers/S-1001');
    expect(approved.body).toMatchObject({
      supplierNumber: 'S-1001',
      procurementStatus: 'APPROVED',
      erp: { known: true, active: true },
      eligible: true,
    });
    const blocked = await get('/v1/suppliers/{supplierNumber}', '/v1/suppliers/S-2002');
    expect(blocked.body).toMatchObject({ procurementStatus: 'BLOCKED', eligible: false });
    const eligible = await get('/v1/suppliers', '/v1/suppliers?eligible=true');
    const numbers = (eligible.body.items as { supplierNumber: string }[]).map((s) => s.supplierNumber);
    expect(numbers).toContain('S-1001');
    expect(numbers).not.toContain('S-2002');
  });
});

describe('purchase orders', () => {
  it('answers an order as procurement and Tryton hold it, listed by supplier', async () => {
    const { procurement } = environment;
    const platform = new ProcurementPlatform(
      new ProcurementClient({
        baseUrl: procurement!.url,
        credentials: { clientId: 'supplyline', clientSecret: 'supplyline-secret' },
      }),
    );
    const externalRef = `SYSAPI-${crypto.randomUUID().slice(0, 8)}`;
    const request = await platform.createSourcingRequest(
      {
        externalRef: `${externalRef}-sr`,
        itemCode: 'SKU-10442',
        site: 'DC-EAST-02',
        quantityEa: '48',
        needBy: '2027-01-15',
      },
      { idempotencyKey: `${externalRef}-sr` },
    );
    const order = await platform.awardPurchaseOrder(
      { sourcingRequestId: request.requestId, externalRef },
      { idempotencyKey: `${externalRef}-award` },
    );
    const line = order.lines[0]!;
    const posted = await erp.postPurchaseOrder({
      externalRef,
      supplierNumber: order.supplierNumber,
      warehouseCode: 'WH-EAST',
      purchaseDate: new Date().toISOString().slice(0, 10),
      currency: 'USD',
      lines: [
        {
          itemCode: line.itemCode,
          quantityEa: line.quantityEa,
          unitPrice: line.unitPrice,
          deliveryDate: line.needBy,
        },
      ],
    });
    const answer = await get('/v1/purchase-orders/{poId}', `/v1/purchase-orders/${order.poNumber}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      poNumber: order.poNumber,
      externalRef,
      procurement: { supplierNumber: order.supplierNumber, currency: 'USD' },
      erp: { erpNumber: posted.number, status: 'ISSUED', warehouseCode: 'WH-EAST' },
      receipts: [],
    });
    const listed = await get(
      '/v1/purchase-orders',
      `/v1/purchase-orders?supplierNumber=${order.supplierNumber}`,
    );
    expect((listed.body.items as { poNumber: string }[]).map((po) => po.poNumber)).toContain(order.poNumber);
    expect((await get('/v1/purchase-orders/{poId}', '/v1/purchase-orders/PO-NOT-THERE')).status).toBe(404);
  });
});
