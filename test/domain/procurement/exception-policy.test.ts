import { describe, expect, it } from 'vitest';
import { ContractViolation } from '../../../domain/failures';
import {
  decidedWithoutSupply,
  defineProcurementPolicy,
  evaluateException,
  upliftReaches,
  type ExceptionContext,
  type ExceptionDecision,
  type ExceptionKind,
  type ForecastException,
} from '../../../domain/procurement';
import { exception, noSupply, poLine, request } from './fixtures';

const context: ExceptionContext = { ...noSupply };

/** `act:UPLIFT`, `record:BELOW_THRESHOLD`, `stale`, … */
function summary(decision: ExceptionDecision): string {
  if (decision.outcome === 'act') return `act:${decision.trigger}`;
  if (decision.outcome === 'record') return `record:${decision.reason}`;
  return decision.outcome;
}

describe('DEMAND_UPLIFT thresholds', () => {
  it.each([
    ['class A acts at exactly 10%', { baselineQty: 100, forecastQty: 110 }, 'act:UPLIFT'],
    ['class A does not act at 9.99%', { baselineQty: 100, forecastQty: '109.99' }, 'record:BELOW_THRESHOLD'],
    [
      'class A acts at exactly 10% where binary floats say 9.99…% (3 -> 3.3)',
      { baselineQty: 3, forecastQty: 3.3 },
      'act:UPLIFT',
    ],
    ['class B acts at exactly 20%', { velocityClass: 'B', baselineQty: 100, forecastQty: 120 }, 'act:UPLIFT'],
    [
      'class B does not act at 19.99%',
      { velocityClass: 'B', baselineQty: 100, forecastQty: '119.99' },
      'record:BELOW_THRESHOLD',
    ],
    ['class C acts at exactly 35%', { velocityClass: 'C', baselineQty: 100, forecastQty: 135 }, 'act:UPLIFT'],
    [
      'class C does not act at 34.99%',
      { velocityClass: 'C', baselineQty: 100, forecastQty: '134.99' },
      'record:BELOW_THRESHOLD',
    ],
    [
      'baseline 0 and forecast above 0 is an infinite uplift',
      { velocityClass: 'C', baselineQty: 0, forecastQty: '0.01' },
      'act:UPLIFT',
    ],
    ['baseline 0 and forecast 0 is no uplift', { baselineQty: 0, forecastQty: 0 }, 'record:BELOW_THRESHOLD'],
    ['a falling forecast is no uplift', { baselineQty: 100, forecastQty: 50 }, 'record:BELOW_THRESHOLD'],
    [
      'uplift is the same in cases as in eaches',
      { uom: 'CS', baselineQty: 10, forecastQty: 11 },
      'act:UPLIFT',
    ],
  ] as const)('%s', (_name, overrides, expected) => {
    expect(summary(evaluateException(exception(overrides as Partial<ForecastException>), context))).toBe(
      expected,
    );
  });

  it.each([
    ['class A acts on severity high below the threshold', 'A', 'high', 'act:SEVERITY'],
    ['class A acts on severity critical', 'A', 'critical', 'act:SEVERITY'],
    ['class A does not act on severity medium', 'A', 'medium', 'record:BELOW_THRESHOLD'],
    ['class B acts on severity high', 'B', 'high', 'act:SEVERITY'],
    ['class C does not act on severity high', 'C', 'high', 'record:BELOW_THRESHOLD'],
    ['class C acts on severity critical', 'C', 'critical', 'act:SEVERITY'],
  ] as const)('%s', (_name, velocityClass, severity, expected) => {
    const decision = evaluateException(
      exception({ velocityClass, severity, baselineQty: 100, forecastQty: 101 }),
      context,
    );
    expect(summary(decision)).toBe(expected);
  });

  it('acts on severity even when the forecast falls', () => {
    const decision = evaluateException(exception({ severity: 'critical', forecastQty: 10 }), context);
    expect(summary(decision)).toBe('act:SEVERITY');
  });

  it('reports the uplift (for people) and infinity for baseline 0', () => {
    const decision = evaluateException(exception({ baselineQty: 3, forecastQty: 4 }), context);
    expect(decision.outcome === 'act' && decision.assessment.uplift.toString()).toBe('0.333333');
    const infinite = evaluateException(exception({ baselineQty: 0, forecastQty: 4 }), context);
    expect(infinite.outcome === 'act' && infinite.assessment.uplift).toBe('infinite');
  });

  it('takes thresholds and severities from the policy', () => {
    const policy = defineProcurementPolicy({
      upliftThresholds: { A: { minUplift: '0.05', minSeverity: 'critical' } },
    });
    const at5 = exception({ baselineQty: 100, forecastQty: 105, severity: 'high' });
    expect(summary(evaluateException(at5, { ...context, policy }))).toBe('act:UPLIFT');
    expect(summary(evaluateException({ ...at5, forecastQty: 104 }, { ...context, policy }))).toBe(
      'record:BELOW_THRESHOLD',
    );
    expect(summary(evaluateException(at5, context))).toBe('act:SEVERITY');
  });

  it('compares uplift without dividing: f - b >= t × b', () => {
    expect(upliftReaches('0.3', '0.33', '0.1')).toBe(true);
    expect(upliftReaches(0, 0, 0)).toBe(true);
    expect(upliftReaches(0, 0, '0.1')).toBe(false);
    expect(upliftReaches(0, 1, '1000000')).toBe(true);
  });
});

