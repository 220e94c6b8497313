import { describe, expect, it } from 'vitest';
import { driftPercent } from '../../../domain/reconciliation/drift';
import { DIFFERENCE_CLASSES } from '../../../domain/reconciliation/types';

const none = Object.fromEntries(DIFFERENCE_CLASSES.map((name) => [name, 0])) as Record<
  (typeof DIFFERENCE_CLASSES)[number],
  number
>;

describe('drift of a reconciliation run', () => {
  it('is the differences of every class per 100 orders compared', () => {
    expect(driftPercent({ orders: 200, differences: { ...none, quantity_mismatch: 3, status_lag: 1 } })).toBe(
      2,
    );
  });

  it('counts every difference, so one order with several may drift beyond 100', () => {
    expect(
      driftPercent({ orders: 1, differences: { ...none, quantity_mismatch: 1, date_mismatch: 1 } }),
    ).toBe(200);
  });

  it('is 0 when no order was compared (an empty window is not drift)', () => {
    expect(driftPercent({ orders: 0, differences: none })).toBe(0);
  });
});
