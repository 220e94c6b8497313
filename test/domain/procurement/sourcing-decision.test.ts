import { describe, expect, it } from 'vitest';
import {
  decideSourcingAction,
  type ExceptionContext,
  type ForecastException,
  type SourcingAction,
  type SourcingRequestSnapshot,
} from '../../../domain/procurement';
import { exception, noSupply, poLine, request } from './fixtures';

/** The action with decimals as strings, for readable expectations. */
function plain(action: SourcingAction): Record<string, unknown> {
  return JSON.parse(JSON.stringify(action)) as Record<string, unknown>;
}

function decide(
  overrides: Partial<ForecastException>,
  requests: SourcingRequestSnapshot[] = [],
  extra: Partial<ExceptionContext> = {},
) {
  return plain(
    decideSourcingAction(exception(overrides), { ...noSupply, sourcingRequests: requests, ...extra }),
  );
}

describe('sourcing decision', () => {
  it('creates a request for the pack-rounded quantity, needed by the bucket start', () => {
    expect(decide({ forecastQty: 110, projectedOnHand: 20 })).toEqual({
      kind: 'create',
      quantityEa: '96',
      needBy: '2026-12-07',
    });
  });

  it('creates nothing when the exception acts but supply covers the need', () => {
    expect(decide({ forecastQty: 110, projectedOnHand: 200 })).toEqual({ kind: 'none', reason: 'NO_NEED' });
  });

  it('counts other open supply (a second request, a PO) against the need', () => {
    const action = decide({ forecastQty: 110 }, [request()], {
      purchaseOrderLines: [poLine({ orderedQtyEa: 24 })],
    });
    // 110 - 24 (PO) = 86 -> 96; SR-000123 is the one amended, so it does not count
    expect(action).toEqual({
      kind: 'amend',
      requestId: 'SR-000123',
      fromQuantityEa: '48',
      toQuantityEa: '96',
      needBy: '2026-12-07',
      previousNeedBy: '2026-12-07',
    });
  });

  it('amends the open request for the bucket instead of creating a second one', () => {
    const action = decide({ forecastQty: 130 }, [request({ quantityEa: 48, needBy: '2026-12-10' })]);
    expect(action).toEqual({
      kind: 'amend',
      requestId: 'SR-000123',
      fromQuantityEa: '48',
      toQuantityEa: '132',
      needBy: '2026-12-07',
      previousNeedBy: '2026-12-10',
    });
  });

  it('leaves an open request that already has the right quantity and need-by alone', () => {
    expect(decide({ forecastQty: 110 }, [request({ quantityEa: 120 })])).toEqual({
      kind: 'none',
      reason: 'UNCHANGED',
    });
  });

  it('cancels the open request when an acting uplift leaves nothing to order', () => {
    expect(decide({ forecastQty: 110, projectedOnHand: 110 }, [request()])).toEqual({
      kind: 'cancel',
      requestId: 'SR-000123',
    });
  });

  it('does nothing below the thresholds, even with an open request', () => {
    expect(decide({ forecastQty: 105 }, [request()])).toEqual({ kind: 'none', reason: 'BELOW_THRESHOLD' });
  });

  it.each([
    ['stale', 6, 'STALE'],
    ['duplicate', 7, 'DUPLICATE'],
  ] as const)('does nothing for a %s exception', (_name, planVersion, reason) => {
    const previouslyHandled = [{ planId: 'CONSENSUS-2026W48', exceptionId: 'EXC-88213', planVersion: 7 }];
    expect(decide({ planVersion }, [request()], { previouslyHandled })).toEqual({ kind: 'none', reason });
  });
});

describe('sourcing decision for a demand drop', () => {
  it('amends the open request down to the recomputed quantity', () => {
    expect(
      decide({ kind: 'DEMAND_DROP', baselineQty: 200, forecastQty: 50 }, [request({ quantityEa: 204 })]),
    ).toEqual({
      kind: 'amend',
      requestId: 'SR-000123',
      fromQuantityEa: '204',
      toQuantityEa: '60',
      needBy: '2026-12-07',
      previousNeedBy: '2026-12-07',
    });
  });

  it('cancels the open request when the recomputed quantity is 0', () => {
    expect(
      decide({ kind: 'DEMAND_DROP', baselineQty: 200, forecastQty: 50, projectedOnHand: 80 }, [
        request({ quantityEa: 204 }),
      ]),
    ).toEqual({ kind: 'cancel', requestId: 'SR-000123' });
  });

  it('records only when there is no open request for the bucket', () => {
    expect(
      decide({ kind: 'DEMAND_DROP', baselineQty: 200, forecastQty: 50 }, [request({ needBy: '2026-12-14' })]),
    ).toEqual({ kind: 'none', reason: 'NO_OPEN_REQUEST' });
  });
});

describe('sourcing decision for an inventory risk', () => {
  it('creates a request when there is a need, whatever the uplift', () => {
    expect(
      decide({
        kind: 'INVENTORY_RISK',
        baselineQty: 100,
        forecastQty: 100,
        safetyStock: 30,
        projectedOnHand: 110,
      }),
    ).toEqual({
      kind: 'create',
      quantityEa: '24',
      needBy: '2026-12-07',
    });
  });

  it('amends the open request when there is a need', () => {
    expect(decide({ kind: 'INVENTORY_RISK', forecastQty: 100 }, [request()])).toMatchObject({
      kind: 'amend',
      toQuantityEa: '108',
    });
  });

  it('leaves an open request alone when there is no need', () => {
    expect(decide({ kind: 'INVENTORY_RISK', forecastQty: 100, projectedOnHand: 100 }, [request()])).toEqual({
      kind: 'none',
      reason: 'NO_NEED',
    });
  });
});
