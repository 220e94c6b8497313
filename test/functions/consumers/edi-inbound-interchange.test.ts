/**
 * The mailbox consumer: each S3 `Object Created` record is one file received; a failing AWS call
 * fails only its record (delivered again), a body that is not an S3 event is left for the DLQ.
 */
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { objectKeyOf, receiveMailboxFiles } from '../../../functions/consumers/edi-inbound-interchange';

const objectCreated = (key: string) =>
  JSON.stringify({
    source: 'aws.s3',
    'detail-type': 'Object Created',
    detail: { bucket: { name: 'mailbox' }, object: { key, size: 10 } },
  });
const batch = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;
const quiet = { info: () => undefined, error: () => undefined };

describe('EDI mailbox consumer', () => {
  it('reads the object key of an S3 Object Created event, and nothing else', () => {
    expect(objectKeyOf(objectCreated('inbound/acme-beverages/1.x12'))).toBe('inbound/acme-beverages/1.x12');
    expect(
      objectKeyOf(JSON.stringify({ 'detail-type': 'Object Deleted', detail: { object: { key: 'k' } } })),
    ).toBeUndefined();
    expect(objectKeyOf('not json')).toBeUndefined();
  });

  it('receives every file of the batch and reports only the records that failed or are not S3 events', async () => {
    const received: string[] = [];
    const answer = await receiveMailboxFiles(
      batch(
        objectCreated('inbound/a/1.x12'),
        objectCreated('inbound/a/2.x12'),
        '{}',
        objectCreated('inbound/a/3.x12'),
      ),
      async (key) => {
        received.push(key);
        if (key.endsWith('2.x12')) throw new Error('S3 unavailable');
        return { outcome: 'kept-for-a-person', reason: 'test' };
      },
      quiet,
    );
    expect(received).toEqual(['inbound/a/1.x12', 'inbound/a/2.x12', 'inbound/a/3.x12']);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
  });
});
