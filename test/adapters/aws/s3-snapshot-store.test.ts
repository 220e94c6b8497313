import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalScratchStorage } from '../../../adapters/planning/local-scratch';
import { ForecastSyncRecords, S3SnapshotStore } from '../../../adapters/aws/s3-snapshot-store';
import { TransientFailure } from '../../../domain/failures';
import {
  syncForecastExport,
  type ChangeBatch,
  type ForecastSyncSummary,
  type SnapshotManifest,
} from '../../../domain/forecast-sync';
import { chunked, csv, sha256 } from '../../domain/forecast-sync/support';
import { fakeS3 } from './s3-snapshot-store.fake-s3';

const s3 = fakeS3();
const client = new S3Client({ region: 'eu-west-1' });
const scratch = mkdtempSync(join(tmpdir(), 's3-store-test-'));
const BUCKET = 'forecast-sync';

const manifest = (version: number): SnapshotManifest => ({
  planId: 'CONSENSUS-2026W48',
  version,
  partitions: 1,
  keys: 0,
  sha256: 'a'.repeat(64),
  committedAt: '2026-11-27T06:00:00.000Z',
});

const store = () => new S3SnapshotStore(client, { bucket: BUCKET, scratchDir: scratch });

async function sync(planId: string, version: number, rows: string[]) {
  const text = csv(rows);
  const lines: unknown[] = [];
  const summary = await syncForecastExport(
    { planId, version, input: chunked(text, 64), expectedSha256: sha256(text), declaredRows: rows.length },
    {
      store: store(),
      scratch: new LocalScratchStorage(scratch),
      onBatch: async (batch: ChangeBatch) => {
        for (const entry of batch.entries)
          lines.push(...(JSON.parse(entry.detail) as { lines: unknown[] }).lines);
      },
    },
  );
  return { summary, lines };
}

