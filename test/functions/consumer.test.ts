import { validateForecastExceptionRaisedV1 } from '../../canonical/generated/validators';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ChangeMessageVisibilityCommand,
  SendMessageCommand,
  SQSClient,
  type SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  onTestFinished,
  vi,
  type MockInstance,
} from 'vitest';
import type { CanonicalEvent } from '../../canonical/envelope';
import { validateIntegrationExceptionRaisedV1 } from '../../canonical/generated/validators';
import { BusinessRejection, ContractViolation, TransientFailure } from '../../domain/failures';
import {
  canonicalValidators,
  createConsumer,
  queueUrlFromArn,
  type BusinessFunction,
  type ConsumerContext,
  type ConsumerMetrics,
  type ConsumerOptions,
} from '../../functions/commons/consumer';
import { spreadRetry } from '../../functions/commons/consumer-deferral';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/tables';
import {
  DLQ_URL,
  consumerUnderTest,
  QUEUE_ARN,
  QUEUE_URL,
  eventBridgeBody,
  forecastExceptionEvent,
  sqsRecord,
} from './consumer-fixtures';

const sqsMock = mockClient(SQSClient);
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'consumer-unit' });
});
afterAll(async () => dynamo.stop());

let logLines: Record<string, unknown>[];
let streams: MockInstance[];
beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'dlq-message' });
  sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
  logLines = [];
  // Powertools writes JSON lines to stdout (info) and stderr (warn, error): capture both.
  streams = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const line = String(chunk).trim();
      if (line.startsWith('{')) logLines.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    }),
  );
});
afterEach(() => streams.forEach((spy) => spy.mockRestore()));

