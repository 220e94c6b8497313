/**
 * The system API handlers (item-read, supplier-read, purchase-order-read) with AWS mocked at the
 * SDK boundary (the read store and breaker tables, secrets, the bus) and the ERP and procurement as
 * the local simulators over HTTP. Every answer is checked against the OpenAPI document; bad and
 * hostile input is a 400 problem+json that touches neither the store nor any system.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { API_ROUTES } from '../../../application/api-routes';
import { BUSINESS_RULES_ENV_VAR } from '../../../application/resources';
import { ENVIRONMENTS } from '../../../application/environments';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import openApi from '../../../canonical/generated/openapi.json';
import { entityTag } from '../../../domain/system-apis/read-through';
import type { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import type { ProcurementSimulator } from '../../../local/simulators/procurement/server';
import { expectDocumentedAnswer } from '../../support/openapi';
import { dynamo, eventBridge, secrets } from '../workflow/support';
import { answerConnectorSecrets, startSimulatedSystems } from './simulated-systems';
import { apiEvent, expectProblem, type ApiHandler } from './support';

const STORE = 'system-read-store';
let erp: ErpSimulatorServer;
let procurement: ProcurementSimulator;
let items: ApiHandler;
let suppliers: ApiHandler;
let orders: ApiHandler;

beforeAll(async () => {
  ({ erp, procurement } = await startSimulatedSystems({
    SYSTEM_READ_STORE_TABLE_NAME: STORE,
    [BUSINESS_RULES_ENV_VAR]: JSON.stringify(ENVIRONMENTS.dev.business),
  }));
  ({ handler: items } = await import('../../../functions/api/item-read'));
  ({ handler: suppliers } = await import('../../../functions/api/supplier-read'));
  ({ handler: orders } = await import('../../../functions/api/purchase-order-read'));
});
afterAll(async () => {
  await erp?.close();
  await procurement?.close();
});

beforeEach(() => {
  for (const mock of [secrets, dynamo, eventBridge]) mock.reset();
  answerConnectorSecrets();
  // An empty store, a closed breaker, granted budget windows, leases and fills.
  dynamo.on(GetCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: { used: 1 } });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
});

const authorizer = {
  subject: 'wms-client',
  issuer: 'https://idp.test',
  scopes: 'x',
  callerKind: 'application',
};

function request(
  handler: ApiHandler,
  path: string,
  options: {
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
) {
  const event = apiEvent({ method: 'GET', path, ...options });
  return handler({
    ...event,
    headers: { ...event.headers, ...options.headers },
    requestContext: { ...event.requestContext, authorizer },
  } as typeof event);
}

function documented(path: string, response: APIGatewayProxyResult): void {
  if (response.statusCode === 304) {
    const operation = (
      openApi.paths as unknown as Record<string, { get: { responses: Record<string, unknown> } }>
    )[path]!.get;
    expect(operation.responses['304']).toBeDefined();
    expect(response.body).toBe('');
    return;
  }
  expectDocumentedAnswer('GET', path, {
    status: response.statusCode,
    contentType: String(response.headers?.['content-type'] ?? ''),
    body: JSON.parse(response.body),
  });
}

/** The read store's UpdateCommands (leases, fills) sent so far. */
const storeWrites = () =>
  dynamo.commandCalls(UpdateCommand).filter((call) => call.args[0].input.TableName === STORE);

/** A stored item as DynamoDB returns it. */
function storedItem(body: Record<string, unknown>, asOf: string, extra: Record<string, unknown> = {}) {
  return {
    pk: `item#${String(body.itemCode)}`,
    view: 'item',
    id: body.itemCode,
    body: JSON.stringify(body),
    etag: entityTag(body),
    asOf,
    updatedAt: asOf,
    filters: { status: String(body.status) },
    ...extra,
  };
}

/** The item listing's entry (domain/system-apis/catalogue.ts): fresh, and cut (so it proves no absence). */
function cutListing() {
  const asOf = new Date(Date.now() - 1000).toISOString();
  dynamo.on(GetCommand, { TableName: STORE, Key: { pk: 'item#*' } }).resolves({
    Item: {
      pk: 'item#*',
      view: 'item',
      id: '*',
      body: 'null',
      etag: entityTag(null),
      asOf,
      updatedAt: asOf,
      filters: { complete: 'false' },
    },
  });
}

