/**
 * The local S3 tells EventBridge of new objects where the template asks for it: a PutObject in such
 * a bucket becomes S3's `Object Created` event on the default bus, which the EDI mailbox rule's
 * pattern (bucket name, `inbound/` prefix) matches as it would in AWS.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type EventEnvelope } from '../../../local/eventbridge/bus';
import { s3ObjectCreated } from '../../../local/eventbridge/s3-events';
import { startSqsStandIn, type SqsStandIn } from '../../../local/sqs/stand-in';

let server: SqsStandIn;
let s3: S3Client;
const created: [string, number][] = [];
beforeAll(async () => {
  server = await startSqsStandIn({ region: 'us-east-1' });
  server.createBucket('mailbox', { onObjectCreated: (key, size) => void created.push([key, size]) });
  server.createBucket('quiet');
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => server.stop());

describe('object events of the local S3', () => {
  it('announces each object written in a bucket that asks for it, and none of the others', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'mailbox', Key: 'inbound/acme/1.x12', Body: 'ISA*00' }));
    await s3.send(new PutObjectCommand({ Bucket: 'quiet', Key: 'inbound/acme/1.x12', Body: 'ISA*00' }));
    expect(created).toEqual([['inbound/acme/1.x12', 6]]);
  });

  it('puts S3’s Object Created event on the default bus, matched by the mailbox rule’s pattern', async () => {
    // PutEvents refuses `aws.*` sources to callers, as AWS does; S3's own events come in as the service's.
    const bus = new EventBus({ name: 'default' });
    const received: EventEnvelope[] = [];
    bus.addRule({
      name: 'edi-inbound',
      eventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: ['mailbox'] }, object: { key: [{ prefix: 'inbound/' }] } },
      },
      targets: [{ id: 'queue', deliver: (event) => void received.push(event) }],
    });
    bus.putServiceEvent(s3ObjectCreated('mailbox', 'inbound/acme/1.x12', 6));
    bus.putServiceEvent(s3ObjectCreated('mailbox', 'outbound/acme/1-850.x12', 6));
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toMatchObject({
      source: 'aws.s3',
      detail: { object: { key: 'inbound/acme/1.x12' } },
    });
    bus.stop();
  });
});
