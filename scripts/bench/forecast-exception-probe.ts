/**
 * A probe, not product code: the forecast exception's mapping written straight to JSON text, with no
 * canonical object and no JSON.stringify. It is the fastest shape the mapping could take, so its
 * ratio to the floor is the lower bound of the full path that any implementation of the mapping
 * can reach. The benchmark checks that it writes exactly what `mapForecastException` serializes.
 */
import {
  exceptionKind,
  severity,
  toCanonical,
  unitOfMeasure,
  velocityClass,
} from '../../canonical/codes/tables';
import { EVENT_CATALOG } from '../../canonical/schemas/events';
import { isoFromEpochMs, toUtc } from '../../canonical/time';
import { forecastExceptionKey, type TenantContext } from '../../adapters/planning/mapping';
import type { PlanningForecastException } from '../../adapters/planning/generated/types';
import { multiplyToString } from '../../domain/decimal';

/** The event's schema version from the catalog, as buildEvent writes it (it moves with the contract). */
const definition = EVENT_CATALOG.find((event) => event.type === 'forecast-exception.raised')!;
const SCHEMA_VERSION = `${definition.major}.${definition.minor}`;

// eslint-disable-next-line no-control-regex -- the characters JSON must escape are control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const quoted = (text: string) => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

export function forecastExceptionJson(delivery: PlanningForecastException, context: TenantContext): string {
  const { plan, exception } = delivery;
  const uom = toCanonical(unitOfMeasure, 'planning', exception.uom);
  const factor = uom === 'EA' ? 1 : exception.pack_size;
  const eaches = (quantity: number) => multiplyToString(quantity, factor);
  const cause = quoted(delivery.event_id);
  const { bucket } = exception;
  return (
    `{"eventId":"${context.newId()}","eventType":"forecast-exception.raised","schemaVersion":"${SCHEMA_VERSION}",` +
    `"sourceSystem":"planning","sourceObjectId":${quoted(`${plan.plan_id}/${exception.exception_id}`)},` +
    `"sourceVersion":${plan.version},"occurredAt":"${toUtc(delivery.published_at)}",` +
    `"emittedAt":"${isoFromEpochMs(context.now().getTime())}","correlationId":${cause},"causationId":${cause},` +
    `"idempotencyKey":${quoted(forecastExceptionKey(plan.plan_id, exception.exception_id, plan.version))},` +
    `"tenantId":${quoted(context.tenantId)},"data":{"planId":${quoted(plan.plan_id)},` +
    `"planVersion":${plan.version},"exceptionId":${quoted(exception.exception_id)},` +
    `"kind":"${toCanonical(exceptionKind, 'planning', exception.kind)}",` +
    `"severity":"${toCanonical(severity, 'planning', exception.severity)}",` +
    `"velocityClass":"${toCanonical(velocityClass, 'planning', exception.velocity_class)}",` +
    `"itemCode":${quoted(exception.sku)},"site":${quoted(exception.site)},` +
    `"bucket":{"start":${quoted(bucket.start)},"end":${quoted(bucket.end)},"granularity":${quoted(bucket.granularity)}},` +
    `"packSize":${exception.pack_size},"sourceUom":"${uom}",` +
    `"baselineQuantityEa":"${eaches(exception.baseline_qty)}","forecastQuantityEa":"${eaches(exception.forecast_qty)}",` +
    `"projectedOnHandEa":"${eaches(exception.projected_on_hand)}","safetyStockEa":"${eaches(exception.safety_stock)}"` +
    `${exception.notes === undefined ? '' : `,"notes":${quoted(exception.notes)}`}}}`
  );
}
