import { SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { approvalKey, commitmentApprovalKey } from '../../../adapters/aws/approvals';
import { commitmentKey } from '../../../adapters/aws/commitments';
import type { ForecastException } from '../../../canonical/generated/types';
import { procurementInstanceTag, type RejectionInput } from '../../../domain/commitment/steps';
import type { CommitmentState } from '../../../domain/commitment/types';
import { TASK_ENVIRONMENT, conditionFailed, dynamo, published, resetAws, sfn } from './support';

/** The procurement platform as the tests want it: path -> answer (the client is built once, so is its fetch). */
let platform: Record<string, () => Response> = {};
beforeAll(() => {
  Object.assign(process.env, TASK_ENVIRONMENT);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: URL | string) => {
      const path = new URL(url).pathname;
      if (path === '/oauth2/token')
        return Response.json({ access_token: 't', token_type: 'Bearer', expires_in: 3600 });
      return platform[path]?.() ?? new Response('{}', { status: 404 });
    }),
  );
});
beforeEach(() => {
  resetAws();
  platform = {};
});
afterAll(() => vi.unstubAllGlobals());

const exception: ForecastException = {
  planId: 'PLAN-2026-W48',
  planVersion: 3,
  exceptionId: 'EX-1',
  kind: 'DEMAND_UPLIFT',
  severity: 'HIGH',
  itemCode: 'ITEM-1',
  site: 'DC-EAST-02',
  packSize: 12,
  bucket: { start: '2026-12-07', end: '2026-12-13' },
  baselineQuantityEa: '1000',
  forecastQuantityEa: '1300',
  projectedOnHandEa: '200',
  safetyStockEa: '100',
  velocityClass: 'A',
} as unknown as ForecastException;

const event = {
  eventId: '00000000-0000-4000-8000-000000000001',
  correlationId: '00000000-0000-4000-8000-0000000000c1',
  idempotencyKey: 'forecast-exception:PLAN-2026-W48:EX-1:v3',
  occurredAt: '2026-11-27T10:00:00Z',
};
const settings = { approvalTimeoutSeconds: 86_400, acknowledgementTimeoutSeconds: 172_800 };

describe('acknowledgement-wait', () => {
  const input = { taskToken: 'token-1', purchaseOrder: { poNumber: 'PO-1' }, event };

  it('keeps the token and answers nothing while the supplier has not acknowledged', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const { handler } = await import('../../../functions/workflow/acknowledgement-wait');
    await handler(input);
    const [update] = dynamo.commandCalls(UpdateCommand);
    expect(update!.args[0].input).toMatchObject({
      TableName: 'workflow-correlation',
      Key: commitmentKey('PO-1', 'ACKNOWLEDGEMENT'),
      ExpressionAttributeValues: expect.objectContaining({ ':token': 'token-1' }),
    });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('answers the token at once when the acknowledgement came first', async () => {
    const acknowledgement = {
      classification: 'full',
      amended: false,
      acknowledgedAt: '2026-11-27T11:00:00Z',
    };
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({ Attributes: { acknowledgement } });
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { handler } = await import('../../../functions/workflow/acknowledgement-wait');
    await handler(input);
    const [send] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(send!.args[0].input).toEqual({ taskToken: 'token-1', output: JSON.stringify(acknowledgement) });
  });

  it('lets a workflow that stopped waiting pass without failing the task', async () => {
    dynamo
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed())
      .resolves({ Attributes: { acknowledgement: { classification: 'late' } } });
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    const { handler } = await import('../../../functions/workflow/acknowledgement-wait');
    await expect(handler(input)).resolves.toBeUndefined();
  });
});

