import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startSqsStandIn, type SqsStandIn } from '../../../local/sqs/stand-in';
import { LambdaRunner } from '../../../local/lambda/functions';
import { SqsEventSource, type BatchOutcome } from '../../../local/lambda/sqs-event-source';
import type { FunctionModel } from '../../../assembly';

const REGION = 'eu-west-1';
const consumer: FunctionModel = {
  logicalId: 'ConsumerFunction',
  constructId: 'Consumer',
  name: 'Supplyline-test-Consumer',
  arn: `arn:aws:lambda:${REGION}:000000000000:function:Supplyline-test-Consumer`,
  assetDir: fileURLToPath(new URL('../fixtures/functions/sqs-consumer', import.meta.url)),
  handler: 'index.handler',
  environment: {},
  timeoutSeconds: 5,
  memoryMb: 128,
  asyncMaximumRetryAttempts: 2,
  asyncMaximumEventAgeSeconds: 21_600,
};

let fauxqs: SqsStandIn;
let sqs: SQSClient;
let lambda: LambdaRunner;
let source: SqsEventSource | undefined;
let queueCounter = 0;

beforeAll(async () => {
  fauxqs = await startSqsStandIn({ region: REGION });
  // The test's own sends go over HTTP, as a function's do.
  sqs = new SQSClient({
    region: REGION,
    endpoint: `http://127.0.0.1:${fauxqs.port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  lambda = new LambdaRunner({ functions: [consumer], region: REGION, logs: 'silent' });
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
});
afterAll(async () => {
  await lambda.stop();
  sqs.destroy();
  await fauxqs.stop();
});

/** A queue with a DLQ, as a consumer lane declares it. */
function lane(visibilityTimeoutSeconds: number, maxReceiveCount: number) {
  const name = `lane-${++queueCounter}`;
  const dlq = fauxqs.createQueue(`${name}-dlq`, { region: REGION });
  const queue = fauxqs.createQueue(name, {
    region: REGION,
    attributes: {
      VisibilityTimeout: String(visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.queueArn,
        maxReceiveCount: String(maxReceiveCount),
      }),
    },
  });
  return { name, queue, dlq };
}

function mapping(
  queue: { queueUrl: string; queueArn: string },
  options: { batchSize?: number; window?: number } = {},
) {
  const outcomes: BatchOutcome[] = [];
  source = new SqsEventSource({
    sqs: fauxqs.call,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    functionName: consumer.name,
    invoke: (fn, event) => lambda.invoke(fn, event),
    region: REGION,
    batchSize: options.batchSize ?? 10,
    maximumBatchingWindowSeconds: options.window ?? 1,
    maximumConcurrency: 2,
    reportBatchItemFailures: true,
    waitTimeSeconds: 1,
    onBatch: (outcome) => outcomes.push(outcome),
  }).start();
  return outcomes;
}

const bodies = (messages: { message: { body: string } }[] | { body: string }[]) =>
  messages.map((m) => ('message' in m ? m.message.body : m.body)).sort();

describe('SqsEventSource over fauxqs', () => {
  it('deletes the successes of a batch and leaves only the reported failures on the queue', async () => {
    const { name, queue } = lane(30, 5);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: ['ok-1', 'fail-1', 'ok-2', 'fail-2', 'ok-3'].map((body, i) => ({
          Id: String(i),
          MessageBody: body,
        })),
      }),
    );
    const outcomes = mapping(queue);
    await expect.poll(() => outcomes.flatMap((o) => o.messageIds).length, { timeout: 10_000 }).toBe(5);
    const state = fauxqs.inspectQueue(name)!;
    expect(state.messages.ready).toHaveLength(0);
    // The failures wait out the visibility timeout in flight; the successes are gone.
    expect(bodies(state.messages.inflight)).toEqual(['fail-1', 'fail-2']);
    expect(outcomes.flatMap((o) => o.deleted)).toHaveLength(3);
  });

  it('hands the function an SQS event: receive count, queue ARN, string and binary message attributes', async () => {
    const { queue } = lane(30, 5);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: 'ok-attributes',
        MessageAttributes: {
          correlationId: { DataType: 'String', StringValue: 'corr-1' },
          checksum: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 255]) },
        },
      }),
    );
    const calls: unknown[] = [];
    source = new SqsEventSource({
      sqs: fauxqs.call,
      queueUrl: queue.queueUrl,
      queueArn: queue.queueArn,
      functionName: consumer.name,
      invoke: (fn, event) => {
        calls.push(event);
        return lambda.invoke(fn, event);
      },
      region: REGION,
      batchSize: 1,
      waitTimeSeconds: 1,
    }).start();
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(1);
    const record = (calls[0] as { Records: Record<string, unknown>[] }).Records[0]!;
    expect(record).toMatchObject({
      body: 'ok-attributes',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.queueArn,
      awsRegion: REGION,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {
        correlationId: { dataType: 'String', stringValue: 'corr-1' },
        // Base64 in Lambda's event, as the value is on the wire.
        checksum: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 255]).toString('base64') },
      },
    });
  });

  it('a message that keeps failing ends in the DLQ after maxReceiveCount (the queue redrive)', async () => {
    const { name, queue } = lane(1, 2);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'poison-1' }));
    const outcomes = mapping(queue, { window: 0 });
    await expect
      .poll(() => fauxqs.inspectQueue(`${name}-dlq`)?.messages.ready.length, { timeout: 15_000 })
      .toBe(1);
    expect(bodies(fauxqs.inspectQueue(`${name}-dlq`)!.messages.ready)).toEqual(['poison-1']);
    const state = fauxqs.inspectQueue(name)!;
    expect(state.messages.ready.length + state.messages.inflight.length).toBe(0);
    // Invoked exactly maxReceiveCount times, each time a function error.
    expect(outcomes).toHaveLength(2);
    expect(outcomes.every((o) => !o.invocation.ok && o.deleted.length === 0)).toBe(true);
  });

  it('stops cleanly while long-polling', async () => {
    const { queue } = lane(30, 5);
    const outcomes = mapping(queue);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await source!.stop();
    expect(outcomes).toHaveLength(0);
  });
});
