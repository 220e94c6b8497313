/**
 * Micro benchmark of the generated validators on the ~3.6 KB, 10-line purchase order of
 * sample-purchase-order.ts, next to ajv 2020 + ajv-formats on the same schema and JSON.parse of the
 * same document. CPU time (process.cpuUsage), cases interleaved per round, median of the rounds:
 * the machines here are shared and noisy, so compare the ratios of one run.
 *
 * Standalone: `npx tsx scripts/codegen/bench-validator.ts` prints the table.
 * Targets: valid document <= 8 us, collecting all errors of an invalid one <= 20 us.
 */
import { Ajv2020 } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import { pathToFileURL } from 'node:url';
import { importGenerated, GENERATED_RUNTIME_MODULE } from './load-generated';
import { invalidPurchaseOrder, purchaseOrderDefs, samplePurchaseOrder } from './sample-purchase-order';
import { compileTypes } from './type-compiler';
import { compileValidators } from './validator-compiler';

/** One measured case. */
export interface ValidatorBenchRow {
  case: string;
  /** Median CPU microseconds per document. */
  usPerDoc: number;
  /** Errors reported for the document (invalid cases), for comparing like with like. */
  errors?: number;
  /** The goal this case is held to, when it has one. */
  /** The peer case this one is held against, and the most it may cost relative to it. */
  peer?: string;
  maxPeerRatio?: number;
  /** usPerDoc / the peer's usPerDoc, measured in the same run. */
  peerRatio?: number;
}

/** Tuning of {@link benchValidator}. */
export interface ValidatorBenchOptions {
  /** Lines of the purchase order (default 10). */
  lines?: number;
  /** Measured rounds per case; the median is reported (default 7). */
  rounds?: number;
  /** CPU milliseconds per round and case (default 150). */
  roundMs?: number;
}

type GeneratedModule = {
  validatePurchaseOrder(data: unknown): { ok: boolean; errors?: unknown[] };
};

// ajv-formats is CommonJS: its default export arrives as `{ default }` under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

/** Runs the benchmark and returns microseconds per document for each case. */
export async function benchValidator(options: ValidatorBenchOptions = {}): Promise<ValidatorBenchRow[]> {
  const { lines = 10, rounds = 7, roundMs = 150 } = options;
  const generated = await importGenerated<GeneratedModule>(
    {
      types: compileTypes(purchaseOrderDefs),
      validators: compileValidators({
        defs: purchaseOrderDefs,
        entries: { PurchaseOrder: 'PurchaseOrder' },
        typesModule: './types',
        runtimeModule: GENERATED_RUNTIME_MODULE,
      }),
    },
    'validators',
  );
  const schema = { $defs: purchaseOrderDefs, $ref: '#/$defs/PurchaseOrder' };
  const ajvFirst = new Ajv2020({ allErrors: false });
  addFormats(ajvFirst);
  const ajvFirstValidate = ajvFirst.compile(schema);
  const ajvAll = new Ajv2020({ allErrors: true });
  addFormats(ajvAll);
  const ajvAllValidate = ajvAll.compile(schema);

  // Documents as JSON.parse produces them (own "__proto__" key included).
  const validJson = JSON.stringify(samplePurchaseOrder(lines));
  const invalidJson = JSON.stringify(invalidPurchaseOrder(lines));
  const valid: unknown = JSON.parse(validJson);
  const invalid: unknown = JSON.parse(invalidJson);

  const generatedValid = generated.validatePurchaseOrder(valid);
  const generatedInvalid = generated.validatePurchaseOrder(invalid);
  if (!generatedValid.ok || generatedInvalid.ok || !ajvFirstValidate(valid) || ajvAllValidate(invalid)) {
    throw new Error('benchmark documents do not have the expected verdicts');
  }
  ajvAllValidate(invalid);
  const ajvErrors = ajvAllValidate.errors?.length ?? 0;

  let sink = 0;
  const cases: { name: string; run: () => void; errors?: number; peer?: string; maxPeerRatio?: number }[] = [
    {
      name: 'generated, valid',
      run: () => void (sink += generated.validatePurchaseOrder(valid).ok ? 1 : 0),
      peer: 'ajv 2020 + formats, valid',
      maxPeerRatio: 0.5,
    },
    {
      name: 'generated, invalid (all errors)',
      run: () => void (sink += generated.validatePurchaseOrder(invalid).errors?.length ?? 0),
      errors: generatedInvalid.errors?.length ?? 0,
      peer: 'ajv 2020 + formats, invalid (allErrors)',
      maxPeerRatio: 0.5,
    },
    { name: 'ajv 2020 + formats, valid', run: () => void (sink += ajvFirstValidate(valid) ? 1 : 0) },
    {
      name: 'ajv 2020 + formats, invalid (allErrors)',
      run: () => void (sink += ajvAllValidate(invalid) ? 0 : (ajvAllValidate.errors?.length ?? 0)),
      errors: ajvErrors,
    },
    { name: 'JSON.parse of the same document', run: () => void (sink += JSON.parse(validJson) ? 1 : 0) },
  ];

  const iterations = cases.map((c) => calibrate(c.run, roundMs));
  const samples: number[][] = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    cases.forEach((c, i) => samples[i]!.push(cpuMicrosPerCall(c.run, iterations[i]!)));
  }
  if (sink === 0) throw new Error('benchmark sink unexpectedly empty');
  const usPerDoc = (name: string) => median(samples[cases.findIndex((c) => c.name === name)]!);
  return cases.map((c, i) => ({
    case: c.name,
    usPerDoc: round2(median(samples[i]!)),
    ...(c.errors !== undefined ? { errors: c.errors } : {}),
    ...(c.peer !== undefined
      ? {
          peer: c.peer,
          maxPeerRatio: c.maxPeerRatio!,
          peerRatio: round2(median(samples[i]!) / usPerDoc(c.peer)),
        }
      : {}),
  }));
}

/** Iterations that take about `ms` of CPU (after warming the function up). */
function calibrate(run: () => void, ms: number): number {
  let n = 1000;
  for (;;) {
    const us = cpuMicrosPerCall(run, n) * n;
    if (us >= 20_000) return Math.max(1000, Math.round((n * ms * 1000) / us));
    n *= 4;
  }
}

function cpuMicrosPerCall(run: () => void, n: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

async function main(): Promise<void> {
  const rows = await benchValidator();
  const width = Math.max(...rows.map((r) => r.case.length));
  console.log(`${'case'.padEnd(width)}  us/doc  errors  / peer`);
  for (const row of rows) {
    const verdict =
      row.peerRatio === undefined
        ? ''
        : `${row.peerRatio}x <= ${row.maxPeerRatio}x ${row.peerRatio <= row.maxPeerRatio! ? 'ok' : 'MISSED'}`;
    console.log(
      `${row.case.padEnd(width)}  ${row.usPerDoc.toFixed(2).padStart(6)}  ${String(row.errors ?? '').padStart(6)}  ${verdict}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
