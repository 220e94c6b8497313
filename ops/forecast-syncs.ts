/**
 * The bulk forecast sync's run records, as the forecast-sync function leaves them in its bucket
 * (adapters/aws/s3-snapshot-store.ts, `ForecastSyncRecords`): one summary per plan version, its
 * rejected rows, the failure of a version that will not be processed, and the `received/` marker
 * of a run that started. Read only; the S3 client is passed in.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  ForecastSyncRecords,
  type ForecastSyncFailure,
  type ReceivedForecast,
} from '../adapters/aws/s3-snapshot-store';
import type { ForecastSyncSummary } from '../domain/forecast-sync';

/** What became of a plan version: the summary's outcome, `failed` (failure record) or `pending` (started, no outcome yet). */
export type ForecastSyncOutcome = ForecastSyncSummary['outcome'] | 'failed' | 'pending';

/** One run of the bulk forecast sync: a plan version and its record. */
export interface ForecastSyncRun {
  planId: string;
  version: number;
  outcome: ForecastSyncOutcome;
  /** When the record was written (S3 LastModified), ISO 8601. */
  recordedAt: string;
  /** The run summary (`processed`, `duplicate`, `stale`). */
  summary?: ForecastSyncSummary;
  /** Why the version will not be processed automatically (`failed`). */
  failure?: ForecastSyncFailure;
  /** A run that started and has no outcome yet: running, waiting for an SQS retry, or dead-lettered (`pending`). */
  attempt?: { lastAttemptAt: string; receiveCount: number };
}

/** A rejected export row: its line number in the export (the header is line 1), reason and text. */
export interface RejectedRow {
  line: number;
  reason: string;
  raw: string;
}

/** A run with its first rejected rows. */
export interface ForecastSyncDetail extends ForecastSyncRun {
  bucket: string;
  /** The first rejected rows from `rejects/<plan>/<version>.jsonl`, in export order. */
  rejects: RejectedRow[];
  /** False when the run left no rejects file (nothing rejected, or the file expired after 30 days). */
  rejectsRecorded: boolean;
}

/** Result of {@link listForecastSyncs}. */
export interface ForecastSyncList {
  bucket: string;
  /** Newest first, at most `limit`. */
  runs: ForecastSyncRun[];
  /** Runs recorded (before the limit). */
  total: number;
}

type RecordKind = 'summaries' | 'failures' | 'received';

interface RecordObject {
  kind: RecordKind;
  planId: string;
  version: number;
  lastModified: Date;
}

/** The record kinds of one version, by precedence: an outcome beats a failure beats a start. */
const PRECEDENCE: RecordKind[] = ['summaries', 'failures', 'received'];

/** Reads a run record's key: `<kind>/<URI-encoded plan>/<version>.json`. */
function parseKey(kind: RecordKind, key: string): { planId: string; version: number } | undefined {
  const match = /^[^/]+\/([^/]+)\/(\d+)\.json$/.exec(key);
  if (!match || !key.startsWith(`${kind}/`)) return undefined;
  try {
    return { planId: decodeURIComponent(match[1]!), version: Number(match[2]) };
  } catch {
    return undefined;
  }
}

