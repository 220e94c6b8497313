/**
 * Bulk lane consumer of `forecast.published`: streams the published export from its pre-signed URL
 * through `syncForecastExport` (domain/forecast-sync) with the S3 snapshot store, publishes each
 * change batch as `forecast.lines-changed` events, and keeps the run's records in S3 (received
 * marker, summary, rejects, failure). One message per invocation (batch size 1, timeout 900 s).
 *
 * - checksum mismatch, missing header: ContractViolation -> the consumer's DLQ with the reason, a
 *   failure record in S3, nothing emitted or stored;
 * - stale or duplicate version: the export is not downloaded, the outcome is recorded (summary,
 *   log, metric), nothing is emitted;
 * - anything else (download, S3, EventBridge): transient, retried by SQS; a retry re-emits the same
 *   batches under the same idempotency keys.
 *
 * Environment: FORECAST_SYNC_BUCKET_NAME, EVENT_BUS_NAME, TENANT_ID, the consumer framework's
 * (DEAD_LETTER_QUEUE_URL, IDEMPOTENCY_TABLE_NAME, MAX_RECEIVE_COUNT), and FORECAST_EXPORT_ALLOW_HTTP
 * (local runtime only).
 */
import { validateForecastPublishedV1 } from '../../canonical/generated/validators';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ForecastSyncRecords } from '../../adapters/aws/s3-snapshot-store';
import { LocalScratchStorage } from '../../adapters/planning/local-scratch';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { ForecastLinesChanged, ForecastPublishedV1 } from '../../canonical/generated/types';
import { ContractViolation } from '../../domain/failures';
import {
  syncForecastExport,
  type ChangeBatch,
  type ForecastSyncSummary,
  type SnapshotStore,
} from '../../domain/forecast-sync';
import { canonicalValidators, type ConsumerContext } from '../commons/consumer';
import { consumerHandler, forecastSyncPorts } from './composition';

/** A business metric: name, value, unit and optional dimensions. */
export type MetricSink = (
  name: string,
  value: number,
  unit: 'Count' | 'Milliseconds' | 'Seconds',
  dimensions?: Record<string, string>,
) => void;

/** What a forecast sync run needs from the outside world. */
export interface ForecastSyncPorts {
  store: SnapshotStore;
  records: Pick<ForecastSyncRecords, 'recordReceived' | 'recordSummary' | 'recordRejects' | 'recordFailure'>;
  /** Opens the export at the pre-signed URL as a byte stream. */
  openExport(location: string): Promise<Readable>;
  /** Publishes canonical events (one PutEvents call per change batch). */
  publish(events: readonly CanonicalEvent[]): Promise<void>;
  metric: MetricSink;
  now(): Date;
  /** Scratch space for partitions and rejects. @default os.tmpdir() */
  scratchDir?: string;
  /** Minimum interval between progress log lines. @default 15000 */
  progressIntervalMs?: number;
}

