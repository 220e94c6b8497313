/**
 * The process API handlers (purchase-order-validation, supplier-eligibility) with AWS mocked at the
 * SDK boundary (secrets, the breaker table, the bus) and the ERP and procurement as the local
 * simulators over HTTP, reached through the same connectors as in Lambda. Every answer is checked
 * against the OpenAPI document; bad input is a problem+json that reaches neither system.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PurchaseOrderValidation, SupplierEligibility } from '../../../canonical/generated/types';
import type { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import type { ProcurementSimulator } from '../../../local/simulators/procurement/server';
import { expectDocumentedAnswer } from '../../support/openapi';
import { purchaseOrderProposal } from '../../support/purchase-order-proposal';
import { dynamo, eventBridge, secrets } from '../workflow/support';
import { answerConnectorSecrets, startSimulatedSystems } from './simulated-systems';
import { apiEvent, expectJson, expectProblem, type ApiHandler } from './support';

let erp: ErpSimulatorServer;
let procurement: ProcurementSimulator;
let validate: ApiHandler;
let eligibility: ApiHandler;

const VALIDATIONS = '/v1/purchase-order-validations';
const ELIGIBILITY = '/v1/suppliers/{supplierNumber}/eligibility';
const WRITES = ['postPurchaseOrder', 'amendPurchaseOrder'];

beforeAll(async () => {
  ({ erp, procurement } = await startSimulatedSystems());

  ({ handler: validate } = await import('../../../functions/api/purchase-order-validation'));
  ({ handler: eligibility } = await import('../../../functions/api/supplier-eligibility'));
});
afterAll(async () => {
  await erp?.close();
  await procurement?.close();
});

beforeEach(() => {
  for (const mock of [secrets, dynamo, eventBridge]) mock.reset();
  answerConnectorSecrets();
  // The breaker is closed (no state kept); request budget windows are granted.
  dynamo.on(GetCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: { used: 1 } });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  erp.setFaults({ outage: false });
});

/** What the gateway hands over once the authorizer admitted a caller with `scope`. */
function authorized(event: ReturnType<typeof apiEvent>, scope: string) {
  const authorizer = { subject: 'bo.buyer', issuer: 'https://idp.test', scopes: scope, callerKind: 'person' };
  return { ...event, requestContext: { ...event.requestContext, authorizer } };
}

const post = (body: unknown) =>
  validate(
    authorized(apiEvent({ method: 'POST', path: VALIDATIONS, body }), 'supplyline/purchase-orders.validate'),
  );

const get = (supplierNumber: string | undefined, query: Record<string, string> | undefined) =>
  eligibility(
    authorized(
      apiEvent({
        method: 'GET',
        path: `/v1/suppliers/${supplierNumber}/eligibility`,
        ...(supplierNumber === undefined ? {} : { pathParameters: { supplierNumber } }),
        ...(query ? { query } : {}),
      }),
      'supplyline/suppliers.read',
    ),
  );

function documented(method: 'GET' | 'POST', path: string, response: APIGatewayProxyResult): void {
  expectDocumentedAnswer(method, path, {
    status: response.statusCode,
    contentType: String(response.headers?.['content-type'] ?? ''),
    body: JSON.parse(response.body),
  });
}

/** ERP calls and procurement requests made from here on, to show what a request touched. */
function touched() {
  const erpBefore = erp.calls.length;
  const procurementBefore = procurement.requests.length;
  return () => ({
    erp: erp.calls.slice(erpBefore).map((call) => call.operation),
    procurement: procurement.requests
      .slice(procurementBefore)
      .map((request) => `${request.method} ${request.path}`),
  });
}

