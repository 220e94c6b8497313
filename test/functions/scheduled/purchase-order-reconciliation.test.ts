import { describe, expect, it } from 'vitest';
import { windowStartOf } from '../../../functions/scheduled/purchase-order-reconciliation';

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
