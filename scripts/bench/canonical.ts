/**
 * Canonical model benchmark: validate, map-to-canonical and the full parse -> validate (carried) ->
 * map -> serialize path the webhook intake takes for a 10-line purchase order revision and a
 * forecast exception, next to
 * JSON.parse + JSON.stringify of the same bytes measured in the same run (the floor). The measured
 * code is first bundled as the functions are (esbuild, minified ESM), so no TypeScript loader's
 * helpers sit in the measured calls.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { forecastExceptionDelivery } from '../../test/fixtures/planning';
import {
  purchaseOrderChangedDelivery,
  realisticPurchaseOrderChangedDelivery,
} from '../../test/fixtures/procurement';
import type * as subjectModule from './canonical-subject';
import {
  atMost,
  bundleLikeLambda,
  cpuMicrosPerCall,
  median,
  pairedCpuMicros,
  printTable,
  reference,
  type BenchRow,
} from './harness';

type Subject = typeof subjectModule;

/** Runs of the whole measurement, each in a fresh process; the table shows their medians. */
const RUNS = 5;

/**
 * Full path / floor budgets: 1.3x for documents of 2 KB and more; 2.0x below, where the canonical
 * event's own envelope is larger than the input (docs/performance.md).
 */
function fullPathBudget(documentBytes: number): number {
  return documentBytes >= 2048 ? 1.3 : 2.0;
}

/**
 * Validation against the same document's floor: a valid document at most half a parse+stringify,
 * every error of an invalid one at most one (the ratios today's figures imply, with room).
 */
const VALIDATE_BUDGET = 0.5;
const ALL_ERRORS_BUDGET = 1;

/** A cost in us/doc, and the same cost over the document's floor held to its budget. */
function relativeToFloor(measure: string, us: number, floorUs: number, budget: number): BenchRow[] {
  return [reference(measure, us, 'us/doc'), atMost(`${measure} / floor`, us / floorUs, 'x', budget)];
}

const context = {
  tenantId: 'acme-distribution',
  now: () => new Date(),
  newId: () => crypto.randomUUID(),
};

function invalidPurchaseOrder(): unknown {
  const delivery = purchaseOrderChangedDelivery(10) as unknown as {
    lines: Record<string, unknown>[];
  } & Record<string, unknown>;
  delivery.revision = 0;
  delivery.status = 'shipped';
  for (const line of delivery.lines) {
    // Not a number: the vendor contract sets no minimum any more, so a negative one would be held, not refused.
    line.qty = 'four';
    line.unit_price = '3,10';
    line.need_by = '2026-02-30';
  }
  return delivery;
}

