/**
 * Safety net of the bulk forecast sync, on a schedule (every 30 minutes is plenty: forecasts are
 * published weekly). The forecast-sync consumer writes `received/<plan>/<version>.json` (the
 * forecast.published event) before it starts and `summaries/...` when a run ends, whatever its
 * outcome. For every received version this function checks that it came to an end:
 *
 * - summary present, or the plan's manifest already at or past the version: done, nothing to do;
 * - `failures/...` present (checksum mismatch, bad header, expired URL): already with a person
 *   (consumer DLQ or integration exception), left alone;
 * - otherwise, when the export URL is still valid (published less than `urlValidityHours` ago) and
 *   no attempt started for `retryAfterMinutes`: the same event (same idempotency key) is published
 *   again, so the consumer runs it once more. This catches runs whose retries ran out as transient
 *   failures, or a message lost between the rule and the queue;
 * - past the URL validity: an integration exception asks a person to have the export re-published.
 *
 * It cannot see a forecast.published that never reached the consumer at all; the bus archive's
 * replay covers that. The bucket's lifecycle rule expires `received/` after a few days, which
 * keeps this listing small.
 *
 * Environment: FORECAST_SYNC_BUCKET_NAME, EVENT_BUS_NAME.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ForecastSyncRecords } from '../../adapters/aws/s3-snapshot-store';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { SnapshotStore } from '../../domain/forecast-sync';
import { logger, metrics } from '../commons/powertools';
import { safetyNetPorts } from './composition';

/** How patient the safety net is. */
export interface SafetyNetSettings {
  /** Re-publish a version when no attempt started for this long (longer than SQS's own retries). @default 120 */
  retryAfterMinutes: number;
  /** Pre-signed URLs are valid 24 h; stop retrying a little before. @default 23 */
  urlValidityHours: number;
}

export const DEFAULT_SAFETY_NET_SETTINGS: SafetyNetSettings = {
  retryAfterMinutes: 120,
  urlValidityHours: 23,
};

export interface SafetyNetPorts {
  records: Pick<ForecastSyncRecords, 'received' | 'hasSummary' | 'hasFailure' | 'recordFailure'>;
  store: Pick<SnapshotStore, 'latest'>;
  publish(events: readonly CanonicalEvent[]): Promise<void>;
  logger: Pick<Logger, 'info' | 'warn'>;
  now(): Date;
  newId(): string;
}

/** What one check found, as `<plan>@v<version>` lists. */
export interface SafetyNetReport {
  checked: number;
  pending: string[];
  redriven: string[];
  expired: string[];
}

/** Checks every received forecast version once (see the file header). */
export async function checkForecastSyncs(
  ports: SafetyNetPorts,
  settings: SafetyNetSettings = DEFAULT_SAFETY_NET_SETTINGS,
): Promise<SafetyNetReport> {
  const report: SafetyNetReport = { checked: 0, pending: [], redriven: [], expired: [] };
  const now = ports.now();
  for await (const received of ports.records.received()) {
    report.checked++;
    const { event } = received;
    const { planId, planVersion: version, publishedAt } = event.data;
    const name = `${planId}@v${version}`;
    if (await ports.records.hasSummary(planId, version)) continue;
    if (await ports.records.hasFailure(planId, version)) continue;
    const latest = await ports.store.latest(planId);
    if (latest && latest.version >= version) continue;

    if (now.getTime() - Date.parse(publishedAt) > settings.urlValidityHours * 3_600_000) {
      await ports.publish([exportExpired(event, now, ports.newId)]);
      await ports.records.recordFailure({
        planId,
        version,
        failureClass: 'expired',
        reason: 'the export URL expired before a run completed',
        at: now.toISOString(),
      });
      ports.logger.warn('forecast version never synchronised; export URL expired', { planId, version });
      report.expired.push(name);
    } else if (now.getTime() - Date.parse(received.lastAttemptAt) > settings.retryAfterMinutes * 60_000) {
      // The same event and key: the consumer's idempotency still runs it at most once at a time.
      await ports.publish([event]);
      ports.logger.warn('forecast version not finished; published again', {
        planId,
        version,
        lastAttemptAt: received.lastAttemptAt,
      });
      report.redriven.push(name);
    } else {
      report.pending.push(name);
    }
  }
  return report;
}

/** The integration exception of a version whose export can no longer be fetched. */
function exportExpired(
  published: CanonicalEvent & { eventType: 'forecast.published' },
  at: Date,
  newId: () => string,
): CanonicalEvent {
  const { planId, planVersion } = published.data;
  const exceptionId = `forecast-sync:${planId}:v${planVersion}`;
  return buildEvent(
    'integration-exception.raised',
    {
      exceptionId,
      category: 'TECHNICAL',
      code: 'FORECAST_EXPORT_EXPIRED',
      message: `Forecast ${planId} version ${planVersion} was never synchronised and its export URL has expired: ask the planning team to publish it again.`,
      status: 'OPEN',
      objectType: 'Forecast',
      objectId: `${planId}/v${planVersion}`,
      system: 'planning',
      raisedAt: at.toISOString(),
    },
    {
      sourceObjectId: exceptionId,
      sourceVersion: planVersion,
      occurredAt: at,
      correlationId: published.correlationId,
      causationId: published.eventId,
      idempotencyKey: `IntegrationException#${exceptionId}`,
      tenantId: published.tenantId,
    },
    { now: () => at, newId },
  );
}

/** EventBridge Scheduler / schedule rule target. */
export const handler = async (): Promise<SafetyNetReport> => {
  try {
    const report = await checkForecastSyncs(safetyNetPorts());
    metrics.addMetric('ForecastSyncRedriven', MetricUnit.Count, report.redriven.length);
    metrics.addMetric('ForecastSyncExpired', MetricUnit.Count, report.expired.length);
    logger.info('forecast sync safety net', { ...report });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
};
