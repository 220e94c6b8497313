/**
 * The forecast sync run records as the operations tooling reads them, against fauxqs's S3: the
 * records are written by the forecast-sync function's own run (`synchroniseForecast` with the S3
 * snapshot store and `ForecastSyncRecords`), so the listed figures are checked against what a run
 * really leaves: summaries, rejects with line numbers, failures and started runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { ForecastSyncRecords, S3SnapshotStore } from '../../adapters/aws/s3-snapshot-store';
import { mapForecastPublished } from '../../adapters/planning/mapping';
import type { ForecastPublishedV1 } from '../../canonical/generated/types';
import { ContractViolation } from '../../domain/failures';
import type { ForecastSyncSummary } from '../../domain/forecast-sync';
import { synchroniseForecast, type ForecastSyncPorts } from '../../functions/consumers/forecast-sync';
import { inventoryFromAws } from '../../ops/aws-inventory';
import { listForecastSyncs, showForecastSync, topReasons } from '../../ops/forecast-syncs';
import { buildTopology } from '../../ops/topology';
import { csv, sha256 } from '../domain/forecast-sync/support';
import { forecastPublishedDelivery } from '../fixtures/planning';

const BUCKET = 'ops-forecast-sync';
let server: FauxqsServer;
let s3: S3Client;
let records: ForecastSyncRecords;
let ports: ForecastSyncPorts;
let scratch: string;
const exports = new Map<string, string>();
const ctx = { logger: new Logger({ logLevel: 'SILENT' }), receiveCount: 1 };

beforeAll(async () => {
  server = await startFauxqs({ port: 0, logger: false });
  server.createBucket(BUCKET);
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  scratch = mkdtempSync(join(tmpdir(), 'ops-forecast-syncs-'));
  records = new ForecastSyncRecords(s3, BUCKET);
  ports = {
    store: new S3SnapshotStore(s3, { bucket: BUCKET, scratchDir: scratch }),
    records,
    openExport: async (location) => Readable.from([Buffer.from(exports.get(location)!)]),
    publish: async () => undefined,
    metric: () => undefined,
    now: () => new Date(),
    scratchDir: scratch,
  };
});

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const row = (sku: string, qty: string | number, version: number) =>
  `${sku},DC-EAST-02,2027-01-04,${qty},CS,12,${version}`;

/** A canonical forecast.published for the export text (its checksum, unless one is given). */
function published(
  planId: string,
  version: number,
  text: string,
  checksum = sha256(text),
): ForecastPublishedV1 {
  const location = `https://exports.planning.example/${encodeURIComponent(planId)}/${version}.csv?sig=s`;
  exports.set(location, text);
  return mapForecastPublished(
    forecastPublishedDelivery({
      event_id: `fp_${planId}_${version}_${exports.size}`,
      plan: { plan_id: planId, version, cycle: 'weekly' },
      export: { format: 'csv', location, rows: text.split('\n').length - 2, sha256: checksum },
    }),
    { tenantId: 'acme', now: () => new Date(), newId: () => crypto.randomUUID() },
  );
}

const sync = (event: ForecastPublishedV1) => synchroniseForecast(event, ctx, ports);

