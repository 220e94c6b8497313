/**
 * `npm run bench -- business-units`: the business-unit outage drill (issue #18, drill 9 in
 * docs/fault-drills.md, run by test/e2e/drills/business-units.ts) repeated BENCH_RUNS times (default
 * 3). Each run is a pair in fresh drill environments: 20 exceptions per unit without an outage (the
 * baseline) and with east's ERP down for SUPPLYLINE_UNITS_DRILL_OUTAGE_SECONDS (default 60), in
 * alternating order so the machine's load does not fall on one side only. Budget: west's
 * exception->PO p99 during the outage within 1.2x the baseline's of the same run (median of the
 * per-run ratios); and in every run every east commitment posted after recovery, none lost, none
 * failed, none duplicated.
 */
import {
  BUSINESS_UNITS_DRILL,
  burstPerUnit,
  OUTAGE_SECONDS,
  PER_UNIT,
  unitsBurstSummary,
  WEST_P99_RATIO_BUDGET,
} from '../../test/e2e/drills/business-units';
import { startDrillEnvironment } from '../../test/e2e/drills/harness';
import { useDrillEnvironment } from '../../test/e2e/drills/reconciliation';
import { atLeast, atMost, median, reference, type BenchRow } from './harness';

export type UnitsSummary = ReturnType<typeof unitsBurstSummary>;

/** One run: the burst without the outage and the one with it. */
export interface UnitsRun {
  readonly baseline: UnitsSummary;
  readonly outage: UnitsSummary;
}

/** A missing percentile (nothing posted) is NaN, which no budget passes. */
const ms = (value: number | null): number => value ?? Number.NaN;

const p99Ratio = (run: UnitsRun): number =>
  Number((ms(run.outage.westP99Ms) / ms(run.baseline.westP99Ms)).toFixed(2));

/** West's exception->PO figures of a run, as the table names them. */
const WEST_TIMES: readonly [string, (run: UnitsRun) => number | null][] = [
  ['p50, no outage', (run) => run.baseline.westP50Ms],
  ['p50, east down', (run) => run.outage.westP50Ms],
  ['p99, no outage', (run) => run.baseline.westP99Ms],
  ['p99, east down', (run) => run.outage.westP99Ms],
];

/** Lost, failed and duplicated exceptions of a run's two bursts: none allowed. */
const NOT_ONCE: readonly [string, 'lost' | 'failed' | 'duplicates'][] = [
  ['lost', 'lost'],
  ['failed: integration exception, dead letter', 'failed'],
  ['duplicates', 'duplicates'],
];

/** The table: each run's figures, then the medians; the ratio budget applies to the median. */
export function businessUnitsRows(runs: readonly UnitsRun[]): BenchRow[] {
  const perRun = runs.flatMap((run, i) => [
    ...WEST_TIMES.map(([name, pick]) =>
      reference(`run ${i + 1}: west exception->PO ${name}`, ms(pick(run)), 'ms'),
    ),
    reference(`run ${i + 1}: west p99 east down / no outage`, p99Ratio(run), 'x'),
    atLeast(
      `run ${i + 1}: east commitments posted after recovery (of ${PER_UNIT})`,
      run.outage.eastPostedAfterRecovery,
      'POs',
      PER_UNIT,
    ),
    ...NOT_ONCE.map(([name, key]) =>
      atMost(`run ${i + 1}: ${name} (both bursts)`, run.baseline[key] + run.outage[key], 'exceptions', 0),
    ),
  ]);
  const of = (pick: (run: UnitsRun) => number) => median(runs.map(pick));
  return [
    ...perRun,
    ...WEST_TIMES.map(([name, pick]) =>
      reference(
        `median: west exception->PO ${name}`,
        of((run) => ms(pick(run))),
        'ms',
      ),
    ),
    atMost(
      `median of ${runs.length} runs: west p99 east down / no outage`,
      of(p99Ratio),
      'x',
      WEST_P99_RATIO_BUDGET,
    ),
  ];
}

/** One burst in a fresh drill environment (no breaker, budget or queue state carried over). */
async function burstInFreshEnvironment(label: string, outage: boolean): Promise<UnitsSummary> {
  const drill = useDrillEnvironment(await startDrillEnvironment(BUSINESS_UNITS_DRILL));
  try {
    const summary = unitsBurstSummary(await burstPerUnit(label, outage));
    console.error(`[business-units] ${label}: ${JSON.stringify(summary)}`);
    return summary;
  } finally {
    await drill.stop();
  }
}

export async function benchBusinessUnits(runs = Number(process.env.BENCH_RUNS ?? 3)): Promise<BenchRow[]> {
  const results: UnitsRun[] = [];
  for (let run = 1; run <= runs; run++) {
    const burst = (kind: keyof UnitsRun) =>
      burstInFreshEnvironment(`bench-units-${run}-${kind}`, kind === 'outage');
    // Alternate which burst goes first, as the other paired benches do.
    if (run % 2 === 1) {
      const baseline = await burst('baseline');
      results.push({ baseline, outage: await burst('outage') });
    } else {
      const outage = await burst('outage');
      results.push({ baseline: await burst('baseline'), outage });
    }
  }
  return businessUnitsRows(results);
}

/** The section's title, naming the outage so a shortened run says so. */
export const BUSINESS_UNITS_TITLE = `Business units: east's ERP down ${OUTAGE_SECONDS} s while ${PER_UNIT} exceptions per unit arrive, vs the same burst without the outage (local runtime, embedded ERP simulators, wall clock; fresh environment per burst, alternated, medians of runs)`;
