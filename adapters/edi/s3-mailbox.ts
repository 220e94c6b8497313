/**
 * The trading partners' mailbox on S3 (BUCKETS.ediMailbox), the bucket AWS Transfer Family reads
 * and writes. Files are written once (If-None-Match): a retry finds its file there (412). A file
 * read twice is read at the ETag of its first read (If-Match): a replaced file fails with 412.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EdiMailbox, MailboxFile } from '../../domain/ports/edi-mailbox';
import { isPreconditionFailed } from '../aws/sdk-errors';

/** {@link EdiMailbox} on an S3 bucket. */
export class S3EdiMailbox implements EdiMailbox {
  constructor(
    private readonly s3: S3Client,
    private readonly bucketName: string,
  ) {}

  async read(key: string): Promise<string> {
    const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucketName, Key: key }));
    if (!answer.Body) throw new Error(`EDI mailbox: ${key} has no body`);
    return answer.Body.transformToString('utf8');
  }

  file(key: string): MailboxFile {
    // The ETag of the file's first read: every later read is of that version.
    const pinned: { etag?: string } = {};
    return { stream: () => this.chunks(key, pinned) };
  }

  private async *chunks(key: string, pinned: { etag?: string }): AsyncIterable<string> {
    const answer = await this.s3.send(
      new GetObjectCommand({
        Bucket: this.bucketName,
        Key: key,
        ...(pinned.etag ? { IfMatch: pinned.etag } : {}),
      }),
    );
    if (!answer.Body) throw new Error(`EDI mailbox: ${key} has no body`);
    if (answer.ETag) pinned.etag ??= answer.ETag;
    // A character may span two chunks: the decoder keeps its first bytes until the rest arrive.
    const decoder = new TextDecoder('utf-8');
    for await (const bytes of answer.Body as AsyncIterable<Uint8Array>)
      yield decoder.decode(bytes, { stream: true });
    const last = decoder.decode();
    if (last !== '') yield last;
  }

  async write(key: string, text: string): Promise<'written' | 'already-there'> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucketName,
          Key: key,
          Body: text,
          ContentType: 'application/edi-x12',
          IfNoneMatch: '*',
        }),
      );
      return 'written';
    } catch (error) {
      if (isPreconditionFailed(error)) return 'already-there';
      throw error;
    }
  }
}