describe('ops forecast-syncs on fauxqs S3', () => {
  // Plan ids may contain '/': the keys carry them URI-encoded.
  const planA = 'CONSENSUS/2026W48';
  const planB = 'CONSENSUS-2026W49';
  const written: ForecastSyncSummary[] = [];
  // Version 1 of plan A: rows on lines 2..7; lines 3, 5 and 6 are rejected.
  const v1Rows = [
    row('SKU-10442', 100, 1),
    row('SKU-BAD', -5, 1),
    row('SKU-10443', 50, 1),
    row('SKU-10444', 'x', 1),
    row('SKU-10445', -1, 1),
    row('SKU-20991', 10, 1),
  ];

  beforeAll(async () => {
    written.push((await sync(published(planA, 1, csv(v1Rows))))!);
    written.push(
      (await sync(
        published(
          planA,
          2,
          csv([row('SKU-10442', 110, 2), row('SKU-10443', 50, 2), row('SKU-20991', 10, 2)]),
        ),
      ))!,
    );
    // Plan B: version 3, then version 2 arrives late (stale: nothing downloaded or emitted).
    written.push((await sync(published(planB, 3, csv([row('SKU-10442', 7, 3)]))))!);
    written.push((await sync(published(planB, 2, csv([row('SKU-10442', 6, 2)]))))!);
    // Version 4 of plan B: the checksum does not match (contract violation, failure record).
    await expect(sync(published(planB, 4, csv([row('SKU-10442', 8, 4)]), 'f'.repeat(64)))).rejects.toThrow(
      ContractViolation,
    );
    // Version 5 of plan B: started (received), no outcome yet. S3 times are whole seconds: be the newest.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await records.recordReceived({
      event: published(planB, 5, csv([row('SKU-10442', 9, 5)])),
      lastAttemptAt: '2026-11-27T06:00:00.000Z',
      receiveCount: 2,
    });
  });

  it('lists every run newest first with the figures of its summary', async () => {
    // Act
    const list = await listForecastSyncs(s3, BUCKET);

    // Assess: one row per plan version; the figures are those of the stored summaries.
    expect(list.total).toBe(6);
    expect(list.runs.map((r) => `${r.planId} v${r.version} ${r.outcome}`).sort()).toEqual(
      [
        `${planA} v1 processed`,
        `${planA} v2 processed`,
        `${planB} v2 stale`,
        `${planB} v3 processed`,
        `${planB} v4 failed`,
        `${planB} v5 pending`,
      ].sort(),
    );
    const times = list.runs.map((r) => Date.parse(r.recordedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(list.runs[0]).toMatchObject({
      planId: planB,
      version: 5,
      outcome: 'pending',
      attempt: { lastAttemptAt: '2026-11-27T06:00:00.000Z', receiveCount: 2 },
    });
    for (const summary of written) {
      const listed = list.runs.find((r) => r.planId === summary.planId && r.version === summary.version)!;
      expect(listed.summary).toEqual(summary);
      expect(listed.summary).toEqual(await records.summary(summary.planId, summary.version));
    }
    const v1 = list.runs.find((r) => r.planId === planA && r.version === 1)!.summary!;
    expect(v1).toMatchObject({ rows: 6, accepted: 3, rejected: 3, changesEmitted: 3 });
    expect(v1.rejectedByReason).toEqual({ negative_qty: 2, invalid_qty: 1 });
    expect(topReasons(v1.rejectedByReason)).toBe('negative_qty 2, invalid_qty 1');
    expect(list.runs.find((r) => r.planId === planA && r.version === 2)!.summary).toMatchObject({
      rows: 3,
      accepted: 3,
      rejected: 0,
      changesEmitted: 1,
    });
    expect(list.runs.find((r) => r.outcome === 'failed')!.failure).toMatchObject({
      planId: planB,
      version: 4,
      failureClass: 'contract',
      reason: expect.stringContaining('sha256'),
    });
  });

  it('filters by plan and limits to the newest runs', async () => {
    const onlyA = await listForecastSyncs(s3, BUCKET, { planId: planA });
    expect(onlyA.runs.map((r) => [r.planId, r.version])).toEqual(
      expect.arrayContaining([
        [planA, 1],
        [planA, 2],
      ]),
    );
    expect(onlyA.total).toBe(2);

    const newest = await listForecastSyncs(s3, BUCKET, { limit: 1 });
    expect(newest.runs.map((r) => [r.planId, r.version])).toEqual([[planB, 5]]);
    expect(newest.total).toBe(6);

    expect(await listForecastSyncs(s3, BUCKET, { planId: 'NO-SUCH-PLAN' })).toEqual({
      bucket: BUCKET,
      runs: [],
      total: 0,
    });
  });

  it('shows a run with its first rejected rows and their line numbers in the export', async () => {
    // Act
    const detail = await showForecastSync(s3, BUCKET, planA, 1);
    const firstTwo = await showForecastSync(s3, BUCKET, planA, 1, { rejects: 2 });

    // Assess: line 1 is the header, so data row n is line n + 1.
    expect(detail.summary).toEqual(written[0]);
    expect(detail.rejectsRecorded).toBe(true);
    expect(detail.rejects).toEqual([
      { line: 3, reason: 'negative_qty', raw: v1Rows[1] },
      { line: 5, reason: 'invalid_qty', raw: v1Rows[3] },
      { line: 6, reason: 'negative_qty', raw: v1Rows[4] },
    ]);
    expect(firstTwo.rejects.map((r) => r.line)).toEqual([3, 5]);
  });

  it('shows runs without rejects, failures and started runs; a version never seen is an error', async () => {
    expect(await showForecastSync(s3, BUCKET, planA, 2)).toMatchObject({
      outcome: 'processed',
      rejects: [],
      rejectsRecorded: false,
    });
    expect(await showForecastSync(s3, BUCKET, planB, 2)).toMatchObject({
      outcome: 'stale',
      summary: { previousVersion: 3, rows: 0, changesEmitted: 0, sha256: null },
    });
    expect(await showForecastSync(s3, BUCKET, planB, 4)).toMatchObject({
      outcome: 'failed',
      failure: { failureClass: 'contract' },
    });
    expect(await showForecastSync(s3, BUCKET, planB, 5)).toMatchObject({
      outcome: 'pending',
      attempt: { receiveCount: 2 },
    });
    await expect(showForecastSync(s3, BUCKET, planA, 9)).rejects.toThrow(
      `no forecast sync run recorded for plan ${planA} version 9 in ${BUCKET}`,
    );
  });
});

describe('the forecast sync bucket of a deployed stack', () => {
  it('is the stack resource DataBuckets names ForecastSyncBucket (not the access log bucket)', async () => {
    const sqsClient = new SQSClient({ region: 'eu-west-1' });
    const eventBridge = new EventBridgeClient({ region: 'eu-west-1' });
    const inventory = await inventoryFromAws({
      stackName: 'Supplyline-prod',
      region: 'eu-west-1',
      sqs: sqsClient,
      eventBridge,
      cloudFormation: {
        resources: async () => [
          {
            LogicalResourceId: 'BucketsAccessLogsA5F88218',
            PhysicalResourceId: 'supplyline-prod-bucketsaccesslogs-1x2y3z',
            ResourceType: 'AWS::S3::Bucket',
          },
          {
            LogicalResourceId: 'BucketsForecastSyncBucketE2BFE2A2',
            PhysicalResourceId: 'supplyline-prod-bucketsforecastsyncbucket-9a8b7c',
            ResourceType: 'AWS::S3::Bucket',
          },
        ],
        outputs: async () => ({ EventBusName: 'supplyline-prod' }),
      },
    });
    sqsClient.destroy();
    eventBridge.destroy();
    expect(buildTopology(inventory).buckets).toEqual({
      forecastSync: 'supplyline-prod-bucketsforecastsyncbucket-9a8b7c',
    });
  });
});