describe('INVENTORY_RISK', () => {
  it.each([
    [
      'acts when the need is above 0, whatever the uplift',
      { forecastQty: 100, baselineQty: 100 },
      'act:NEED',
    ],
    ['records when the need is exactly 0', { forecastQty: 100, projectedOnHand: 100 }, 'record:NO_NEED'],
    [
      'records when stock covers more than the need',
      { forecastQty: 100, projectedOnHand: 150 },
      'record:NO_NEED',
    ],
  ] as const)('%s', (_name, overrides, expected) => {
    expect(summary(evaluateException(exception({ kind: 'INVENTORY_RISK', ...overrides }), context))).toBe(
      expected,
    );
  });

  it('counts open purchase orders before deciding there is a need', () => {
    const decision = evaluateException(exception({ kind: 'INVENTORY_RISK', forecastQty: 100 }), {
      ...noSupply,
      purchaseOrderLines: [poLine({ orderedQtyEa: 100 })],
    });
    expect(summary(decision)).toBe('record:NO_NEED');
  });

  it('leaves the open request it would amend out of the need', () => {
    const decision = evaluateException(exception({ kind: 'INVENTORY_RISK', forecastQty: 100 }), {
      ...noSupply,
      sourcingRequests: [request({ requestId: 'SR-9', quantityEa: 100, needBy: '2026-12-09' })],
    });
    expect(summary(decision)).toBe('act:NEED');
    expect(decision.outcome === 'act' && decision.assessment.openRequest?.requestId).toBe('SR-9');
    expect(decision.outcome === 'act' && decision.assessment.need.openSupplyEa.toString()).toBe('0');
  });
});

describe('DEMAND_DROP', () => {
  it('acts when an open request exists for the same item, site and bucket, whatever the thresholds', () => {
    const decision = evaluateException(exception({ kind: 'DEMAND_DROP', forecastQty: 50, severity: 'low' }), {
      ...noSupply,
      sourcingRequests: [request()],
    });
    expect(summary(decision)).toBe('act:DEMAND_DROP');
  });

  it('records only when there is no open request, even at critical severity', () => {
    const decision = evaluateException(
      exception({ kind: 'DEMAND_DROP', forecastQty: 50, severity: 'critical' }),
      { ...noSupply, sourcingRequests: [request({ status: 'awarded' }), request({ needBy: '2026-12-14' })] },
    );
    expect(summary(decision)).toBe('record:NO_OPEN_REQUEST');
  });
});

describe('stale and duplicate exceptions', () => {
  const handled = [
    { planId: 'CONSENSUS-2026W48', exceptionId: 'EXC-88213', planVersion: 5 },
    { planId: 'CONSENSUS-2026W48', exceptionId: 'EXC-88213', planVersion: 7 },
    { planId: 'CONSENSUS-2026W49', exceptionId: 'EXC-88213', planVersion: 9 },
    { planId: 'CONSENSUS-2026W48', exceptionId: 'EXC-1', planVersion: 9 },
  ];

  it.each([
    ['a lower version than one handled is stale', 6, 'stale'],
    ['a version handled before a higher one is stale', 5, 'stale'],
    ['the same version is a duplicate', 7, 'duplicate'],
    ['a higher version is evaluated (other plans and exception ids do not count)', 8, 'act:UPLIFT'],
  ] as const)('%s', (_name, planVersion, expected) => {
    const decision = evaluateException(exception({ planVersion }), {
      ...context,
      previouslyHandled: handled,
    });
    expect(summary(decision)).toBe(expected);
    if (decision.outcome === 'stale' || decision.outcome === 'duplicate')
      expect(decision.handledPlanVersion).toBe(7);
  });

  it('acts on nothing for a stale exception, whatever its kind', () => {
    const decision = evaluateException(exception({ kind: 'DEMAND_DROP', planVersion: 1 }), {
      ...noSupply,
      sourcingRequests: [request()],
      previouslyHandled: handled,
    });
    expect(decision.act).toBe(false);
  });
});

describe('contract violations', () => {
  it.each([
    ['an unknown kind', { kind: 'DEMAND_SPIKE' as ExceptionKind }],
    ['a negative baseline', { baselineQty: -1 }],
    ['a fractional plan version', { planVersion: 1.5 }],
    ['an unknown velocity class', { velocityClass: 'D' as 'A' }],
  ])('rejects %s', (_name, overrides) => {
    expect(() => evaluateException(exception(overrides), context)).toThrow(ContractViolation);
  });
});

describe('decidedWithoutSupply', () => {
  const base = {
    planId: 'P',
    planVersion: 1,
    exceptionId: 'E',
    itemCode: 'SKU-1',
    site: 'DC-1',
    uom: 'EA' as const,
    packSize: 12,
    bucket: { start: '2027-01-04', end: '2027-01-10' },
    projectedOnHand: 0,
    safetyStock: 0,
  };
  it('is true only for an uplift below both its class threshold and its class severity', () => {
    const uplift = { ...base, kind: 'DEMAND_UPLIFT' as const, velocityClass: 'A' as const, baselineQty: 100 };
    expect(decidedWithoutSupply({ ...uplift, severity: 'medium', forecastQty: 109 })).toBe(true);
    expect(decidedWithoutSupply({ ...uplift, severity: 'medium', forecastQty: 110 })).toBe(false);
    expect(decidedWithoutSupply({ ...uplift, severity: 'high', forecastQty: 101 })).toBe(false);
    expect(
      decidedWithoutSupply({
        ...base,
        kind: 'INVENTORY_RISK',
        velocityClass: 'A',
        severity: 'low',
        baselineQty: 1,
        forecastQty: 1,
      }),
    ).toBe(false);
    expect(
      decidedWithoutSupply({
        ...base,
        kind: 'DEMAND_DROP',
        velocityClass: 'A',
        severity: 'low',
        baselineQty: 10,
        forecastQty: 1,
      }),
    ).toBe(false);
  });
});
