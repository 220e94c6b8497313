/**
 * Benchmark of bulk forecast synchronisation (domain/forecast-sync) against its budgets: the whole
 * sync at least as fast, in lines per CPU-second, as a maintained CSV parser's bare parse of the same
 * file (csv-parse, measured in the same run: a ratio holds across machines where an absolute rate
 * does not), and peak RSS <= 128 MiB.
 *
 * Generates a 1,000,000-row export (~0.1% bad rows, every key distinct, shuffled) and a next version
 * (~2% of lines changed), then runs in child processes (so RSS is the run's own), each several times
 * (median), interleaved run by run: bare line splitting of the same file (the floor), csv-parse's
 * bare parse (the peer), the first load of a plan (every line emitted as new), and the next version
 * (diff against the first load's snapshot).
 * The worker is bundled with esbuild first, as it would be deployed, so no TypeScript loader sits in
 * the measured process.
 *
 * Run: `npx tsx scripts/bench/forecast-sync.ts` (env BENCH_ROWS, BENCH_REPEATS to change the size).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateForecastExport } from '../../adapters/planning/generate-export';
import type { WorkerArgs, WorkerResult } from './forecast-sync-worker';
import { bundleLikeLambda } from './harness';

/** One line of the benchmark table. */
export interface Row {
  case: string;
  linesPerCpuSecond: number;
  /** CPU seconds of the measured work (median run). */
  cpuSeconds: number;
  peakRssMiB: number;
  /** Budget for lines per CPU-second (the peer's figure of this run), when the case has one. */
  throughputBudget: number | null;
  /** Lines per CPU-second / the peer's, when the case is budgeted against it. */
  peerRatio: number | null;
  /** Budget for peak RSS (MiB), when the case has one. */
  rssBudgetMiB: number | null;
  /** True when every budget of the case is met; null when the case has none (reference). */
  withinBudget: boolean | null;
}

const RSS_BUDGET_MIB = 128;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs the benchmark and returns its table rows. */
export async function benchForecastSync(
  rows = Number(process.env.BENCH_ROWS ?? 1_000_000),
  repeats = Number(process.env.BENCH_REPEATS ?? 3),
): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-forecast-sync-'));
  try {
    const worker = join(dir, 'worker.mjs');
    await bundleLikeLambda(join(dirname(fileURLToPath(import.meta.url)), 'forecast-sync-worker.ts'), worker);
    const v1 = await generateForecastExport({
      path: join(dir, 'v1.csv'),
      rows,
      planVersion: 1,
      badRowRatio: 0.001,
    });
    const v2 = await generateForecastExport({
      path: join(dir, 'v2.csv'),
      rows,
      planVersion: 2,
      badRowRatio: 0.001,
    });

    const runWorker = (args: WorkerArgs): WorkerResult =>
      JSON.parse(
        execFileSync(process.execPath, [worker, JSON.stringify(args)], { encoding: 'utf8' }),
      ) as WorkerResult;
    const results: Record<'split' | 'peer' | 'first' | 'next', WorkerResult[]> = {
      split: [],
      peer: [],
      first: [],
      next: [],
    };
    for (let r = 0; r < repeats; r++) {
      const storeDir = join(dir, `store-${r}`);
      const base = { storeDir, planId: 'BENCH-PLAN', rows };
      results.split.push(runWorker({ ...base, mode: 'split', file: v1.path, version: 1, sha256: v1.sha256 }));
      results.peer.push(
        runWorker({ ...base, mode: 'csv-parse', file: v1.path, version: 1, sha256: v1.sha256 }),
      );
      results.first.push(runWorker({ ...base, mode: 'sync', file: v1.path, version: 1, sha256: v1.sha256 }));
      results.next.push(runWorker({ ...base, mode: 'sync', file: v2.path, version: 2, sha256: v2.sha256 }));
      rmSync(storeDir, { recursive: true, force: true });
    }

    const peerRate = median(results.peer.map((x) => x.lines / x.cpuSeconds));
    const row = (label: string, runs: WorkerResult[], budgeted: boolean): Row => {
      const linesPerCpuSecond = median(runs.map((x) => x.lines / x.cpuSeconds));
      const peakRssMiB = median(runs.map((x) => x.peakRssMiB));
      return {
        case: label,
        linesPerCpuSecond: Math.round(linesPerCpuSecond),
        cpuSeconds: median(runs.map((x) => x.cpuSeconds)),
        peakRssMiB: Math.round(peakRssMiB * 10) / 10,
        throughputBudget: budgeted ? Math.round(peerRate) : null,
        peerRatio: budgeted ? Math.round((linesPerCpuSecond / peerRate) * 100) / 100 : null,
        rssBudgetMiB: budgeted ? RSS_BUDGET_MIB : null,
        withinBudget: budgeted ? linesPerCpuSecond >= peerRate && peakRssMiB <= RSS_BUDGET_MIB : null,
      };
    };
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    return [
      row(`bare line split (floor), ${mib(v1.bytes)} MiB file`, results.split, false),
      row('csv-parse bare parse of the same file (peer)', results.peer, false),
      row(`sync, first load (${results.first[0]!.changes} lines emitted)`, results.first, true),
      row(`sync, next version (${results.next[0]!.changes} lines emitted)`, results.next, true),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows as a Markdown table. */
export function formatTable(rows: Row[]): string {
  const lines = [
    '| case | lines/CPU-s | CPU s | peak RSS MiB | budget | ok |',
    '|---|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    const budget =
      r.throughputBudget === null
        ? '-'
        : `>= ${r.throughputBudget.toLocaleString('en')} lines/CPU-s, <= ${r.rssBudgetMiB} MiB`;
    const ok = r.withinBudget === null ? '-' : r.withinBudget ? 'yes' : 'NO';
    lines.push(
      `| ${r.case} | ${r.linesPerCpuSecond.toLocaleString('en')} | ${r.cpuSeconds.toFixed(2)} | ${r.peakRssMiB.toFixed(1)} | ${budget} | ${ok} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchForecastSync();
  console.log(formatTable(rows));
  const rowsEnv = Number(process.env.BENCH_ROWS ?? 1_000_000).toLocaleString('en');
  console.log(`\n${rowsEnv} rows, median of ${process.env.BENCH_REPEATS ?? 3} runs, Node ${process.version}`);
  if (rows.some((r) => r.withinBudget === false)) process.exitCode = 1;
}
