import { S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { ForecastSyncRecords, S3SnapshotStore } from '../../../adapters/aws/s3-snapshot-store';
import { mapForecastPublished } from '../../../adapters/planning/mapping';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { validateIntegrationExceptionRaisedV1 } from '../../../canonical/generated/validators';
import type { ForecastSyncSummary } from '../../../domain/forecast-sync';
import {
  checkForecastSyncs,
  type SafetyNetPorts,
} from '../../../functions/scheduled/forecast-sync-safety-net';
import { forecastPublishedDelivery } from '../../fixtures/planning';
import { fakeS3 } from '../../adapters/aws/s3-snapshot-store.fake-s3';

const s3 = fakeS3();
const client = new S3Client({ region: 'eu-west-1' });
const records = new ForecastSyncRecords(client, 'bucket');
const store = new S3SnapshotStore(client, { bucket: 'bucket' });
const NOW = new Date('2026-11-27T12:00:00Z');

function published(planId: string, version: number, publishedAt = '2026-11-27T06:00:00Z') {
  return mapForecastPublished(
    forecastPublishedDelivery({
      event_id: `fp_${planId}_${version}`,
      published_at: publishedAt,
      plan: { plan_id: planId, version, cycle: 'weekly' },
    }),
    { tenantId: 'acme', now: () => NOW, newId: () => crypto.randomUUID() },
  );
}

let published_: CanonicalEvent[];
let ports: SafetyNetPorts;
beforeEach(() => {
  s3.reset();
  published_ = [];
  ports = {
    records,
    store,
    publish: async (events) => void published_.push(...events),
    logger: { info: () => undefined, warn: () => undefined },
    now: () => NOW,
    newId: () => crypto.randomUUID(),
  };
});

describe('checkForecastSyncs', () => {
  it('leaves finished, failed and recently attempted versions alone', async () => {
    // Prepare
    for (const plan of ['DONE', 'FAILED', 'BUSY', 'PASSED'])
      await records.recordReceived({
        event: published(plan, 3),
        lastAttemptAt: '2026-11-27T11:30:00Z',
        receiveCount: 1,
      });
    await records.recordSummary({ planId: 'DONE', version: 3, outcome: 'processed' } as ForecastSyncSummary);
    await records.recordFailure({
      planId: 'FAILED',
      version: 3,
      failureClass: 'contract',
      reason: 'sha256',
      at: '',
    });
    await store.commit(
      { planId: 'PASSED', version: 4, partitions: 1, keys: 0, sha256: '', committedAt: '' },
      undefined,
    );
    // Act
    const report = await checkForecastSyncs(ports);
    // Assess
    expect(report).toEqual({ checked: 4, pending: ['BUSY@v3'], redriven: [], expired: [] });
    expect(published_).toEqual([]);
  });

  it('publishes the same event again when no attempt started for a while', async () => {
    const event = published('STUCK', 2);
    await records.recordReceived({ event, lastAttemptAt: '2026-11-27T08:00:00Z', receiveCount: 3 });
    const report = await checkForecastSyncs(ports);
    expect(report.redriven).toEqual(['STUCK@v2']);
    expect(published_).toEqual([event]);
  });

  it('raises an integration exception once the export URL has expired, and only once', async () => {
    const event = published('OLD', 1, '2026-11-26T10:00:00Z');
    await records.recordReceived({ event, lastAttemptAt: '2026-11-26T10:00:05Z', receiveCount: 3 });
    expect((await checkForecastSyncs(ports)).expired).toEqual(['OLD@v1']);
    expect((await checkForecastSyncs(ports)).expired).toEqual([]);
    expect(published_).toHaveLength(1);
    expect(validateIntegrationExceptionRaisedV1(published_[0])).toMatchObject({ ok: true });
    expect(published_[0]).toMatchObject({ data: { code: 'FORECAST_EXPORT_EXPIRED', objectId: 'OLD/v1' } });
  });
});
