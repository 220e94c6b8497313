/**
 * The process APIs against the real Tryton, through the local runtime's governed API: a demo
 * buyer's access token from the local OpenID Connect provider, the template's authorizer, the
 * bundled handlers reaching Tryton over JSON-RPC and the procurement simulator. Every verdict of
 * the validation (inactive item, unknown warehouse, blocked supplier, non-USD, over budget, needs
 * approval, all pass), supplier eligibility and each reason against it (blocked supplier,
 * inactive item, unknown warehouse, a party inactive in the ERP), a missing scope and bad input;
 * every handler answer is checked against the OpenAPI document, and nothing changes in Tryton,
 * procurement or on the bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrytonErp } from '../../adapters/erp/tryton/tryton-erp';
import type { PurchaseOrderValidation, SupplierEligibility } from '../../canonical/generated/types';
import { Decimal } from '../../domain/decimal';
import type { LocalEnvironment } from '../../local/environment';
import { expectDocumentedAnswer } from '../support/openapi';
import { purchaseOrderProposal } from '../support/purchase-order-proposal';
import type { TrytonSandbox } from '../support/tryton';
import { startOnTryton } from './support';

const VALIDATIONS = '/v1/purchase-order-validations';
const ELIGIBILITY = '/v1/suppliers/{supplierNumber}/eligibility';

let tryton: TrytonSandbox;
let environment: LocalEnvironment;
let erp: TrytonErp;
let buyer: string;

beforeAll(async () => {
  ({ tryton, environment, erp } = await startOnTryton());
  buyer = await environment.runtime.identity.token({ person: 'rita.requester' });
}, 300_000);

afterAll(async () => {
  await environment?.stop();
  await tryton?.stop();
});

async function call(
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: string } = {},
): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const runtime = environment.runtime;
  const response = await fetch(`${runtime.baseUrl}${path}`, {
    method,
    headers: {
      'x-api-key': runtime.apiKey,
      authorization: `Bearer ${options.token ?? buyer}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.json(),
  };
}

async function validate(body: unknown): Promise<PurchaseOrderValidation> {
  const answer = await call('POST', VALIDATIONS, { body: JSON.stringify(body) });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expectDocumentedAnswer('POST', VALIDATIONS, answer);
  return answer.body as PurchaseOrderValidation;
}

const failing = (validation: PurchaseOrderValidation) =>
  validation.checks.filter((check) => check.verdict === 'fail').map((check) => [check.check, check.code]);

/** What a request could have changed: Tryton's committed value, procurement's records, the bus. */
async function state() {
  const month = new Date().toISOString().slice(0, 7);
  const procurement = environment.procurement!;
  return {
    committedEast: await erp.committedValue('WH-EAST', month),
    committedWest: await erp.committedValue('WH-WEST', month),
    sourcingRequests: procurement.sourcingRequests().length,
    purchaseOrders: procurement.purchaseOrders().length,
    commitmentEvents: environment.runtime.busActivity.filter(
      (activity) =>
        activity.type === 'accepted' &&
        /^(purchase-order|sourcing-request|commitment)\./.test(String(activity.event['detail-type'])),
    ).length,
  };
}

function invocationsOf(path: string): number {
  const route = environment.runtime.model.apis[0]!.routes.find((r) => r.resourcePath === path)!;
  return environment.runtime
    .invocations()
    .filter((invocation) => invocation.functionName === route.integration.functionName).length;
}

