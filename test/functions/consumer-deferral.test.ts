/**
 * Waiting is not failing: an open breaker, our own request budget or a 429's Retry-After defers the
 * message (a delayed copy on the same queue, the original let go) without spending its receive count.
 */
import {
  ChangeMessageVisibilityCommand,
  SendMessageCommand,
  SQSClient,
  type SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
  type MockInstance,
} from 'vitest';
import { CircuitOpenError } from '../../adapters/resilience/circuit-breaker';
import { RequestBudgetExhausted } from '../../adapters/resilience/shared-rate-budget';
import { validateIntegrationExceptionRaisedV1 } from '../../canonical/generated/validators';
import { NotYetKnown, TransientFailure } from '../../domain/failures';
import type { BusinessFunction, ConsumerOptions } from '../../functions/commons/consumer';
import { deferralOf, failureBackoff } from '../../functions/commons/consumer-deferral';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/tables';
import {
  DLQ_URL,
  consumerUnderTest,
  QUEUE_URL,
  eventBridgeBody,
  forecastExceptionEvent,
  sqsRecord,
} from './consumer-fixtures';

const sqsMock = mockClient(SQSClient);
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'consumer-deferral' });
});
afterAll(async () => dynamo.stop());

let streams: MockInstance[];
beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'copy' });
  sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
  streams = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation(() => true),
  );
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  streams.forEach((spy) => spy.mockRestore());
  vi.restoreAllMocks();
});

const lambdaContext = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

let consumers = 0;
function setup(process: BusinessFunction, options: Partial<ConsumerOptions> = {}) {
  const { consume, metrics, published } = consumerUnderTest(
    `deferral-consumer-${++consumers}`,
    process,
    { maxReceiveCount: 5, ...options },
    {
      client: dynamo.client,
      tableName: dynamo.tableNames.idempotency,
    },
  );
  const handler = (...records: SQSRecord[]) => consume({ Records: records } as SQSEvent, lambdaContext);
  return { handler, published, metrics };
}

const failing =
  (error: unknown): BusinessFunction =>
  async () => {
    throw error;
  };

function sent(queueUrl: string): SendMessageCommandInput[] {
  return sqsMock
    .commandCalls(SendMessageCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.QueueUrl === queueUrl);
}

/** A record of a deferred copy: its history in message attributes, as Lambda's SQS event shows them. */
function deferredRecord(
  body: string,
  history: { deferrals: number; deferredSeconds: number; failedDeliveries: number },
  receiveCount: number,
): SQSRecord {
  const record = sqsRecord(body, { receiveCount });
  for (const [name, value] of Object.entries(history))
    record.messageAttributes[name] = { dataType: 'Number', stringValue: String(value) };
  return record;
}

