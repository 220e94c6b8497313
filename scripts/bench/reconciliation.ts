/**
 * Reconciliation at scale: 1,000,000 orders compared from three synthetic extracts (Supplyline's
 * records, the platform's orders, the ERP's orders; reconciliation-extracts.ts, one order in 50
 * drifting in every class) by the product's streaming compare (`reconcileViews` over the merge join
 * of `joinByReference`), against a floor measured in the same run: merely reading and parsing the
 * same three extracts. Budgets: the compare's CPU at most 2x the floor's (at least half its orders
 * per CPU-second), peak RSS <= 256 MiB. Each run is a fresh child process (its RSS is its own),
 * floor and subject alternated, repeated; figures are medians (the ratio: of the per-pair ratios).
 * The worker is bundled as a function is, so no TypeScript loader sits in the measured process.
 *
 * Run alone: `npm run bench -- reconciliation` (env BENCH_ORDERS, BENCH_REPEATS to change the size).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateExtracts } from './reconciliation-extracts';
import type { WorkerArgs, WorkerResult } from './reconciliation-worker';
import { atMost, bundleLikeLambda, median, reference, type BenchRow } from './harness';

/** The compare may spend this many times the floor's CPU per order (the issue: half its throughput). */
const MAX_RATIO = 2;
const RSS_BUDGET_MIB = 256;

/** Rows: orders per CPU-second of the floor and the compare, their ratio, and peak RSS. */
export async function benchReconciliation(
  orders = Number(process.env.BENCH_ORDERS ?? 1_000_000),
  repeats = Number(process.env.BENCH_REPEATS ?? 3),
): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reconciliation-'));
  try {
    const worker = await bundleLikeLambda(
      join(dirname(fileURLToPath(import.meta.url)), 'reconciliation-worker.ts'),
      join(dir, 'worker.mjs'),
    );
    const extracts = generateExtracts(dir, orders);
    const run = (mode: WorkerArgs['mode']): WorkerResult => {
      const args: WorkerArgs = { mode, extracts };
      const result = JSON.parse(
        execFileSync(process.execPath, [worker, JSON.stringify(args)], { encoding: 'utf8' }),
      ) as WorkerResult;
      if (result.orders !== orders) throw new Error(`${mode} saw ${result.orders} of ${orders} orders`);
      return result;
    };
    const floors: WorkerResult[] = [];
    const subjects: WorkerResult[] = [];
    for (let pair = 0; pair < repeats; pair++) {
      if (pair % 2 === 0) {
        floors.push(run('parse'));
        subjects.push(run('reconcile'));
      } else {
        subjects.push(run('reconcile'));
        floors.push(run('parse'));
      }
    }
    const found = subjects[0]!;
    if (found.differences === 0 || found.repaired === 0) throw new Error('the compare found no drift');
    const rate = (runs: WorkerResult[]) => Math.round(median(runs.map((r) => orders / r.cpuSeconds)));
    const ratios = subjects.map((subject, i) => subject.cpuSeconds / floors[i]!.cpuSeconds);
    const mib = (runs: WorkerResult[]) => Math.round(median(runs.map((r) => r.peakRssMiB)));
    return [
      reference(
        `floor: read and parse the 3 extracts (${Math.round(extracts.bytes / 2 ** 20)} MiB): orders per CPU-second`,
        rate(floors),
        'orders/CPU-s',
      ),
      reference(
        `compare (merge join + reconcileViews, ${found.differences} differences, ${found.repaired} repairs): orders per CPU-second`,
        rate(subjects),
        'orders/CPU-s',
      ),
      atMost(
        `compare CPU / floor CPU (median of ${repeats} pairs)`,
        Number(median(ratios).toFixed(2)),
        'x',
        MAX_RATIO,
      ),
      reference('floor: peak RSS (fresh process)', mib(floors), 'MiB'),
      atMost('compare: peak RSS (fresh process)', mib(subjects), 'MiB', RSS_BUDGET_MIB),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
