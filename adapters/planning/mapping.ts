/**
 * Planning platform deliveries -> canonical events: quantities to eaches, local times to UTC,
 * vendor vocabularies to canonical codes (an unmapped code throws, it is never defaulted).
 */
import {
  exceptionKind,
  severity,
  toCanonical,
  unitOfMeasure,
  velocityClass,
} from '../../canonical/codes/tables';
import { buildEvent, toUtc, type EventContext } from '../../canonical/envelope';
import type { ForecastExceptionRaisedV1, ForecastPublishedV1 } from '../../canonical/generated/types';
import type { PlanningForecastException, PlanningForecastPublished } from './generated/types';
import { multiplyToString } from '../../domain/decimal';

export interface TenantContext extends EventContext {
  tenantId: string;
}

/** Business identity + revision of a forecast exception: the same plan version is the same change. */
export function forecastExceptionKey(planId: string, exceptionId: string, planVersion: number): string {
  return `forecast-exception:${planId}:${exceptionId}:v${planVersion}`;
}

export function mapForecastException(
  delivery: PlanningForecastException,
  context: TenantContext,
): ForecastExceptionRaisedV1 {
  const { plan, exception } = delivery;
  const uom = toCanonical(unitOfMeasure, 'planning', exception.uom);
  // CS and PAL quantities are in packs of pack_size eaches; EA quantities are eaches already.
  const factor = uom === 'EA' ? 1 : exception.pack_size;
  const eaches = (quantity: number) => multiplyToString(quantity, factor);
  return buildEvent(
    'forecast-exception.raised',
    {
      planId: plan.plan_id,
      planVersion: plan.version,
      exceptionId: exception.exception_id,
      kind: toCanonical(exceptionKind, 'planning', exception.kind),
      severity: toCanonical(severity, 'planning', exception.severity),
      velocityClass: toCanonical(velocityClass, 'planning', exception.velocity_class),
      itemCode: exception.sku,
      site: exception.site,
      bucket: {
        start: exception.bucket.start,
        end: exception.bucket.end,
        granularity: exception.bucket.granularity,
      },
      packSize: exception.pack_size,
      sourceUom: uom,
      baselineQuantityEa: eaches(exception.baseline_qty),
      forecastQuantityEa: eaches(exception.forecast_qty),
      projectedOnHandEa: eaches(exception.projected_on_hand),
      safetyStockEa: eaches(exception.safety_stock),
      notes: exception.notes,
    },
    {
      sourceObjectId: `${plan.plan_id}/${exception.exception_id}`,
      sourceVersion: plan.version,
      occurredAt: delivery.published_at,
      correlationId: delivery.event_id,
      causationId: delivery.event_id,
      idempotencyKey: forecastExceptionKey(plan.plan_id, exception.exception_id, plan.version),
      tenantId: context.tenantId,
    },
    context,
  );
}

export function mapForecastPublished(
  delivery: PlanningForecastPublished,
  context: TenantContext,
): ForecastPublishedV1 {
  const { plan } = delivery;
  return buildEvent(
    'forecast.published',
    {
      planId: plan.plan_id,
      planVersion: plan.version,
      cycle: plan.cycle,
      publishedAt: toUtc(delivery.published_at),
      export: {
        format: delivery.export.format,
        location: delivery.export.location,
        rows: delivery.export.rows,
        sha256: delivery.export.sha256.toLowerCase(),
      },
    },
    {
      sourceObjectId: plan.plan_id,
      sourceVersion: plan.version,
      occurredAt: delivery.published_at,
      correlationId: delivery.event_id,
      causationId: delivery.event_id,
      idempotencyKey: `forecast:${plan.plan_id}:v${plan.version}`,
      tenantId: context.tenantId,
    },
    context,
  );
}
