import { describe, expect, it } from 'vitest';
import type { ForecastLinesChangedV1 } from '../../../canonical/generated/types';
import { validateForecastExceptionRaisedV1 } from '../../../canonical/generated/validators';
import { toPolicyException } from '../../../domain/commitment/steps';
import { evaluateException } from '../../../domain/procurement/exception-policy';
import { DEFAULT_PROCUREMENT_POLICY } from '../../../domain/procurement/policy';
import { bulkExceptionId, candidateLines, exceptionEventFor } from '../../../domain/forecast-sync';

const line = (itemCode: string, quantityEa: string, previousQuantityEa: string | null) => ({
  itemCode,
  site: 'DC-EAST-02',
  weekStart: '2026-12-07',
  quantityEa,
  previousQuantityEa,
});

function batch(lines: ReturnType<typeof line>[]): ForecastLinesChangedV1 {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    eventType: 'forecast.lines-changed',
    schemaVersion: '1.0',
    sourceSystem: 'planning',
    sourceObjectId: 'P:v2:p0:b0:e0',
    sourceVersion: 2,
    occurredAt: '2026-11-27T06:00:00Z',
    emittedAt: '2026-11-27T06:01:00Z',
    correlationId: 'fp_1',
    causationId: 'fp-event',
    idempotencyKey: 'forecast-lines:P:v2:p0:b0:e0',
    tenantId: 'acme',
    data: { planId: 'CONSENSUS-2026W48', planVersion: 2, batchId: 'P:v2:p0:b0:e0', lines },
  } as ForecastLinesChangedV1;
}

const hash = (text: string) =>
  text
    .split('')
    .reverse()
    .join('')
    .replace(/[^A-Za-z0-9]/g, 'x') + '0'.repeat(40);

describe('candidateLines', () => {
  it('maps direction to the kind, skips new lines and uplifts below the class threshold (C: 35% by default)', () => {
    const { candidates, skipped } = candidateLines(
      batch([
        line('UP-BIG', '135', '100'),
        line('UP-SMALL', '134.999', '100'),
        line('DOWN', '90', '100'),
        line('GONE', '0', '100'),
        line('NEW', '50', null),
        line('FROM-ZERO', '5', '0'),
      ]).data,
      DEFAULT_PROCUREMENT_POLICY,
    );
    expect(candidates.map((c) => [c.line.itemCode, c.kind, c.velocityClass])).toEqual([
      ['UP-BIG', 'DEMAND_UPLIFT', 'C'],
      ['DOWN', 'DEMAND_DROP', 'C'],
      ['GONE', 'DEMAND_DROP', 'C'],
      ['FROM-ZERO', 'DEMAND_UPLIFT', 'C'],
    ]);
    expect(skipped).toEqual({ NEW_LINE: 1, UNCHANGED: 0, BELOW_THRESHOLD: 1 });
  });

  it('takes the velocity class from configuration per item', () => {
    const { candidates } = candidateLines(
      batch([line('FAST', '111', '100')]).data,
      DEFAULT_PROCUREMENT_POLICY,
      {
        defaultVelocityClass: 'C',
        velocityClassByItem: { FAST: 'A' },
        packSizeByItem: {},
      },
    );
    expect(candidates.map((c) => c.velocityClass)).toEqual(['A']);
  });
});

describe('exceptionEventFor', () => {
  it('builds a valid forecast exception that the exception policy decides like a planner exception', () => {
    const changes = batch([line('SKU-10442', '140', '100')]);
    const { candidates } = candidateLines(changes.data, DEFAULT_PROCUREMENT_POLICY, {
      defaultVelocityClass: 'C',
      velocityClassByItem: {},
      packSizeByItem: { 'SKU-10442': 12 },
    });
    const event = exceptionEventFor(changes, candidates[0]!, {
      projectedOnHandEa: '12.500',
      settings: { defaultVelocityClass: 'C', velocityClassByItem: {}, packSizeByItem: { 'SKU-10442': 12 } },
      hash,
      now: () => new Date('2026-11-27T06:02:00Z'),
      newId: () => '00000000-0000-4000-8000-000000000002',
    });
    expect(validateForecastExceptionRaisedV1(event)).toMatchObject({ ok: true });
    expect(event).toMatchObject({
      idempotencyKey: 'forecast-exception:CONSENSUS-2026W48:bulk:SKU-10442:DC-EAST-02:2026-12-07:v2',
      causationId: changes.eventId,
      correlationId: 'fp_1',
      data: {
        kind: 'DEMAND_UPLIFT',
        severity: 'LOW',
        bucket: { start: '2026-12-07', end: '2026-12-13', granularity: 'week' },
        baselineQuantityEa: '100',
        forecastQuantityEa: '140',
        projectedOnHandEa: '12.5',
        safetyStockEa: '0',
        packSize: 12,
      },
    });
    const decision = evaluateException(toPolicyException(event.data), {
      sourcingRequests: [],
      purchaseOrderLines: [],
    });
    expect(decision).toMatchObject({ act: true, trigger: 'UPLIFT' });
    // need = 140 + 0 - 12.5 - 0 = 127.5 -> 11 packs of 12
    expect(decision.act && decision.assessment.need.orderQuantityEa.toString()).toBe('132');
  });

  it('hashes an exception id that would not fit 64 characters', () => {
    const long = { itemCode: 'S'.repeat(40), site: 'D'.repeat(20), weekStart: '2026-12-07' };
    expect(bulkExceptionId(long, hash)).toMatch(/^bulk:[A-Za-z0-9]{40}$/);
    expect(bulkExceptionId({ itemCode: 'A', site: 'B', weekStart: '2026-12-07' }, hash)).toBe(
      'bulk:A:B:2026-12-07',
    );
  });
});
