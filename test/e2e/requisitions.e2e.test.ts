/**
 * Purchase requisitions against the real Tryton through the local runtime's governed API, with
 * people's access tokens from the local OpenID Connect provider: submitted by one person and
 * refused when that person approves it; a same-key retry starts nothing; a second one cancelled while awaiting approval ends cancelled, its approval withdrawn,
 * nothing in Tryton. Every answer is checked against the OpenAPI document; nothing is denied by
 * the local IAM enforcement. A third, submitted by Rita and approved by Ava, goes all the way: posted
 * to Tryton, acknowledged by the supplier (the procurement simulator), received in Tryton and
 * picked up by the receipt poller, its status showing each step and each system's reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrytonErpAdmin } from '../../scripts/tryton/admin';
import type { LocalEnvironment } from '../../local/environment';
import { expectDocumentedAnswer } from '../support/openapi';
import type { TrytonSandbox } from '../support/tryton';
import { startOnTryton, waitFor, waitingOutThrottle } from './support';

const REQUISITIONS = '/v1/purchase-requisitions';
const STATUS = '/v1/purchase-requisitions/{requisitionId}';
const CANCELLATION = '/v1/purchase-requisitions/{requisitionId}/cancellation';
const DECISION = '/v1/approvals/{approvalId}/decision';

let tryton: TrytonSandbox;
let environment: LocalEnvironment;
let erp: TrytonErpAdmin;

beforeAll(async () => {
  ({ tryton, environment, erp } = await startOnTryton());
}, 300_000);

afterAll(async () => {
  await environment?.stop();
  await tryton?.stop();
});

const tokens = new Map<string, string>();
async function tokenOf(person: string): Promise<string> {
  const token = tokens.get(person) ?? (await environment.runtime.identity.token({ person }));
  tokens.set(person, token);
  return token;
}

async function call(
  method: 'GET' | 'POST',
  path: string,
  documented: string,
  options: { person: string; body?: unknown; idempotencyKey?: string },
) {
  const token = await tokenOf(options.person);
  const response = await waitingOutThrottle(() =>
    fetch(`${environment.runtime.baseUrl}${path}`, {
      method,
      headers: {
        'x-api-key': environment.runtime.apiKey,
        authorization: `Bearer ${token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
  );
  const answer = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    location: response.headers.get('location'),
    body: (await response.json()) as Record<string, unknown>,
  };
  expectDocumentedAnswer(method, documented, answer);
  return answer;
}

/** Executions of `machine` whose input mentions `text` (a requisition or approval id). */
const executionsMentioning = (machine: string, text: string) =>
  environment.runtime
    .executions()
    .filter(
      (execution) =>
        execution.stateMachineName.endsWith(machine) && JSON.stringify(execution.input).includes(text),
    );

/** Above the approval limit (31,000 USD): it waits for a person. */
const requisition = (justification: string) => ({
  itemCode: 'SKU-10442',
  site: 'DC-EAST-02',
  quantityEa: '10000',
  needBy: new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10),
  justification,
});

interface RequisitionStatus {
  status: string;
  path: { step: string; outcome: string }[];
  references: Record<string, string | null>;
}

async function status(id: string, person = 'ava.approver') {
  const answer = await call('GET', `${REQUISITIONS}/${id}`, STATUS, { person });
  expect(answer.status).toBe(200);
  return answer.body as unknown as RequisitionStatus;
}

/** The requisition once it reached `wanted` (polled through the status resource). */
const untilStatus = (id: string, wanted: string, timeoutMs = 60_000) =>
  waitFor(
    `${id} ${wanted}`,
    async () => {
      const current = await status(id);
      return current.status === wanted ? current : false;
    },
    timeoutMs,
  );

/** Awaiting approval once the approval is registered (its id is then among the references). */
async function untilApprovalRequested(id: string) {
  return waitFor(
    `${id} approval requested`,
    async () => {
      const current = await status(id);
      return current.status === 'awaiting-approval' && current.references.approval ? current : false;
    },
    60_000,
  );
}