const widget = {
  itemCode: 'SKU-10442',
  name: 'Cola 12oz can',
  status: 'ACTIVE',
  purchasable: true,
  baseUom: 'EA',
};

describe('GET /v1/items/{itemCode}', () => {
  const PATH = '/v1/items/{itemCode}';

  it('lists the item master on a cold store and fills every item it holds, each under its lease', async () => {
    const before = erp.calls.length;
    const response = await request(items, '/v1/items/SKU-10443', {
      pathParameters: { itemCode: 'SKU-10443' },
    });
    // One listing and no per-id read (the mocked store keeps none of the writes, so what it then
    // answers says nothing: the store's own semantics are the domain and integration tests').
    expect(erp.calls.slice(before).map((call) => call.operation)).toEqual(['listItems']);
    documented(PATH, response);
    const filled = storeWrites()
      .map((call) => call.args[0].input)
      .filter((input) => input.ExpressionAttributeValues?.[':etag'] !== undefined)
      .map((input) => input.Key?.pk);
    const seeded = (await erp.simulator.listItems({ limit: 500 })).map((item) => `item#${item.itemCode}`);
    expect(filled).toEqual(expect.arrayContaining([...seeded, 'item#*']));
  });

  it('fills a miss from the ERP in one call under the lease, and answers with its freshness', async () => {
    cutListing();
    const before = erp.calls.length;
    const response = await request(items, '/v1/items/SKU-10442', {
      pathParameters: { itemCode: 'SKU-10442' },
    });
    expect(response.statusCode).toBe(200);
    documented(PATH, response);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(body).toMatchObject({ itemCode: 'SKU-10442', status: 'ACTIVE', baseUom: 'EA' });
    expect(response.headers).toMatchObject({ 'as-of': body.asOf, etag: expect.stringMatching(/^"/) });
    expect(response.headers?.['cache-control']).toMatch(/^private, max-age=\d+$/);
    expect(erp.calls.slice(before).map((call) => call.operation)).toEqual(['getItem']);
    // The lease (conditional on no live lease), then the fill (conditional on owning the lease).
    const [lease, fill] = storeWrites().map((call) => call.args[0].input);
    expect(lease?.ConditionExpression).toBe('attribute_not_exists(#until) OR #until <= :now');
    expect(lease?.ExpressionAttributeNames).toMatchObject({ '#until': 'leaseUntil' });
    expect(fill?.ExpressionAttributeValues?.[':position']).toMatch(/^\d{4}-.*#SKU-10442$/);
    // The read took the ERP budget's bulk lane (endpoint erp, limit 10 of 25).
    const budget = dynamo
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input)
      .find((input) => String(input.Key?.endpoint).startsWith('budget#erp#'));
    expect(budget?.ExpressionAttributeValues?.[':limit']).toBe(10);
  });

  it('answers a fresh stored view without the ERP, and 304 when the caller holds its tag', async () => {
    const asOf = new Date(Date.now() - 1000).toISOString();
    dynamo.on(GetCommand, { TableName: STORE }).resolves({ Item: storedItem(widget, asOf) });
    const before = erp.calls.length;
    const full = await request(items, '/v1/items/SKU-10442', { pathParameters: { itemCode: 'SKU-10442' } });
    expect(full.statusCode).toBe(200);
    documented(PATH, full);
    expect(JSON.parse(full.body)).toEqual({ ...widget, updatedAt: asOf, asOf });
    const again = await request(items, '/v1/items/SKU-10442', {
      pathParameters: { itemCode: 'SKU-10442' },
      headers: { 'If-None-Match': String(full.headers?.etag) },
    });
    expect(again.statusCode).toBe(304);
    documented(PATH, again);
    expect(again.headers).toMatchObject({ etag: full.headers?.etag, 'as-of': asOf });
    expect(erp.calls.length).toBe(before);
    expect(storeWrites()).toHaveLength(0);
  });

  it('reads the ERP again for a view an event invalidated', async () => {
    const asOf = new Date(Date.now() - 1000).toISOString();
    const invalidatedAt = new Date(Date.now() - 500).toISOString();
    dynamo
      .on(GetCommand, { TableName: STORE })
      .resolves({ Item: storedItem(widget, asOf, { invalidatedAt }) });
    cutListing();
    const before = erp.calls.length;
    const response = await request(items, '/v1/items/SKU-10442', {
      pathParameters: { itemCode: 'SKU-10442' },
    });
    expect(response.statusCode).toBe(200);
    expect(erp.calls.slice(before).map((call) => call.operation)).toEqual(['getItem']);
  });

  it('answers 404 problem+json for an item no system knows', async () => {
    cutListing();
    const response = await request(items, '/v1/items/SKU-NOPE', { pathParameters: { itemCode: 'SKU-NOPE' } });
    expectProblem(response, 404, 'item-not-found');
    documented(PATH, response);
  });

  it('answers 503 try-again when the ERP budget’s bulk lane is spent and the store has no copy', async () => {
    dynamo
      .on(UpdateCommand, { TableName: 'circuit-breaker' })
      .rejects(Object.assign(new Error('spent'), { name: 'ConditionalCheckFailedException' }));
    const before = erp.calls.length;
    const response = await request(items, '/v1/items/SKU-10443', {
      pathParameters: { itemCode: 'SKU-10443' },
    });
    expectProblem(response, 503, 'try-again');
    documented(PATH, response);
    expect(erp.calls.length).toBe(before);
  });
});

describe('GET /v1/locations/{warehouseCode}', () => {
  const PATH = '/v1/locations/{warehouseCode}';

  it('joins the ERP warehouse and the sites mapped to it, orderable only when active and mapped', async () => {
    for (const [warehouseCode, expected] of [
      [
        'WH-EAST',
        {
          sites: ['DC-EAST-02', 'DC-EAST-03'],
          erp: { known: true, active: true, name: 'East distribution center' },
          orderable: true,
        },
      ],
      ['WH-NORTH', { sites: ['DC-NORTH-01'], erp: { known: true, active: false }, orderable: false }],
      [
        'WH-SOUTH',
        { sites: ['DC-SOUTH-01'], erp: { known: false, active: false, name: null }, orderable: false },
      ],
    ] as const) {
      const before = erp.calls.length;
      const response = await request(items, `/v1/locations/${warehouseCode}`, {
        pathParameters: { warehouseCode },
      });
      expect(response.statusCode, warehouseCode).toBe(200);
      documented(PATH, response);
      expect(JSON.parse(response.body)).toMatchObject({ warehouseCode, ...expected });
      expect(response.headers).toMatchObject({ etag: expect.stringMatching(/^"/) });
      expect(erp.calls.slice(before).map((call) => call.operation)).toEqual(['getWarehouse']);
      const fill = storeWrites().at(-1)!.args[0].input;
      expect(fill.Key).toEqual({ pk: `location#${warehouseCode}` });
      expect(fill.ExpressionAttributeValues?.[':filters']).toEqual({ orderable: String(expected.orderable) });
    }
  });

  it('answers 404 for a warehouse neither the ERP nor any site knows', async () => {
    const response = await request(items, '/v1/locations/WH-NOWHERE', {
      pathParameters: { warehouseCode: 'WH-NOWHERE' },
    });
    expectProblem(response, 404, 'location-not-found');
    documented(PATH, response);
  });
});

describe('GET /v1/inventory-balances/{balanceId}', () => {
  const PATH = '/v1/inventory-balances/{balanceId}';

  it('answers an item’s on-hand and forecast stock in a warehouse from one ERP read', async () => {
    const before = erp.calls.length;
    const response = await request(items, '/v1/inventory-balances/SKU-10442@WH-EAST', {
      pathParameters: { balanceId: 'SKU-10442@WH-EAST' },
    });
    expect(response.statusCode).toBe(200);
    documented(PATH, response);
    const body = JSON.parse(response.body) as Record<string, string>;
    expect(body).toMatchObject({
      balanceId: 'SKU-10442@WH-EAST',
      itemCode: 'SKU-10442',
      warehouseCode: 'WH-EAST',
    });
    // The simulator's stock, as the ERP port reads it.
    expect({ onHandEa: body.onHandEa, forecastEa: body.forecastEa }).toEqual(
      await erp.simulator.getInventoryBalance('SKU-10442', 'WH-EAST'),
    );
    expect(erp.calls.slice(before).map((call) => call.operation)).toEqual(['getInventoryBalance']);
    // Lists filter by item and warehouse: the fill records both.
    expect(storeWrites().at(-1)!.args[0].input.ExpressionAttributeValues?.[':filters']).toEqual({
      itemCode: 'SKU-10442',
      warehouseCode: 'WH-EAST',
    });
    // Balances go stale after a minute (stock moves without events).
    expect(response.headers?.['cache-control']).toMatch(/^private, max-age=(59|60)$/);
  });

  it('answers 404 for an item or a warehouse the ERP does not know', async () => {
    for (const balanceId of ['SKU-NOPE@WH-EAST', 'SKU-10442@WH-SOUTH']) {
      const response = await request(items, `/v1/inventory-balances/${balanceId}`, {
        pathParameters: { balanceId },
      });
      expectProblem(response, 404, 'inventory-balance-not-found');
      documented(PATH, response);
    }
  });
});

describe('GET /v1/suppliers/{supplierNumber}', () => {
  it('joins procurement’s status and the ERP party into one view with its eligibility', async () => {
    for (const [supplierNumber, expected] of [
      ['S-1001', { procurementStatus: 'APPROVED', erp: { known: true, active: true }, eligible: true }],
      ['S-2002', { procurementStatus: 'BLOCKED', eligible: false }],
      [
        'S-3003',
        { procurementStatus: 'APPROVED', erp: { known: false, active: false, name: null }, eligible: false },
      ],
      ['S-4004', { erp: { known: true, active: false }, eligible: false }],
    ] as const) {
      const response = await request(suppliers, `/v1/suppliers/${supplierNumber}`, {
        pathParameters: { supplierNumber },
      });
      expect(response.statusCode, supplierNumber).toBe(200);
      documented('/v1/suppliers/{supplierNumber}', response);
      expect(JSON.parse(response.body)).toMatchObject({ supplierNumber, ...expected });
    }
  });
});

describe('GET /v1/purchase-orders/{poId}', () => {
  it('answers 404 for an order procurement does not know, reading neither ERP nor ledger', async () => {
    const before = erp.calls.length;
    const response = await request(orders, '/v1/purchase-orders/PO-NOPE', {
      pathParameters: { poId: 'PO-NOPE' },
    });
    expectProblem(response, 404, 'purchase-order-not-found');
    documented('/v1/purchase-orders/{poId}', response);
    expect(erp.calls.length).toBe(before);
  });
});

describe('the gateway', () => {
  it('admits the issue’s read load on every system API route: 100/s, and 200 callers at once', () => {
    const readers = new Set(['item-read', 'supplier-read', 'purchase-order-read']);
    const routes = API_ROUTES.filter((route) => readers.has(route.handler));
    expect(routes).toHaveLength(10);
    for (const route of routes) {
      expect(route.throttle?.rateLimit, route.path).toBeGreaterThanOrEqual(100);
      expect(route.throttle?.burstLimit, route.path).toBeGreaterThanOrEqual(200);
    }
  });
});

describe('the lists', () => {
  it('pages items in the order they changed, from updatedSince, with a cursor for the next page', async () => {
    const asOf = '2026-12-05T05:00:00.000Z';
    dynamo.on(QueryCommand).resolves({ Items: [storedItem(widget, asOf)], LastEvaluatedKey: { pk: 'x' } });
    const response = await request(items, '/v1/items', {
      query: { status: 'ACTIVE', updatedSince: '2026-12-01T00:00:00Z', limit: '1' },
    });
    expect(response.statusCode).toBe(200);
    documented('/v1/items', response);
    const page = JSON.parse(response.body) as { items: unknown[]; nextCursor: string; asOf: string };
    expect(page).toMatchObject({ items: [{ itemCode: 'SKU-10442', asOf }], asOf });
    const query = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({ IndexName: 'byView', Limit: 1 });
    expect(query.ExpressionAttributeValues).toMatchObject({
      ':view': 'item',
      ':after': '2026-12-01T00:00:00Z#',
      ':f0': 'ACTIVE',
    });
    // The cursor continues after the last item answered.
    const next = await request(items, '/v1/items', { query: { status: 'ACTIVE', cursor: page.nextCursor } });
    expect(next.statusCode).toBe(200);
    expect(dynamo.commandCalls(QueryCommand)[1]!.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':after': `${asOf}#SKU-10442`,
    });
    const same = await request(items, '/v1/items', {
      query: { status: 'ACTIVE', updatedSince: '2026-12-01T00:00:00Z', limit: '1' },
      headers: { 'if-none-match': String(response.headers?.etag) },
    });
    expect(same.statusCode).toBe(304);
  });

  it('refuses bad and hostile parameters on every route with 400 problem+json, touching nothing', async () => {
    const cases: [ApiHandler, string, string, Parameters<typeof request>[2]][] = [
      [items, '/v1/items', '/v1/items', { query: { limit: '0' } }],
      [items, '/v1/items', '/v1/items', { query: { limit: '1000' } }],
      [items, '/v1/items', '/v1/items', { query: { status: 'DELETED' } }],
      [items, '/v1/items', '/v1/items', { query: { updatedSince: 'yesterday' } }],
      [items, '/v1/items', '/v1/items', { query: { cursor: "'; DROP TABLE items;--" } }],
      [items, '/v1/items', '/v1/items', { query: { cursor: 'eyJzIjoieCIsInAiOiJ5In0' } }],
      [items, '/v1/items/{itemCode}', '/v1/items/x', { pathParameters: { itemCode: 'x'.repeat(65) } }],
      [
        items,
        '/v1/items/{itemCode}',
        '/v1/items/x',
        { pathParameters: { itemCode: '../../etc/passwd\u0000' } },
      ],
      [suppliers, '/v1/suppliers', '/v1/suppliers', { query: { eligible: 'maybe' } }],
      [suppliers, '/v1/suppliers', '/v1/suppliers', { query: { procurementStatus: 'approved' } }],
      [
        suppliers,
        '/v1/suppliers/{supplierNumber}',
        '/v1/suppliers/x',
        { pathParameters: { supplierNumber: '' + 'S'.repeat(100) } },
      ],
      [items, '/v1/locations', '/v1/locations', { query: { orderable: 'yes' } }],
      [items, '/v1/locations', '/v1/locations', { query: { limit: '101' } }],
      [
        items,
        '/v1/locations/{warehouseCode}',
        '/v1/locations/x',
        { pathParameters: { warehouseCode: '<script>alert(1)</script>' } },
      ],
      [items, '/v1/inventory-balances', '/v1/inventory-balances', { query: { itemCode: 'SKU 1' } }],
      [items, '/v1/inventory-balances', '/v1/inventory-balances', { query: { updatedSince: '2026-13-45' } }],
      [
        items,
        '/v1/inventory-balances/{balanceId}',
        '/v1/inventory-balances/x',
        { pathParameters: { balanceId: 'SKU-10442' } },
      ],
      [
        items,
        '/v1/inventory-balances/{balanceId}',
        '/v1/inventory-balances/x',
        { pathParameters: { balanceId: 'SKU-10442@WH-EAST@WH-WEST' } },
      ],
      [
        items,
        '/v1/inventory-balances/{balanceId}',
        '/v1/inventory-balances/x',
        { pathParameters: { balanceId: '@WH-EAST' } },
      ],
      [orders, '/v1/purchase-orders', '/v1/purchase-orders', { query: { status: 'LOST' } }],
      [orders, '/v1/purchase-orders', '/v1/purchase-orders', { query: { limit: '-1' } }],
      [
        orders,
        '/v1/purchase-orders/{poId}',
        '/v1/purchase-orders/x',
        { pathParameters: { poId: 'PO 1; rm -rf' } },
      ],
    ];
    const before = erp.calls.length;
    for (const [handler, documentedPath, path, options] of cases) {
      const response = await request(handler, path, options);
      expectProblem(response, 400, 'invalid-parameter');
      documented(documentedPath, response);
    }
    expect(erp.calls.length).toBe(before);
    expect(dynamo.calls()).toHaveLength(0);
  });
});
