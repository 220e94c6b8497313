/**
 * Canonical model benchmark: validate, map-to-canonical and the full parse -> validate -> map ->
 * serialize path for a 10-line purchase order revision and a forecast exception, next to
 * JSON.parse + JSON.stringify of the same bytes measured in the same run (the floor). The measured
 * code is first bundled as the functions are (esbuild, minified ESM), so no TypeScript loader's
 * helpers sit in the measured calls.
 */
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
import { atMost, bundleLikeLambda, cpuMicrosPerCall, printTable, reference, type BenchRow } from './harness';

type Subject = typeof subjectModule;

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
    line.qty = -1;
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

/** Parse -> validate -> map -> serialize of a purchase order revision, and its floor. */
function fullPurchaseOrderPath(
  { validateProcurementPurchaseOrderChanged, mapPurchaseOrderChanged }: Subject,
  poText: string,
): () => string {
  return () => {
    const parsed = JSON.parse(poText) as unknown;
    const result = validateProcurementPurchaseOrderChanged(parsed);
    if (!result.ok) throw new Error('invalid');
    return JSON.stringify(mapPurchaseOrderChanged(result.value, context));
  };
}

export async function benchCanonical(): Promise<BenchRow[]> {
  const subject = await bundledSubject();
  const {
    forecastExceptionJson,
    mapForecastException,
    mapPurchaseOrderChanged,
    validatePlanningForecastException,
    validateProcurementPurchaseOrderChanged,
    validatePurchaseOrderChangedV1,
  } = subject;
  const realisticText = JSON.stringify(realisticPurchaseOrderChangedDelivery(10));
  const realisticFloor = cpuMicrosPerCall(() => JSON.stringify(JSON.parse(realisticText)));
  const realisticFull = cpuMicrosPerCall(fullPurchaseOrderPath(subject, realisticText));
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

  const fullPo = fullPurchaseOrderPath(subject, poText);
  const fullFe = () => {
    const parsed = JSON.parse(feText) as unknown;
    const result = validatePlanningForecastException(parsed);
    if (!result.ok) throw new Error('invalid');
    return JSON.stringify(mapForecastException(result.value, context));
  };

  // The probe must write what the product writes, or its bound would prove nothing.
  const fixed = { ...context, now: () => new Date(0), newId: () => '00000000-0000-4000-8000-000000000000' };
  const escaped = forecastExceptionDelivery({ exception: { notes: 'Promo "BF"\n\u2028 \\ end' } });
  for (const delivery of [forecastExceptionDelivery(), escaped]) {
    if (forecastExceptionJson(delivery, fixed) !== JSON.stringify(mapForecastException(delivery, fixed)))
      throw new Error('the forecast exception probe no longer writes what mapForecastException serializes');
  }
  const probeFe = () => {
    const parsed = JSON.parse(feText) as unknown;
    const result = validatePlanningForecastException(parsed);
    if (!result.ok) throw new Error('invalid');
    return forecastExceptionJson(result.value, context);
  };

  const poFloor = cpuMicrosPerCall(() => JSON.stringify(JSON.parse(poText)));
  const feFloor = cpuMicrosPerCall(() => JSON.stringify(JSON.parse(feText)));
  const poFull = cpuMicrosPerCall(fullPo);
  const feFull = cpuMicrosPerCall(fullFe);
  const feProbe = cpuMicrosPerCall(probeFe);
  // The canonical event carries an envelope the vendor payload has not: serializing it alone costs
  // more than serializing the input. Parse(input) + stringify(output) is the bound no mapping can beat.
  const feEvent = mapForecastException(JSON.parse(feText) as never, context);
  const feBound = cpuMicrosPerCall(() => {
    JSON.parse(feText);
    return JSON.stringify(feEvent);
  });
  const feEventBytes = JSON.stringify(feEvent).length;
  return [
    reference(
      `Realistic PO (10 lines, ${realisticText.length} B): JSON.parse + JSON.stringify (floor)`,
      realisticFloor,
      'us/doc',
    ),
    atMost(
      'Realistic PO: validate vendor payload',
      cpuMicrosPerCall(() => validateProcurementPurchaseOrderChanged(realistic)),
      'us/doc',
      8,
    ),
    reference(
      'Realistic PO: map to canonical',
      cpuMicrosPerCall(() => mapPurchaseOrderChanged(realistic as never, context)),
      'us/doc',
    ),
    reference('Realistic PO: full parse->validate->map->serialize', realisticFull, 'us/doc'),
    atMost('Realistic PO: full path / floor', realisticFull / realisticFloor, 'x', 1.3),
    reference(
      `Minimal PO (10 lines, ${poText.length} B): JSON.parse`,
      cpuMicrosPerCall(() => JSON.parse(poText)),
      'us/doc',
    ),
    reference('Minimal PO: JSON.parse + JSON.stringify (floor)', poFloor, 'us/doc'),
    atMost(
      'Minimal PO: validate vendor payload',
      cpuMicrosPerCall(() => validateProcurementPurchaseOrderChanged(po)),
      'us/doc',
      8,
    ),
    atMost(
      'Minimal PO: validate canonical event',
      cpuMicrosPerCall(() => validatePurchaseOrderChangedV1(poEvent)),
      'us/doc',
      8,
    ),
    atMost(
      `Minimal PO: all errors of an invalid PO (${badErrors.errors.length} errors)`,
      cpuMicrosPerCall(() => validateProcurementPurchaseOrderChanged(badPo)),
      'us/doc',
      20,
    ),
    reference(
      'Minimal PO: map to canonical',
      cpuMicrosPerCall(() => mapPurchaseOrderChanged(po as never, context)),
      'us/doc',
    ),
    reference('Minimal PO: full parse->validate->map->serialize', poFull, 'us/doc'),
    atMost('Minimal PO: full path / floor', poFull / poFloor, 'x', 1.3),
    reference(
      `Forecast exception (${feText.length} B): JSON.parse + JSON.stringify (floor)`,
      feFloor,
      'us/doc',
    ),
    atMost(
      'FE: validate vendor payload',
      cpuMicrosPerCall(() => validatePlanningForecastException(fe)),
      'us/doc',
      8,
    ),
    reference(
      'FE: map to canonical',
      cpuMicrosPerCall(() => mapForecastException(fe as never, context)),
      'us/doc',
    ),
    reference('FE: full parse->validate->map->serialize', feFull, 'us/doc'),
    atMost('FE: full path / floor', feFull / feFloor, 'x', 1.3),
    reference(
      `FE: bound: parse input + stringify the ${feEventBytes} B event, / floor`,
      feBound / feFloor,
      'x',
    ),
    reference('FE: full path / that bound (our own overhead)', feFull / feBound, 'x'),
    reference(
      'FE: probe: the same mapping written straight to JSON text (no object, no stringify), / floor',
      feProbe / feFloor,
      'x',
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ok = printTable('Canonical model (one core, CPU time, median of 7 runs)', await benchCanonical());
  process.exitCode = ok ? 0 : 1;
}
