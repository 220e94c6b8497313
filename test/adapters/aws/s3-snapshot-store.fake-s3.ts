/**
 * A tiny in-memory S3 behind aws-sdk-client-mock: the object calls the forecast sync uses, with
 * S3's conditional writes (If-None-Match: *, If-Match: <ETag>) applied atomically per call.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeObject {
  body: Buffer;
  etag: string;
}

async function bytesOf(body: unknown): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function preconditionFailed(): S3ServiceException {
  return new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
    message: 'At least one of the pre-conditions you specified did not hold',
  });
}

function notFound(): S3ServiceException {
  return new S3ServiceException({
    name: 'NotFound',
    $fault: 'client',
    $metadata: { httpStatusCode: 404 },
    message: 'Not Found',
  });
}

/** Installs the fake on every S3Client; `objects` is the bucket content (one bucket is enough here). */
export function fakeS3() {
  const objects = new Map<string, FakeObject>();
  const mock = mockClient(S3Client);
  let etags = 0;
  /** Called before a PutObject applies: lets a test interleave two writers. */
  const hooks: { beforePut?: (key: string) => Promise<void> } = {};

  const install = () => {
    mock.reset();
    mock.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
      const object = objects.get(input.Key);
      if (!object) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
      return { Body: Readable.from([object.body]), ETag: object.etag, ContentLength: object.body.length };
    });
    mock.on(HeadObjectCommand).callsFake(async (input: { Key: string }) => {
      const object = objects.get(input.Key);
      if (!object) throw notFound();
      return { ETag: object.etag, ContentLength: object.body.length };
    });
    mock
      .on(PutObjectCommand)
      .callsFake(async (input: { Key: string; Body: unknown; IfNoneMatch?: string; IfMatch?: string }) => {
        const body = await bytesOf(input.Body);
        await hooks.beforePut?.(input.Key);
        // From here on synchronous: the condition check and the write are one step, as in S3.
        const existing = objects.get(input.Key);
        if (input.IfNoneMatch === '*' && existing) throw preconditionFailed();
        if (input.IfMatch !== undefined && existing?.etag !== input.IfMatch) throw preconditionFailed();
        const etag = `"${createHash('md5').update(body).digest('hex')}-${++etags}"`;
        objects.set(input.Key, { body, etag });
        return { ETag: etag };
      });
    mock.on(ListObjectsV2Command).callsFake(async (input: { Prefix?: string }) => ({
      Contents: [...objects.keys()]
        .filter((key) => key.startsWith(input.Prefix ?? ''))
        .sort()
        .map((Key) => ({ Key })),
      IsTruncated: false,
    }));
    mock.on(DeleteObjectsCommand).callsFake(async (input: { Delete: { Objects: { Key: string }[] } }) => {
      for (const { Key } of input.Delete.Objects) objects.delete(Key);
      return {};
    });
  };
  install();

  return {
    mock,
    objects,
    hooks,
    /** Clears the content and re-installs the behaviour (after a test's own `mock.on(...)`). */
    reset: () => {
      objects.clear();
      delete hooks.beforePut;
      install();
    },
    text: (key: string) => objects.get(key)?.body.toString('utf8'),
    keys: (prefix = '') => [...objects.keys()].filter((key) => key.startsWith(prefix)).sort(),
  };
}
