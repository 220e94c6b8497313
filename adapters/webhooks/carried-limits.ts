/**
 * What the canonical model carries of the vendors' webhook fields, stated as limits on the vendor's
 * own values for `carried(vendor, canonical)` in the webhook schemas. A delivery within every limit
 * maps to a canonical event by construction, so the intake publishes it without checking the event
 * (adapters/webhooks/intake.ts). A limit may be narrower than the canonical model (bounds that keep
 * products and sums within the canonical decimals): a delivery outside it takes the checked path,
 * with the same outcome, only slower. test/adapters/webhooks/carried.test.ts holds the guarantee.
 */
import { carried, number, string, type Schema } from '../../canonical/schemas/dsl';
import { envelopeSchema, EVENT_CATALOG } from '../../canonical/schemas/events';
import { objectSchemas, type ObjectName } from '../../canonical/schemas/objects';

/** A canonical object's field, where the vendor value is carried unchanged: its limits are ours. */
function canonicalField(object: ObjectName, field: string): Schema {
  const schema = (objectSchemas[object] as Schema).properties?.[field];
  if (!schema) throw new Error(`canonical ${object} has no field ${field}`);
  return schema;
}

/** A vendor field carried unchanged into the canonical `object`'s `field`. */
export function carriedAs(vendor: Schema, object: ObjectName, field: string): Schema {
  return carried(vendor, canonicalField(object, field));
}

/** The vendor's event id: the canonical envelope's correlation and causation id. */
export function carriedEventId(vendor: Schema): Schema {
  return carried(vendor, envelopeSchema(EVENT_CATALOG[0]).properties!.correlationId!);
}

/**
 * A source time in the years 2000-2999: in UTC it keeps a four-digit year (the canonical date-time)
 * and a positive epoch (suppliers' versions are their update time in epoch ms).
 */
export function carriedTime(vendor: Schema): Schema {
  return carried(vendor, string({ pattern: '^2[0-9]{3}-' }));
}

/**
 * A quantity converted to eaches (times a pack of at most {@link MAX_CARRIED_PACK}): at most six
 * decimals and 1e9 units keep the product within the canonical decimal (18 digits, 6 decimals).
 */
export function carriedQuantity(vendor: Schema, options: { signed?: boolean } = {}): Schema {
  return carried(vendor, number({ minimum: options.signed ? -1e9 : 0, maximum: 1e9, multipleOf: 0.000001 }));
}

/** The largest pack size whose products with carried quantities stay canonical decimals. */
export const MAX_CARRIED_PACK = 1_000_000;
