import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqsStandIn, type SqsStandIn } from '../../../local/sqs/stand-in';

let server: SqsStandIn;
let s3: S3Client;
beforeAll(async () => {
  server = await startSqsStandIn({ region: 'us-east-1' });
  server.createBucket('locked', { writeOnce: true });
  server.createBucket('plain');
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => server.stop());

const put = (Bucket: string, Body: string) => s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body }));
const read = async (Bucket: string) =>
  (await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body!.transformToString();

describe('a write-once bucket of the local S3 (Object Lock in the template)', () => {
  it('keeps the first object: a replacement is 412 and a delete 403, the object unchanged', async () => {
    await put('locked', 'first');
    await expect(put('locked', 'second')).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    await expect(s3.send(new DeleteObjectCommand({ Bucket: 'locked', Key: 'k' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    expect(await read('locked')).toBe('first');
  });

  it('leaves other buckets as S3 has them: replace and delete', async () => {
    await put('plain', 'first');
    await put('plain', 'second');
    expect(await read('plain')).toBe('second');
    await s3.send(new DeleteObjectCommand({ Bucket: 'plain', Key: 'k' }));
  });
});
