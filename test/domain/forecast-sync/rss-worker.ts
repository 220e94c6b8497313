/**
 * Child process of memory.test.ts: synchronises one export file into a fresh store and prints its
 * own peak RSS, so the measurement is this run's and nothing else's.
 */
import { createReadStream } from 'node:fs';
import { FsSnapshotStore } from '../../../adapters/planning/fs-snapshot-store';
import { LocalScratchStorage } from '../../../adapters/planning/local-scratch';
import { syncForecastExport } from '../../../domain/forecast-sync';

const [file, storeDir, rows] = process.argv.slice(2) as [string, string, string];
const summary = await syncForecastExport(
  { planId: 'PLAN-RSS', version: 1, input: createReadStream(file), declaredRows: Number(rows) },
  {
    store: new FsSnapshotStore(storeDir),
    scratch: new LocalScratchStorage(),
    onBatch: async () => undefined,
  },
);
process.stdout.write(
  `${JSON.stringify({ rows: summary.rows, changes: summary.changesEmitted, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
