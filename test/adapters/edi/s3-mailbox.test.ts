/** The mailbox on S3 writes each file once: a second write of a key finds it there (412) and changes nothing. */
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3EdiMailbox } from '../../../adapters/edi/s3-mailbox';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

describe('S3 EDI mailbox', () => {
  it('writes with If-None-Match so a file is never replaced', async () => {
    s3.on(PutObjectCommand).resolves({});
    const mailbox = new S3EdiMailbox(new S3Client({}), 'mailbox');
    expect(await mailbox.write('outbound/acme/1-850.x12', 'ISA...')).toBe('written');
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'mailbox',
      Key: 'outbound/acme/1-850.x12',
      IfNoneMatch: '*',
    });
  });

  it('answers already-there when the key exists, and rethrows anything else', async () => {
    const failure = (name: string, status: number) =>
      new S3ServiceException({
        name,
        $fault: 'client',
        $metadata: { httpStatusCode: status },
        message: name,
      });
    s3.on(PutObjectCommand)
      .rejectsOnce(failure('PreconditionFailed', 412))
      .rejectsOnce(failure('AccessDenied', 403));
    const mailbox = new S3EdiMailbox(new S3Client({}), 'mailbox');
    expect(await mailbox.write('k', 'x')).toBe('already-there');
    await expect(mailbox.write('k', 'x')).rejects.toThrow('AccessDenied');
  });

  it('reads a file as text', async () => {
    // The SDK's body mixin, as far as the mailbox uses it.
    const Body = { transformToString: async () => 'ISA*00' } as never;
    s3.on(GetObjectCommand).resolves({ Body });
    expect(await new S3EdiMailbox(new S3Client({}), 'mailbox').read('inbound/acme/1.x12')).toBe('ISA*00');
  });

  it('streams a file as text, a character split across two chunks kept whole', async () => {
    const bytes = Buffer.from('ISA*é~IEA~', 'utf8');
    // 'é' is two bytes: the second chunk starts in the middle of it.
    s3.on(GetObjectCommand).resolves({
      Body: Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]) as never,
    });
    const mailbox = new S3EdiMailbox(new S3Client({}), 'mailbox');
    const chunks: string[] = [];
    for await (const chunk of mailbox.file('inbound/acme/1.x12').stream()) chunks.push(chunk);
    expect(chunks.join('')).toBe('ISA*é~IEA~');
    expect(chunks).toHaveLength(2);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'mailbox',
      Key: 'inbound/acme/1.x12',
    });
  });

  it('reads a file again at the ETag of its first read, so a replaced file fails rather than mixing versions', async () => {
    const body = () => Readable.from([Buffer.from('ISA*00~', 'utf8')]) as never;
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: body(), ETag: '"v1"' })
      .resolvesOnce({ Body: body(), ETag: '"v1"' });
    const file = new S3EdiMailbox(new S3Client({}), 'mailbox').file('inbound/acme/1.x12');
    for (let read = 0; read < 2; read += 1) for await (const _ of file.stream());
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'mailbox', Key: 'inbound/acme/1.x12' },
      { Bucket: 'mailbox', Key: 'inbound/acme/1.x12', IfMatch: '"v1"' },
    ]);
  });
});
