/**
 * `ops forecast-syncs` on the local runtime over a real dev synth: a forecast.published goes on the
 * bus, the bundled forecast-sync function streams the export from a local HTTP server and leaves its
 * run records in the local S3 (fauxqs); the CLI finds the bucket in the template model and the S3
 * endpoint in the state file, and lists and shows what the function recorded.
 */
import { operationsState } from '../../local/operations-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { ForecastSyncRecords } from '../../adapters/aws/s3-snapshot-store';
import { mapForecastPublished } from '../../adapters/planning/mapping';
import type { ForecastSyncSummary } from '../../domain/forecast-sync';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/runtime';
import { run } from '../../ops/cli';
import type { ForecastSyncDetail, ForecastSyncRun } from '../../ops/forecast-syncs';
import { writeLocalRuntimeState, type LocalRuntimeState } from '../../ops/local-state';
import { buildTopology, inventoryFromTemplate, type StackTopology } from '../../ops/topology';
import { sha256 } from '../domain/forecast-sync/support';
import { forecastPublishedDelivery } from '../fixtures/planning';
import { synthesizeDev } from '../../local/synth';
import { putEvents } from './events';

let runtime: LocalRuntime;
let topology: StackTopology;
let s3: S3Client;
let stateDir: string;
let stateFile: string;
let exportServer: Server;
let exportBase: string;
const exports = new Map<string, string>();

