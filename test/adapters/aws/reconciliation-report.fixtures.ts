/** A run's summary and two differences (one raised, one repaired) for the report writer's tests. */
import type { ReconciliationSummary } from '../../../domain/ports/reconciliation';
import { DIFFERENCE_CLASSES, type Difference } from '../../../domain/reconciliation/types';

export const summary: ReconciliationSummary = {
  runId: 'run-1',
  startedAt: '2026-12-05T03:00:00.000Z',
  finishedAt: '2026-12-05T03:04:00.000Z',
  window: { since: '2026-09-06T03:00:00.000Z', until: '2026-12-05T03:00:00.000Z' },
  orders: 2,
  differences: {
    ...(Object.fromEntries(
      DIFFERENCE_CLASSES.map((name) => [name, 0]),
    ) as ReconciliationSummary['differences']),
    missing_in_procurement: 1,
    quantity_mismatch: 1,
  },
  repaired: 1,
  exceptionsRaised: 1,
  repairFailures: 0,
  committedValues: [],
  committedValueDifferences: 0,
};

export const raised: Difference = {
  class: 'missing_in_procurement',
  externalRef: 'SL-PO-SR-000002',
  poNumber: 'PO-2026-000002',
  erpNumber: 'P2',
  lineNo: null,
  field: 'order',
  owner: 'procurement',
  expected: { system: 'procurement', value: null },
  found: { system: 'erp', value: 'P2' },
  resolution: {
    kind: 'exception',
    code: 'ORDER_MISSING_IN_PROCUREMENT',
    reason: 'Gone, "really", from the platform',
  },
};
export const repaired: Difference = {
  ...raised,
  class: 'quantity_mismatch',
  externalRef: 'SL-PO-SR-000003',
  poNumber: 'PO-2026-000003',
  erpNumber: 'P3',
  lineNo: 1,
  field: 'quantity',
  expected: { system: 'procurement', value: '500' },
  found: { system: 'erp', value: '480' },
  resolution: { kind: 'repair', action: 'amend-erp-order' },
};
