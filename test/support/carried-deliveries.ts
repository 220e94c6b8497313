/**
 * Deliveries that probe the carried validators' guarantee (adapters/webhooks/carried-limits.ts):
 * every fixture delivery, each of its fields replaced in turn by boundary values (lengths around
 * every canonical limit, characters canonical ids refuse, signs, decimals, magnitudes, units,
 * times around the epoch and year 9999), and deliveries with every carried limit at its bound at
 * once (products and sums that only overflow together).
 */
import type { DeliveryKind, VendorWebhook } from '../../adapters/webhooks/intake';
import { forecastExceptionDelivery, forecastPublishedDelivery } from '../fixtures/planning';
import {
  purchaseOrderAcknowledgedDelivery,
  purchaseOrderChangedDelivery,
  realisticPurchaseOrderChangedDelivery,
  supplierUpdatedDelivery,
} from '../fixtures/procurement';

const LENGTHS = [1, 63, 64, 65, 127, 128, 129, 199, 200, 201, 255, 256, 257, 262_144, 262_145];

const STRINGS: readonly string[] = [
  '',
  ...LENGTHS.map((length) => 'A'.repeat(length)),
  'A' + '-'.repeat(63),
  '-A',
  '_A',
  'A B',
  'A/B',
  'A:B#c.d_e',
  'Ä',
  'A\n',
  '\u{1F600}',
  'A'.repeat(63) + '\u{1F600}',
  '2026-11-27T08:15:03.120+01:00',
  '2026-11-27T09:30:00Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:30:00+01:00',
  '1999-12-31T23:59:59-01:00',
  '2000-01-01T00:00:00+14:00',
  '2999-12-31T23:59:59-14:00',
  '0000-01-01T00:00:00+01:00',
  '9999-12-31T23:00:00-05:00',
  '2026-11-27T08:15:03.123456789Z',
  '2026-11-27t08:15:03z',
  '2026-12-07',
  '2026-02-30',
  '9999-12-31',
  'EA',
  'CS',
  'PAL',
  'KG',
  'ea',
  '0',
  '0.000001',
  '0.0000001',
  '999999.999999',
  '99999.999',
  '999999999',
  '1000000000',
  '1000000',
  '999999999999999999',
  '-1',
  '3,10',
  'https://exports.example/a.csv',
  'f'.repeat(64),
  'F'.repeat(64),
];

const NUMBERS: readonly number[] = [
  -1e18,
  -1e9 - 1,
  -1e9,
  -12.5,
  -1,
  -0.000001,
  -0,
  0,
  0.000001,
  0.0000001,
  1.5e-7,
  0.1,
  0.1 + 0.2,
  0.5,
  1,
  7,
  12.5,
  123.456789,
  1e6,
  1e6 + 1,
  999_999_999.999999,
  1e9,
  1e9 + 0.5,
  1e9 + 1,
  1e15,
  1e18,
  1e21,
  Number.MAX_SAFE_INTEGER,
  1e300,
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every primitive of `value` with its path; of an array, only the first item's (the others alike). */
function leaves(value: Json, path: (string | number)[] = []): { path: (string | number)[]; value: Json }[] {
  if (Array.isArray(value)) return value.length > 0 ? leaves(value[0]!, [...path, 0]) : [];
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  }
  return [{ path, value }];
}

function replaced(delivery: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(delivery);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  if (value === undefined) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = value;
  return copy;
}

/** The delivery with each of its fields replaced in turn by every probe of that field's type (or removed, or null). */
export function mutationsOf(delivery: unknown): unknown[] {
  const base = delivery as Json;
  return leaves(base).flatMap(({ path, value }) => [
    replaced(base, path, undefined),
    replaced(base, path, null),
    ...(typeof value === 'string' ? STRINGS : typeof value === 'number' ? NUMBERS : []).map((probe) =>
      replaced(base, path, probe),
    ),
  ]);
}

const EARLIEST = '2000-01-01T00:00:00+14:00';
const LATEST = '2999-12-31T23:59:59-14:00';
const id = (length: number) => 'A'.repeat(length);

/** A purchase order with `lineCount` lines each at the largest carried quantity and price. */
function largestOrder(lineCount: number): unknown {
  const delivery = purchaseOrderChangedDelivery(lineCount, {
    event_id: id(128),
    po_number: id(64),
    revision: Number.MAX_SAFE_INTEGER,
    changed_at: LATEST,
  });
  for (const line of delivery.lines) Object.assign(line, { qty: 1_000_000, unit_price: '999999999' });
  return delivery;
}

