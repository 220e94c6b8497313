/**
 * The forecast-sync consumer end to end: a local HTTP server serves generated exports at their
 * "pre-signed" URLs, S3 is an in-memory fake behind aws-sdk-client-mock, EventBridge and SQS are
 * mocked, idempotency records live in dynalite.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mapForecastPublished } from '../../../adapters/planning/mapping';
import { buildEvent, type CanonicalEvent } from '../../../canonical/envelope';
import type { ForecastLinesChangedV1, ForecastPublishedV1 } from '../../../canonical/generated/types';
import { validateForecastLinesChangedV1 } from '../../../canonical/generated/validators';
import { generateForecastExport, type GeneratedExport } from '../../../adapters/planning/generate-export';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { forecastPublishedDelivery } from '../../fixtures/planning';
import { fakeS3 } from '../../adapters/aws/s3-snapshot-store.fake-s3';
import { DLQ_URL, eventBridgeBody, sqsRecord } from '../consumer-fixtures';

const s3 = fakeS3();
const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
/** A plan per test: idempotency records in dynalite outlive a test. */
let PLAN = 'CONSENSUS-2026W48';
let plans = 0;
const lambdaContext = {
  functionName: 'forecast-sync',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 900_000,
} as unknown as Context;

let dynamo: LocalDynamo;
let server: Server;
let base: string;
let dir: string;
let downloads: string[];
const exports = new Map<string, GeneratedExport>();
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'forecast-sync-consumer' });
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    IDEMPOTENCY_TABLE_NAME: dynamo.tableNames.idempotency,
    DEAD_LETTER_QUEUE_URL: DLQ_URL,
    EVENT_BUS_NAME: 'supplyline-test',
    FORECAST_SYNC_BUCKET_NAME: 'forecast-sync-test',
    FORECAST_EXPORT_ALLOW_HTTP: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  dir = mkdtempSync(join(tmpdir(), 'forecast-sync-consumer-'));
  for (const version of [1, 2, 3]) {
    exports.set(
      `/${version}.csv`,
      await generateForecastExport({
        path: join(dir, `${version}.csv`),
        rows: 3000,
        planVersion: version,
        seed: 11,
      }),
    );
  }
  server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    const file = exports.get(path.slice(path.lastIndexOf('/')));
    downloads.push(path);
    if (!file) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(file.bytes) });
    // The client may stop reading early: that is not the server's error.
    pipeline(createReadStream(file.path), response).catch(() => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ({ handler } = await import('../../../functions/consumers/forecast-sync'));
});

afterAll(async () => {
  server.close();
  await dynamo.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  s3.reset();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, index) => ({ EventId: `eb-${index}` })),
  }));
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  downloads = [];
  PLAN = `CONSENSUS-2026W48-T${++plans}`;
});

let deliveries = 0;
/** A forecast.published for a plan version; `key` overrides the idempotency key (a later, distinct delivery). */
function published(version: number, options: { sha256?: string; key?: string } = {}): ForecastPublishedV1 {
  const file = exports.get(`/${version}.csv`)!;
  const event = mapForecastPublished(
    forecastPublishedDelivery({
      event_id: `fp_${version}_${++deliveries}`,
      plan: { plan_id: PLAN, version, cycle: 'weekly' },
      export: {
        format: 'csv',
        location: `${base}/${PLAN}/${version}.csv?X-Amz-Signature=s`,
        rows: file.rows,
        sha256: options.sha256 ?? file.sha256,
      },
    }),
    { tenantId: 'acme', now: () => new Date('2026-11-27T06:00:01Z'), newId: () => crypto.randomUUID() },
  );
  return options.key ? { ...event, idempotencyKey: options.key } : event;
}

async function deliver(event: CanonicalEvent): Promise<SQSBatchResponse> {
  return handler({ Records: [sqsRecord(eventBridgeBody(event))] }, lambdaContext);
}

function emitted(): { entry: PutEventsRequestEntry; event: ForecastLinesChangedV1 }[] {
  return eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => ({ entry, event: JSON.parse(entry.Detail!) as ForecastLinesChangedV1 }));
}

const summaryOf = (version: number) =>
  JSON.parse(s3.text(`summaries/${PLAN}/${version}.json`) ?? 'null') as {
    outcome: string;
    changesEmitted: number;
    rejected: number;
  } | null;

