import { describe, expect, it } from 'vitest';
import { runMetrics, windowStartOf } from '../../../functions/scheduled/purchase-order-reconciliation';
import type { ReconciliationSummary } from '../../../domain/ports/reconciliation';
import { DIFFERENCE_CLASSES } from '../../../domain/reconciliation/types';

describe('the reconciliation window start of an invocation', () => {
  it("is the on-demand run's since", () => {
    expect(windowStartOf({ since: '2026-11-01T00:00:00Z' })).toEqual(new Date('2026-11-01T00:00:00Z'));
  });

  it("is absent for the schedule's event, which names none (the contract's window applies)", () => {
    expect(windowStartOf({ 'detail-type': 'Scheduled Event', time: '2026-12-05T03:00:00Z' })).toBeUndefined();
    expect(windowStartOf(undefined)).toBeUndefined();
  });

  it('refuses a since that is not a time, before any system is read', () => {
    expect(() => windowStartOf({ since: 'last week' })).toThrow(/since must be an ISO 8601 time/);
    expect(() => windowStartOf({ since: 20261101 })).toThrow(/since must be an ISO 8601 time/);
  });
});

describe('the metrics a run feeds', () => {
  const summary: ReconciliationSummary = {
    runId: 'run-1',
    startedAt: '2026-12-05T03:00:00.000Z',
    finishedAt: '2026-12-05T03:10:00.000Z',
    window: { since: '2026-09-06T03:00:00.000Z', until: '2026-12-05T03:00:00.000Z' },
    orders: 400,
    differences: {
      ...(Object.fromEntries(
        DIFFERENCE_CLASSES.map((name) => [name, 0]),
      ) as ReconciliationSummary['differences']),
      quantity_mismatch: 5,
      missing_in_erp: 1,
    },
    repaired: 4,
    exceptionsRaised: 2,
    repairFailures: 0,
    committedValues: [],
    committedValueDifferences: 0,
  };

  it('include the drift, differences per 100 orders compared, for the drift alarm', () => {
    expect(runMetrics(summary)).toContainEqual({
      name: 'ReconciliationDriftPercent',
      value: 1.5,
      unit: 'Percent',
    });
  });

  it('keep the orders, each class (0 included), the repairs and the committed-value differences', () => {
    const metrics = runMetrics(summary);
    expect(metrics).toContainEqual({ name: 'ReconciliationOrders', value: 400, unit: 'Count' });
    expect(metrics.filter((metric) => metric.name === 'ReconciliationDifferences')).toHaveLength(
      DIFFERENCE_CLASSES.length,
    );
    expect(metrics).toContainEqual({
      name: 'ReconciliationDifferences',
      value: 5,
      unit: 'Count',
      dimensions: { DifferenceClass: 'quantity_mismatch' },
    });
    expect(metrics).toContainEqual({ name: 'ReconciliationRepairs', value: 4, unit: 'Count' });
  });
});
