/**
 * End to end on the local runtime: the synthesized application with the procurement, planning and
 * ERP simulators, driven only through its real HTTP routes and the bus, and observed from the
 * outside (HTTP answers, bus activity, queues, workflow executions, the simulators' records).
 *
 * One environment for the whole file (one synth, ~14 s). Every test uses its own exception ids and
 * its own delivery bucket, so open supply from another test never changes its need, and waits for
 * outcomes by polling with a deadline.
 */
import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapForecastException } from '../../adapters/planning/mapping';
import { PLANNING_MAX_BODY_BYTES } from '../../adapters/planning/webhook-schemas';
import type { PlanningForecastException } from '../../adapters/planning/generated/types';
import { startLocalEnvironment, type LocalEnvironment } from '../../local/environment';
import { runSeedScenario } from '../../local/scenario/seed-scenario';
import {
  acceptedEvents,
  callApi,
  consumerQueues,
  detailOf,
  eventsOfDelivery,
  erpReferenceFor,
  exceptionDelivery,
  executionsFor,
  freshExceptionId,
  nonEmptyQueues,
  postPlanning,
  purchaseOrdersFor,
  raisedFor,
  sourcingRequestsFor,
  waitFor,
  type CanonicalDetail,
} from './support';

const PLANNING_SECRET = 'e2e-planning-signing-secret';
const progress: string[] = [];
let environment: LocalEnvironment;

beforeAll(async () => {
  environment = await startLocalEnvironment({
    // Simulators only (no supplyline.local.json sandboxes), any free port.
    settings: { port: 0, planningWebhookSecret: PLANNING_SECRET },
    quietFunctions: true,
    log: (line) => progress.push(line),
  });
}, 300_000);

afterAll(async () => {
  await environment?.stop();
});

/** Waits for the purchase order posted in the thread of a planning delivery. */
async function postedFor(deliveryEventId: string, timeoutMs = 30_000): Promise<CanonicalDetail> {
  return waitFor(
    `purchase-order.posted for delivery ${deliveryEventId}`,
    () => eventsOfDelivery(environment, 'purchase-order.posted', deliveryEventId)[0],
    timeoutMs,
  );
}

/** Waits until no consumer queue holds a message (DLQs are left out: they keep what they got). */
async function consumersDrained(): Promise<void> {
  await waitFor('every consumer queue to be drained', () => {
    const busy = Object.keys(nonEmptyQueues(environment)).filter((name) => !name.endsWith('dlq'));
    return busy.length === 0;
  });
}

