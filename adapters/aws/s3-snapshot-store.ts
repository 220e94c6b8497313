/**
 * Bulk forecast sync storage in one S3 bucket (FORECAST_SYNC_BUCKET_NAME):
 *
 *   snapshots/<plan>/latest.json            manifest of the latest processed version (conditional writes)
 *   snapshots/<plan>/<version>/p<n>         snapshot partition n (binary records, see domain/forecast-sync)
 *   received/<plan>/<version>.json          a forecast.published the consumer started on (safety net input)
 *   summaries/<plan>/<version>.json         what the run of that version did (first outcome wins)
 *   rejects/<plan>/<version>.jsonl          rejected rows, NDJSON
 *   failures/<plan>/<version>.json          why a version will not be processed (no automatic retry)
 *
 * `<plan>` is the URI-encoded plan id (plan ids may contain `/`). The manifest is the commit point:
 * it is written with `If-None-Match: *` (first version of a plan) or `If-Match: <ETag>` (the ETag of
 * the manifest the run started from), so of two concurrent runs exactly one commits; the other gets
 * 412 and fails transiently, and its retry sees the new state.
 */
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ForecastPublishedV1 } from '../../canonical/generated/types';
import { TransientFailure } from '../../domain/failures';
import type { ForecastSyncSummary, SnapshotManifest, SnapshotStore } from '../../domain/forecast-sync';

const SYSTEM = 's3';

/** `NoSuchKey` (GetObject) or `NotFound` (HeadObject). */
function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** A conditional write lost: 412 PreconditionFailed, or 409 ConditionalRequestConflict (concurrent write). */
function isConditionLost(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'PreconditionFailed' ||
    e?.name === 'ConditionalRequestConflict' ||
    e?.$metadata?.httpStatusCode === 412 ||
    e?.$metadata?.httpStatusCode === 409
  );
}

const planKey = (planId: string) => encodeURIComponent(planId);

/** Uploads a local file; its read stream is closed whatever happens (the SDK may fail before reading it). */
async function putFile(
  client: S3Client,
  object: { Bucket: string; Key: string; path: string; bytes: number; ContentType: string },
): Promise<void> {
  const body = createReadStream(object.path);
  // Read errors reach the SDK through its own listener; this one keeps a late one from going uncaught.
  body.on('error', () => undefined);
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: object.Bucket,
        Key: object.Key,
        Body: body,
        ContentLength: object.bytes,
        ContentType: object.ContentType,
      }),
    );
  } finally {
    if (!body.closed) {
      const closed = new Promise<void>((resolve) => body.once('close', () => resolve()));
      body.destroy();
      await closed;
    }
  }
}

/** Reads a whole (small) object body as text. */
export async function bodyText(body: unknown): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Options of {@link S3SnapshotStore}. */
export interface S3SnapshotStoreOptions {
  bucket: string;
  /** Where partitions are spooled before upload (Lambda: /tmp). @default os.tmpdir() */
  scratchDir?: string;
}

/**
 * {@link SnapshotStore} on S3. A partition is spooled to a local file and uploaded with one
 * PutObject when its stream ends (`finish` only after S3 confirmed it), so memory does not grow
 * with the partition size.
 */
export class S3SnapshotStore implements SnapshotStore {
  /** ETag of each plan's manifest as last read, for the conditional commit. */
  private readonly manifestETags = new Map<string, { version: number; etag: string }>();

  constructor(
    private readonly client: S3Client,
    private readonly options: S3SnapshotStoreOptions,
  ) {}

  /** `snapshots/<plan>/latest.json`. */
  static manifestKey(planId: string): string {
    return `snapshots/${planKey(planId)}/latest.json`;
  }

  /** `snapshots/<plan>/<version>/p<n>`. */
  static partitionKey(planId: string, version: number, partition: number): string {
    return `snapshots/${planKey(planId)}/${version}/p${partition}`;
  }