describe('approval-request', () => {
  const policy = {
    ok: true,
    approvalRequired: true,
    approvalId: 'APR-SR-1-v3',
    warehouseCode: 'WH-EAST',
    totalValue: '62500.00',
    currency: 'USD',
  };
  const sourcing = {
    applied: 'created' as const,
    requestId: 'SR-1',
    quantityEa: '5000',
    needBy: '2026-12-10',
    supplierNumber: 'S-100',
    unitPrice: '12.50',
    currency: 'USD',
  };

  it('registers the token under a random approval id, not derivable from the request, and announces it', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-27T12:00:00Z'), toFake: ['Date'] });
    dynamo.on(PutCommand).resolves({});
    const { handler } = await import('../../../functions/workflow/approval-request');
    await handler({
      taskToken: 'token-a',
      approvalId: policy.approvalId,
      policy,
      exception,
      event,
      settings,
      sourcing,
    });
    vi.useRealTimers();
    const [claim, put] = dynamo.commandCalls(PutCommand);
    // The commitment's key (request and plan version) finds the approval again on a retry...
    expect(claim!.args[0].input).toMatchObject({
      Item: { ...commitmentApprovalKey('APR-SR-1-v3') },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const approvalId = String(claim!.args[0].input.Item!.approvalId);
    // ...but people only ever see a random id.
    expect(approvalId).toMatch(/^APR-[A-Z2-7]{26}$/);
    expect(approvalId).not.toContain('SR-1');
    const expected = {
      approvalId,
      externalRef: 'SL-PO-SR-1',
      supplierNumber: 'S-100',
      site: 'DC-EAST-02',
      totalValue: '62500.00',
      currency: 'USD',
      limit: '25000.00',
      expiresAt: '2026-11-28T12:00:00.000Z',
      requestedBy: 'system:supplyline',
    };
    expect(put!.args[0].input.Item).toMatchObject({
      ...approvalKey(approvalId),
      taskToken: 'token-a',
      request: expected,
    });
    const [announced] = published();
    expect(announced).toMatchObject({
      eventType: 'purchase-order.approval-requested',
      sourceSystem: 'orchestration',
      correlationId: event.correlationId,
      causationId: event.eventId,
      idempotencyKey: `approval-requested:${approvalId}`,
      tenantId: 'acme',
      data: expected,
    });
  });

  it('two commitments get unrelated approval ids', async () => {
    dynamo.on(PutCommand).resolves({});
    const { handler } = await import('../../../functions/workflow/approval-request');
    for (const key of ['APR-SR-1-v3', 'APR-SR-1-v4'])
      await handler({ taskToken: 't', approvalId: key, policy, exception, event, settings, sourcing });
    const claims = dynamo
      .commandCalls(PutCommand)
      .map((call) => call.args[0].input.Item!)
      .filter((item) => String(item.pk).startsWith('APPROVAL-OF#'))
      .map((item) => String(item.approvalId));
    expect(claims).toHaveLength(2);
    expect(claims[0]).not.toBe(claims[1]);
  });

  it('reads the supplier back from procurement when the input carries no sourcing outcome', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand).resolves({});
    platform['/api/v2/sourcing-requests/SR-1'] = () =>
      Response.json({
        id: 'SR-1',
        external_ref: 'SL-PLAN-2026-W48-EX-1-v3',
        item_code: 'ITEM-1',
        ship_to: 'DC-EAST-02',
        quantity: 5000,
        uom: 'EA',
        need_by: '2026-12-10',
        status: 'open',
        supplier_number: 'S-200',
        unit_price: '12.50',
        currency: 'USD',
        created_at: '2026-11-27T10:00:00Z',
        updated_at: '2026-11-27T10:00:00Z',
      });
    const { handler } = await import('../../../functions/workflow/approval-request');
    await handler({
      taskToken: 'token-b',
      approvalId: policy.approvalId,
      policy,
      exception,
      event,
      settings,
    });
    // The reference the posting will use: tagged with the configured procurement instance.
    const instance = procurementInstanceTag(TASK_ENVIRONMENT.PROCUREMENT_BASE_URL, 'supplyline');
    expect(published()[0]!.data).toMatchObject({
      supplierNumber: 'S-200',
      externalRef: `SL-PO-${instance}-SR-1-20261127T100000000Z`,
    });
  });
});

describe('commitment-rejection', () => {
  it('raises the integration exception and returns the outcome the workflow records', async () => {
    const { handler } = await import('../../../functions/workflow/commitment-rejection');
    const input: RejectionInput = {
      category: 'BUSINESS',
      violation: { code: 'APPROVAL_TIMEOUT' },
      event,
      context: { exception, event } as Partial<CommitmentState>,
    };
    await expect(handler(input)).resolves.toEqual({
      compensation: 'none',
      integrationExceptionId: 'IX-APPROVAL_TIMEOUT-PLAN-2026-W48/EX-1',
      code: 'APPROVAL_TIMEOUT',
    });
    expect(published().map((e) => [e.eventType, e.tenantId])).toEqual([
      ['integration-exception.raised', 'acme'],
    ]);
  });
});

describe('sourcing-request-action', () => {
  const state = {
    exception,
    event,
    settings,
    action: { kind: 'create', quantityEa: '5004', needBy: '2026-12-10' },
  } as unknown as CommitmentState;

  it('lets a transient failure propagate under its class name, for the state machine to retry', async () => {
    platform['/api/v2/sourcing-requests'] = () =>
      new Response('{"errors":[{"code":"unavailable","message":"down"}]}', {
        status: 503,
        headers: { 'content-type': 'application/json' },
      });
    const { handler } = await import('../../../functions/workflow/sourcing-request-action');
    const failure = (await handler(state).catch((error: unknown) => error)) as Error;
    expect(failure).toBeInstanceOf(Error);
    expect(failure.name).toBe('TransientFailure');
    expect(published()).toEqual([]);
  });

  it('calls the platform only within the time its invocation has left, keeping the outcome’s reserve', async () => {
    let calls = 0;
    platform['/api/v2/sourcing-requests'] = () => {
      calls += 1;
      return new Response('{}', { status: 503 });
    };
    const { handler } = await import('../../../functions/workflow/sourcing-request-action');
    // 5 s left: less than the reserve for recording the outcome, so no request is started.
    const context = { getRemainingTimeInMillis: () => 5_000 } as Context;
    const failure = (await handler(state, context).catch((error: unknown) => error)) as Error;
    expect(failure.name).toBe('TransientFailure');
    expect(failure.message).toMatch(/not started, the invocation has 0 ms left for procurement calls/);
    expect(calls).toBe(0);
  });
});