beforeAll(async () => {
  exportServer = createServer((request, response) => {
    const text = exports.get(new URL(request.url!, 'http://x').pathname);
    response.writeHead(text === undefined ? 404 : 200, { 'content-type': 'text/csv' });
    response.end(text);
  });
  exportServer.listen(0, '127.0.0.1');
  await once(exportServer, 'listening');
  exportBase = `http://127.0.0.1:${(exportServer.address() as AddressInfo).port}`;

  runtime = await startLocalRuntime({
    cdkOut: await synthesizeDev(),
    functionLogs: 'silent',
    pollWaitSeconds: 1,
    log: () => undefined,
    dashboard: false,
    overrides: { TENANT_ID: 'local', FORECAST_EXPORT_ALLOW_HTTP: 'true' },
  });
  topology = buildTopology(inventoryFromTemplate(runtime.model));
  // The test reads the records itself path-style on the loopback, not through the CLI's client.
  s3 = new S3Client({
    region: runtime.model.region,
    endpoint: `http://127.0.0.1:${runtime.sqsServer.port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  stateDir = mkdtempSync(join(tmpdir(), 'supplyline-ops-'));
  stateFile = join(stateDir, 'local-runtime.json');
  // What local/start.ts writes.
  writeLocalRuntimeState(operationsState(runtime), stateFile);
});

afterAll(async () => {
  s3?.destroy();
  await runtime?.stop();
  exportServer?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run([...args, '--state-file', stateFile], {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const HEADER = 'sku,site,week_start,qty,uom,pack_size,plan_version';
const row = (sku: string, qty: string | number, version: number) =>
  `${sku},DC-EAST-02,2027-01-04,${qty},CS,12,${version}`;

/** Publishes a plan version's export and puts its forecast.published on the bus. */
async function publish(planId: string, version: number, rows: string[]): Promise<void> {
  const text = `${HEADER}\n${rows.join('\n')}\n`;
  const path = `/${planId}/${version}.csv`;
  exports.set(path, text);
  const event = mapForecastPublished(
    forecastPublishedDelivery({
      event_id: `fp_${randomUUID()}`,
      plan: { plan_id: planId, version, cycle: 'weekly' },
      export: {
        format: 'csv',
        location: `${exportBase}${path}?sig=s`,
        rows: rows.length,
        sha256: sha256(text),
      },
    }),
    { tenantId: 'local', now: () => new Date(), newId: randomUUID },
  );
  await putEvents(runtime.clients.eventBridge, topology.bus.name, [
    { source: 'supplyline.planning', detailType: 'forecast.published', detail: event },
  ]);
}

describe('ops forecast-syncs on the local runtime', () => {
  const planId = `PLAN-OPS-${Date.now().toString(36).toUpperCase()}`;
  const v1Rows = [
    row('SKU-10442', 100, 1),
    row('SKU-BAD', -5, 1),
    row('SKU-10443', 50, 1),
    row('SKU-10444', 'lots', 1),
    row('SKU-20991', 10, 1),
  ];
  const summaries: ForecastSyncSummary[] = [];

  beforeAll(async () => {
    const records = new ForecastSyncRecords(s3, topology.buckets.forecastSync!);
    await publish(planId, 1, v1Rows);
    summaries.push(await until('the summary of version 1', () => records.summary(planId, 1)));
    await publish(planId, 2, [row('SKU-10442', 110, 2), row('SKU-10443', 50, 2), row('SKU-20991', 10, 2)]);
    summaries.push(await until('the summary of version 2', () => records.summary(planId, 2)));
  }, 150_000);

  it('records the S3 endpoint the functions get in the state file', () => {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as LocalRuntimeState;
    expect(state.endpoints.s3).toBe(`http://s3.localhost:${runtime.sqsServer.port}`);
    expect(topology.buckets.forecastSync).toBe(
      runtime.model.buckets.find((b) => b.logicalId.includes('ForecastSyncBucket'))!.name,
    );
  });

  it('lists the runs newest first with the figures of their summaries (table and JSON)', async () => {
    // Act
    const json = await cli('forecast-syncs', '--plan', planId, '--json');
    const text = await cli('forecast-syncs', '--plan', planId);

    // Assess: JSON carries the stored summaries; the table shows their figures.
    expect(json).toMatchObject({ code: 0, err: '' });
    const runs = JSON.parse(json.out) as ForecastSyncRun[];
    expect(runs.map((r) => [r.version, r.outcome])).toEqual([
      [2, 'processed'],
      [1, 'processed'],
    ]);
    expect(runs.map((r) => r.summary)).toEqual([summaries[1], summaries[0]]);
    expect(summaries[0]).toMatchObject({
      rows: 5,
      accepted: 3,
      rejected: 2,
      rejectedByReason: { negative_qty: 1, invalid_qty: 1 },
      changesEmitted: 3,
    });
    expect(summaries[1]).toMatchObject({ rows: 3, accepted: 3, rejected: 0, changesEmitted: 1 });

    expect(text.code).toBe(0);
    const [header, , ...rows] = text.out.split('\n');
    expect(header!.split(/\s{2,}/)).toEqual([
      'PLAN',
      'VERSION',
      'OUTCOME',
      'ROWS',
      'ACCEPTED',
      'REJECTED',
      'CHANGES',
      'DURATION',
      'WHEN',
      'NOTE',
    ]);
    const cells = (line: string) => line.trim().split(/\s{2,}/);
    expect(cells(rows[0]!).slice(0, 7)).toEqual([planId, '2', 'processed', '3', '3', '0', '1']);
    expect(cells(rows[1]!).slice(0, 7)).toEqual([
      planId,
      '1',
      'processed',
      '5',
      '3',
      '2 (invalid_qty 1, negative_qty 1)',
      '3',
    ]);
    expect(text.out).toContain(`2 of 2 run(s) in ${topology.buckets.forecastSync}`);
  });

  it('shows a run: the full summary and the rejected rows with their line numbers', async () => {
    const json = await cli('forecast-syncs', 'show', planId, '1', '--json');
    const text = await cli('forecast-syncs', 'show', planId, '1');

    expect(json.code).toBe(0);
    const detail = JSON.parse(json.out) as ForecastSyncDetail;
    expect(detail.summary).toEqual(summaries[0]);
    expect(detail.rejects).toEqual([
      { line: 3, reason: 'negative_qty', raw: v1Rows[1] },
      { line: 5, reason: 'invalid_qty', raw: v1Rows[3] },
    ]);

    expect(text.code).toBe(0);
    expect(text.out).toContain(`Forecast sync of plan ${planId} version 1: processed`);
    expect(text.out).toMatch(/rejected: +2\n/);
    expect(text.out).toMatch(/changes emitted: +3 \(added 3, changed 0, removed 0\)/);
    expect(text.out).toMatch(new RegExp(`\\n +3  negative_qty  ${v1Rows[1]}\\n`));
    expect(text.out).toMatch(new RegExp(`\\n +5  invalid_qty   ${v1Rows[3]}$`));
  });

  it('says so when a version has no record, and explains its options', async () => {
    expect(await cli('forecast-syncs', 'show', planId, '9')).toMatchObject({
      code: 1,
      err: expect.stringContaining(`no forecast sync run recorded for plan ${planId} version 9`),
    });
    expect(await cli('forecast-syncs', 'show', planId)).toMatchObject({
      code: 2,
      err: expect.stringContaining('missing version'),
    });
    const help = await cli('forecast-syncs', '--help');
    expect(help.out).toContain('Usage: ops forecast-syncs [--plan <planId>]');
  });
});
