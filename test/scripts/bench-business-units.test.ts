/**
 * The business-units bench section (scripts/bench/business-units.ts) judges the outage drill's
 * repeated runs: the p99 budget on the median of the per-run ratios (one noisy run neither passes
 * nor fails it), and correctness (east after recovery, nothing lost, failed or duplicated) in every
 * run. The drill's bursts themselves run in the e2e drill and the bench; here their summaries are
 * built by hand.
 */
import { describe, expect, it } from 'vitest';
import { businessUnitsRows, type UnitsRun, type UnitsSummary } from '../../scripts/bench/business-units';
import { unitsBurstSummary, type UnitsBurst } from '../e2e/drills/business-units';

const clean: UnitsSummary = {
  westP50Ms: 1000,
  westP99Ms: 2000,
  eastPostedAfterRecovery: 20,
  lost: 0,
  failed: 0,
  duplicates: 0,
};

/** A run whose outage burst's west p99 is `ratio` times the baseline's. */
const run = (ratio: number, outage: Partial<UnitsSummary> = {}): UnitsRun => ({
  baseline: clean,
  outage: { ...clean, westP99Ms: 2000 * ratio, ...outage },
});

const row = (rows: ReturnType<typeof businessUnitsRows>, measure: string) => {
  const found = rows.find((r) => r.measure.includes(measure));
  if (!found) throw new Error(`no row ${measure}: ${rows.map((r) => r.measure).join(', ')}`);
  return found;
};

describe('business-units bench rows', () => {
  it('checks the 1.2x budget on the median of the per-run p99 ratios, not on any one run', () => {
    const passing = businessUnitsRows([run(1.0), run(1.5), run(1.1)]);
    expect(row(passing, 'median of 3 runs: west p99')).toMatchObject({
      value: 1.1,
      budget: '<= 1.2',
      pass: true,
    });
    expect(row(passing, 'run 2: west p99 east down / no outage')).toMatchObject({ value: 1.5, budget: '' });
    expect(row(passing, 'median: west exception->PO p99, east down')).toMatchObject({ value: 2200 });

    const missing = businessUnitsRows([run(1.3), run(1.5), run(1.0)]);
    expect(row(missing, 'median of 3 runs: west p99')).toMatchObject({ value: 1.3, pass: false });
  });

  it('fails a run in which an east commitment did not post after recovery, or anything was lost, failed or duplicated', () => {
    const rows = businessUnitsRows([
      run(1.0, { eastPostedAfterRecovery: 19 }),
      run(1.0, { lost: 1 }),
      run(1.0, { duplicates: 2, failed: 1 }),
    ]);
    expect(row(rows, 'run 1: east commitments posted after recovery')).toMatchObject({
      value: 19,
      pass: false,
    });
    expect(row(rows, 'run 2: east commitments posted after recovery')).toMatchObject({
      value: 20,
      pass: true,
    });
    expect(row(rows, 'run 2: lost')).toMatchObject({ value: 1, pass: false });
    expect(row(rows, 'run 1: lost')).toMatchObject({ value: 0, pass: true });
    expect(row(rows, 'run 3: duplicates')).toMatchObject({ value: 2, pass: false });
    expect(row(rows, 'run 3: failed')).toMatchObject({ value: 1, pass: false });
  });

  it('fails the budget when a burst posted nothing for west (no percentile)', () => {
    const rows = businessUnitsRows([run(1.0, { westP99Ms: null })]);
    expect(row(rows, 'median of 1 runs: west p99').pass).toBe(false);
  });
});

describe('a burst in the drill terms', () => {
  const count = {
    posted: 20,
    integrationException: 0,
    deadLetter: 0,
    compensationFailed: 0,
    none: 0,
    several: 0,
  };
  const oncePerUnit = { inOwn: Array.from({ length: 20 }, () => 1), inOther: 0 };
  const burst = (over: Partial<Pick<UnitsBurst, 'count' | 'orders' | 'eastPostedAtByDelivery'>>) =>
    unitsBurstSummary({
      window: { start: 1_000, end: 61_000, westInErpAt: 30_000 },
      count: { east: count, west: count },
      orders: { east: oncePerUnit, west: oncePerUnit },
      eastPostedAtByDelivery: Array.from({ length: 20 }, (_, i) => [61_000 + i]),
      figures: { westExceptionToPoMs: { p50: 900, p99: 1800 } } as UnitsBurst['figures'],
      ...over,
    });

  it('counts east exceptions posted after recovery: not one posted before it, not one never posted, each once', () => {
    expect(
      burst({ eastPostedAtByDelivery: [[60_999], [61_000], [70_000, 70_001], [], [61_500, 60_000]] }),
    ).toMatchObject({ eastPostedAfterRecovery: 2 });
  });

  it('counts lost, failed and duplicated exceptions of both units', () => {
    expect(burst({})).toEqual({
      westP50Ms: 900,
      westP99Ms: 1800,
      eastPostedAfterRecovery: 20,
      lost: 0,
      failed: 0,
      duplicates: 0,
    });
    expect(
      burst({
        count: {
          east: { ...count, posted: 19, none: 1, several: 1 },
          west: { ...count, integrationException: 1, deadLetter: 1, compensationFailed: 1 },
        },
        orders: { east: { inOwn: [2, 1, 0], inOther: 0 }, west: { inOwn: [1], inOther: 3 } },
      }),
    ).toMatchObject({ lost: 1, failed: 3, duplicates: 1 + 1 + 3 });
  });
});
