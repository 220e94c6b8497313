import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsBatchSender } from '../../../local/sqs/batch-sender';
import { startSqsStandIn, type SqsCall, type SqsStandIn } from '../../../local/sqs/stand-in';

const REGION = 'eu-west-1';
let fauxqs: SqsStandIn;

beforeAll(async () => {
  fauxqs = await startSqsStandIn({ region: REGION });
});
afterAll(async () => {
  await fauxqs.stop();
});

describe('SqsBatchSender (bus -> SQS targets)', () => {
  it('puts every message on the queue in fewer calls than messages', async () => {
    // Prepare
    const queue = fauxqs.createQueue('batched', { region: REGION });
    const calls: string[] = [];
    // The same SQS, recording which action each call is.
    const recording: SqsCall = (action, input, signal) => {
      calls.push(action);
      return fauxqs.call(action, input, signal);
    };
    const sender = new SqsBatchSender(recording);

    // Act
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => sender.send(queue.queueUrl, { MessageBody: `m${i}` })),
    );

    // Assess
    const bodies = fauxqs.inspectQueue('batched')!.messages.ready.map((m) => m.body);
    expect(bodies.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
    expect(calls.every((name) => name === 'SendMessageBatch')).toBe(true);
    expect(calls.length).toBe(3);
  });

  it('fails only the message SQS refuses; the others of its batch are sent', async () => {
    // Prepare
    const queue = fauxqs.createQueue('small', { region: REGION, attributes: { MaximumMessageSize: '1024' } });
    const sender = new SqsBatchSender(fauxqs.call);

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

  it('keeps the message attributes (the runtime sends a rule target dead letter this way)', async () => {
    // Prepare
    const queue = fauxqs.createQueue('letters', { region: REGION });
    const sender = new SqsBatchSender(fauxqs.call);

    // Act
    await sender.send(queue.queueUrl, {
      MessageBody: '{"id":"e-1"}',
      MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'SQS_SEND_FAILED' } },
    });

    // Assess
    const { Messages } = await fauxqs.call('ReceiveMessage', {
      QueueUrl: queue.queueUrl,
      MessageAttributeNames: ['All'],
    });
    expect(Messages?.map((m) => [m.Body, m.MessageAttributes])).toEqual([
      ['{"id":"e-1"}', { ERROR_CODE: { DataType: 'String', StringValue: 'SQS_SEND_FAILED' } }],
    ]);
  });
});