async function listRecords(
  s3: S3Client,
  bucket: string,
  kind: RecordKind,
  planId: string | undefined,
): Promise<RecordObject[]> {
  const prefix = `${kind}/${planId === undefined ? '' : `${encodeURIComponent(planId)}/`}`;
  const records: RecordObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const parsed = object.Key ? parseKey(kind, object.Key) : undefined;
      if (parsed) records.push({ kind, ...parsed, lastModified: object.LastModified ?? new Date(0) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return records;
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** A JSON record with its LastModified; undefined when it is not there (never written, or expired). */
async function getRecord<T>(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ value: T; lastModified: Date } | undefined> {
  try {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const value = JSON.parse(await answer.Body!.transformToString('utf8')) as T;
    return { value, lastModified: answer.LastModified ?? new Date(0) };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Maps with at most `limit` calls in flight. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const KEY_OF: Record<RecordKind, (planId: string, version: number) => string> = {
  summaries: ForecastSyncRecords.summaryKey,
  failures: ForecastSyncRecords.failureKey,
  received: ForecastSyncRecords.receivedKey,
};

/** The run as its record of this kind tells it; undefined when there is no such record. */
async function loadRun(
  s3: S3Client,
  bucket: string,
  kind: RecordKind,
  planId: string,
  version: number,
): Promise<ForecastSyncRun | undefined> {
  const key = KEY_OF[kind](planId, version);
  if (kind === 'summaries') {
    const record = await getRecord<ForecastSyncSummary>(s3, bucket, key);
    if (!record) return undefined;
    const summary = record.value;
    return {
      planId,
      version,
      outcome: summary.outcome,
      recordedAt: record.lastModified.toISOString(),
      summary,
    };
  }
  if (kind === 'failures') {
    const record = await getRecord<ForecastSyncFailure>(s3, bucket, key);
    if (!record) return undefined;
    return {
      planId,
      version,
      outcome: 'failed',
      recordedAt: record.lastModified.toISOString(),
      failure: record.value,
    };
  }
  const record = await getRecord<ReceivedForecast>(s3, bucket, key);
  if (!record) return undefined;
  return {
    planId,
    version,
    outcome: 'pending',
    recordedAt: record.lastModified.toISOString(),
    attempt: { lastAttemptAt: record.value.lastAttemptAt, receiveCount: record.value.receiveCount },
  };
}

/** The run of one plan version from its most telling record (summary, else failure, else start). */
async function findRun(
  s3: S3Client,
  bucket: string,
  planId: string,
  version: number,
  kinds: readonly RecordKind[] = PRECEDENCE,
): Promise<ForecastSyncRun | undefined> {
  for (const kind of kinds) {
    const run = await loadRun(s3, bucket, kind, planId, version);
    if (run) return run;
  }
  return undefined;
}

/**
 * The recorded runs, newest first: every version with a summary, a failure record, or only a
 * `received/` marker (started, no outcome yet). Lists the three prefixes, then reads the newest
 * `limit` records.
 */
export async function listForecastSyncs(
  s3: S3Client,
  bucket: string,
  options: { planId?: string; limit?: number; onProgress?: (line: string) => void } = {},
): Promise<ForecastSyncList> {
  const listed = (
    await Promise.all(PRECEDENCE.map((kind) => listRecords(s3, bucket, kind, options.planId)))
  ).flat();
  const byVersion = new Map<string, RecordObject>();
  for (const record of listed) {
    const id = `${record.planId}\u0000${record.version}`;
    const known = byVersion.get(id);
    if (!known || PRECEDENCE.indexOf(record.kind) < PRECEDENCE.indexOf(known.kind)) byVersion.set(id, record);
  }
  const newestFirst = [...byVersion.values()].sort(
    (a, b) =>
      b.lastModified.getTime() - a.lastModified.getTime() ||
      a.planId.localeCompare(b.planId) ||
      b.version - a.version,
  );
  const chosen = newestFirst.slice(0, options.limit ?? newestFirst.length);
  if (chosen.length > 20) options.onProgress?.(`reading ${chosen.length} run records from ${bucket}`);
  // A record that expired between the listing and the read falls back to the next kind, or drops out.
  const runs = await mapLimited(chosen, 8, (record) =>
    findRun(s3, bucket, record.planId, record.version, PRECEDENCE.slice(PRECEDENCE.indexOf(record.kind))),
  );
  return {
    bucket,
    runs: runs.filter((run): run is ForecastSyncRun => run !== undefined),
    total: newestFirst.length,
  };
}

/** The first `limit` lines of the rejects file; undefined when there is none. */
async function readRejects(
  s3: S3Client,
  bucket: string,
  planId: string,
  version: number,
  limit: number,
): Promise<RejectedRow[] | undefined> {
  let body: Readable;
  try {
    const answer = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: ForecastSyncRecords.rejectsKey(planId, version) }),
    );
    body = answer.Body as Readable;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const rows: RejectedRow[] = [];
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (rows.length >= limit) break;
      if (line.trim() === '') continue;
      const row = JSON.parse(line) as RejectedRow;
      rows.push({ line: row.line, reason: row.reason, raw: row.raw });
    }
  } finally {
    // A rejects file can have millions of lines: stop the download after the first ones.
    lines.close();
    body.destroy();
  }
  return rows;
}

/**
 * One plan version's run: its summary (or failure, or start) and the first rejected rows with
 * their line numbers. Throws when the bucket holds no record of the version.
 */
export async function showForecastSync(
  s3: S3Client,
  bucket: string,
  planId: string,
  version: number,
  options: { rejects?: number } = {},
): Promise<ForecastSyncDetail> {
  const [run, rejects] = await Promise.all([
    findRun(s3, bucket, planId, version),
    readRejects(s3, bucket, planId, version, options.rejects ?? 20),
  ]);
  if (!run)
    throw new Error(`no forecast sync run recorded for plan ${planId} version ${version} in ${bucket}`);
  return { bucket, ...run, rejects: rejects ?? [], rejectsRecorded: rejects !== undefined };
}

/** `negative_qty 2, invalid_sku 1` (the `top` most frequent reasons, then `+n more`). */
export function topReasons(byReason: ForecastSyncSummary['rejectedByReason'], top = 2): string {
  const reasons = Object.entries(byReason)
    .filter(([, count]) => (count ?? 0) > 0)
    .sort(([a, x], [b, y]) => (y ?? 0) - (x ?? 0) || a.localeCompare(b));
  const shown = reasons.slice(0, top).map(([reason, count]) => `${reason} ${count}`);
  if (reasons.length > top) shown.push(`+${reasons.length - top} more`);
  return shown.join(', ');
}