/** A UUID derived from a deterministic id: a re-emitted entry gets the same event id. */
export function eventIdFor(entryId: string): string {
  const hex = createHash('sha256').update(entryId).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The canonical `forecast.lines-changed` events of one change batch. */
export function linesChangedEvents(
  published: ForecastPublishedV1,
  batch: ChangeBatch,
  now: () => Date,
): CanonicalEvent[] {
  return batch.entries.map((entry) =>
    buildEvent(
      'forecast.lines-changed',
      JSON.parse(entry.detail) as ForecastLinesChanged,
      {
        sourceObjectId: entry.entryId,
        sourceVersion: batch.version,
        occurredAt: published.data.publishedAt,
        correlationId: published.correlationId,
        causationId: published.eventId,
        idempotencyKey: `forecast-lines:${entry.entryId}`,
        tenantId: published.tenantId,
        ...(published.businessUnit !== undefined ? { businessUnit: published.businessUnit } : {}),
      },
      { now, newId: () => eventIdFor(entry.entryId) },
    ),
  );
}

/**
 * Synchronises one published forecast. Resolves with the run summary, or undefined when the event
 * carries no export; throws the failure classes described in the file header.
 */
export async function synchroniseForecast(
  event: ForecastPublishedV1,
  ctx: Pick<ConsumerContext, 'logger' | 'receiveCount'>,
  ports: ForecastSyncPorts,
): Promise<ForecastSyncSummary | undefined> {
  const { planId, planVersion: version } = event.data;
  const exportFile = event.data.export;
  if (!exportFile) {
    ctx.logger.info('forecast published without an export: nothing to synchronise', { planId, version });
    return undefined;
  }
  await ports.records.recordReceived({
    event,
    lastAttemptAt: ports.now().toISOString(),
    receiveCount: ctx.receiveCount,
  });

  // A version already passed is not downloaded at all (its URL may have expired by a replay).
  const latest = await ports.store.latest(planId);
  const alreadyPassed = latest !== undefined && version <= latest.version;
  const input = alreadyPassed ? Readable.from([]) : await ports.openExport(exportFile.location);

  const scratch = mkdtempSync(join(ports.scratchDir ?? tmpdir(), 'forecast-run-'));
  const rejectsPath = join(scratch, 'rejects.jsonl');
  const rejects = createWriteStream(rejectsPath);
  const rejectsClosed = finished(rejects);
  rejectsClosed.catch(() => undefined); // awaited below; a failed run must not leave it unobserved
  let summary: ForecastSyncSummary;
  try {
    try {
      summary = await syncForecastExport(
        { planId, version, input, expectedSha256: exportFile.sha256, declaredRows: exportFile.rows },
        {
          store: ports.store,
          rejects,
          scratch: new LocalScratchStorage(scratch),
          tuning: { progressIntervalMs: ports.progressIntervalMs ?? 15_000 },
          onBatch: (batch) => ports.publish(linesChangedEvents(event, batch, ports.now)),
          onProgress: (progress) =>
            ctx.logger.info('forecast sync progress', { planId, version, ...progress }),
        },
      );
    } catch (error) {
      if (error instanceof ContractViolation) {
        ports.metric('ForecastSyncContractViolations', 1, 'Count');
        await ports.records.recordFailure({
          planId,
          version,
          failureClass: 'contract',
          reason: error.message,
          at: ports.now().toISOString(),
        });
      }
      throw error;
    } finally {
      input.destroy();
    }
    rejects.end();
    await rejectsClosed;
    if (summary.rejected > 0) await ports.records.recordRejects(planId, version, rejectsPath);
  } finally {
    // Let pending writes land before the directory goes (destroying mid-write fails them loudly).
    if (!rejects.closed) {
      rejects.end();
      await rejectsClosed.catch(() => undefined);
    }
    rmSync(scratch, { recursive: true, force: true });
  }

  const firstRecord = await ports.records.recordSummary(summary);
  reportSummary(summary, firstRecord, ctx, ports.metric);
  return summary;
}

function reportSummary(
  summary: ForecastSyncSummary,
  firstRecord: boolean,
  ctx: Pick<ConsumerContext, 'logger'>,
  metric: MetricSink,
): void {
  ctx.logger.info(`forecast sync ${summary.outcome}`, { summary, summaryRecorded: firstRecord });
  if (summary.outcome !== 'processed') {
    metric('ForecastVersionsIgnored', 1, 'Count', { Outcome: summary.outcome });
    return;
  }
  metric('ForecastRows', summary.rows, 'Count');
  metric('ForecastRowsAccepted', summary.accepted, 'Count');
  metric('ForecastRowsRejected', summary.rejected, 'Count');
  for (const [reason, count] of Object.entries(summary.rejectedByReason))
    metric('ForecastRowsRejected', count ?? 0, 'Count', { Reason: reason });
  metric('ForecastLinesChangedEmitted', summary.changesEmitted, 'Count');
  metric('ForecastSyncDuration', summary.durationMs, 'Milliseconds');
}

export const handler = consumerHandler({
  name: 'forecast-sync',
  validators: canonicalValidators({ 'forecast.published': validateForecastPublishedV1 }),
  // One forecast at a time: a run already uses the function's memory, CPU and /tmp.
  concurrency: 1,
  process: async (event, ctx) => {
    await synchroniseForecast(event as ForecastPublishedV1, ctx, forecastSyncPorts());
  },
});
