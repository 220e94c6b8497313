/**
 * The planning platform's webhook payloads (vendor API v3), as its documentation describes them.
 * Vendor objects are open: the vendor may add fields, which we ignore and never read.
 */
import {
  carried,
  date,
  dateTime,
  enumOf,
  integer,
  number,
  object,
  ref,
  string,
  version,
  type Schema,
} from '../../canonical/schemas/dsl';
import {
  carriedAs,
  carriedEventId,
  carriedQuantity,
  carriedTime,
  MAX_CARRIED_PACK,
} from '../webhooks/carried-limits';

/** Largest body the vendor sends; anything bigger is refused before parsing. */
export const PLANNING_MAX_BODY_BYTES = 262_144;

// The contract states no minimum: a negative quantity is the vendor's to send, ours to hold (canonical >= 0).
const quantity = (description: string) =>
  carriedQuantity(number({ description: `${description}, in uom units` }));
// The contract states no length or characters for ids: any non-empty string, held when the canonical
// model cannot carry it (its ids build keys).
const vendorId = (description: string) => string({ minLength: 1, description });

export const planningWebhookSchemas = {
  PlanningPlan: object(
    {
      plan_id: carriedAs(vendorId('Plan id'), 'Forecast', 'planId'),
      version: version('Plan version'),
      // The contract names no cycles: any is carried through, none refused.
      cycle: string({ minLength: 1, description: 'Planning cycle (e.g. weekly)' }),
    },
    { open: true },
  ),
  PlanningBucket: object(
    {
      start: date('Bucket start, site calendar date'),
      end: date('Bucket end, site calendar date'),
      // The contract names no granularities: any is carried through, none refused.
      granularity: string({ minLength: 1, description: 'Bucket length (e.g. week)' }),
    },
    { open: true },
  ),
  PlanningException: object(
    {
      exception_id: carriedAs(
        vendorId('Exception id, unique within a plan'),
        'ForecastException',
        'exceptionId',
      ),
      kind: enumOf(['DEMAND_UPLIFT', 'DEMAND_DROP', 'INVENTORY_RISK'], 'Exception kind'),
      severity: enumOf(['low', 'medium', 'high', 'critical'], 'Severity'),
      sku: carriedAs(vendorId('Item sku'), 'ForecastException', 'itemCode'),
      site: carriedAs(vendorId('Site'), 'ForecastException', 'site'),
      uom: enumOf(['EA', 'CS', 'PAL'], 'Unit of the quantities'),
      pack_size: carried(
        integer({
          minimum: 1,
          maximum: Number.MAX_SAFE_INTEGER,
          description: 'Eaches per uom unit (or case pack for EA)',
        }),
        integer({ maximum: MAX_CARRIED_PACK }),
      ),
      bucket: ref('PlanningBucket'),
      baseline_qty: quantity('Baseline forecast'),
      forecast_qty: quantity('New forecast'),
      projected_on_hand: carriedQuantity(
        number({ description: 'Projected on hand, in uom units (may be negative)' }),
        { signed: true },
      ),
      safety_stock: quantity('Safety stock'),
      velocity_class: enumOf(['A', 'B', 'C'], 'Velocity class'),
      // No limit in the contract but the body's 262,144 bytes: a note is kept whole.
      notes: carriedAs(string({ description: 'Free text (any Unicode)' }), 'ForecastException', 'notes'),
    },
    { open: true, optional: ['notes'] },
  ),
  PlanningForecastException: object(
    {
      event: enumOf(['forecast.exception'], 'Event name'),
      event_id: carriedEventId(vendorId('Event id, stable across redeliveries')),
      published_at: carriedTime(dateTime("Publication time with the planner's local offset")),
      plan: ref('PlanningPlan'),
      exception: ref('PlanningException'),
    },
    { open: true, description: 'forecast.exception delivery' },
  ),
  PlanningExport: object(
    {
      format: enumOf(['csv'], 'Export format'),
      location: string({
        minLength: 8,
        pattern: '^https?://',
        description: 'Pre-signed URL',
      }),
      rows: integer({ minimum: 0, description: 'Row count' }),
      sha256: string({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the file, hex' }),
    },
    { open: true },
  ),
  PlanningForecastPublished: object(
    {
      event: enumOf(['forecast.published'], 'Event name'),
      event_id: carriedEventId(vendorId('Event id, stable across redeliveries')),
      published_at: carriedTime(dateTime('Publication time')),
      plan: ref('PlanningPlan'),
      export: ref('PlanningExport'),
    },
    { open: true, description: 'forecast.published delivery' },
  ),
} satisfies Record<string, Schema>;

/** Deliveries by the `X-Planning-Event` header value. */
export const PLANNING_EVENTS = {
  'forecast.exception': 'PlanningForecastException',
  'forecast.published': 'PlanningForecastPublished',
} as const;