async function bundledSubject(): Promise<Subject> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-canonical-'));
  try {
    const file = await bundleLikeLambda(
      fileURLToPath(new URL('canonical-subject.ts', import.meta.url)),
      join(dir, 'subject.mjs'),
    );
    return (await import(pathToFileURL(file).href)) as Subject;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Validate = (data: unknown) => { ok: boolean; value?: unknown };
type Mapping = (delivery: never, tenant: typeof context) => unknown;

/**
 * Parse -> carried validator -> map -> serialize: the intake's path for a delivery the canonical
 * model carries (its carried validator accepts it, so the event needs no canonical check:
 * adapters/webhooks/intake.ts).
 */
function fullPath(validateCarried: Validate, map: Mapping, text: string): () => string {
  return () => {
    const result = validateCarried(JSON.parse(text));
    if (!result.ok) throw new Error('not carried');
    return JSON.stringify(map(result.value as never, context));
  };
}

/**
 * Parse -> carried validator (refuses) -> vendor validator -> map -> canonical validator (refuses)
 * -> the breaches: the intake's path to holding a delivery the canonical model cannot carry.
 */
function heldPath(
  { breachesOf }: Subject,
  validators: {
    carried: Validate;
    vendor: Validate;
    canonical: (
      event: unknown,
    ) => { ok: true } | { ok: false; errors: { pointer: string; message: string }[] };
  },
  map: Mapping,
  text: string,
): () => unknown {
  return () => {
    const parsed = JSON.parse(text) as unknown;
    if (validators.carried(parsed).ok) throw new Error('carried');
    const result = validators.vendor(parsed);
    if (!result.ok) throw new Error('invalid');
    const event = map(result.value as never, context);
    const canonical = validators.canonical(event);
    if (canonical.ok) throw new Error('carried after all');
    return breachesOf(event, canonical.errors);
  };
}

/** One run of every measure, in this process. */
async function measureCanonical(): Promise<BenchRow[]> {
  const subject = await bundledSubject();
  const {
    forecastExceptionJson,
    mapForecastException,
    mapPurchaseOrderChanged,
    validateCarriedPlanningForecastException,
    validateCarriedProcurementPurchaseOrderChanged,
    validatePlanningForecastException,
    validateProcurementPurchaseOrderChanged,
    validatePurchaseOrderChangedV1,
    validateForecastExceptionRaisedV1,
  } = subject;
  const fullPurchaseOrderPath = (text: string) =>
    fullPath(validateCarriedProcurementPurchaseOrderChanged, mapPurchaseOrderChanged, text);
  const realisticText = JSON.stringify(realisticPurchaseOrderChangedDelivery(10));
  const realisticPath = pairedCpuMicros(fullPurchaseOrderPath(realisticText), () =>
    JSON.stringify(JSON.parse(realisticText)),
  );
  const realistic = JSON.parse(realisticText) as unknown;
  const poText = JSON.stringify(purchaseOrderChangedDelivery(10));
  const feText = JSON.stringify(forecastExceptionDelivery());
  const po = JSON.parse(poText) as unknown;
  const fe = JSON.parse(feText) as unknown;
  const poEvent = mapPurchaseOrderChanged(purchaseOrderChangedDelivery(10), context);
  const badPo = invalidPurchaseOrder();
  const badErrors = validateProcurementPurchaseOrderChanged(badPo);
  if (badErrors.ok || badErrors.errors.length < 30)
    throw new Error('invalid PO fixture should have 30+ errors');

  const fullPo = fullPurchaseOrderPath(poText);
  const fullFe = fullPath(validateCarriedPlanningForecastException, mapForecastException, feText);
  const heldPoText = JSON.stringify(purchaseOrderChangedDelivery(10, { po_number: 'PO 2026/ä' }));
  const heldFeText = JSON.stringify(forecastExceptionDelivery({ exception: { forecast_qty: -5 } }));
  const heldPo = heldPath(
    subject,
    {
      carried: validateCarriedProcurementPurchaseOrderChanged,
      vendor: validateProcurementPurchaseOrderChanged,
      canonical: validatePurchaseOrderChangedV1,
    },
    mapPurchaseOrderChanged,
    heldPoText,
  );
  const heldFe = heldPath(
    subject,
    {
      carried: validateCarriedPlanningForecastException,
      vendor: validatePlanningForecastException,
      canonical: validateForecastExceptionRaisedV1,
    },
    mapForecastException,
    heldFeText,
  );

  // The probe must write what the product writes, or its bound would prove nothing.
  const fixed = { ...context, now: () => new Date(0), newId: () => '00000000-0000-4000-8000-000000000000' };
  const escaped = forecastExceptionDelivery({ exception: { notes: 'Promo "BF"\n\u2028 \\ end' } });
  for (const delivery of [forecastExceptionDelivery(), escaped]) {
    if (forecastExceptionJson(delivery, fixed) !== JSON.stringify(mapForecastException(delivery, fixed)))
      throw new Error('the forecast exception probe no longer writes what mapForecastException serializes');
  }
  const probeFe = () => {
    const parsed = JSON.parse(feText) as unknown;
    const result = validateCarriedPlanningForecastException(parsed);
    if (!result.ok) throw new Error('not carried');
    return forecastExceptionJson(result.value, context);
  };

  const poFloor = () => JSON.stringify(JSON.parse(poText));
  const feFloor = () => JSON.stringify(JSON.parse(feText));
  const poPath = pairedCpuMicros(fullPo, poFloor);
  const fePath = pairedCpuMicros(fullFe, feFloor);
  const poHeld = pairedCpuMicros(heldPo, poFloor);
  const feHeld = pairedCpuMicros(heldFe, feFloor);
  const feProbe = pairedCpuMicros(probeFe, feFloor);
  // The canonical event carries an envelope the vendor payload has not: serializing it alone costs
  // more than serializing the input. Parse(input) + stringify(output) is the bound no mapping can beat.
  const feEvent = mapForecastException(JSON.parse(feText) as never, context);
  const feBound = pairedCpuMicros(() => {
    JSON.parse(feText);
    return JSON.stringify(feEvent);
  }, feFloor);
  const feEventBytes = JSON.stringify(feEvent).length;
  return [
    reference(
      `Realistic PO (10 lines, ${realisticText.length} B): JSON.parse + JSON.stringify (floor)`,
      realisticPath.floorUs,
      'us/doc',
    ),
    ...relativeToFloor(
      'Realistic PO: validate vendor payload',
      cpuMicrosPerCall(() => validateProcurementPurchaseOrderChanged(realistic)),
      realisticPath.floorUs,
      VALIDATE_BUDGET,
    ),
    reference(
      'Realistic PO: map to canonical',
      cpuMicrosPerCall(() => mapPurchaseOrderChanged(realistic as never, context)),
      'us/doc',
    ),
    reference('Realistic PO: full parse->validate->map->serialize', realisticPath.subjectUs, 'us/doc'),
    atMost('Realistic PO: full path / floor', realisticPath.ratio, 'x', fullPathBudget(realisticText.length)),
    reference(
      `Minimal PO (10 lines, ${poText.length} B): JSON.parse`,
      cpuMicrosPerCall(() => JSON.parse(poText)),
      'us/doc',
    ),
    reference('Minimal PO: JSON.parse + JSON.stringify (floor)', poPath.floorUs, 'us/doc'),
    ...relativeToFloor(
      'Minimal PO: validate vendor payload',
      cpuMicrosPerCall(() => validateProcurementPurchaseOrderChanged(po)),
      poPath.floorUs,
      VALIDATE_BUDGET,
    ),
    ...relativeToFloor(
      'Minimal PO: validate canonical event',
      cpuMicrosPerCall(() => validatePurchaseOrderChangedV1(poEvent)),
      poPath.floorUs,
      VALIDATE_BUDGET,
    ),
    ...relativeToFloor(
      `Minimal PO: all errors of an invalid PO (${badErrors.errors.length} errors)`,
      cpuMicrosPerCall(() => validateProcurementPurchaseOrderChanged(badPo)),
      poPath.floorUs,
      ALL_ERRORS_BUDGET,
    ),
    reference(
      'Minimal PO: map to canonical',
      cpuMicrosPerCall(() => mapPurchaseOrderChanged(po as never, context)),
      'us/doc',
    ),
    reference('Minimal PO: full parse->validate->map->serialize', poPath.subjectUs, 'us/doc'),
    atMost('Minimal PO: full path / floor', poPath.ratio, 'x', fullPathBudget(poText.length)),
    reference(
      'Minimal PO held (po_number not canonical): carried + vendor + map + canonical, / floor (no budget)',
      poHeld.ratio,
      'x',
    ),
    reference(
      `Forecast exception (${feText.length} B): JSON.parse + JSON.stringify (floor)`,
      fePath.floorUs,
      'us/doc',
    ),
    ...relativeToFloor(
      'FE: validate vendor payload',
      cpuMicrosPerCall(() => validatePlanningForecastException(fe)),
      fePath.floorUs,
      VALIDATE_BUDGET,
    ),
    reference(
      'FE: map to canonical',
      cpuMicrosPerCall(() => mapForecastException(fe as never, context)),
      'us/doc',
    ),
    reference('FE: full parse->validate->map->serialize', fePath.subjectUs, 'us/doc'),
    atMost('FE: full path / floor', fePath.ratio, 'x', fullPathBudget(feText.length)),
    reference(
      'FE held (negative forecast): carried + vendor + map + canonical, / floor (no budget)',
      feHeld.ratio,
      'x',
    ),
    reference(`FE: bound: parse input + stringify the ${feEventBytes} B event, / floor`, feBound.ratio, 'x'),
    reference('FE: full path / that bound (our own overhead)', fePath.ratio / feBound.ratio, 'x'),
    reference(
      'FE: probe: the same mapping written straight to JSON text (no object, no stringify), / floor',
      feProbe.ratio,
      'x',
    ),
  ];
}

/**
 * Every measure as the median of RUNS runs, each in a fresh process (a run's JIT and heap history
 * is its own, as in separate `npm run bench` runs); a budget is judged on the median, and ratio
 * rows show the runs' range.
 */
export async function benchCanonical(runs = RUNS): Promise<BenchRow[]> {
  const samples: BenchRow[][] = [];
  for (let run = 0; run < runs; run++) {
    const output = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--one-run'],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    samples.push(JSON.parse(output.slice(output.indexOf('\n[') + 1)) as BenchRow[]);
  }
  return samples[0]!.map((first, index) => {
    const values = samples.map((rows) => rows[index]!.value);
    const value = median(values);
    const spread =
      first.unit === 'x' ? ` (runs ${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})` : '';
    const measure = `${first.measure}${spread}`;
    if (first.pass === undefined) return reference(measure, value, first.unit);
    return atMost(measure, value, first.unit, Number(first.budget.replace('<= ', '')));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--one-run')) {
    process.stdout.write(`\n${JSON.stringify(await measureCanonical())}\n`);
  } else {
    const ok = printTable(
      `Canonical model (one core, CPU time, median of ${RUNS} runs)`,
      await benchCanonical(),
    );
    process.exitCode = ok ? 0 : 1;
  }
}