describe('a purchase requisition against Tryton', () => {
  it('submitted by Ava and refused to Ava (separation of duties); a same-key retry answers the same 202 and starts nothing', async () => {
    const key = `e2e-${Date.now()}`;
    const submitted = await call('POST', REQUISITIONS, REQUISITIONS, {
      person: 'ava.approver',
      body: requisition('Holiday promotion'),
      idempotencyKey: key,
    });
    expect(submitted.status).toBe(202);
    const id = String(submitted.body.requisitionId);
    expect(submitted.location).toBe(`${REQUISITIONS}/${id}`);

    const awaiting = await untilApprovalRequested(id);
    const approvalId = String(awaiting.references.approval);
    expect(approvalId).toMatch(/^APR-/);

    const retried = await call('POST', REQUISITIONS, REQUISITIONS, {
      person: 'ava.approver',
      body: requisition('Holiday promotion'),
      idempotencyKey: key,
    });
    expect({ status: retried.status, body: retried.body.requisitionId, location: retried.location }).toEqual({
      status: 202,
      body: id,
      location: submitted.location,
    });
    // Started once, at the first submission (the retry starts nothing).
    expect(executionsMentioning('purchase-commitment', id)).toHaveLength(1);

    const own = await call('POST', `/v1/approvals/${approvalId}/decision`, DECISION, {
      person: 'ava.approver',
      body: { decision: 'approve' },
    });
    expect(own.status).toBe(403);
    expect(own.body.type).toMatch(/separation-of-duties$/);

    expect(environment.runtime.accessDenials).toEqual([]);
  }, 120_000);

  it('cancelled while awaiting approval: cancelled, its approval withdrawn, nothing in Tryton', async () => {
    const submitted = await call('POST', REQUISITIONS, REQUISITIONS, {
      person: 'ava.approver',
      body: requisition('Cancelled promotion'),
      idempotencyKey: `e2e-cancel-${Date.now()}`,
    });
    const id = String(submitted.body.requisitionId);
    await untilApprovalRequested(id);
    const cancelled = await call('POST', `${REQUISITIONS}/${id}/cancellation`, CANCELLATION, {
      person: 'ava.approver',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const approval = await waitFor('the approval workflow to end', () =>
      executionsMentioning('commitment-approval', id).find((e) => e.status !== 'RUNNING'),
    );
    expect(approval.path.at(-1)).toBe('Withdrawn');
    expect(await erp.findPurchaseOrder(`SL-${id}`)).toBeNull();
    expect(environment.runtime.accessDenials).toEqual([]);
  }, 120_000);

  it('submitted by Rita, approved by Ava: posted to Tryton, acknowledged by the supplier, received in Tryton', async () => {
    const submitted = await call('POST', REQUISITIONS, REQUISITIONS, {
      person: 'rita.requester',
      body: requisition('Summer restock'),
      idempotencyKey: `e2e-received-${Date.now()}`,
    });
    expect(submitted.status).toBe(202);
    const id = String(submitted.body.requisitionId);
    const awaiting = await untilApprovalRequested(id);
    expect(awaiting.references.sourcingRequest).toMatch(/\S/);

    // Ava is not the requester and 31,000.00 USD is within her limit: her token's subject decides.
    const decision = await call('POST', `/v1/approvals/${awaiting.references.approval}/decision`, DECISION, {
      person: 'ava.approver',
      body: { decision: 'approve' },
    });
    expect(decision.status).toBe(200);

    const acknowledged = await untilStatus(id, 'acknowledged');
    const { purchaseOrder, procurementPurchaseOrder, erpOrder } = acknowledged.references;
    const order = await erp.findPurchaseOrder(String(purchaseOrder));
    expect(order).toMatchObject({
      externalRef: purchaseOrder,
      number: erpOrder,
      warehouseCode: 'WH-EAST',
      lines: [expect.objectContaining({ itemCode: 'SKU-10442', unitPrice: '3.10' })],
    });
    const onPlatform = environment
      .procurement!.purchaseOrders()
      .find((po) => po.po_number === procurementPurchaseOrder);
    expect(onPlatform).toMatchObject({ status: 'acknowledged', external_ref: purchaseOrder });
    expect(acknowledged.references.acknowledgement).toMatch(/\S/);

    // The warehouse receives the goods in Tryton; the poller (every minute) picks the receipt up.
    const receipt = await erp.receiveShipment(String(purchaseOrder));
    await environment.runtime.lambda.invoke(environment.runtime.functionName('erp-receipt-poller'), {});
    const received = await untilStatus(id, 'received');
    expect(received.references).toEqual({
      sourcingRequest: awaiting.references.sourcingRequest,
      purchaseOrder,
      procurementPurchaseOrder,
      erpOrder,
      approval: awaiting.references.approval,
      acknowledgement: acknowledged.references.acknowledgement,
      receipt: receipt.receiptNumber,
      integrationException: null,
    });
    expect(received.path.map((step) => step.step)).toEqual([
      'submission',
      'sourcing',
      'policy-check',
      'approval',
      'approval',
      'erp-posting',
      'supplier-acknowledgement',
      'receipt',
    ]);
    // The requester sees the same status.
    expect(await status(id, 'rita.requester')).toEqual(received);
    expect(environment.runtime.accessDenials).toEqual([]);
  }, 180_000);
});
