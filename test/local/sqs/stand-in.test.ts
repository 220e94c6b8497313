import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startSqsStandIn, type SqsStandIn } from '../../../local/sqs/stand-in';

const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let standIn: SqsStandIn;
let overHttp: SQSClient;
let queues = 0;

beforeAll(async () => {
  standIn = await startSqsStandIn({ region: REGION });
  const endpoint = `http://127.0.0.1:${standIn.port}`;
  overHttp = new SQSClient({ region: REGION, endpoint, credentials });
});
afterAll(async () => {
  overHttp.destroy();
  await standIn.stop();
});

const newQueue = () => standIn.createQueue(`queue-${++queues}`, { region: REGION });

describe('SQS stand-in (fauxqs, over HTTP and in process)', () => {
  it('names queues as the template model expects them', () => {
    const queue = standIn.createQueue('orders', { region: REGION });
    expect(queue.queueUrl).toBe(`http://sqs.${REGION}.localhost:${standIn.port}/000000000000/orders`);
    expect(queue.queueArn).toBe(`arn:aws:sqs:${REGION}:000000000000:orders`);
  });

  it('calls actions without the SDK: batches in, binary attributes out as base64', async () => {
    const queue = newQueue();
    const sent = await standIn.call('SendMessageBatch', {
      QueueUrl: queue.queueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'one' },
        { Id: 'b', MessageBody: 'two' },
      ],
    });
    expect(sent.Successful?.map((s) => s.Id).sort()).toEqual(['a', 'b']);
    await overHttp.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: 'three',
        MessageAttributes: { checksum: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 255]) } },
      }),
    );

    const received = await standIn.call('ReceiveMessage', {
      QueueUrl: queue.queueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    });
    expect(received.Messages?.map((m) => m.Body).sort()).toEqual(['one', 'three', 'two']);
    const binary = received.Messages!.find((m) => m.Body === 'three')!.MessageAttributes!.checksum!
      .BinaryValue;
    expect(binary).toBe(Buffer.from([1, 2, 255]).toString('base64'));

    // The same queue over HTTP, as functions see it: nothing left to receive.
    expect(
      (await overHttp.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl }))).Messages ?? [],
    ).toEqual([]);

    const deleted = await standIn.call('DeleteMessageBatch', {
      QueueUrl: queue.queueUrl,
      Entries: received.Messages!.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
    });
    expect(deleted.Successful).toHaveLength(3);
    expect(standIn.inspectQueue(queue.queueName)?.messages).toMatchObject({ ready: [], inflight: [] });
  });

  it('rejects a failed call with an error named after the SQS error code', async () => {
    await expect(
      standIn.call('ReceiveMessage', { QueueUrl: newQueue().queueUrl, WaitTimeSeconds: 21 }),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', statusCode: 400 });
  });

  it('stops waiting on a long poll when its signal aborts', async () => {
    const controller = new AbortController();
    const poll = standIn.call(
      'ReceiveMessage',
      { QueueUrl: newQueue().queueUrl, WaitTimeSeconds: 20 },
      controller.signal,
    );
    setTimeout(() => controller.abort(), 50);
    // Without the abort the poll would answer empty after 20 s, not reject.
    await expect(poll).rejects.toMatchObject({ name: 'AbortError' });
  });
});
