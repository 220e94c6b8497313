import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateForecastExport } from '../../../adapters/planning/generate-export';
import { workspace } from './support';

const run = promisify(execFile);
const ws = workspace();
afterAll(() => ws.cleanup());

/** Syncs a generated export in a child process (its own ru_maxrss) and returns its peak RSS in MiB. */
async function peakRss(rows: number): Promise<number> {
  const file = join(ws.dir, `export-${rows}.csv`);
  await generateForecastExport({ path: file, rows, planVersion: 1, seed: 7 });
  const worker = join(import.meta.dirname, 'rss-worker.ts');
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', worker, file, join(ws.dir, `store-${rows}`), String(rows)],
    { cwd: join(import.meta.dirname, '../../..'), maxBuffer: 1 << 20 },
  );
  const result = JSON.parse(stdout) as { rows: number; changes: number; peakRssMiB: number };
  expect(result.rows).toBe(rows);
  expect(result.changes).toBeGreaterThan(rows * 0.99); // first load: every distinct key is emitted
  return result.peakRssMiB;
}

describe('memory', () => {
  it(
    'peak RSS does not grow with the file: 5M distinct unsorted rows vs 500k',
    { timeout: 120_000 },
    async () => {
      const small = await peakRss(500_000);
      const large = await peakRss(5_000_000);
      console.log(
        `forecast-sync peak RSS (tsx child): 500k rows ${small.toFixed(1)} MiB, 5M rows ${large.toFixed(1)} MiB`,
      );

      expect(
        large,
        `500k rows: ${small.toFixed(1)} MiB, 5M rows: ${large.toFixed(1)} MiB`,
      ).toBeLessThanOrEqual(small * 1.25 + 16);
    },
  );
});
