/**
 * The carried validators (one per delivery kind, generated from the `carried` fields of the vendor
 * schemas) let the intake publish a delivery without checking its canonical event: what they accept
 * must map to an event the canonical model carries. Held here on every fixture delivery, systematic
 * mutations of each of its fields and deliveries at every bound at once; each carried limit is
 * shown to be needed; and the intake answers every probe exactly as the checked path alone does.
 */
import { describe, expect, it } from 'vitest';
import { planningWebhookSchemas, PLANNING_EVENTS } from '../../../adapters/planning/webhook-schemas';
import { planningWebhook } from '../../../adapters/planning/webhook';
import { procurementWebhookSchemas, PROCUREMENT_EVENTS } from '../../../adapters/procurement/webhook-schemas';
import { procurementWebhook } from '../../../adapters/procurement/webhook';
import {
  resubmitDelivery,
  type DeliveryKind,
  type IntakePorts,
  type VendorWebhook,
} from '../../../adapters/webhooks/intake';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { CARRIED, type Schema } from '../../../canonical/schemas/dsl';
import type { QuarantineReason } from '../../../domain/ports/quarantine';
import { importValidators } from '../../../scripts/codegen/load-generated';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { carriedGuarantee, probesOf } from '../../support/carried-deliveries';

const VENDORS = [
  { vendor: planningWebhook, schemas: planningWebhookSchemas, events: PLANNING_EVENTS },
  { vendor: procurementWebhook, schemas: procurementWebhookSchemas, events: PROCUREMENT_EVENTS },
] as const satisfies readonly {
  vendor: VendorWebhook;
  schemas: Record<string, Schema>;
  events: Record<string, string>;
}[];

describe.each(VENDORS)('$vendor.system deliveries', ({ vendor }) => {
  it('a delivery the carried validator accepts is within the contract and maps to a canonical event', () => {
    for (const event of Object.keys(vendor.deliveries))
      expect(probesOf(event).length, event).toBeGreaterThan(1);
    const { breaches, carried, notCarried } = carriedGuarantee(vendor);
    expect(breaches.map(({ event, why }) => `${event}: ${why}`)).toEqual([]);
    // Both paths are exercised: the probes reach the limits from both sides.
    expect(carried).toBeGreaterThan(100);
    expect(notCarried).toBeGreaterThan(100);
  });
});

/** The `carried` fields of a vendor's schemas, as paths of `properties`/`items` steps from a definition. */
function carriedFields(defs: Record<string, Schema>): { def: string; path: string[] }[] {
  const found: { def: string; path: string[] }[] = [];
  const walk = (def: string, schema: Schema, path: string[]): void => {
    if (schema[CARRIED]) found.push({ def, path });
    for (const [name, sub] of Object.entries(schema.properties ?? {})) walk(def, sub, [...path, name]);
    if (schema.items) walk(def, schema.items, [...path, '[]']);
  };
  for (const [def, schema] of Object.entries(defs)) walk(def, schema, []);
  return found;
}

/** The vendor's schemas with one field widened: its carried limits dropped. */
function withoutLimit(
  defs: Record<string, Schema>,
  def: string,
  path: readonly string[],
): Record<string, Schema> {
  const drop = (schema: Schema, rest: readonly string[]): Schema => {
    if (rest.length === 0) {
      const { [CARRIED]: _dropped, ...vendorOnly } = schema;
      return vendorOnly;
    }
    const [step, ...tail] = rest;
    if (step === '[]') return { ...schema, items: drop(schema.items!, tail) };
    return {
      ...schema,
      properties: { ...schema.properties, [step!]: drop(schema.properties![step!]!, tail) },
    };
  };
  return { ...defs, [def]: drop(defs[def]!, path) };
}

describe.each(VENDORS)('$vendor.system: each carried limit is needed', ({ vendor, schemas, events }) => {
  const fields = carriedFields(schemas);

  it('declares carried limits', () => expect(fields.length).toBeGreaterThan(5));

  it.each(fields.map((field) => ({ ...field, name: `${field.def}.${field.path.join('.')}` })))(
    'widening $name without its carried limit lets a delivery through that the canonical model refuses',
    async ({ def, path }) => {
      const defs = withoutLimit(schemas, def, path);
      const entries = Object.fromEntries(Object.values(events).map((name) => [`Carried${name}`, name]));
      const widened = await importValidators<Record<string, DeliveryKind<never>['carried']>>(
        defs,
        entries,
        true,
      );
      const { breaches } = carriedGuarantee(
        vendor,
        (event) => widened[`validateCarried${(events as Record<string, string>)[event]}`]!,
      );
      expect(breaches.length).toBeGreaterThan(0);
    },
  );
});