describe('purchase-order validation against Tryton', () => {
  it('answers every verdict from Tryton’s and procurement’s facts, changing nothing', async () => {
    // Tryton, not the embedded ERP simulator, is the runtime's ERP.
    expect(environment.erp).toBeUndefined();
    const before = await state();

    const accepted = await validate(purchaseOrderProposal());
    expect(accepted).toMatchObject({ outcome: 'accepted', totalValue: '3720.00', warehouseCode: 'WH-EAST' });
    expect(accepted.checks.map((check) => check.verdict)).toEqual(Array(7).fill('pass'));
    expect(accepted.checks.find((check) => check.check === 'budget')?.facts).toMatchObject({
      warehouseCode: 'WH-EAST',
      committedThisMonth: Decimal.of(before.committedEast).toString(),
      monthlyBudget: '250000',
    });

    const inactive = await validate(purchaseOrderProposal({ itemCode: 'SKU-20991' }));
    expect(failing(inactive)).toEqual([['item', 'ITEM_INACTIVE']]);
    expect(inactive.checks[0]!.facts).toMatchObject({ itemExists: true, variantActive: false });

    const unknownWarehouse = await validate(purchaseOrderProposal({ site: 'DC-SOUTH-01' }));
    expect(failing(unknownWarehouse)).toEqual([['warehouse', 'WAREHOUSE_UNKNOWN']]);
    expect(unknownWarehouse.checks.find((check) => check.check === 'budget')?.verdict).toBe('not-evaluated');

    const blocked = await validate(purchaseOrderProposal({ supplierNumber: 'S-2002' }));
    expect(failing(blocked)).toEqual([['supplier-status', 'SUPPLIER_NOT_APPROVED']]);
    expect(blocked.checks.find((check) => check.check === 'supplier-status')?.facts).toEqual({
      supplierNumber: 'S-2002',
      procurementStatus: 'BLOCKED',
    });

    const euros = await validate(purchaseOrderProposal({ currency: 'EUR' }));
    expect(failing(euros)).toEqual([['currency', 'CURRENCY_UNSUPPORTED']]);

    const overBudget = await validate(purchaseOrderProposal({ quantityEa: '100000' }));
    expect(failing(overBudget)).toEqual([['budget', 'BUDGET_EXCEEDED']]);
    expect(overBudget.outcome).toBe('rejected');

    const needsApproval = await validate(purchaseOrderProposal({ quantityEa: '10000' }));
    expect(needsApproval).toMatchObject({ outcome: 'approval-required', totalValue: '31000.00' });
    expect(needsApproval.checks.at(-1)).toMatchObject({ check: 'approval', verdict: 'approval-required' });

    expect(await state()).toEqual(before);
  });

  it('answers 422 problem+json to a proposal that breaks its schema, changing nothing', async () => {
    const before = await state();
    const answer = await call('POST', VALIDATIONS, {
      body: JSON.stringify({ ...purchaseOrderProposal(), quantityEa: '-5', currency: 'dollars' }),
    });
    expect(answer.status).toBe(422);
    expectDocumentedAnswer('POST', VALIDATIONS, answer);
    expect(answer.body).toMatchObject({ type: 'urn:supplyline:problem:validation-failed' });
    expect(await state()).toEqual(before);
  });

  it('answers 400 problem+json to a body that is not JSON', async () => {
    const answer = await call('POST', VALIDATIONS, { body: '{"itemCode":' });
    expect(answer.status).toBe(400);
    expectDocumentedAnswer('POST', VALIDATIONS, answer);
  });

  it('refuses a token without purchase-orders.validate with 403 problem+json, reaching no handler', async () => {
    const wms = await environment.runtime.identity.token({ application: 'wms' });
    const before = invocationsOf(VALIDATIONS);
    const answer = await call('POST', VALIDATIONS, {
      token: wms,
      body: JSON.stringify(purchaseOrderProposal()),
    });
    expect(answer.status).toBe(403);
    expect(answer.contentType).toBe('application/problem+json');
    expect(invocationsOf(VALIDATIONS)).toBe(before);
  });
});

describe('supplier eligibility against Tryton', () => {
  async function eligibility(supplier: string, query: string) {
    const answer = await call('GET', `/v1/suppliers/${supplier}/eligibility?${query}`);
    expectDocumentedAnswer('GET', ELIGIBILITY, answer);
    return answer;
  }

  it('says Acme may receive an order for sparkling water at the west DC', async () => {
    const answer = await eligibility('S-1001', 'itemCode=SKU-10442&site=DC-WEST-01');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ supplierNumber: 'S-1001', eligible: true });
  });

  it('says a supplier whose ERP party is inactive may not, and why', async () => {
    const answer = await eligibility('S-4004', 'itemCode=SKU-10442&site=DC-EAST-02');
    const body = answer.body as SupplierEligibility;
    expect(body.eligible).toBe(false);
    expect(body.checks.filter((check) => check.verdict === 'fail')).toEqual([
      expect.objectContaining({ check: 'supplier-in-erp', code: 'SUPPLIER_UNKNOWN_TO_ERP' }),
    ]);
  });

  it('says why not, from Tryton’s and procurement’s facts: a blocked supplier, an inactive item, an unknown warehouse', async () => {
    const before = await state();
    const failures = async (supplier: string, query: string) => {
      const answer = await eligibility(supplier, query);
      expect(answer.status).toBe(200);
      const body = answer.body as SupplierEligibility;
      expect(body.eligible).toBe(false);
      return body.checks
        .filter((check) => check.verdict === 'fail')
        .map((check) => [check.check, check.code]);
    };
    expect(await failures('S-2002', 'itemCode=SKU-10442&site=DC-EAST-02')).toEqual([
      ['supplier-status', 'SUPPLIER_NOT_APPROVED'],
    ]);
    expect(await failures('S-1001', 'itemCode=SKU-20991&site=DC-EAST-02')).toEqual([
      ['item', 'ITEM_INACTIVE'],
    ]);
    expect(await failures('S-1001', 'itemCode=SKU-10442&site=DC-SOUTH-01')).toEqual([
      ['warehouse', 'WAREHOUSE_UNKNOWN'],
    ]);
    expect(await state()).toEqual(before);
  });

  it('answers 400 problem+json when the site is missing', async () => {
    const answer = await eligibility('S-1001', 'itemCode=SKU-10442');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'urn:supplyline:problem:invalid-parameter' });
  });
});
