/** Shared benchmark plumbing: CPU-time measurement, medians and the budget table every bench prints. */
import { build } from 'esbuild';
import { FUNCTION_BUNDLING } from '../../application/bundling';

/**
 * Bundles `entry` to `outfile` exactly as the functions are bundled for Lambda, so a benchmark
 * measures the deployed form of the code and no TypeScript loader sits in the measured process.
 */
export async function bundleLikeLambda(entry: string, outfile: string): Promise<string> {
  const { banner, mainFields, sourceMap, ...settings } = FUNCTION_BUNDLING;
  await build({
    ...settings,
    mainFields: [...mainFields],
    banner: { js: banner },
    sourcemap: sourceMap,
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

let sink: unknown;

/**
 * CPU microseconds per call of `fn` over one batch of `iterations` calls. No forced GC between
 * batches: a full GC shrinks V8's young generation, so the next batch pays extra scavenges, more so
 * the more it allocates, which skews a ratio (docs/performance.md).
 */
function batchMicros(fn: () => unknown, iterations: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) sink = fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

/** Median CPU microseconds per call of `fn`, over `runs` batches of `iterations` calls after a warm-up. */
export function cpuMicrosPerCall(fn: () => unknown, iterations = 20_000, runs = 7): number {
  for (let i = 0; i < iterations; i++) sink = fn();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) samples.push(batchMicros(fn, iterations));
  if (sink === Symbol.for('never')) console.log(sink);
  return median(samples);
}

/** A subject measured against its floor in the same samples. */
export interface Paired {
  /** Median CPU microseconds per call of the floor. */
  readonly floorUs: number;
  /** Median CPU microseconds per call of the subject. */
  readonly subjectUs: number;
  /** Median of the per-sample ratios subject / floor. */
  readonly ratio: number;
}

/**
 * Measures `subject` against `floor` as a ratio that holds on a shared machine: both are warmed up
 * together, then measured in alternating short batches (AB, BA, AB...), and the ratio is the median
 * of the per-pair ratios. Measured each in its own long block, one after the other, the machine's
 * load and the garbage of one block fell on one side of the ratio only (docs/performance.md).
 */
export function pairedCpuMicros(
  subject: () => unknown,
  floor: () => unknown,
  iterations = 2_000,
  pairs = 21,
): Paired {
  for (let i = 0; i < 5 * iterations; i++) {
    sink = floor();
    sink = subject();
  }
  const floors: number[] = [];
  const subjects: number[] = [];
  const ratios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    let floorUs: number;
    let subjectUs: number;
    if (pair % 2 === 0) {
      floorUs = batchMicros(floor, iterations);
      subjectUs = batchMicros(subject, iterations);
    } else {
      subjectUs = batchMicros(subject, iterations);
      floorUs = batchMicros(floor, iterations);
    }
    floors.push(floorUs);
    subjects.push(subjectUs);
    ratios.push(subjectUs / floorUs);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return { floorUs: median(floors), subjectUs: median(subjects), ratio: median(ratios) };
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

/** CPU microseconds per awaited call of `fn` over one batch. */
async function batchMicrosAsync(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) sink = await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

/** {@link pairedCpuMicros} for a subject that answers a promise (each call awaited in turn). */
export async function pairedCpuMicrosAsync(
  subject: () => Promise<unknown>,
  floor: () => unknown,
  iterations = 2_000,
  pairs = 21,
): Promise<Paired> {
  for (let i = 0; i < 5 * iterations; i++) {
    sink = floor();
    sink = await subject();
  }
  const floors: number[] = [];
  const subjects: number[] = [];
  const ratios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const first = pair % 2 === 0;
    const floorFirst = first ? batchMicros(floor, iterations) : undefined;
    const subjectUs = await batchMicrosAsync(subject, iterations);
    const floorUs = floorFirst ?? batchMicros(floor, iterations);
    floors.push(floorUs);
    subjects.push(subjectUs);
    ratios.push(subjectUs / floorUs);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return { floorUs: median(floors), subjectUs: median(subjects), ratio: median(ratios) };
}