describe('forecast-sync consumer', () => {
  it('emits every line of a first version, then only the changes of the next one', async () => {
    // Act
    expect(await deliver(published(1))).toEqual({ batchItemFailures: [] });
    const first = emitted();
    eventBridge.resetHistory();
    expect(await deliver(published(2))).toEqual({ batchItemFailures: [] });
    const second = emitted();

    // Assess: valid canonical events, one PutEvents per change batch, deterministic keys.
    for (const { entry, event } of [...first, ...second]) {
      expect(entry.DetailType).toBe('forecast.lines-changed');
      expect(validateForecastLinesChangedV1(event)).toMatchObject({ ok: true });
      expect(event.idempotencyKey).toBe(`forecast-lines:${event.data.batchId}`);
      expect(event.correlationId).toMatch(/^fp_/);
    }
    const lines = (list: typeof first) => list.reduce((n, { event }) => n + event.data.lines.length, 0);
    const v1 = summaryOf(1)!;
    const v2 = summaryOf(2)!;
    expect(v1.outcome).toBe('processed');
    expect(lines(first)).toBe(v1.changesEmitted);
    expect(v2.changesEmitted).toBeGreaterThan(0);
    expect(v2.changesEmitted).toBeLessThan(v1.changesEmitted / 5);
    expect(lines(second)).toBe(v2.changesEmitted);
    expect(second.every(({ event }) => event.data.planVersion === 2)).toBe(true);
    // Run records: rejects (the generator writes bad rows), received markers, the manifest at v2.
    expect(v1.rejected).toBeGreaterThan(0);
    expect(s3.text(`rejects/${PLAN}/1.jsonl`)!.trim().split('\n')).toHaveLength(v1.rejected);
    expect(s3.keys('received/')).toEqual([`received/${PLAN}/1.json`, `received/${PLAN}/2.json`]);
    expect(JSON.parse(s3.text(`snapshots/${PLAN}/latest.json`)!)).toMatchObject({ version: 2 });
    expect(s3.keys(`snapshots/${PLAN}/1/`)).toEqual([]);
  });

  it('emits nothing when the same version runs again, and does not download it', async () => {
    // Prepare
    await deliver(published(1));
    eventBridge.resetHistory();
    downloads = [];
    // Act: a redelivery (same business key) and a later distinct delivery of the same version.
    expect(await deliver(published(1))).toEqual({ batchItemFailures: [] });
    expect(await deliver(published(1, { key: `forecast:${PLAN}:v1:again-${deliveries}` }))).toEqual({
      batchItemFailures: [],
    });
    // Assess
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(downloads).toEqual([]);
    expect(summaryOf(1)?.outcome).toBe('processed');
  });

  it('ignores an older version than the latest processed one', async () => {
    // Prepare
    await deliver(published(2));
    eventBridge.resetHistory();
    downloads = [];
    // Act
    expect(await deliver(published(1))).toEqual({ batchItemFailures: [] });
    // Assess: recorded as stale, nothing emitted or downloaded, the manifest untouched.
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(downloads).toEqual([]);
    expect(summaryOf(1)?.outcome).toBe('stale');
    expect(JSON.parse(s3.text(`snapshots/${PLAN}/latest.json`)!)).toMatchObject({ version: 2 });
  });

  it('dead-letters a checksum mismatch with its reason and emits nothing', async () => {
    // Prepare
    await deliver(published(1));
    eventBridge.resetHistory();
    // Act
    const response = await deliver(published(3, { sha256: 'b'.repeat(64) }));
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    const dlq = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(dlq.QueueUrl).toBe(DLQ_URL);
    expect(dlq.MessageAttributes?.failureClass?.StringValue).toBe('contract');
    expect(dlq.MessageAttributes?.failureReason?.StringValue).toContain('sha256 mismatch');
    expect(JSON.parse(s3.text(`failures/${PLAN}/3.json`)!)).toMatchObject({ failureClass: 'contract' });
    expect(summaryOf(3)).toBeNull();
    expect(JSON.parse(s3.text(`snapshots/${PLAN}/latest.json`)!)).toMatchObject({ version: 1 });
    expect(s3.keys(`snapshots/${PLAN}/3/`)).toEqual([]);
  });

  it('retries a failed download (the record is reported, nothing is recorded as done)', async () => {
    const event = published(1);
    const missing = buildEvent(
      'forecast.published',
      { ...event.data, planVersion: 9, export: { ...event.data.export!, location: `${base}/nowhere.csv` } },
      { ...event, sourceVersion: 9, idempotencyKey: `forecast:${PLAN}:v9` },
      { now: () => new Date(), newId: () => crypto.randomUUID() },
    );
    const response = await deliver(missing);
    expect(response.batchItemFailures).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(summaryOf(9)).toBeNull();
    expect(s3.keys('received/')).toEqual([`received/${PLAN}/9.json`]);
  });
});
