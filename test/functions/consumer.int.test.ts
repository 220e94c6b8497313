/**
 * The consumer against real local stand-ins: fauxqs (SQS with redrive to a DLQ) and dynalite
 * (Powertools idempotency). The test plays the Lambda event source mapping: receive a batch, call
 * the handler, delete what it did not report as failed.
 */
import { validateForecastExceptionRaisedV1 } from '../../canonical/generated/validators';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../canonical/envelope';
import { CircuitOpenError } from '../../adapters/resilience/circuit-breaker';
import { TransientFailure } from '../../domain/failures';
import {
  canonicalValidators,
  createConsumer,
  type BusinessFunction,
  type ConsumerMetrics,
} from '../../functions/commons/consumer';
import { LOCAL_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/tables';
import { eventBridgeBody, forecastExceptionEvent } from './consumer-fixtures';

let fauxqs: FauxqsServer;
let dynamo: LocalDynamo;
let sqs: SQSClient;

beforeAll(async () => {
  [fauxqs, dynamo] = await Promise.all([
    startFauxqs({ port: 0, logger: false }),
    startLocalDynamo({ prefix: 'consumer-int' }),
  ]);
  // fauxqs queue URLs name an unresolvable host: send every call to its endpoint instead.
  sqs = new SQSClient({
    endpoint: fauxqs.address,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    useQueueUrlAsEndpoint: false,
  });
});
afterAll(async () => {
  sqs?.destroy();
  await Promise.all([fauxqs?.stop(), dynamo?.stop()]);
});

const lambdaContext = {
  functionName: 'supplyline-local-consumer',
  awsRequestId: 'local',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** A queue whose redrive policy moves a message to its DLQ on the third receive that fails. */
function queueWithDeadLetterQueue(name: string) {
  const dlq = fauxqs.createQueue(`${name}-dlq`);
  const queue = fauxqs.createQueue(name, {
    attributes: {
      // Long: a record only comes back early when the consumer moved its visibility (Retry-After).
      VisibilityTimeout: '30',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: '3' }),
    },
  });
  return { queue, dlq };
}

/** The event source mapping: SQS messages -> SQS event -> handler -> delete what succeeded. */
async function drain(
  queue: { queueUrl: string; queueArn: string },
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length > 0) {
      const { batchItemFailures } = await handler(
        { Records: Messages.map((m) => toRecord(m, queue.queueArn)) },
        lambdaContext,
      );
      const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
      for (const message of Messages)
        if (!failed.has(message.MessageId!))
          await sqs.send(
            new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
    }
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    if (
      Attributes.ApproximateNumberOfMessages === '0' &&
      Attributes.ApproximateNumberOfMessagesNotVisible === '0' &&
      Attributes.ApproximateNumberOfMessagesDelayed === '0'
    )
      return;
  }
  throw new Error('queue not drained in time');
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: message.Attributes as unknown as SQSRecord['attributes'],
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType!, stringValue: value.StringValue },
      ]),
    ),
    md5OfBody: message.MD5OfBody!,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

async function deadLetters(dlqUrl: string): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: dlqUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages;
}

function consumer(
  queue: { queueUrl: string; queueArn: string },
  dlqUrl: string,
  process: BusinessFunction,
  maxReceiveCount?: number,
) {
  const metrics: string[] = [];
  const handler = createConsumer(
    {
      name: queue.queueArn.split(':').pop()!,
      validators: canonicalValidators({ 'forecast-exception.raised': validateForecastExceptionRaisedV1 }),
      process,
      ...(maxReceiveCount ? { maxReceiveCount } : {}),
    },
    {
      sqs,
      deadLetterQueueUrl: dlqUrl,
      idempotency: { client: dynamo.client, tableName: dynamo.tableNames.idempotency },
      publish: async () => undefined,
      // fauxqs URLs are not the AWS form the consumer derives from the ARN by default.
      queueUrlOf: (arn) => {
        if (arn !== queue.queueArn) throw new Error(`unexpected source queue ${arn}`);
        return queue.queueUrl;
      },
      logger: new Logger({ serviceName: 'supplyline', logLevel: 'SILENT' }),
      metrics: {
        addMetric: (metric: string) => void metrics.push(metric),
        publishStoredMetrics: () => undefined,
      } as unknown as ConsumerMetrics,
    },
  );
  return { handler, metrics };
}

