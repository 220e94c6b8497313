/**
 * DLQ operations against the local SQS (fauxqs): list, peek without consuming, and redrive of all,
 * a filtered subset, or nothing (dry run), each message moved exactly once and deleted from the
 * DLQ only after it reached the source queue.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { listDeadLetterQueues, peekDeadLetters, redrive } from '../../ops/dlq';
import { buildTopology, type StackInventory, type StackTopology } from '../../ops/topology';

const REGION = 'us-east-1';
let server: FauxqsServer;
let sqs: SQSClient;
let topology: StackTopology;
const urls: Record<string, string> = {};

beforeAll(async () => {
  server = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
  sqs = new SQSClient({
    region: REGION,
    endpoint: `http://127.0.0.1:${server.port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const queue = (logicalId: string, name: string, redriveTo?: string) => {
    const created = server.createQueue(name, {
      region: REGION,
      attributes: redriveTo
        ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: redriveTo, maxReceiveCount: 3 }) }
        : {},
    });
    urls[name] = created.queueUrl;
    return {
      logicalId,
      name,
      url: created.queueUrl,
      arn: created.queueArn,
      ...(redriveTo ? { redrivePolicy: { deadLetterTargetArn: redriveTo, maxReceiveCount: 3 } } : {}),
    };
  };
  const dlq = queue('ConsumersForecastSyncDeadLetterQueue57148D1A', 'ops-forecast-sync-dlq');
  const delivery = queue(
    'ConsumersForecastSyncDeliveryDeadLetterQueue2104B732',
    'ops-forecast-sync-delivery-dlq',
  );
  const main = queue('ConsumersForecastSyncQueueB253C5BF', 'ops-forecast-sync', dlq.arn);
  const inventory: StackInventory = {
    stackName: 'Ops-test',
    region: REGION,
    queues: [dlq, delivery, main],
    rules: [
      {
        name: 'forecast-sync-rule',
        arn: 'arn:aws:events:us-east-1:000000000000:rule/ops/forecast-sync-rule',
        eventPattern: { 'detail-type': ['forecast.published'] },
        targets: [{ arn: main.arn, deadLetterArn: delivery.arn }],
      },
    ],
    tables: [],
    bus: { name: 'ops', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/ops' },
  };
  topology = buildTopology(inventory);
});

afterEach(async () => {
  for (const url of Object.values(urls)) await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
});

afterAll(async () => {
  sqs?.destroy();
  await server?.stop();
});

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

function eventBody(type: string, correlationId: string): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': type,
    source: 'supplyline.planning',
    time: '2026-05-01T10:00:00Z',
    detail: { eventId: randomUUID(), eventType: type, correlationId, data: {} },
  });
}

/** What the consumer dead-letters (contract violation with the reason in attributes). */
async function deadLetter(type: string, correlationId: string): Promise<string> {
  const body = eventBody(type, correlationId);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: urls['ops-forecast-sync-dlq'],
      MessageBody: body,
      MessageAttributes: {
        failureClass: text('contract'),
        failureReason: text(
          JSON.stringify({
            message: `detail is not a valid ${type}`,
            errors: [{ pointer: '/data/planId', message: "must have required property 'planId'" }],
          }),
        ),
        sourceQueue: text(`arn:aws:sqs:us-east-1:000000000000:ops-forecast-sync`),
        correlationId: text(correlationId),
      },
    }),
  );
  return body;
}

/** What EventBridge dead-letters when it cannot deliver to the queue. */
async function undelivered(type: string, correlationId: string): Promise<string> {
  const body = eventBody(type, correlationId);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: urls['ops-forecast-sync-delivery-dlq'],
      MessageBody: body,
      MessageAttributes: {
        ERROR_CODE: text('SQS_SEND_FAILED'),
        ERROR_MESSAGE: text('queue unavailable'),
        RULE_ARN: text('arn:aws:events:us-east-1:000000000000:rule/ops/forecast-sync-rule'),
      },
    }),
  );
  return body;
}

/** Every body in a queue (received and deleted: the test reads each once). */
async function drain(name: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: urls[name], MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body ?? ''));
  }
}

async function depth(name: string): Promise<{ visible: number; hidden: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: urls[name],
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    hidden: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}

const quick = { waitSeconds: 0 };

describe('dlq list and show', () => {
  it('lists both DLQs of the consumer with their depth and where they redrive to', async () => {
    await deadLetter('forecast.published', 'c-1');
    await deadLetter('forecast.published', 'c-2');
    await undelivered('forecast.published', 'c-3');
    const rows = await listDeadLetterQueues(sqs, topology);
    expect(rows).toEqual([
      {
        consumer: 'forecast-sync',
        kind: 'processing',
        queue: 'ops-forecast-sync-dlq',
        depth: 2,
        inFlight: 0,
        source: 'ops-forecast-sync',
      },
      {
        consumer: 'forecast-sync',
        kind: 'delivery',
        queue: 'ops-forecast-sync-delivery-dlq',
        depth: 1,
        inFlight: 0,
        source: 'ops-forecast-sync',
      },
    ]);
  });

  it('shows failure class, reason, correlation id and event type without consuming the messages', async () => {
    await deadLetter('forecast.published', 'c-1');
    await undelivered('forecast.lines-changed', 'c-2');
    const letters = await peekDeadLetters(sqs, topology, 'forecast-sync', quick);
    expect(letters.map((l) => [l.kind, l.eventType, l.correlationId, l.failureClass])).toEqual([
      ['processing', 'forecast.published', 'c-1', 'contract'],
      ['delivery', 'forecast.lines-changed', 'c-2', 'delivery'],
    ]);
    expect(letters[0]!.failureReason).toBe(
      "detail is not a valid forecast.published (/data/planId: must have required property 'planId')",
    );
    expect(letters[1]!.failureReason).toBe(
      'EventBridge could not deliver: SQS_SEND_FAILED: queue unavailable',
    );
    expect(letters.every((l) => l.sourceQueue === 'ops-forecast-sync')).toBe(true);
    // Still there, and visible at once.
    expect(await depth('ops-forecast-sync-dlq')).toEqual({ visible: 1, hidden: 0 });
    expect(await depth('ops-forecast-sync-delivery-dlq')).toEqual({ visible: 1, hidden: 0 });
  });

  it('names the known consumers when the name matches nothing', async () => {
    await expect(peekDeadLetters(sqs, topology, 'nope', quick)).rejects.toThrow(
      "no consumer or DLQ named 'nope' (consumers: forecast-sync)",
    );
  });
});