/** The Lambda context (Powertools idempotency bounds in-progress records by its remaining time). */
const lambdaContext = {
  functionName: 'supplyline-erp-poster',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

let consumers = 0;
/** A consumer with its own idempotency scope, fake metrics and captured ports. */
function setup(process: BusinessFunction, options: Partial<ConsumerOptions> = {}) {
  const { consume, metrics, published } = consumerUnderTest(
    `test-consumer-${++consumers}`,
    process,
    options,
    {
      client: dynamo.client,
      tableName: dynamo.tableNames.idempotency,
    },
  );
  const handler = (event: SQSEvent) => consume(event, lambdaContext);
  return { handler, metrics, published };
}

const batch = (...records: ReturnType<typeof sqsRecord>[]) => ({ Records: records });
const failing =
  (error: unknown): BusinessFunction =>
  async () => {
    throw error;
  };

function dlqMessages(): SendMessageCommandInput[] {
  return sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
}

describe('consumer: processing and idempotency', () => {
  it('runs the business function with the canonical event and its delivery context', async () => {
    const calls: [CanonicalEvent, ConsumerContext][] = [];
    const { handler } = setup(async (event, ctx) => void calls.push([event, ctx]));
    const event = forecastExceptionEvent('EXC-OK');
    const response = await handler(batch(sqsRecord(eventBridgeBody(event), { receiveCount: 2 })));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toEqual(event);
    expect(calls[0]![1]).toMatchObject({ receiveCount: 2, isReplay: false });
    expect(sqsMock.calls()).toHaveLength(0);
  });

  it('suppresses a duplicate (same idempotencyKey, different message id) with a metric and a log line', async () => {
    let runs = 0;
    const { handler, metrics } = setup(async () => {
      runs++;
      // Slow enough that a concurrent duplicate would find the first run in progress.
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const first = forecastExceptionEvent('EXC-DUP');
    const second = forecastExceptionEvent('EXC-DUP'); // a new emission (new eventId) of the same change
    expect(second.eventId).not.toBe(first.eventId);
    expect(second.idempotencyKey).toBe(first.idempotencyKey);

    // In one batch (run one after the other, not bounced as in-progress) and in a later batch.
    const response = await handler(
      batch(sqsRecord(eventBridgeBody(first)), sqsRecord(eventBridgeBody(second), { messageId: 'm-dup-2' })),
    );
    expect(response.batchItemFailures).toEqual([]);
    await handler(batch(sqsRecord(eventBridgeBody(second), { messageId: 'm-dup-3' })));

    expect(runs).toBe(1);
    expect(metrics.filter((name) => name === 'DuplicatesSuppressed')).toHaveLength(2);
    const suppressed = logLines.filter((line) => String(line.message).startsWith('duplicate suppressed'));
    expect(suppressed).toHaveLength(2);
    expect(suppressed[0]).toMatchObject({
      idempotencyKey: first.idempotencyKey,
      correlationId: second.correlationId,
    });
  });

  it('processes a different revision of the same object as a new change', async () => {
    let runs = 0;
    const { handler } = setup(async () => void runs++);
    await handler(batch(sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-REV', 7)))));
    await handler(batch(sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-REV', 8)))));
    expect(runs).toBe(2);
  });

  it('does not remember a failed run: the redelivery runs the business function again', async () => {
    let attempts = 0;
    const { handler } = setup(async () => {
      if (++attempts === 1) throw new TransientFailure('ERP timed out', 'erp');
    });
    const body = eventBridgeBody(forecastExceptionEvent('EXC-RETRY'));
    expect((await handler(batch(sqsRecord(body, { messageId: 'm-r' })))).batchItemFailures).toEqual([
      { itemIdentifier: 'm-r' },
    ]);
    expect(
      (await handler(batch(sqsRecord(body, { messageId: 'm-r', receiveCount: 2 })))).batchItemFailures,
    ).toEqual([]);
    expect(attempts).toBe(2);
  });

  it('counts replays (replay-name on the envelope, or detail.replay) and tells the business function', async () => {
    const seen: boolean[] = [];
    const { handler, metrics } = setup(async (_event, ctx) => void seen.push(ctx.isReplay));
    await handler(
      batch(
        sqsRecord(
          eventBridgeBody(forecastExceptionEvent('EXC-REPLAY-1'), { 'replay-name': 'redrive-2026-11-27' }),
        ),
        sqsRecord(eventBridgeBody({ ...forecastExceptionEvent('EXC-REPLAY-2'), replay: true })),
        sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-LIVE'))),
      ),
    );
    expect(seen.sort()).toEqual([false, true, true]);
    expect(metrics.filter((name) => name === 'ReplaysProcessed')).toHaveLength(2);
  });

  it('a replay of a change already processed gets the resume step (the recovery after a restart); a redelivery or a rejected change does not', async () => {
    const resumed: string[] = [];
    const { handler, metrics } = setup(async () => undefined, {
      resume: async (event) => void resumed.push(event.sourceObjectId),
    });
    const event = forecastExceptionEvent('EXC-RESUME');
    await handler(batch(sqsRecord(eventBridgeBody(event))));
    // A plain redelivery of the same change: suppressed, nothing resumed.
    await handler(batch(sqsRecord(eventBridgeBody(event))));
    expect(resumed).toEqual([]);
    // The operator's replay of it: suppressed as a duplicate, and resumed.
    await handler(batch(sqsRecord(eventBridgeBody(event, { 'replay-name': 'after-restart' }))));
    expect(resumed).toEqual([event.sourceObjectId]);
    expect(metrics.filter((name) => name === 'DuplicatesSuppressed')).toHaveLength(2);

    // A change that ended as a business rejection has its outcome: a replay resumes nothing.
    const rejected = setup(
      failing(new BusinessRejection('ITEM_INACTIVE', 'Item SKU-10442 is inactive in the ERP', 'erp')),
      {
        resume: async (e) => void resumed.push(e.sourceObjectId),
      },
    );
    const blocked = forecastExceptionEvent('EXC-RESUME-REJECTED');
    await rejected.handler(batch(sqsRecord(eventBridgeBody(blocked))));
    await rejected.handler(batch(sqsRecord(eventBridgeBody(blocked, { 'replay-name': 'after-restart' }))));
    expect(resumed).toEqual([event.sourceObjectId]);
  });

  it("appends the event's correlationId to every log line, including the business function's", async () => {
    const { handler } = setup(async (event, ctx) => {
      ctx.logger.info('posting purchase order');
      if (event.sourceObjectId.endsWith('EXC-LOG-2')) throw new TransientFailure('ERP 503', 'erp');
    });
    const ok = forecastExceptionEvent('EXC-LOG-1');
    const retried = forecastExceptionEvent('EXC-LOG-2');
    await handler(
      batch(
        sqsRecord(eventBridgeBody(ok), { messageId: 'm-log-1' }),
        sqsRecord(eventBridgeBody(retried), { messageId: 'm-log-2' }),
      ),
    );
    const linesOf = (messageId: string) => logLines.filter((line) => line.messageId === messageId);
    expect(linesOf('m-log-1').map((line) => line.message)).toEqual([
      'posting purchase order',
      'record processed',
    ]);
    expect(linesOf('m-log-2').map((line) => line.message)).toEqual([
      'posting purchase order',
      'transient failure; SQS will deliver the record again',
    ]);
    for (const line of linesOf('m-log-1')) expect(line).toMatchObject({ correlationId: ok.correlationId });
    for (const line of linesOf('m-log-2'))
      expect(line).toMatchObject({ correlationId: retried.correlationId });
    // Every line of the invocation is about one record or another: none lacks a correlationId.
    expect(logLines.filter((line) => !line.correlationId)).toEqual([]);
  });

  it('processes records concurrently but bounded, with an outcome per message', async () => {
    let inFlight = 0;
    let most = 0;
    const { handler } = setup(
      async (event) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        if (event.sourceObjectId.endsWith('EXC-B-3')) throw new TransientFailure('ERP 503', 'erp');
        if (event.sourceObjectId.endsWith('EXC-B-5')) throw new ContractViolation('unmapped UOM', 'erp');
      },
      { concurrency: 2 },
    );
    const records = [1, 2, 3, 4, 5, 6].map((n) =>
      sqsRecord(eventBridgeBody(forecastExceptionEvent(`EXC-B-${n}`)), { messageId: `m-b-${n}` }),
    );
    const response = await handler(batch(...records));
    expect(most).toBe(2);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-b-3' }]);
    expect(dlqMessages().map((m) => m.MessageAttributes?.sourceMessageId?.StringValue)).toEqual(['m-b-5']);
  });
});

describe('consumer: failure classification', () => {
  it('transient failure: reported for retry after a short backoff, not the queue visibility timeout', async () => {
    const { handler } = setup(failing(new TransientFailure('ERP answered 503', 'erp')));
    const random = vi.spyOn(Math, 'random').mockReturnValue(1);
    onTestFinished(() => random.mockRestore());
    const record = sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-T1')), { messageId: 'm-t1' });
    const response = await handler(batch(record));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-t1' }]);
    const visibility = sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);
    expect(visibility).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: record.receiptHandle, VisibilityTimeout: 2 },
    ]);
    expect(dlqMessages()).toEqual([]);
  });

  it('unknown errors are transient', async () => {
    const { handler } = setup(failing(new TypeError('cannot read properties of undefined')));
    const response = await handler(
      batch(sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-T2')), { messageId: 'm-t2' })),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-t2' }]);
    expect(dlqMessages()).toEqual([]);
  });

  it('spreads budget retries between the next window and twice the previous spread', () => {
    expect(spreadRetry(1, 1, () => 0)).toBe(1);
    expect(spreadRetry(1, 1, () => 0.999)).toBeCloseTo(2.998);
    expect(spreadRetry(3, 4, () => 1)).toBe(19);
    // Bounded: the 30th delivery waits no more than the 10th.
    expect(spreadRetry(1, 30, () => 1)).toBe(1 + 1024);
  });

  it('business rejection: publishes a valid integration-exception.raised event, no retry, no DLQ', async () => {
    const rejection = new BusinessRejection('ITEM_INACTIVE', 'Item SKU-10442 is inactive in the ERP', 'erp', {
      itemCode: 'SKU-10442',
    });
    const { handler, published } = setup(failing(rejection));
    const event = forecastExceptionEvent('EXC-BIZ');
    const response = await handler(batch(sqsRecord(eventBridgeBody(event), { messageId: 'm-biz' })));
    expect(response.batchItemFailures).toEqual([]);
    expect(dlqMessages()).toEqual([]);
    expect(published).toHaveLength(1);
    const exception = published[0]!;
    const validation = validateIntegrationExceptionRaisedV1(exception);
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    expect(exception).toMatchObject({
      eventType: 'integration-exception.raised',
      correlationId: event.correlationId,
      causationId: event.eventId,
      tenantId: event.tenantId,
      data: {
        category: 'BUSINESS',
        code: 'ITEM_INACTIVE',
        message: 'Item SKU-10442 is inactive in the ERP',
        status: 'OPEN',
        objectType: 'ForecastException',
        objectId: event.sourceObjectId,
        system: 'erp',
        raisedAt: '2026-11-27T09:00:00.000Z',
      },
    });
    expect(JSON.parse((exception.data as { details: string }).details)).toMatchObject({
      itemCode: 'SKU-10442',
    });

    // A redelivery of the rejected change raises nothing new.
    await handler(batch(sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-BIZ')))));
    expect(published).toHaveLength(1);
  });

  it('business rejection whose exception cannot be published is retried, not lost', async () => {
    const failingPublish = createConsumer(
      {
        name: 'test-consumer-publish-down',
        validators: canonicalValidators({ 'forecast-exception.raised': validateForecastExceptionRaisedV1 }),
        process: failing(new BusinessRejection('SUPPLIER_BLOCKED', 'blocked', 'procurement')),
      },
      {
        sqs: new SQSClient({ region: 'eu-west-1' }),
        deadLetterQueueUrl: DLQ_URL,
        idempotency: { client: dynamo.client, tableName: dynamo.tableNames.idempotency },
        publish: () => Promise.reject(new TransientFailure('EventBridge did not accept', 'eventbridge')),
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: {
          addMetric: () => undefined,
          publishStoredMetrics: () => undefined,
        } as unknown as ConsumerMetrics,
      },
    );
    const response = await failingPublish(
      batch(sqsRecord(eventBridgeBody(forecastExceptionEvent('EXC-BIZ-DOWN')), { messageId: 'm-bd' })),
      lambdaContext,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-bd' }]);
  });

  it('contract violation thrown by the business function: original body to the DLQ with its reason', async () => {
    const { handler } = setup(
      failing(new ContractViolation('unit of measure BX is not mapped', 'erp', { uom: 'BX' })),
    );
    const event = forecastExceptionEvent('EXC-CV');
    const body = eventBridgeBody(event);
    const response = await handler(batch(sqsRecord(body, { messageId: 'm-cv', receiveCount: 1 })));
    expect(response.batchItemFailures).toEqual([]);
    const [message] = dlqMessages();
    expect(message).toMatchObject({
      QueueUrl: DLQ_URL,
      MessageBody: body,
      MessageAttributes: {
        failureClass: { DataType: 'String', StringValue: 'contract' },
        sourceQueue: { DataType: 'String', StringValue: QUEUE_ARN },
        sourceMessageId: { DataType: 'String', StringValue: 'm-cv' },
        correlationId: { DataType: 'String', StringValue: event.correlationId },
      },
    });
    expect(JSON.parse(message!.MessageAttributes!.failureReason!.StringValue!)).toEqual({
      message: 'unit of measure BX is not mapped',
      system: 'erp',
      details: { uom: 'BX' },
    });
  });

  it('schema-invalid detail: DLQ with the validation errors, business function never called', async () => {
    const process = vi.fn(async () => undefined);
    const { handler } = setup(process);
    const event = forecastExceptionEvent('EXC-INVALID') as unknown as Record<string, unknown>;
    const invalid = { ...event, tenantId: undefined, data: { ...(event.data as object), packSize: -1 } };
    const response = await handler(batch(sqsRecord(eventBridgeBody(invalid), { messageId: 'm-inv' })));
    expect(response.batchItemFailures).toEqual([]);
    expect(process).not.toHaveBeenCalled();
    const reason = JSON.parse(dlqMessages()[0]!.MessageAttributes!.failureReason!.StringValue!) as {
      message: string;
      errors: { pointer: string; keyword: string }[];
    };
    expect(reason.message).toBe('detail is not a valid forecast-exception.raised');
    expect(reason.errors.map((e) => e.pointer)).toEqual(
      expect.arrayContaining(['/tenantId', '/data/packSize']),
    );
  });

  it.each([
    ['an unparseable body', '{"detail-type": "forecast-exception.raised", "detail": {', 'body is not JSON'],
    ['a body that is not an EventBridge event', '{"hello":"world"}', 'body is not an EventBridge event'],
    [
      'a detail-type this consumer does not accept',
      JSON.stringify({ 'detail-type': 'receipt.posted', detail: {} }),
      "this consumer does not accept detail-type 'receipt.posted'",
    ],
  ])('%s goes to the DLQ with its reason', async (_case, body, reason) => {
    const { handler } = setup(async () => undefined);
    const response = await handler(batch(sqsRecord(body, { messageId: 'm-bad' })));
    expect(response.batchItemFailures).toEqual([]);
    const [message] = dlqMessages();
    expect(message?.MessageBody).toBe(body);
    expect(message?.MessageAttributes?.failureClass?.StringValue).toBe('contract');
    expect(message?.MessageAttributes?.failureReason?.StringValue).toContain(reason);
  });

  it('reports a contract violation for retry when the DLQ cannot take it (SQS redrive keeps it)', async () => {
    sqsMock.on(SendMessageCommand).rejects(new Error('AccessDenied'));
    const { handler } = setup(async () => undefined);
    const response = await handler(batch(sqsRecord('not json', { messageId: 'm-nodlq' })));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-nodlq' }]);
  });

  it('with maxReceiveCount, dead-letters the last failure no system owns (a defect) itself, with its reason', async () => {
    const { handler } = setup(
      failing(new TypeError("Cannot read properties of undefined (reading 'lines')")),
      {
        maxReceiveCount: 3,
      },
    );
    const body = eventBridgeBody(forecastExceptionEvent('EXC-LAST'));
    expect(
      (await handler(batch(sqsRecord(body, { messageId: 'm-l', receiveCount: 2 })))).batchItemFailures,
    ).toEqual([{ itemIdentifier: 'm-l' }]);
    expect(dlqMessages()).toEqual([]);
    expect(
      (await handler(batch(sqsRecord(body, { messageId: 'm-l', receiveCount: 3 })))).batchItemFailures,
    ).toEqual([]);
    const [message] = dlqMessages();
    expect(message?.MessageAttributes?.failureClass?.StringValue).toBe('transient');
    expect(message?.MessageAttributes?.failureReason?.StringValue).toContain(
      'failed on its last delivery (3/3)',
    );
  });
});

describe('queueUrlFromArn', () => {
  it('builds the queue URL the SQS API takes from the event source ARN', () => {
    expect(queueUrlFromArn(QUEUE_ARN)).toBe(QUEUE_URL);
    expect(queueUrlFromArn('arn:aws-cn:sqs:cn-north-1:123456789012:q')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q',
    );
    expect(() => queueUrlFromArn('arn:aws:sns:eu-west-1:1:topic')).toThrow('not an SQS queue ARN');
  });
});