  async latest(planId: string): Promise<SnapshotManifest | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: S3SnapshotStore.manifestKey(planId) }),
      );
      const manifest = JSON.parse(await bodyText(answer.Body)) as SnapshotManifest;
      if (answer.ETag) this.manifestETags.set(planId, { version: manifest.version, etag: answer.ETag });
      return manifest;
    } catch (error) {
      if (isMissing(error)) {
        this.manifestETags.delete(planId);
        return undefined;
      }
      throw error;
    }
  }

  readPartition(planId: string, version: number, partition: number): Readable {
    const { client } = this;
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: S3SnapshotStore.partitionKey(planId, version, partition),
    });
    return Readable.from(
      (async function* () {
        const answer = await client.send(command);
        for await (const chunk of answer.Body as AsyncIterable<Uint8Array>)
          yield Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      })(),
      { objectMode: false },
    );
  }

  writePartition(planId: string, version: number, partition: number): Writable {
    return new SpooledUpload(this.options.scratchDir ?? tmpdir(), (path, bytes) =>
      putFile(this.client, {
        Bucket: this.options.bucket,
        Key: S3SnapshotStore.partitionKey(planId, version, partition),
        path,
        bytes,
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async commit(manifest: SnapshotManifest, expectedPreviousVersion: number | undefined): Promise<void> {
    const { planId } = manifest;
    let condition: { IfNoneMatch: '*' } | { IfMatch: string };
    if (expectedPreviousVersion === undefined) {
      condition = { IfNoneMatch: '*' };
    } else {
      let known = this.manifestETags.get(planId);
      if (known?.version !== expectedPreviousVersion) {
        await this.latest(planId);
        known = this.manifestETags.get(planId);
      }
      if (known?.version !== expectedPreviousVersion) throw this.lost(planId, expectedPreviousVersion);
      condition = { IfMatch: known.etag };
    }
    try {
      const answer = await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: S3SnapshotStore.manifestKey(planId),
          Body: JSON.stringify(manifest),
          ContentType: 'application/json',
          ...condition,
        }),
      );
      if (answer.ETag) this.manifestETags.set(planId, { version: manifest.version, etag: answer.ETag });
      else this.manifestETags.delete(planId);
    } catch (error) {
      if (isConditionLost(error)) {
        this.manifestETags.delete(planId);
        throw this.lost(planId, expectedPreviousVersion, error);
      }
      throw error;
    }
  }

  async discard(planId: string, version: number): Promise<void> {
    const prefix = `snapshots/${planKey(planId)}/${version}/`;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length > 0)
        await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private lost(planId: string, expected: number | undefined, cause?: unknown): TransientFailure {
    return new TransientFailure(
      `plan ${planId}: the manifest is no longer at version ${expected ?? 'none'} (a concurrent run committed first)`,
      SYSTEM,
      undefined,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** A Writable that spools to a private temporary file and uploads it on `end()`. */
class SpooledUpload extends Writable {
  private readonly dir: string;
  private readonly path: string;
  private readonly file: WriteStream;

  constructor(
    scratchDir: string,
    private readonly upload: (path: string, bytes: number) => Promise<void>,
  ) {
    super();
    this.dir = mkdtempSync(join(scratchDir, 's3-part-'));
    this.path = join(this.dir, 'part');
    this.file = createWriteStream(this.path);
    this.file.on('error', (error) => this.destroy(error));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.file.write(chunk)) callback();
    else this.file.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.file.end();
    finished(this.file)
      .then(() => this.upload(this.path, statSync(this.path).size))
      .then(
        () => {
          this.cleanup();
          callback();
        },
        (error: Error) => callback(error),
      );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.file.destroy();
    this.cleanup();
    callback(error);
  }

  private cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A forecast.published the consumer started on, kept for the safety net. */
export interface ReceivedForecast {
  event: ForecastPublishedV1;
  /** When a consumer last started on it (ISO). */
  lastAttemptAt: string;
  /** SQS receive count of that attempt. */
  receiveCount: number;
}

/** A version that will not be processed automatically (checksum mismatch, bad header, expired URL). */
export interface ForecastSyncFailure {
  planId: string;
  version: number;
  failureClass: 'contract' | 'expired';
  reason: string;
  at: string;
}

/** Run records of the bulk forecast sync next to the snapshots: received, summaries, rejects, failures. */
export class ForecastSyncRecords {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  static receivedKey(planId: string, version: number): string {
    return `received/${planKey(planId)}/${version}.json`;
  }

  static summaryKey(planId: string, version: number): string {
    return `summaries/${planKey(planId)}/${version}.json`;
  }

  static rejectsKey(planId: string, version: number): string {
    return `rejects/${planKey(planId)}/${version}.jsonl`;
  }

  static failureKey(planId: string, version: number): string {
    return `failures/${planKey(planId)}/${version}.json`;
  }

  /** Notes that a consumer started on this version (overwritten on every attempt). */
  async recordReceived(received: ReceivedForecast): Promise<void> {
    const { planId, planVersion } = received.event.data;
    await this.putJson(ForecastSyncRecords.receivedKey(planId, planVersion), received);
  }

  /**
   * Stores the summary unless one exists: the first outcome of a version is what it was (a later
   * `duplicate` run must not overwrite the `processed` summary). Returns false when one existed.
   */
  async recordSummary(summary: ForecastSyncSummary): Promise<boolean> {
    try {
      await this.putJson(ForecastSyncRecords.summaryKey(summary.planId, summary.version), summary, {
        IfNoneMatch: '*',
      });
      return true;
    } catch (error) {
      if (isConditionLost(error)) return false;
      throw error;
    }
  }

  /** Uploads the rejects NDJSON file of a run. */
  async recordRejects(planId: string, version: number, path: string): Promise<void> {
    await putFile(this.client, {
      Bucket: this.bucket,
      Key: ForecastSyncRecords.rejectsKey(planId, version),
      path,
      bytes: statSync(path).size,
      ContentType: 'application/x-ndjson',
    });
  }

  async recordFailure(failure: ForecastSyncFailure): Promise<void> {
    await this.putJson(ForecastSyncRecords.failureKey(failure.planId, failure.version), failure);
  }

  async summary(planId: string, version: number): Promise<ForecastSyncSummary | undefined> {
    return this.getJson<ForecastSyncSummary>(ForecastSyncRecords.summaryKey(planId, version));
  }

  async hasSummary(planId: string, version: number): Promise<boolean> {
    return this.exists(ForecastSyncRecords.summaryKey(planId, version));
  }

  async hasFailure(planId: string, version: number): Promise<boolean> {
    return this.exists(ForecastSyncRecords.failureKey(planId, version));
  }

  /** Every received record, page by page (the bucket's lifecycle rule keeps the prefix small). */
  async *received(): AsyncGenerator<ReceivedForecast> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'received/', ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        const received = await this.getJson<ReceivedForecast>(object.Key);
        if (received) yield received;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async putJson(key: string, value: unknown, condition: { IfNoneMatch?: '*' } = {}): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
        ...condition,
      }),
    );
  }

  private async getJson<T>(key: string): Promise<T | undefined> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse(await bodyText(answer.Body)) as T;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }
}
