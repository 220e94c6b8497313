/**
 * Purchase requisitions against the real Tryton through the local runtime's governed API, with
 * people's access tokens from the local OpenID Connect provider: submitted by one person and
 * refused when that person approves it; a same-key retry starts nothing; a second one cancelled while awaiting approval ends cancelled, its approval withdrawn,
 * nothing in Tryton. Every answer is checked against the OpenAPI document; nothing is denied by
 * the local IAM enforcement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrytonErp } from '../../adapters/erp/tryton/tryton-erp';
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
let erp: TrytonErp;

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

async function status(id: string) {
  const answer = await call('GET', `${REQUISITIONS}/${id}`, STATUS, { person: 'ava.approver' });
  expect(answer.status).toBe(200);
  return answer.body as { status: string; path: { step: string }[]; references: Record<string, string> };
}

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
    const approvalId = awaiting.references.approval!;
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
});