const NOW = new Date('2026-12-05T02:00:00.000Z');

/** Ports that claim, publish and keep in memory, with ids counted from 1. */
function memoryPorts(tenantId = 'acme-distribution') {
  const published: CanonicalEvent[] = [];
  const kept: QuarantineReason[] = [];
  const claimed = new Set<string>();
  let ids = 0;
  const ports: IntakePorts = {
    secrets: async () => [],
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    tenantId,
    claim: async (event) => {
      if (claimed.has(event.idempotencyKey)) return { outcome: 'duplicate' };
      claimed.add(event.idempotencyKey);
      return { outcome: 'claimed' };
    },
    complete: async () => undefined,
    release: async () => undefined,
    publish: async (event) => void published.push(event),
    recordStale: async () => undefined,
    quarantine: { quarantine: async (delivery) => void kept.push(delivery.reason) },
  };
  return { ports, published, kept };
}

/** The vendor as the intake ran before the carried validators: every delivery on the checked path. */
function checkedOnly(vendor: VendorWebhook): VendorWebhook {
  const deliveries = Object.fromEntries(
    Object.entries(vendor.deliveries).map(([event, kind]) => [
      event,
      { ...kind, carried: () => ({ ok: false as const }) },
    ]),
  );
  return { ...vendor, deliveries };
}

async function outcome(vendor: VendorWebhook, event: string, delivery: unknown, tenantId?: string) {
  const { ports, published, kept } = memoryPorts(tenantId);
  const headers = { 'content-type': 'application/json', [vendor.eventHeader]: event };
  const body = Buffer.from(JSON.stringify(delivery));
  const response = await resubmitDelivery(vendor, { headers, body, quarantineId: 'q-1' }, ports, NOW);
  return { response, published, kept };
}

describe.each(VENDORS)('$vendor.system intake', ({ vendor }) => {
  it('answers, publishes and keeps every probe exactly as the checked path alone does', async () => {
    const checked = checkedOnly(vendor);
    let compared = 0;
    for (const event of Object.keys(vendor.deliveries)) {
      for (const delivery of probesOf(event)) {
        expect(await outcome(vendor, event, delivery)).toEqual(await outcome(checked, event, delivery));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});

describe('the intake on a carried delivery', () => {
  /** The planning webhook with its forecast exception's canonical checks counted. */
  function countingCanonical() {
    const kind = planningWebhook.deliveries['forecast.exception']!;
    const counted = { checks: 0 };
    const vendor: VendorWebhook = {
      ...planningWebhook,
      deliveries: {
        ...planningWebhook.deliveries,
        'forecast.exception': {
          ...kind,
          canonical: (event: unknown) => {
            counted.checks++;
            return kind.canonical(event);
          },
        },
      },
    };
    return { vendor, counted };
  }

  it('publishes it without checking the canonical event again once its tenant was checked', async () => {
    const { vendor, counted } = countingCanonical();
    const { ports, published } = memoryPorts('carried-tenant');
    const headers = { 'content-type': 'application/json', 'x-planning-event': 'forecast.exception' };
    for (const exceptionId of ['EXC-1', 'EXC-2', 'EXC-3']) {
      const body = Buffer.from(
        JSON.stringify(forecastExceptionDelivery({ exception: { exception_id: exceptionId } })),
      );
      const response = await resubmitDelivery(
        vendor,
        { headers, body, quarantineId: exceptionId },
        ports,
        NOW,
      );
      expect(JSON.parse(response.body).status).toBe('accepted');
    }
    expect(published).toHaveLength(3);
    expect(counted.checks).toBe(1);

    // One the canonical model cannot carry is still checked, and held.
    const negative = forecastExceptionDelivery({ exception: { exception_id: 'EXC-4', forecast_qty: -1 } });
    const response = await resubmitDelivery(
      vendor,
      { headers, body: Buffer.from(JSON.stringify(negative)), quarantineId: 'EXC-4' },
      ports,
      NOW,
    );
    expect(JSON.parse(response.body).status).toBe('held');
    expect(counted.checks).toBe(2);
  });

  it('still holds every delivery when the tenant it is configured with is not a canonical id', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const { response, published, kept } = await outcome(
        planningWebhook,
        'forecast.exception',
        forecastExceptionDelivery(),
        'acme distribution',
      );
      expect(JSON.parse(response.body)).toMatchObject({ status: 'held', limits: [{ pointer: '/tenantId' }] });
      expect(published).toEqual([]);
      expect(kept).toHaveLength(1);
    }
  });
});
