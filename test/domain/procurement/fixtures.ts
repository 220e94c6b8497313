import type {
  ForecastException,
  PurchaseOrderLineSnapshot,
  SourcingRequestSnapshot,
} from '../../../domain/procurement';

/** Week 2026-12-07..13 for SKU-10442 at DC-EAST-02, in eaches, case pack 12. */
export function exception(overrides: Partial<ForecastException> = {}): ForecastException {
  return {
    planId: 'CONSENSUS-2026W48',
    planVersion: 7,
    exceptionId: 'EXC-88213',
    kind: 'DEMAND_UPLIFT',
    severity: 'low',
    itemCode: 'SKU-10442',
    site: 'DC-EAST-02',
    uom: 'EA',
    packSize: 12,
    bucket: { start: '2026-12-07', end: '2026-12-13' },
    baselineQty: 100,
    forecastQty: 110,
    projectedOnHand: 0,
    safetyStock: 0,
    velocityClass: 'A',
    ...overrides,
  };
}

export function request(overrides: Partial<SourcingRequestSnapshot> = {}): SourcingRequestSnapshot {
  return {
    requestId: 'SR-000123',
    itemCode: 'SKU-10442',
    site: 'DC-EAST-02',
    status: 'open',
    quantityEa: '48',
    needBy: '2026-12-07',
    ...overrides,
  };
}

export function poLine(overrides: Partial<PurchaseOrderLineSnapshot> = {}): PurchaseOrderLineSnapshot {
  return {
    poNumber: 'PO-2026-004411',
    lineNo: 1,
    itemCode: 'SKU-10442',
    site: 'DC-EAST-02',
    status: 'issued',
    orderedQtyEa: '24',
    needBy: '2026-12-09',
    ...overrides,
  };
}

export const noSupply = { sourcingRequests: [], purchaseOrderLines: [] } as const;