describe('dlq redrive', () => {
  it('dry run: lists what would move and why, moves nothing', async () => {
    await deadLetter('forecast.published', 'c-1');
    await undelivered('forecast.published', 'c-2');
    const result = await redrive(sqs, topology, 'forecast-sync', { ...quick, dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.moved.map((m) => [m.correlationId, m.failureClass])).toEqual([
      ['c-1', 'contract'],
      ['c-2', 'delivery'],
    ]);
    expect(await depth('ops-forecast-sync')).toEqual({ visible: 0, hidden: 0 });
    expect(await depth('ops-forecast-sync-dlq')).toEqual({ visible: 1, hidden: 0 });
    expect(await depth('ops-forecast-sync-delivery-dlq')).toEqual({ visible: 1, hidden: 0 });
  });

  it('all: every message of both DLQs reaches the source queue exactly once, with its original body', async () => {
    const bodies = [
      await deadLetter('forecast.published', 'c-1'),
      await deadLetter('forecast.published', 'c-2'),
      ...(await Promise.all(
        Array.from({ length: 12 }, (_, i) => deadLetter('forecast.lines-changed', `bulk-${i}`)),
      )),
      await undelivered('forecast.published', 'c-3'),
    ];
    const progress: string[] = [];
    const result = await redrive(sqs, topology, 'forecast-sync', {
      ...quick,
      onProgress: (line) => progress.push(line),
    });
    expect(result.moved).toHaveLength(15);
    expect(result.failed).toEqual([]);
    expect(result.kept).toBe(0);
    expect((await drain('ops-forecast-sync')).sort()).toEqual([...bodies].sort());
    expect(await depth('ops-forecast-sync-dlq')).toEqual({ visible: 0, hidden: 0 });
    expect(await depth('ops-forecast-sync-delivery-dlq')).toEqual({ visible: 0, hidden: 0 });
    expect(progress.at(-1)).toBe('ops-forecast-sync-delivery-dlq: moved 1/1 to ops-forecast-sync');

    const again = await redrive(sqs, topology, 'forecast-sync', quick);
    expect(again.moved).toEqual([]);
    expect(await drain('ops-forecast-sync')).toEqual([]);
  });

  it('by event type: moves exactly those, and the others stay visible in the DLQ', async () => {
    const published = [
      await deadLetter('forecast.published', 'c-1'),
      await undelivered('forecast.published', 'c-2'),
    ];
    await deadLetter('forecast.lines-changed', 'c-3');
    await deadLetter('forecast.lines-changed', 'c-4');
    const result = await redrive(sqs, topology, 'forecast-sync', {
      ...quick,
      eventType: 'forecast.published',
    });
    expect(result.moved.map((m) => m.correlationId)).toEqual(['c-1', 'c-2']);
    expect(result.kept).toBe(2);
    expect((await drain('ops-forecast-sync')).sort()).toEqual([...published].sort());
    expect(await depth('ops-forecast-sync-dlq')).toEqual({ visible: 2, hidden: 0 });
    const left = await peekDeadLetters(sqs, topology, 'forecast-sync', quick);
    expect(left.map((l) => l.correlationId)).toEqual(['c-3', 'c-4']);
  });

  it('by correlation id, on one DLQ named by its queue name', async () => {
    const wanted = await deadLetter('forecast.published', 'flow-7');
    await deadLetter('forecast.published', 'flow-8');
    await undelivered('forecast.published', 'flow-7');
    const result = await redrive(sqs, topology, 'ops-forecast-sync-dlq', {
      ...quick,
      correlationId: 'flow-7',
    });
    expect(result.moved.map((m) => [m.queue, m.correlationId])).toEqual([
      ['ops-forecast-sync-dlq', 'flow-7'],
    ]);
    expect(await drain('ops-forecast-sync')).toEqual([wanted]);
    expect(await depth('ops-forecast-sync-dlq')).toEqual({ visible: 1, hidden: 0 });
    // The delivery DLQ was not named: untouched.
    expect(await depth('ops-forecast-sync-delivery-dlq')).toEqual({ visible: 1, hidden: 0 });
  });

  it('keeps a message in the DLQ when the send to the source queue fails', async () => {
    await deadLetter('forecast.published', 'c-1');
    const broken: StackTopology = {
      ...topology,
      consumers: topology.consumers.map((c) => ({
        ...c,
        queue: { ...c.queue, url: `${c.queue.url}-gone` },
      })),
    };
    const result = await redrive(sqs, broken, 'ops-forecast-sync-dlq', quick);
    expect(result.moved).toEqual([]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.error).toMatch(/^send failed: /);
    expect(await depth('ops-forecast-sync-dlq')).toEqual({ visible: 1, hidden: 0 });
  });
});