describe('Supplyline on the local runtime, end to end', () => {
  // First, while nothing else is in flight: "nothing published" is then exact.
  it('refuses bad input on the real routes with problem+json and publishes nothing', async () => {
    const { runtime } = environment;
    await consumersDrained();
    expect(nonEmptyQueues(environment)).toEqual({});
    const acceptedBefore = acceptedEvents(environment).length;
    const valid = exceptionDelivery(freshExceptionId('BAD'), { weeksAhead: 20 });

    const wrongSignature = await postPlanning(environment, valid, { secret: 'not-the-secret' });
    expect(wrongSignature.status).toBe(401);
    expect(wrongSignature.body).toMatchObject({
      status: 401,
      type: 'urn:supplyline:problem:signature-mismatch',
    });

    const oldTimestamp = await postPlanning(environment, valid, {
      signedAt: new Date(Date.now() - 10 * 60_000),
    });
    expect(oldTimestamp.status).toBe(401);
    expect(oldTimestamp.body).toMatchObject({
      status: 401,
      type: 'urn:supplyline:problem:signature-expired',
    });

    const malformed = await postPlanning(environment, '{"event":"forecast.exception","plan":{');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: 400, type: 'urn:supplyline:problem:malformed-json' });

    const broken = structuredClone(valid) as unknown as {
      plan: Record<string, unknown>;
      exception: Record<string, unknown>;
    };
    broken.plan.version = 0;
    broken.exception.pack_size = -12;
    broken.exception.severity = 'apocalyptic';
    delete broken.exception.sku;
    const violation = await postPlanning(environment, broken);
    expect(violation.status).toBe(422);
    expect(violation.body).toMatchObject({ status: 422, type: 'urn:supplyline:problem:contract-violation' });
    const pointers = (violation.body.errors as { pointer: string; detail: string }[]).map((e) => e.pointer);
    // Every violation is listed, each with a JSON pointer to where it is.
    expect(pointers).toEqual(
      expect.arrayContaining(['/plan/version', '/exception/pack_size', '/exception/severity']),
    );
    expect(pointers.some((pointer) => pointer === '/exception/sku' || pointer === '/exception')).toBe(true);
    expect(pointers).toHaveLength(4);

    const padded = {
      ...valid,
      exception: { ...valid.exception, notes: 'x'.repeat(PLANNING_MAX_BODY_BYTES) },
    };
    const oversized = await postPlanning(environment, padded);
    expect(oversized.status).toBe(413);
    expect(oversized.body).toMatchObject({ status: 413 });

    const noToken = await callApi(environment, '/v1/approvals/APR-SR-000001-v1/decision', {
      method: 'POST',
      body: { decision: 'approve', approver: 'mallory' },
      caller: null,
    });
    expect(noToken.status).toBe(401);
    // A valid token without the route's scope: the ops CLI may not decide approvals.
    const noScope = await callApi(environment, '/v1/approvals/APR-SR-000001-v1/decision', {
      method: 'POST',
      body: { decision: 'approve', approver: 'mallory' },
    });
    expect(noScope.status).toBe(403);
    const wrongKey = await callApi(environment, '/v1/integration-exceptions?status=OPEN', {
      apiKey: 'not-the-key',
    });
    expect(wrongKey.status).toBe(403);

    for (const answer of [
      wrongSignature,
      oldTimestamp,
      malformed,
      violation,
      oversized,
      noToken,
      noScope,
      wrongKey,
    ]) {
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.body).toEqual(
        expect.objectContaining({ type: expect.any(String), title: expect.any(String) }),
      );
    }
    // A refused delivery never reaches PutEvents, which records acceptance synchronously.
    expect(acceptedEvents(environment).slice(acceptedBefore)).toEqual([]);

    // A good delivery behind them: once it has been evaluated, anything the refused ones had sent
    // would have been routed too. Only it went through; the queues and DLQs are empty again.
    const sentinel = exceptionDelivery(freshExceptionId('SENTINEL'), {
      weeksAhead: 20,
      exception: { velocity_class: 'C', severity: 'low', baseline_qty: 100, forecast_qty: 101 },
    });
    expect((await postPlanning(environment, sentinel)).status).toBe(202);
    const evaluation = runtime.functionName('forecast-exception-evaluation');
    await waitFor('the sentinel to be evaluated', () =>
      runtime
        .invocations()
        .some(
          (invocation) =>
            invocation.functionName === evaluation &&
            invocation.ok &&
            JSON.stringify(invocation.event).includes(sentinel.event_id),
        ),
    );
    await consumersDrained();
    const since = acceptedEvents(environment).slice(acceptedBefore).map(detailOf);
    expect(since.map((d) => [d.eventType, d.correlationId])).toEqual([
      ['forecast-exception.raised', sentinel.event_id],
    ]);
    expect(nonEmptyQueues(environment)).toEqual({});
  });

  it('runs the seed scenario: forecast uplift to an acknowledged purchase order in the ERP', async () => {
    const report = await runSeedScenario(environment, { timeoutMs: 30_000 });
    expect(report.reason).toBeUndefined();
    expect(report.ok).toBe(true);

    const commitment = report.workflows.find((w) => w.name.endsWith('purchase-commitment'));
    expect(commitment).toEqual({
      name: expect.any(String),
      status: 'SUCCEEDED',
      path: [
        'Resuming after approval?',
        'Source the need',
        'Sourcing outcome',
        'Check ERP policies',
        'Policy verdict',
        'Post purchase order',
        'Posting outcome',
        'Hand over to acknowledgement',
        'Purchase order posted',
      ],
    });
    const acknowledgement = report.workflows.find((w) => w.name.endsWith('supplier-acknowledgement'));
    expect(acknowledgement).toEqual({
      name: expect.any(String),
      status: 'SUCCEEDED',
      path: ['Wait for supplier acknowledgement'],
    });

    const order = await environment.erp!.simulator.findPurchaseOrder(report.externalRef!);
    expect(order).toMatchObject({
      number: report.erpNumber,
      externalRef: report.externalRef,
      state: 'processing',
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-EAST',
      lines: [{ lineNo: 1, itemCode: 'SKU-10442', quantityEa: '1896', unitPrice: '3.10' }],
    });
    expect(await environment.erp!.simulator.countPurchaseOrders(report.externalRef!)).toBe(1);
    const po = environment.procurement!.purchaseOrders().find((p) => p.po_number === report.poNumber);
    expect(po).toMatchObject({ status: 'acknowledged', external_ref: report.externalRef });
    expect(report.syncLags).toEqual(
      expect.arrayContaining([
        { from: 'planning', to: 'erp', lagSeconds: expect.any(Number) },
        { from: 'procurement', to: 'erp', lagSeconds: expect.any(Number) },
      ]),
    );
  });

  it('turns the same webhook delivered five times into one purchase order', async () => {
    const exceptionId = freshExceptionId('DUP');
    const raw = Buffer.from(JSON.stringify(exceptionDelivery(exceptionId, { weeksAhead: 1 })));
    const delivery = JSON.parse(raw.toString('utf8')) as PlanningForecastException;
    const firstDeliveryId = randomUUID();
    const answers = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      // At-least-once: a fresh signature every time, the delivery id sometimes reused.
      answers.push(
        await postPlanning(environment, raw, {
          deliveryId: attempt % 2 === 0 ? firstDeliveryId : randomUUID(),
        }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(answers.map((a) => a.body.status)).toEqual([
      'accepted',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    // Every answer names the one event the bus holds for the change.
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);

    const posted = await postedFor(delivery.event_id);
    await consumersDrained();
    await waitFor('the commitment to finish', () =>
      executionsFor(environment, 'purchase-commitment', exceptionId).every((e) => e.status !== 'RUNNING'),
    );
    expect(raisedFor(environment, exceptionId)).toHaveLength(1);
    expect(eventsOfDelivery(environment, 'purchase-order.posted', delivery.event_id)).toHaveLength(1);
    expect(executionsFor(environment, 'purchase-commitment', exceptionId)).toHaveLength(1);
    expect(sourcingRequestsFor(environment, exceptionId)).toHaveLength(1);
    const orders = purchaseOrdersFor(environment, exceptionId);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.external_ref).toBe(posted.data.externalRef);
    expect(await environment.erp!.simulator.countPurchaseOrders(String(posted.data.externalRef))).toBe(1);
  });

  it('answers a stale plan version 202 stale and takes no second action', async () => {
    const exceptionId = freshExceptionId('STALE');
    const v8 = exceptionDelivery(exceptionId, { version: 8, weeksAhead: 2 });
    const v7 = exceptionDelivery(exceptionId, { version: 7, weeksAhead: 2 });

    const newer = await postPlanning(environment, v8);
    expect(newer.status).toBe(202);
    expect(newer.body.status).toBe('accepted');
    const older = await postPlanning(environment, v7);
    expect(older.status).toBe(202);
    expect(older.body).toMatchObject({
      status: 'stale',
      idempotencyKey: `forecast-exception:E2E-PLAN:${exceptionId}:v7`,
    });

    const posted = await postedFor(v8.event_id);
    await consumersDrained();
    await waitFor('the commitment to finish', () =>
      executionsFor(environment, 'purchase-commitment', exceptionId).every((e) => e.status !== 'RUNNING'),
    );
    // v7 never reached the bus, so nothing was evaluated, sourced or ordered for it.
    expect(raisedFor(environment, exceptionId).map((d) => d.data.planVersion)).toEqual([8]);
    expect(eventsOfDelivery(environment, 'forecast-exception.raised', v7.event_id)).toEqual([]);
    expect(sourcingRequestsFor(environment, exceptionId).map((r) => r.external_ref)).toEqual([
      `SL-E2E-PLAN-${exceptionId}-v8`,
    ]);
    expect(purchaseOrdersFor(environment, exceptionId)).toHaveLength(1);
    expect(executionsFor(environment, 'purchase-commitment', exceptionId)).toHaveLength(1);
    expect(await environment.erp!.simulator.countPurchaseOrders(String(posted.data.externalRef))).toBe(1);
  });

  it('sends a poison event to the consumer DLQ with its failure class and reason, without retrying it', async () => {
    const { runtime } = environment;
    const lane = consumerQueues(environment, 'forecast-exception-evaluation');
    const delivery = exceptionDelivery(freshExceptionId('POISON'), { weeksAhead: 3 });
    const event = mapForecastException(delivery as unknown as PlanningForecastException, {
      now: () => new Date(),
      newId: () => randomUUID(),
      tenantId: 'local',
    });
    // Canonical envelope, broken data: a quantity that is not a decimal and no item.
    const detail = structuredClone(event) as unknown as CanonicalDetail;
    detail.data.forecastQuantityEa = 'plenty';
    delete detail.data.itemCode;
    const put = await runtime.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: runtime.bus.name,
            Source: 'supplyline.planning',
            DetailType: 'forecast-exception.raised',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);

    await waitFor(`the poison event in ${lane.dlq}`, () =>
      runtime.queueMessages(lane.dlq).some((m) => m.body.includes(detail.eventId)),
    );
    const received: Message[] = [];
    await waitFor('the dead letter to be received', async () => {
      const answer = await runtime.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: runtime.queue(lane.dlq).url,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          VisibilityTimeout: 1,
        }),
      );
      received.push(...(answer.Messages ?? []));
      return received.find((m) => m.Body?.includes(detail.eventId));
    });
    const letter = received.find((m) => m.Body?.includes(detail.eventId))!;
    expect(JSON.parse(letter.Body!)).toMatchObject({
      'detail-type': 'forecast-exception.raised',
      detail: { eventId: detail.eventId },
    });
    const attributes = letter.MessageAttributes!;
    expect(attributes.failureClass?.StringValue).toBe('contract');
    expect(attributes.consumer?.StringValue).toBe('forecast-exception-evaluation');
    expect(attributes.receiveCount?.StringValue).toBe('1');
    const reason = JSON.parse(attributes.failureReason!.StringValue!) as {
      message: string;
      errors: { pointer?: string; path?: string; message: string }[];
    };
    expect(reason.message).toBe('detail is not a valid forecast-exception.raised');
    const where = reason.errors.map((e) => JSON.stringify(e)).join('\n');
    expect(where).toContain('forecastQuantityEa');
    expect(where).toContain('itemCode');

    // Dead-lettered at once: no retry, no evaluation, nothing left on the consumer's queue.
    await consumersDrained();
    expect(eventsOfDelivery(environment, 'forecast-exception.evaluated', delivery.event_id)).toEqual([]);
    expect(acceptedEvents(environment, 'integration-exception.raised').map(detailOf)).not.toContainEqual(
      expect.objectContaining({ causationId: detail.eventId }),
    );
    if (lane.deliveryDlq) expect(runtime.queueMessages(lane.deliveryDlq)).toEqual([]);
  });

  it('rejects a commitment to a blocked supplier: compensates the sourcing request and raises an exception', async () => {
    const exceptionId = freshExceptionId('BLOCKED');
    const delivery = exceptionDelivery(exceptionId, {
      weeksAhead: 3,
      exception: {
        sku: 'SKU-40001',
        site: 'DC-EAST-02',
        uom: 'CS',
        pack_size: 24,
        baseline_qty: 10,
        forecast_qty: 20,
        projected_on_hand: 0,
        safety_stock: 0,
      },
    });
    expect((await postPlanning(environment, delivery)).status).toBe(202);

    const execution = await waitFor('the purchase-commitment workflow to end', () =>
      executionsFor(environment, 'purchase-commitment', exceptionId).find((e) => e.status !== 'RUNNING'),
    );
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('BusinessRejection');
    expect(execution.path).toEqual([
      'Resuming after approval?',
      'Source the need',
      'Sourcing outcome',
      'Check ERP policies',
      'Policy verdict',
      'Reject and compensate',
      'Rejected',
    ]);

    // Compensation: the sourcing request it created is cancelled, and no order exists anywhere.
    const requests = sourcingRequestsFor(environment, exceptionId);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ status: 'cancelled', supplier_number: 'S-2002' });
    expect(eventsOfDelivery(environment, 'sourcing-request.cancelled', delivery.event_id)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ requestId: requests[0]!.id, status: 'CANCELLED' }),
      }),
    ]);
    expect(purchaseOrdersFor(environment, exceptionId)).toEqual([]);
    expect(
      await environment.erp!.simulator.countPurchaseOrders(erpReferenceFor(environment, requests[0]!)),
    ).toBe(0);

    // The integration exception a person works, through the governed API.
    const objectId = `E2E-PLAN/${exceptionId}`;
    const recorded = await waitFor('the integration exception in the work list', async () => {
      const list = await callApi(environment, '/v1/integration-exceptions?status=OPEN&limit=100');
      expect(list.status).toBe(200);
      return (list.body.items as Record<string, unknown>[]).find((item) => item.objectId === objectId);
    });
    expect(recorded).toMatchObject({
      code: 'SUPPLIER_NOT_APPROVED',
      category: 'BUSINESS',
      status: 'OPEN',
      objectType: 'ForecastException',
      system: 'procurement',
    });
    expect(JSON.parse(String(recorded.details))).toMatchObject({ compensation: 'cancelled' });
  });

  it('holds a commitment above the approval limit for a person, and posts it once approved', async () => {
    const exceptionId = freshExceptionId('APPROVAL');
    // 700 cases of 12 -> an order of 8,616 EA at 3.10 USD = 26,709.60 USD, above 25,000.00.
    const delivery = exceptionDelivery(exceptionId, {
      weeksAhead: 4,
      exception: { site: 'DC-WEST-01', baseline_qty: 500, forecast_qty: 700 },
    });
    expect((await postPlanning(environment, delivery)).status).toBe(202);

    const requested = await waitFor(
      'purchase-order.approval-requested',
      () => eventsOfDelivery(environment, 'purchase-order.approval-requested', delivery.event_id)[0],
    );
    expect(requested.data).toMatchObject({
      // Random and unguessable: nothing of the sourcing request in it.
      approvalId: expect.stringMatching(/^APR-[A-Z2-7]{26}$/),
      requestedBy: 'system:supplyline',
      supplierNumber: 'S-1001',
      site: 'DC-WEST-01',
      totalValue: '26709.60',
      currency: 'USD',
      limit: '25000.00',
    });
    const externalRef = String(requested.data.externalRef);
    const commitment = await waitFor('the commitment to hand over', () =>
      executionsFor(environment, 'purchase-commitment', exceptionId).find((e) => e.status !== 'RUNNING'),
    );
    expect(commitment.status).toBe('SUCCEEDED');
    expect(commitment.path.at(-1)).toBe('Waiting for approval');
    // Nothing is posted before the decision.
    expect(eventsOfDelivery(environment, 'purchase-order.posted', delivery.event_id)).toEqual([]);
    expect(await environment.erp!.simulator.countPurchaseOrders(externalRef)).toBe(0);

    const approvalId = String(requested.data.approvalId);
    // 26,709.60 USD is within an approver's limit: the token's subject decides, no body field.
    const decision = await callApi(environment, `/v1/approvals/${encodeURIComponent(approvalId)}/decision`, {
      method: 'POST',
      body: { decision: 'approve' },
      caller: { person: 'ava.approver' },
    });
    expect(decision.status).toBe(200);

    const posted = await postedFor(delivery.event_id);
    expect(posted.data).toMatchObject({ externalRef, totalValue: '26709.60', warehouseCode: 'WH-WEST' });
    const order = await environment.erp!.simulator.findPurchaseOrder(externalRef);
    expect(order).toMatchObject({
      externalRef,
      state: 'processing',
      warehouseCode: 'WH-WEST',
      lines: [{ itemCode: 'SKU-10442', quantityEa: '8616', unitPrice: '3.10' }],
    });
    expect(await environment.erp!.simulator.countPurchaseOrders(externalRef)).toBe(1);
    const approval = await waitFor('the approval workflow to finish', () =>
      executionsFor(environment, 'commitment-approval', exceptionId).find((e) => e.status !== 'RUNNING'),
    );
    expect(approval.status).toBe('SUCCEEDED');
    expect(approval.path).toEqual(['Wait for approval', 'Decision', 'Resume commitment', 'Approved']);

    // The decision is on the audit trail (the local S3) with who decided and their token.
    const audit = await callApi(
      environment,
      `/v1/commitments/${encodeURIComponent(externalRef)}/approval-audit`,
      { caller: { person: 'ava.approver' } },
    );
    expect(audit.status).toBe(200);
    expect((audit.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        approvalId,
        commitmentId: externalRef,
        verdict: 'approved',
        approver: 'ava.approver',
        role: 'approver',
        tokenId: expect.any(String),
        totalValue: '26709.60',
      }),
    ]);
  });
});

// Last: every path above ran with the roles' IAM policies enforced (local/iam); a refused call some
// path tolerated (retried, quarantined, sent to a DLQ) would be a grant missing in AWS.
describe('IAM', () => {
  it("made no call a function's role does not allow", () => {
    expect(environment.runtime.accessDenials).toEqual([]);
  });
});