describe('consumer on fauxqs + dynalite (queue with DLQ, maxReceiveCount 3)', () => {
  it('processes a good message once although delivered twice; poison messages end in the DLQ with their reason', async () => {
    const { queue, dlq } = queueWithDeadLetterQueue('erp-poster');
    const good = forecastExceptionEvent('EXC-INT-GOOD');
    const poison = forecastExceptionEvent('EXC-INT-POISON');
    const invalid = { ...forecastExceptionEvent('EXC-INT-INVALID'), schemaVersion: 'v1' };
    const processed: CanonicalEvent[] = [];
    const attempts = new Map<string, number>();
    const { handler, metrics } = consumer(
      queue,
      dlq.queueUrl,
      async (event) => {
        attempts.set(event.sourceObjectId, (attempts.get(event.sourceObjectId) ?? 0) + 1);
        // A defect fails this one every time (an outage would be waited for, not dead-lettered).
        if (event.idempotencyKey === poison.idempotencyKey)
          throw new TypeError("Cannot read properties of undefined (reading 'lines')");
        processed.push(event);
      },
      3,
    );

    // EventBridge delivers at least once: the good event arrives twice, as two SQS messages.
    for (const body of [
      eventBridgeBody(good),
      eventBridgeBody(poison),
      eventBridgeBody(invalid),
      eventBridgeBody(good),
    ])
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: body }));

    await drain(queue, handler);

    expect(processed.map((event) => event.idempotencyKey)).toEqual([good.idempotencyKey]);
    expect(metrics.filter((metric) => metric === 'DuplicatesSuppressed')).toHaveLength(1);
    // Retried after a short backoff (not the 30 s visibility timeout) until its last receive.
    expect(attempts.get(poison.sourceObjectId)).toBe(3);

    const dead = await deadLetters(dlq.queueUrl);
    const byClass = Object.fromEntries(
      dead.map((message) => [message.MessageAttributes?.failureClass?.StringValue, message]),
    );
    expect(dead).toHaveLength(2);
    expect(JSON.parse(byClass.contract!.Body!).detail.sourceObjectId).toBe(invalid.sourceObjectId);
    expect(JSON.parse(byClass.contract!.MessageAttributes!.failureReason!.StringValue!)).toMatchObject({
      message: 'detail is not a valid forecast-exception.raised',
      errors: [expect.objectContaining({ pointer: '/schemaVersion', keyword: 'pattern' })],
    });
    expect(byClass.contract!.MessageAttributes!.sourceQueue!.StringValue).toBe(queue.queueArn);
    expect(byClass.transient!.MessageAttributes!.failureReason!.StringValue).toContain(
      "failed on its last delivery (3/3): Cannot read properties of undefined (reading 'lines')",
    );
    expect(JSON.parse(byClass.transient!.Body!).detail.idempotencyKey).toBe(poison.idempotencyKey);
  });

  it('waits out an open breaker for longer than maxReceiveCount deliveries, then processes once; nothing dead-lettered', async () => {
    const { queue, dlq } = queueWithDeadLetterQueue('erp-poster-deferred');
    const waiting = forecastExceptionEvent('EXC-INT-DEFERRED');
    let attempts = 0;
    const { handler, metrics } = consumer(
      queue,
      dlq.queueUrl,
      async () => {
        // Refused by the open breaker four times (more than the queue's 3 receives), then it closes.
        if (++attempts <= 4) throw new CircuitOpenError('procurement', 1);
      },
      3,
    );
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: eventBridgeBody(waiting) }),
    );

    await drain(queue, handler);

    expect(attempts).toBe(5);
    expect(metrics.filter((metric) => metric === 'Deferred')).toHaveLength(4);
    expect(await deadLetters(dlq.queueUrl)).toEqual([]);
  });

  it("without the consumer knowing maxReceiveCount, SQS's redrive still moves the poison message to the DLQ", async () => {
    const { queue, dlq } = queueWithDeadLetterQueue('erp-poster-redrive');
    const poison = forecastExceptionEvent('EXC-INT-REDRIVE');
    let attempts = 0;
    const { handler } = consumer(queue, dlq.queueUrl, async () => {
      attempts++;
      throw new TransientFailure('ERP answered 503', 'erp');
    });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: eventBridgeBody(poison) }),
    );

    // Backoffs of 1-2, 2-4 and 4-8 s before the receive that moves it.
    await drain(queue, handler, 40_000);

    expect(attempts).toBe(3);
    const dead = await deadLetters(dlq.queueUrl);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.Body!).detail.idempotencyKey).toBe(poison.idempotencyKey);
    // Moved by SQS itself: the body is intact, without a reason attribute.
    expect(dead[0]!.MessageAttributes?.failureClass).toBeUndefined();
  }, 60_000);
});