beforeEach(() => s3.reset());
afterEach(() => expect(readdirSync(scratch)).toEqual([]));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('S3SnapshotStore', () => {
  it('has no latest version for a plan never committed', async () => {
    expect(await store().latest('CONSENSUS-2026W48')).toBeUndefined();
  });

  it('uploads a partition when its stream ends and streams it back', async () => {
    // Prepare
    const writer = store().writePartition('PLAN/A', 3, 7);
    // Act
    writer.write(Buffer.from('abc'));
    writer.end(Buffer.from('def'));
    await new Promise((resolve, reject) => writer.on('finish', resolve).on('error', reject));
    const chunks: Buffer[] = [];
    for await (const chunk of store().readPartition('PLAN/A', 3, 7)) chunks.push(chunk as Buffer);
    // Assess: plan ids are URI-encoded, so a '/' in them makes no extra level.
    expect(s3.keys()).toEqual(['snapshots/PLAN%2FA/3/p7']);
    expect(Buffer.concat(chunks).toString()).toBe('abcdef');
  });

  it('fails the partition stream when the upload fails', async () => {
    s3.mock.on(PutObjectCommand).rejects(new Error('SlowDown'));
    const writer = store().writePartition('PLAN', 1, 0);
    writer.end(Buffer.from('x'));
    await expect(
      new Promise((resolve, reject) => writer.on('finish', resolve).on('error', reject)),
    ).rejects.toThrow('SlowDown');
  });

  it('commits the first version only if no manifest exists (If-None-Match)', async () => {
    await store().commit(manifest(1), undefined);
    expect(s3.mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ IfNoneMatch: '*' });
    expect(await store().latest('CONSENSUS-2026W48')).toEqual(manifest(1));
    await expect(store().commit(manifest(2), undefined)).rejects.toBeInstanceOf(TransientFailure);
  });

  it('commits a next version only over the manifest it started from (If-Match ETag)', async () => {
    await store().commit(manifest(1), undefined);
    const run = store();
    expect((await run.latest('CONSENSUS-2026W48'))?.version).toBe(1);
    await run.commit(manifest(2), 1);
    const put = s3.mock.commandCalls(PutObjectCommand).at(-1)!.args[0].input;
    expect(put.IfMatch).toMatch(/^".+"$/);
    expect((await store().latest('CONSENSUS-2026W48'))?.version).toBe(2);
    // A run that expected version 1 is refused before writing anything.
    const puts = s3.mock.commandCalls(PutObjectCommand).length;
    await expect(store().commit(manifest(3), 1)).rejects.toBeInstanceOf(TransientFailure);
    expect(s3.mock.commandCalls(PutObjectCommand)).toHaveLength(puts);
  });

  it.each([
    ['first versions', undefined],
    ['next versions', 1],
  ])('lets exactly one of two concurrent commits win (%s)', async (_case, previous) => {
    // Prepare: both runs read the same state before either commits.
    if (previous !== undefined) await store().commit(manifest(previous), undefined);
    const [a, b] = [store(), store()];
    await Promise.all([a.latest('CONSENSUS-2026W48'), b.latest('CONSENSUS-2026W48')]);
    // Both requests are in flight before S3 applies either.
    let arrived = 0;
    let release!: () => void;
    const bothArrived = new Promise<void>((resolve) => (release = resolve));
    s3.hooks.beforePut = async () => {
      if (++arrived === 2) release();
      await bothArrived;
    };
    // Act
    const results = await Promise.allSettled([
      a.commit(manifest(5), previous),
      b.commit(manifest(6), previous),
    ]);
    // Assess
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(TransientFailure);
    const winner = results[0]!.status === 'fulfilled' ? 5 : 6;
    expect((await store().latest('CONSENSUS-2026W48'))?.version).toBe(winner);
  });

  it('runs the forecast sync: a next version emits only changes and replaces the old snapshot', async () => {
    // Prepare
    const v1 = [
      'SKU-1,DC-1,2026-12-07,100,EA,1,1',
      'SKU-2,DC-1,2026-12-07,50,EA,1,1',
      'SKU-3,DC-1,2026-12-07,5,CS,12,1',
    ];
    const v2 = ['SKU-1,DC-1,2026-12-07,100,EA,1,2', 'SKU-2,DC-1,2026-12-07,80,EA,1,2'];
    // Act
    const first = await sync('CONSENSUS-2026W48', 1, v1);
    const second = await sync('CONSENSUS-2026W48', 2, v2);
    const again = await sync('CONSENSUS-2026W48', 2, v2);
    // Assess
    expect(first.summary.changesEmitted).toBe(3);
    expect(second.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ itemCode: 'SKU-2', quantityEa: '80', previousQuantityEa: '50' }),
        expect.objectContaining({ itemCode: 'SKU-3', quantityEa: '0', previousQuantityEa: '60' }),
      ]),
    );
    expect(second.lines).toHaveLength(2);
    expect(again.summary.outcome).toBe('duplicate');
    expect(again.lines).toEqual([]);
    expect(s3.keys('snapshots/')).toEqual([
      'snapshots/CONSENSUS-2026W48/2/p0',
      'snapshots/CONSENSUS-2026W48/latest.json',
    ]);
  });
});

describe('ForecastSyncRecords', () => {
  const records = new ForecastSyncRecords(client, BUCKET);
  const summary = (outcome: ForecastSyncSummary['outcome']) =>
    ({ planId: 'P/1', version: 4, outcome }) as ForecastSyncSummary;

  it('keeps the first summary of a version', async () => {
    expect(await records.recordSummary(summary('processed'))).toBe(true);
    expect(await records.recordSummary(summary('duplicate'))).toBe(false);
    expect((await records.summary('P/1', 4))?.outcome).toBe('processed');
    expect(await records.hasSummary('P/1', 4)).toBe(true);
    expect(await records.hasSummary('P/1', 5)).toBe(false);
  });
});
