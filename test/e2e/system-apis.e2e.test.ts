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
import { startOnTryton, waitingOutThrottle } from './support';

let tryton: TrytonSandbox;
let environment: LocalEnvironment;
let erp: TrytonErp;
let reader: string;
/** The WMS application: items, locations and inventory (the BI tool reads no stock). */
let warehouseSystem: string;

beforeAll(async () => {
  ({ tryton, environment, erp } = await startOnTryton());
  reader = await environment.runtime.identity.token({ application: 'bi' });
  warehouseSystem = await environment.runtime.identity.token({ application: 'wms' });
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
async function get(
  documented: string,
  path: string,
  headers: Record<string, string> = {},
  token = reader,
): Promise<Answer> {
  const runtime = environment.runtime;
  const response = await waitingOutThrottle(() =>
    fetch(`${runtime.baseUrl}${path}`, {
      headers: { 'x-api-key': runtime.apiKey, authorization: `Bearer ${token}`, ...headers },
    }),
  );
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

  it('lists the whole item master (the bounded refresh listed it), a page at a time, and from updatedSince', async () => {
    const codes: string[] = [];
    let cursor: unknown = undefined;
    do {
      const page = await get('/v1/items', `/v1/items?limit=2${cursor ? `&cursor=${String(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      expect((page.body.items as unknown[]).length).toBeLessThanOrEqual(2);
      codes.push(...(page.body.items as { itemCode: string }[]).map((item) => item.itemCode));
      cursor = page.body.nextCursor;
    } while (cursor);
    // Every item Tryton holds, each once, none of them read by id first.
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(['SKU-10442', 'SKU-10443', 'SKU-20991', 'SKU-30001']));
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

describe('locations', () => {
  it('joins each Tryton warehouse with the sites mapped to it, orderable only when active', async () => {
    const east = await get('/v1/locations/{warehouseCode}', '/v1/locations/WH-EAST', {}, warehouseSystem);
    expect(east.status).toBe(200);
    expect(east.body).toMatchObject({
      warehouseCode: 'WH-EAST',
      sites: ['DC-EAST-02', 'DC-EAST-03'],
      erp: { known: true, active: true },
      orderable: true,
    });
    const north = await get('/v1/locations/{warehouseCode}', '/v1/locations/WH-NORTH', {}, warehouseSystem);
    expect(north.body).toMatchObject({
      sites: ['DC-NORTH-01'],
      erp: { known: true, active: false },
      orderable: false,
    });
    const south = await get('/v1/locations/{warehouseCode}', '/v1/locations/WH-SOUTH', {}, warehouseSystem);
    expect(south.body).toMatchObject({ sites: ['DC-SOUTH-01'], erp: { known: false }, orderable: false });
    const held = await get(
      '/v1/locations/{warehouseCode}',
      '/v1/locations/WH-EAST',
      { 'if-none-match': east.headers.get('etag')! },
      warehouseSystem,
    );
    expect(held.status).toBe(304);
    const orderable = await get('/v1/locations', '/v1/locations?orderable=true', {}, warehouseSystem);
    const codes = (orderable.body.items as { warehouseCode: string }[]).map((l) => l.warehouseCode);
    expect(codes).toContain('WH-EAST');
    expect(codes).not.toContain('WH-NORTH');
    expect(
      (await get('/v1/locations/{warehouseCode}', '/v1/locations/WH-NOWHERE', {}, warehouseSystem)).status,
    ).toBe(404);
    expect((await get('/v1/locations', '/v1/locations?orderable=perhaps', {}, warehouseSystem)).status).toBe(
      400,
    );
  });
});

describe('inventory balances', () => {
  it('answers an item’s on-hand and forecast stock in a Tryton warehouse, listed by item', async () => {
    const answer = await get(
      '/v1/inventory-balances/{balanceId}',
      '/v1/inventory-balances/SKU-10442@WH-EAST',
      {},
      warehouseSystem,
    );
    expect(answer.status).toBe(200);
    const stock = await erp.getInventoryBalance('SKU-10442', 'WH-EAST');
    expect(answer.body).toMatchObject({
      balanceId: 'SKU-10442@WH-EAST',
      itemCode: 'SKU-10442',
      warehouseCode: 'WH-EAST',
      ...stock,
    });
    // Stock moves without events: a balance is reusable for a minute at most.
    expect(Number(/max-age=(\d+)/.exec(answer.headers.get('cache-control')!)![1])).toBeLessThanOrEqual(60);
    const listed = await get(
      '/v1/inventory-balances',
      '/v1/inventory-balances?itemCode=SKU-10442',
      {},
      warehouseSystem,
    );
    expect((listed.body.items as { balanceId: string }[]).map((b) => b.balanceId)).toContain(
      'SKU-10442@WH-EAST',
    );
    for (const balanceId of ['SKU-NOT-THERE@WH-EAST', 'SKU-10442@WH-SOUTH'])
      expect(
        (
          await get(
            '/v1/inventory-balances/{balanceId}',
            `/v1/inventory-balances/${balanceId}`,
            {},
            warehouseSystem,
          )
        ).status,
        balanceId,
      ).toBe(404);
    for (const path of ['/v1/inventory-balances?itemCode=SKU%2010442', '/v1/inventory-balances?limit=500'])
      expect((await get('/v1/inventory-balances', path, {}, warehouseSystem)).status, path).toBe(400);
    // A balance id that is not `<item>@<warehouse>`: refused before any read.
    expect(
      (
        await get(
          '/v1/inventory-balances/{balanceId}',
          '/v1/inventory-balances/SKU-10442',
          {},
          warehouseSystem,
        )
      ).status,
    ).toBe(400);
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