describe('consumer: waiting is not a failed delivery', () => {
  it('a budget refusal sends the body again with the spread delay and lets the original go', async () => {
    const { handler, metrics } = setup(
      failing(new RequestBudgetExhausted('listSourcingRequests', 'critical', 'procurement', 1)),
    );
    const body = eventBridgeBody(forecastExceptionEvent('EXC-DEF-1'));
    const response = await handler(sqsRecord(body, { messageId: 'm-def-1' }));

    expect(response.batchItemFailures).toEqual([]);
    // 1 s to the next window plus half of 2 s.
    expect(sent(QUEUE_URL)).toEqual([
      {
        QueueUrl: QUEUE_URL,
        MessageBody: body,
        DelaySeconds: 2,
        MessageAttributes: {
          deferrals: { DataType: 'Number', StringValue: '1' },
          deferredSeconds: { DataType: 'Number', StringValue: '2' },
          failedDeliveries: { DataType: 'Number', StringValue: '0' },
        },
      },
    ]);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
    expect(sent(DLQ_URL)).toEqual([]);
    expect(metrics).toContain('Deferred');
  });

  it('does not spend the receive count: a refusal on the last delivery is deferred, not dead-lettered', async () => {
    const { handler } = setup(failing(new CircuitOpenError('procurement', 25)));
    const body = eventBridgeBody(forecastExceptionEvent('EXC-DEF-2'));
    const record = deferredRecord(body, { deferrals: 3, deferredSeconds: 60, failedDeliveries: 2 }, 3);
    const response = await handler(record);

    expect(response.batchItemFailures).toEqual([]);
    expect(sent(DLQ_URL)).toEqual([]);
    const [copy] = sent(QUEUE_URL);
    // The breaker's remaining open time plus up to a second of spread.
    expect(copy?.DelaySeconds).toBe(26);
    expect(copy?.MessageAttributes).toMatchObject({
      deferrals: { StringValue: '4' },
      deferredSeconds: { StringValue: '86' },
      // The two failed deliveries of this copy join the two of earlier copies; this one did not fail.
      failedDeliveries: { StringValue: '4' },
    });
  });

  it('keeps counting real failures across copies: a defect failing its fifth delivery is dead-lettered with its reason', async () => {
    const { handler } = setup(failing(new RangeError('Invalid time value')));
    const body = eventBridgeBody(forecastExceptionEvent('EXC-DEF-3'));
    const early = await handler(
      deferredRecord(body, { deferrals: 1, deferredSeconds: 2, failedDeliveries: 2 }, 1),
    );
    expect(early.batchItemFailures).toHaveLength(1);
    expect(sent(DLQ_URL)).toEqual([]);

    const last = await handler(
      deferredRecord(body, { deferrals: 1, deferredSeconds: 2, failedDeliveries: 2 }, 3),
    );
    expect(last.batchItemFailures).toEqual([]);
    const [letter] = sent(DLQ_URL);
    expect(letter?.MessageAttributes?.failureReason?.StringValue).toContain(
      'failed on its last delivery (5/5)',
    );
    expect(sent(QUEUE_URL)).toEqual([]);
  });

  it('an outage past the last delivery is waited for, not dead-lettered: looked at again within a minute, every failure counted', async () => {
    const { handler, published, metrics } = setup(
      failing(new TransientFailure('ERP amendPurchaseOrder: HTTP 503', 'erp')),
    );
    const body = eventBridgeBody(forecastExceptionEvent('EXC-DEF-10'));
    // The fifth failed delivery (two on earlier copies, three on this one).
    const fifth = await handler(
      deferredRecord(body, { deferrals: 1, deferredSeconds: 2, failedDeliveries: 2 }, 3),
    );
    expect(fifth.batchItemFailures).toEqual([]);
    expect(sent(DLQ_URL)).toEqual([]);
    expect(published).toEqual([]);
    expect(metrics).toContain('Deferred');
    const [copy] = sent(QUEUE_URL);
    // 2 ** 5 s, half to all of it (random 0.5 -> 24 s).
    expect(copy?.DelaySeconds).toBe(24);
    expect(copy?.MessageAttributes).toMatchObject({
      deferrals: { StringValue: '2' },
      deferredSeconds: { StringValue: '26' },
      // This delivery failed too: 2 + 3.
      failedDeliveries: { StringValue: '5' },
    });

    // Still down much later: the next look is at most a minute away (60 s, random 0.5 -> 45 s).
    sqsMock.resetHistory();
    await handler(deferredRecord(body, { deferrals: 12, deferredSeconds: 600, failedDeliveries: 15 }, 1));
    expect(sent(DLQ_URL)).toEqual([]);
    expect(sent(QUEUE_URL).map((input) => input.DelaySeconds)).toEqual([45]);
  });

  it('an outage that outlasts the deferral cap is raised for a person (SYSTEM_UNAVAILABLE), not dead-lettered', async () => {
    const { handler, published } = setup(failing(new TransientFailure('ERP: connection refused', 'erp')), {
      maxDeferralSeconds: 600,
    });
    const response = await handler(
      deferredRecord(
        eventBridgeBody(forecastExceptionEvent('EXC-DEF-11')),
        { deferrals: 14, deferredSeconds: 580, failedDeliveries: 18 },
        1,
      ),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(sent(DLQ_URL)).toEqual([]);
    expect(sent(QUEUE_URL)).toEqual([]);
    expect(published.map((event) => event.data)).toMatchObject([
      { category: 'TECHNICAL', code: 'SYSTEM_UNAVAILABLE', system: 'erp' },
    ]);
  });

  it("a 429's Retry-After defers by it, at most SQS's 15-minute delay", async () => {
    const { handler } = setup(failing(new TransientFailure('procurement answered 429', 'procurement', 7200)));
    const response = await handler(sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-DEF-4'))));
    expect(response.batchItemFailures).toEqual([]);
    expect(sent(QUEUE_URL).map((input) => input.DelaySeconds)).toEqual([900]);
  });

  it('copies the message attributes the record already had', async () => {
    const { handler } = setup(failing(new CircuitOpenError('erp:tryton', 5)));
    const record = sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-DEF-5')));
    record.messageAttributes.traceparent = { dataType: 'String', stringValue: '00-abc-def-01' };
    await handler(record);
    expect(sent(QUEUE_URL)[0]?.MessageAttributes?.traceparent).toEqual({
      DataType: 'String',
      StringValue: '00-abc-def-01',
    });
  });

  it('past the deferral cap, raises a technical integration exception with the reason instead of waiting on', async () => {
    const { handler, published } = setup(failing(new CircuitOpenError('procurement', 25)), {
      maxDeferralSeconds: 600,
    });
    const event = forecastExceptionEvent('EXC-DEF-6');
    const response = await handler(
      deferredRecord(eventBridgeBody(event), { deferrals: 20, deferredSeconds: 590, failedDeliveries: 0 }, 1),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(sent(QUEUE_URL)).toEqual([]);
    expect(sent(DLQ_URL)).toEqual([]);
    expect(published).toHaveLength(1);
    const raised = published[0]!;
    expect(validateIntegrationExceptionRaisedV1(raised).ok).toBe(true);
    expect(raised.data).toMatchObject({
      category: 'TECHNICAL',
      code: 'SYSTEM_UNAVAILABLE',
      system: 'procurement',
      message: expect.stringContaining(
        'still waiting after 20 deferrals (590 s): circuit open for procurement',
      ),
    });
    expect(raised.correlationId).toBe(event.correlationId);
  });

  it('defers what overtook the thing it refers to (NotYetKnown) for the wait it names, then raises its own business code at the cap', async () => {
    const notYet = new NotYetKnown(
      'Acknowledgement for PO-000042, which Supplyline has not recorded as posted (yet)',
      'procurement',
      10,
      'PURCHASE_ORDER_UNKNOWN',
      { poNumber: 'PO-000042' },
    );
    expect(deferralOf(notYet, 0)).toEqual({ seconds: 10, cause: 'not-yet-known' });

    // Before the cap: a delayed copy, the original let go, nothing raised.
    const waiting = setup(failing(notYet), { maxDeferralSeconds: 600 });
    const first = await waiting.handler(sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-DEF-8'))));
    expect(first.batchItemFailures).toEqual([]);
    expect(sent(QUEUE_URL).map((copy) => copy.DelaySeconds)).toEqual([10]);
    expect(waiting.published).toEqual([]);

    // At the cap: the business question for a person, with what it waited for.
    sqsMock.resetHistory();
    const capped = setup(failing(notYet), { maxDeferralSeconds: 600 });
    const response = await capped.handler(
      deferredRecord(
        eventBridgeBody(forecastExceptionEvent('EXC-DEF-9')),
        { deferrals: 59, deferredSeconds: 595, failedDeliveries: 0 },
        1,
      ),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(sent(QUEUE_URL)).toEqual([]);
    expect(capped.published).toHaveLength(1);
    expect(validateIntegrationExceptionRaisedV1(capped.published[0]!).ok).toBe(true);
    expect(capped.published[0]!.data).toMatchObject({
      category: 'BUSINESS',
      code: 'PURCHASE_ORDER_UNKNOWN',
      system: 'procurement',
      details: expect.stringContaining('"poNumber":"PO-000042"'),
    });
  });

  it('when the copy cannot be sent, reports the delivery for retry after the same wait (never dropped)', async () => {
    sqsMock.on(SendMessageCommand).rejects(new Error('AccessDenied'));
    const { handler } = setup(failing(new CircuitOpenError('procurement', 10)));
    const record = sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-DEF-7')), { messageId: 'm-def-7' });
    const response = await handler(record);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-def-7' }]);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(11);
  });
});

describe('how long to wait', () => {
  it('waits for a refusal only: a plain transient failure or a business error is not deferred', () => {
    expect(deferralOf(new TransientFailure('503', 'erp'), 0)).toBeUndefined();
    expect(deferralOf(new Error('boom'), 0)).toBeUndefined();
    expect(deferralOf(new CircuitOpenError('erp:tryton', 12), 0, () => 0)).toEqual({
      seconds: 12,
      cause: 'circuit-open',
    });
    // The budget's spread stops doubling at 32 s, however often the message was deferred.
    expect(deferralOf(new RequestBudgetExhausted('op', 'critical', 'procurement', 1), 40, () => 1)).toEqual({
      seconds: 33,
      cause: 'request-budget',
    });
  });

  it('backs off 2, 4, 8, 16 s after real failures (half to all of it), within the longest delay', () => {
    expect([1, 2, 3, 4].map((n) => failureBackoff(n, 900, () => 1))).toEqual([2, 4, 8, 16]);
    expect([1, 2, 3, 4].map((n) => failureBackoff(n, 900, () => 0))).toEqual([1, 2, 4, 8]);
    expect(failureBackoff(30, 900, () => 1)).toBe(900);
  });
});