/** Fixture deliveries, by delivery kind: probed with their mutations. */
const FIXTURES: Readonly<Record<string, readonly unknown[]>> = {
  'forecast.exception': [
    forecastExceptionDelivery(),
    forecastExceptionDelivery({ exception: { uom: 'EA', notes: undefined } }),
  ],
  'forecast.published': [forecastPublishedDelivery()],
  'purchase_order.changed': [purchaseOrderChangedDelivery(2), realisticPurchaseOrderChangedDelivery(10)],
  'purchase_order.acknowledged': [purchaseOrderAcknowledgedDelivery()],
  'supplier.updated': [supplierUpdatedDelivery()],
};

/** Deliveries with every carried limit at its bound at once (or just past it), probed whole. */
const AT_BOUNDS: Readonly<Record<string, readonly unknown[]>> = {
  'forecast.exception': (['CS', 'PAL', 'EA'] as const).flatMap((uom) =>
    [999_999_999.999999, 1e9, 0.000001].map((quantity) =>
      forecastExceptionDelivery({
        event_id: id(128),
        published_at: EARLIEST,
        plan: { plan_id: id(64), version: Number.MAX_SAFE_INTEGER },
        exception: {
          exception_id: id(64),
          sku: id(64),
          site: id(64),
          uom,
          pack_size: 1_000_000,
          baseline_qty: quantity,
          forecast_qty: quantity,
          projected_on_hand: -quantity,
          safety_stock: quantity,
          notes: '\u{1F600}'.repeat(131_072),
        },
      }),
    ),
  ),
  'forecast.published': [
    forecastPublishedDelivery({
      event_id: id(128),
      published_at: LATEST,
      plan: { plan_id: id(64), version: Number.MAX_SAFE_INTEGER, cycle: 'weekly' },
    }),
  ],
  'purchase_order.changed': [largestOrder(1000), largestOrder(1001)],
  'purchase_order.acknowledged': [
    purchaseOrderAcknowledgedDelivery({
      event_id: id(128),
      po_number: id(64),
      supplier_number: id(64),
      revision: Number.MAX_SAFE_INTEGER,
      acknowledged_at: LATEST,
      lines: [
        { line_no: Number.MAX_SAFE_INTEGER, confirmed_qty: 999_999_999.999999, confirmed_date: '2999-12-31' },
      ],
    }),
  ],
  'supplier.updated': [
    supplierUpdatedDelivery({ event_id: id(128), supplier_number: id(64), updated_at: EARLIEST }),
  ],
};

/** The probes of one delivery kind: its fixtures, their mutations, and its deliveries at the bounds. */
export function probesOf(event: string): readonly unknown[] {
  let probes = PROBES.get(event);
  if (!probes) {
    probes = [
      ...(FIXTURES[event] ?? []).flatMap((delivery) => [delivery, ...mutationsOf(delivery)]),
      ...(AT_BOUNDS[event] ?? []),
    ];
    PROBES.set(event, probes);
  }
  return probes;
}

const PROBES = new Map<string, readonly unknown[]>();

/** A delivery the carried validator accepts but that breaks the guarantee, and how. */
export interface Breach {
  event: string;
  why: string;
  delivery: unknown;
}

const CONTEXT = {
  tenantId: 'acme-distribution',
  now: () => new Date('2026-12-05T02:00:00.000Z'),
  newId: () => '00000000-0000-4000-8000-000000000001',
};

/**
 * Every probe of `vendor`'s kinds that its carried validator accepts must be within the vendor's
 * contract, map without throwing and give an event the canonical validator accepts. Returns the
 * breaches, and how many probes were carried and not (both paths must be exercised).
 */
export function carriedGuarantee(
  vendor: Pick<VendorWebhook, 'deliveries'>,
  carriedOf: (event: string, kind: DeliveryKind<never>) => DeliveryKind<never>['carried'] = (_, kind) =>
    kind.carried,
): { breaches: Breach[]; carried: number; notCarried: number } {
  const breaches: Breach[] = [];
  let carried = 0;
  let notCarried = 0;
  for (const [event, kind] of Object.entries(vendor.deliveries)) {
    const check = carriedOf(event, kind);
    for (const delivery of probesOf(event)) {
      if (!check(delivery).ok) {
        notCarried++;
        continue;
      }
      carried++;
      const breach = (why: string) => breaches.push({ event, why, delivery });
      if (!kind.validate(delivery).ok) {
        breach('outside the vendor contract');
        continue;
      }
      let mapped;
      try {
        mapped = kind.map(delivery as never, CONTEXT);
      } catch (error) {
        breach(`mapping threw ${(error as Error).message}`);
        continue;
      }
      const canonical = kind.canonical(mapped);
      if (!canonical.ok) breach(`canonical refused ${JSON.stringify(canonical.errors.slice(0, 2))}`);
    }
  }
  return { breaches, carried, notCarried };
}
