/** Shared benchmark plumbing: CPU-time measurement, medians and the budget table every bench prints. */
import { build } from 'esbuild';
import { FUNCTION_BUNDLING } from '../../application/bundling';

/**
 * Bundles `entry` to `outfile` exactly as the functions are bundled for Lambda, so a benchmark
 * measures the deployed form of the code and no TypeScript loader sits in the measured process.
 */
export async function bundleLikeLambda(entry: string, outfile: string): Promise<string> {
  await build({
    ...FUNCTION_BUNDLING,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    banner: { js: FUNCTION_BUNDLING.banner },
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

export interface BenchRow {
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  /** Budget as text, e.g. `<= 8` or `>= 1000000`; empty for reference rows. */
  readonly budget: string;
  /** true/false against the budget; undefined for reference rows. */
  readonly pass?: boolean;
}

/** Median CPU microseconds per call of `fn`, over `runs` runs of `iterations` calls after a warm-up. */
export function cpuMicrosPerCall(fn: () => unknown, iterations = 20_000, runs = 7): number {
  let sink: unknown;
  for (let i = 0; i < iterations; i++) sink = fn();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) sink = fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / iterations);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return median(samples);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function atMost(measure: string, value: number, unit: string, budget: number): BenchRow {
  return { measure, value, unit, budget: `<= ${budget}`, pass: value <= budget };
}

export function atLeast(measure: string, value: number, unit: string, budget: number): BenchRow {
  return { measure, value, unit, budget: `>= ${budget}`, pass: value >= budget };
}

export function reference(measure: string, value: number, unit: string): BenchRow {
  return { measure, value, unit, budget: '' };
}

function format(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** Prints a markdown table; returns false when any budget is missed. */
export function printTable(title: string, rows: readonly BenchRow[]): boolean {
  console.log(`\n### ${title}\n`);
  console.log('| measure | value | unit | budget | result |');
  console.log('|---|---:|---|---|---|');
  for (const row of rows) {
    const result = row.pass === undefined ? '' : row.pass ? 'ok' : '**MISSED**';
    console.log(`| ${row.measure} | ${format(row.value)} | ${row.unit} | ${row.budget} | ${result} |`);
  }
  return rows.every((row) => row.pass !== false);
}
