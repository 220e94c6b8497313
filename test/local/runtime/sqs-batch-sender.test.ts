import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { SqsBatchSender } from '../../../local/runtime/sqs-batch-sender';

const REGION = 'eu-west-1';
let fauxqs: FauxqsServer;
let sqs: SQSClient;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
  sqs = new SQSClient({
    region: REGION,
    endpoint: `http://127.0.0.1:${fauxqs.port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  sqs.destroy();
  await fauxqs.stop();
});

describe('SqsBatchSender (bus -> SQS targets)', () => {
  it('puts every message on the queue in fewer calls than messages', async () => {
    // Prepare
    const queue = fauxqs.createQueue('batched', { region: REGION });
    const calls: string[] = [];
    // The same client, recording which command each call sends.
    const recording = new Proxy(sqs, {
      get: (target, key) =>
        key === 'send'
          ? (command: Parameters<SQSClient['send']>[0]) => {
              calls.push(command.constructor.name);
              return target.send(command);
            }
          : Reflect.get(target, key),
    });
    const sender = new SqsBatchSender(recording);

    // Act
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => sender.send(queue.queueUrl, { MessageBody: `m${i}` })),
    );

    // Assess
    const bodies = fauxqs.inspectQueue('batched')!.messages.ready.map((m) => m.body);
    expect(bodies.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
    expect(calls.every((name) => name === 'SendMessageBatchCommand')).toBe(true);
    expect(calls.length).toBe(3);
  });

  it('fails only the message SQS refuses; the others of its batch are sent', async () => {
    // Prepare
    const queue = fauxqs.createQueue('small', { region: REGION, attributes: { MaximumMessageSize: '1024' } });
    const sender = new SqsBatchSender(sqs);

    // Act
    const outcomes = await Promise.allSettled([
      sender.send(queue.queueUrl, { MessageBody: 'fits' }),
      sender.send(queue.queueUrl, { MessageBody: 'x'.repeat(2000) }),
      sender.send(queue.queueUrl, { MessageBody: 'fits too' }),
    ]);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(
      fauxqs
        .inspectQueue('small')!
        .messages.ready.map((m) => m.body)
        .sort(),
    ).toEqual(['fits', 'fits too']);
  });
});
