import { describe, expect, it } from 'vitest';
import { UnmappedCodeError } from '../../../canonical/codes/tables';
import {
  validateForecastExceptionRaisedV1,
  validateForecastPublishedV1,
} from '../../../canonical/generated/validators';
import {
  forecastExceptionKey,
  mapForecastException,
  mapForecastPublished,
} from '../../../adapters/planning/mapping';
import type { PlanningForecastException } from '../../../adapters/planning/generated/types';
import { forecastExceptionDelivery, forecastPublishedDelivery } from '../../fixtures/planning';

const context = {
  tenantId: 'acme-distribution',
  now: () => new Date('2026-11-27T07:15:04.000Z'),
  newId: () => '2b0f7d8e-1c3a-4e5f-8a9b-0c1d2e3f4a5b',
};

describe('planning forecast.exception -> canonical forecast-exception.raised', () => {
  it('converts cases to eaches, the local publication time to UTC and vendor codes to canonical ones', () => {
    const event = mapForecastException(forecastExceptionDelivery(), context);
    expect(event).toMatchObject({
      eventType: 'forecast-exception.raised',
      schemaVersion: '1.1',
      sourceSystem: 'planning',
      sourceObjectId: 'CONSENSUS-2026W48/EXC-88213',
      sourceVersion: 7,
      occurredAt: '2026-11-27T07:15:03.120Z',
      emittedAt: '2026-11-27T07:15:04.000Z',
      correlationId: 'fe_6f0c2a8e-2f51-4f4e-9d1b-5b0e0c7c1a11',
      idempotencyKey: 'forecast-exception:CONSENSUS-2026W48:EXC-88213:v7',
      tenantId: 'acme-distribution',
      data: {
        kind: 'DEMAND_UPLIFT',
        severity: 'HIGH',
        velocityClass: 'A',
        sourceUom: 'CS',
        packSize: 12,
        baselineQuantityEa: '1200',
        forecastQuantityEa: '1680',
        projectedOnHandEa: '150',
        safetyStockEa: '360',
        bucket: { start: '2026-12-07', end: '2026-12-13', granularity: 'week' },
      },
    });
    expect(validateForecastExceptionRaisedV1(event)).toEqual({ ok: true, value: event });
  });

  it('keeps decimal quantities exact (0.1 CS x 12 is 1.2 eaches, not 1.2000000000000002)', () => {
    const event = mapForecastException(
      forecastExceptionDelivery({ exception: { projected_on_hand: 0.1, safety_stock: 2.35 } }),
      context,
    );
    expect(event.data.projectedOnHandEa).toBe('1.2');
    expect(event.data.safetyStockEa).toBe('28.2');
  });

  it('leaves eaches as they are and the pack size as the order multiple', () => {
    const event = mapForecastException(
      forecastExceptionDelivery({ exception: { uom: 'EA', pack_size: 6, forecast_qty: 140 } }),
      context,
    );
    expect(event.data.forecastQuantityEa).toBe('140');
    expect(event.data.packSize).toBe(6);
  });

  it('converts pallets with their pack size', () => {
    const event = mapForecastException(
      forecastExceptionDelivery({ exception: { uom: 'PAL', pack_size: 480, forecast_qty: 2 } }),
      context,
    );
    expect(event.data.forecastQuantityEa).toBe('960');
  });

  it('rejects an unmapped vendor code instead of defaulting it', () => {
    const delivery = forecastExceptionDelivery({
      exception: { severity: 'urgent' as PlanningForecastException['exception']['severity'] },
    });
    expect(() => mapForecastException(delivery, context)).toThrow(UnmappedCodeError);
  });

  it('keys idempotency on plan, exception and plan version, not on the delivery', () => {
    const first = mapForecastException(forecastExceptionDelivery({ event_id: 'fe_a' }), context);
    const again = mapForecastException(forecastExceptionDelivery({ event_id: 'fe_b' }), context);
    const newer = mapForecastException(forecastExceptionDelivery({ plan: { version: 8 } }), context);
    expect(again.idempotencyKey).toBe(first.idempotencyKey);
    expect(newer.idempotencyKey).toBe(forecastExceptionKey('CONSENSUS-2026W48', 'EXC-88213', 8));
  });
});

describe('planning forecast.published -> canonical forecast.published', () => {
  it('carries the export location and checksum for the bulk synchronisation', () => {
    const event = mapForecastPublished(forecastPublishedDelivery(), context);
    expect(event.data.export).toEqual({
      format: 'csv',
      location: 'https://exports.planning.example/CONSENSUS-2026W48/7.csv?sig=abc',
      rows: 1048576,
      sha256: 'a'.repeat(64),
    });
    expect(event.idempotencyKey).toBe('forecast:CONSENSUS-2026W48:v7');
    expect(validateForecastPublishedV1(event).ok).toBe(true);
  });
});
