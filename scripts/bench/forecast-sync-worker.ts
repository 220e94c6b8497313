/**
 * Child process of the forecast-sync benchmark, so its peak RSS (ru_maxrss) is the measured work's
 * own. Usage: `node --import tsx forecast-sync-worker.ts <json args>`; prints one JSON line.
 * Modes: `split` (bare line splitting, the floor), `csv-parse` (a maintained CSV parser's bare parse
 * of the same file, the peer), `sync` (the full synchronisation of one version).
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { FsSnapshotStore } from '../../adapters/planning/fs-snapshot-store';
import { LocalScratchStorage } from '../../adapters/planning/local-scratch';
import { syncForecastExport } from '../../domain/forecast-sync';

/** Arguments of the worker. */
export interface WorkerArgs {
  mode: 'split' | 'csv-parse' | 'sync';
  file: string;
  storeDir: string;
  planId: string;
  version: number;
  sha256: string;
  rows: number;
}

/** What the worker prints. */
export interface WorkerResult {
  mode: WorkerArgs['mode'];
  lines: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Peak RSS of the whole child, MiB. */
  peakRssMiB: number;
  /** RSS before the measured work (runtime + modules), MiB. */
  startRssMiB: number;
  changes: number;
}

async function split(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/**
 * Records csv-parse reads from the file, doing nothing with them: what any sync built on it pays
 * before its first rule. Rows of the wrong width are kept (the export's ~0.1% bad rows), not thrown.
 */
async function csvParse(file: string): Promise<number> {
  let records = 0;
  for await (const record of createReadStream(file).pipe(parse({ relax_column_count: true }))) {
    if (record) records++;
  }
  return records;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as WorkerArgs;
  const startRssMiB = process.memoryUsage.rss() / 2 ** 20;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  let lines = 0;
  let changes = 0;
  if (args.mode === 'split') {
    lines = await split(args.file);
  } else if (args.mode === 'csv-parse') {
    lines = await csvParse(args.file);
  } else {
    const summary = await syncForecastExport(
      {
        planId: args.planId,
        version: args.version,
        input: createReadStream(args.file),
        expectedSha256: args.sha256,
        declaredRows: args.rows,
      },
      {
        store: new FsSnapshotStore(args.storeDir),
        scratch: new LocalScratchStorage(),
        onBatch: async (batch) => {
          for (const entry of batch.entries) changes += entry.lines;
        },
      },
    );
    lines = summary.rows + 1;
  }
  const used = process.cpuUsage(cpu);
  const result: WorkerResult = {
    mode: args.mode,
    lines,
    cpuSeconds: (used.user + used.system) / 1e6,
    wallSeconds: (performance.now() - wall) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    startRssMiB,
    changes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
