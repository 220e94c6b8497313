import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateForecastExport } from '../../../adapters/planning/generate-export';
import { run, sha256, workspace } from '../../domain/forecast-sync/support';

let ws: ReturnType<typeof workspace>;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

describe('generateForecastExport', () => {
  it('is deterministic per seed and its bad rows are exactly the ones the sync rejects', async () => {
    const options = { rows: 20_000, planVersion: 3, badRowRatio: 0.01 };
    const a = await generateForecastExport({ ...options, path: join(ws.dir, 'a.csv') });
    const b = await generateForecastExport({ ...options, path: join(ws.dir, 'b.csv') });
    const c = await generateForecastExport({ ...options, seed: 2, path: join(ws.dir, 'c.csv') });
    const text = readFileSync(a.path, 'utf8');

    const { summary } = await run(ws.store, 'PLAN-G', 3, text, {
      expectedSha256: a.sha256,
      chunkSize: 65_536,
    });

    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect(sha256(text)).toBe(a.sha256);
    expect(a.bytes).toBe(Buffer.byteLength(text));
    expect(Object.keys(a.badRows)).toHaveLength(13);
    expect(summary.rows).toBe(20_000);
    expect(summary.rejectedByReason).toEqual(a.badRows);
    expect(summary.keys).toBe(summary.accepted); // one row per key
  });

  it('changes about changeRatio of the lines between versions', async () => {
    const base = { rows: 20_000, badRowRatio: 0, changeRatio: 0.05 };
    const v1 = await generateForecastExport({ ...base, planVersion: 1, path: join(ws.dir, 'v1.csv') });
    const v2 = await generateForecastExport({ ...base, planVersion: 2, path: join(ws.dir, 'v2.csv') });
    await run(ws.store, 'PLAN-G', 1, readFileSync(v1.path, 'utf8'), { chunkSize: 65_536 });

    const { summary } = await run(ws.store, 'PLAN-G', 2, readFileSync(v2.path, 'utf8'), {
      chunkSize: 65_536,
    });

    expect(summary.changesByKind.added + summary.changesByKind.removed).toBe(0);
    expect(summary.changesByKind.changed).toBeGreaterThan(20_000 * 0.03);
    expect(summary.changesByKind.changed).toBeLessThan(20_000 * 0.05);
  });
});