describe('POST /v1/purchase-order-validations', () => {
  it('answers every check’s verdict and changes nothing in either system', async () => {
    const during = touched();
    const before = {
      requests: procurement.sourcingRequests().length,
      orders: procurement.purchaseOrders().length,
    };
    const response = await post(purchaseOrderProposal());
    const answer = expectJson<PurchaseOrderValidation>(response, 200);
    documented('POST', VALIDATIONS, response);
    expect(answer).toMatchObject({ outcome: 'accepted', totalValue: '3720.00', warehouseCode: 'WH-EAST' });
    expect(answer.checks.map((check) => check.verdict)).toEqual(Array(7).fill('pass'));
    expect(answer.checks.find((check) => check.check === 'supplier-status')?.facts).toEqual({
      supplierNumber: 'S-1001',
      procurementStatus: 'APPROVED',
    });
    const calls = during();
    expect(calls.erp.length).toBeGreaterThan(0);
    expect(calls.erp.filter((operation) => WRITES.includes(operation))).toEqual([]);
    expect(
      calls.procurement.every((request) => request.startsWith('GET ') || request.includes('oauth')),
    ).toBe(true);
    expect(procurement.sourcingRequests()).toHaveLength(before.requests);
    expect(procurement.purchaseOrders()).toHaveLength(before.orders);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it.each([
    ['an inactive item', { itemCode: 'SKU-20992' }, 'item', 'ITEM_INACTIVE'],
    ['an unknown warehouse', { site: 'DC-SOUTH-01' }, 'warehouse', 'WAREHOUSE_UNKNOWN'],
    ['a blocked supplier', { supplierNumber: 'S-2002' }, 'supplier-status', 'SUPPLIER_NOT_APPROVED'],
    ['a currency other than USD', { currency: 'EUR' }, 'currency', 'CURRENCY_UNSUPPORTED'],
    ['an order over the monthly budget', { quantityEa: '100000' }, 'budget', 'BUDGET_EXCEEDED'],
  ])('rejects %s, naming the check and its code', async (_name, overrides, check, code) => {
    const response = await post(purchaseOrderProposal(overrides));
    const answer = expectJson<PurchaseOrderValidation>(response, 200);
    documented('POST', VALIDATIONS, response);
    expect(answer.outcome).toBe('rejected');
    expect(answer.checks.filter((c) => c.verdict === 'fail')).toEqual([
      expect.objectContaining({ check, code, message: expect.any(String) }),
    ]);
  });

  it('says a person must approve an order above the approval limit', async () => {
    const response = await post(purchaseOrderProposal({ quantityEa: '10000' }));
    const answer = expectJson<PurchaseOrderValidation>(response, 200);
    documented('POST', VALIDATIONS, response);
    expect(answer).toMatchObject({ outcome: 'approval-required', totalValue: '31000.00' });
    expect(answer.checks.at(-1)).toMatchObject({
      check: 'approval',
      verdict: 'approval-required',
      facts: { totalValue: '31000', approvalLimit: '25000' },
    });
  });

  it('answers 400 problem+json to a body that is not JSON, reaching neither system', async () => {
    const during = touched();
    const response = await post('{"itemCode": ');
    expectProblem(response, 400, 'malformed-json');
    documented('POST', VALIDATIONS, response);
    expect(during()).toEqual({ erp: [], procurement: [] });
  });

  it('answers 422 problem+json listing every error of a proposal that breaks its schema', async () => {
    const during = touched();
    const response = await post({
      itemCode: 'SKU-10442',
      site: 'DC-EAST-02',
      quantityEa: '0',
      unitPrice: '3.1x',
      currency: 'usd',
      discount: '5',
    });
    const problem = expectProblem(response, 422, 'validation-failed');
    documented('POST', VALIDATIONS, response);
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual([
      '/currency',
      '/discount',
      '/quantityEa',
      '/supplierNumber',
      '/unitPrice',
    ]);
    expect(during()).toEqual({ erp: [], procurement: [] });
  });

  it('answers 503 problem+json with Retry-After while the ERP is down, and changes nothing', async () => {
    erp.setFaults({ outage: true });
    const response = await post(purchaseOrderProposal());
    expectProblem(response, 503, 'try-again');
    documented('POST', VALIDATIONS, response);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    expect(procurement.sourcingRequests()).toHaveLength(0);
  });
});

describe('GET /v1/suppliers/{supplierNumber}/eligibility', () => {
  it('says an approved supplier known to the ERP is eligible for an active item at an active warehouse', async () => {
    const response = await get('S-1001', { itemCode: 'SKU-10442', site: 'DC-WEST-01' });
    const answer = expectJson<SupplierEligibility>(response, 200);
    documented('GET', ELIGIBILITY, response);
    expect(answer).toMatchObject({ supplierNumber: 'S-1001', itemCode: 'SKU-10442', site: 'DC-WEST-01' });
    expect(answer.eligible).toBe(true);
    expect(answer.checks.map((check) => [check.check, check.verdict])).toEqual([
      ['item', 'pass'],
      ['warehouse', 'pass'],
      ['supplier-status', 'pass'],
      ['supplier-in-erp', 'pass'],
    ]);
  });

  it('says a supplier the ERP does not know is not eligible, and why', async () => {
    const response = await get('S-3003', { itemCode: 'SKU-40002', site: 'DC-EAST-02' });
    const answer = expectJson<SupplierEligibility>(response, 200);
    documented('GET', ELIGIBILITY, response);
    expect(answer.eligible).toBe(false);
    expect(answer.checks.find((check) => check.verdict === 'fail')).toMatchObject({
      check: 'supplier-in-erp',
      code: 'SUPPLIER_UNKNOWN_TO_ERP',
      facts: { supplierNumber: 'S-3003', knownToErp: false },
    });
  });

  it.each([
    ['no site', 'S-1001', { itemCode: 'SKU-10442' }, ['/site']],
    ['no query at all', 'S-1001', undefined, ['/itemCode', '/site']],
    ['a malformed item code', 'S-1001', { itemCode: ' SKU 1', site: 'DC-EAST-02' }, ['/itemCode']],
    [
      'a malformed supplier number',
      '-S1',
      { itemCode: 'SKU-10442', site: 'DC-EAST-02' },
      ['/supplierNumber'],
    ],
  ])('answers 400 problem+json to %s, reaching neither system', async (_name, supplier, query, pointers) => {
    const during = touched();
    const response = await get(supplier, query);
    const problem = expectProblem(response, 400, 'invalid-parameter');
    documented('GET', ELIGIBILITY, response);
    expect(problem.errors?.map((error) => error.pointer)).toEqual(pointers);
    expect(during()).toEqual({ erp: [], procurement: [] });
  });
});
