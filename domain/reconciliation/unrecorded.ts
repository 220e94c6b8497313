/**
 * ERP orders that carry the middleware's reference but that Supplyline has no record of (its
 * record lost, or a person who copied a reference into an order made in the ERP). The contract
 * names them `missing_in_procurement`: "an ERP purchase order with a middleware reference has no
 * platform order". Without a record the middleware knows no platform order for it, so a person
 * decides and nothing is repaired. An order a person makes in the ERP without the middleware's
 * reference is not compared: the contract reconciles the orders the middleware created or learned
 * of, and tells them by that reference.
 */
import type { ReconciliationWindow, ReferencedErpOrder } from '../ports/reconciliation';
import type { Difference } from './types';

/** How the middleware's purchase-order references begin (domain/commitment/steps.ts purchaseOrderRef). */
export const MIDDLEWARE_REFERENCE_PREFIX = 'SL-PO-';

const DAY_MS = 86_400_000;

/**
 * The whole UTC days inside the window, as ERP purchase dates `[from, until)`: the ERP dates an
 * order by its posting day, and an order posted on a day the window only partly covers may be
 * recorded just outside it, so those days are left to the run whose window covers them whole.
 * Undefined when the window holds no whole day.
 */
export function wholeDaysOf(window: ReconciliationWindow): { from: string; until: string } | undefined {
  const since = Date.parse(window.since);
  const from = Math.ceil(since / DAY_MS) * DAY_MS;
  const until = Math.floor(Date.parse(window.until) / DAY_MS) * DAY_MS;
  if (from >= until) return undefined;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(from), until: day(until) };
}

/** The difference of an ERP order with the middleware's reference that Supplyline never recorded. */
export function unrecordedErpOrder(order: ReferencedErpOrder): Difference {
  const where = order.instance === undefined ? '' : ` (ERP instance ${order.instance})`;
  return {
    class: 'missing_in_procurement',
    externalRef: order.externalRef,
    poNumber: null,
    erpNumber: order.number,
    lineNo: null,
    field: 'order',
    owner: 'procurement',
    expected: { system: 'procurement', value: null },
    found: { system: 'erp', value: order.number },
    resolution: {
      kind: 'exception',
      code: 'ORDER_UNKNOWN_TO_SUPPLYLINE',
      reason:
        `ERP order ${order.number}${where} carries the middleware's reference ${order.externalRef}, but Supplyline has no ` +
        'record of it, so no procurement platform order is known for it: a person decides whether it stands.',
    },
  };
}
