/**
 * Reconciliation across business units (ADR 0013): each recorded order is compared with the ERP
 * instance its warehouse maps to, each instance read in its own pages (and, in the composition
 * root, its own request budget), and the listing of orders Supplyline never recorded is made in
 * every instance. A single-instance environment reads its one ERP as before.
 */
import type { ErpInstances } from '../business-units';
import type { ErpOrderLocator, ErpOrderReader, ReferencedErpOrder } from '../ports/reconciliation';
import type { ErpOrderView } from './types';

/** One reader over every instance's reader, routing each order by its warehouse. */
export function erpOrdersByInstance(readers: Omit<ErpInstances<ErpOrderReader>, 'primary'>): ErpOrderReader {
  return {
    async ordersByReference(orders: readonly ErpOrderLocator[]) {
      const byInstance = new Map<string, ErpOrderLocator[]>();
      for (const order of orders) {
        const instance = readers.instanceFor(order.warehouseCode);
        const page = byInstance.get(instance);
        if (page) page.push(order);
        else byInstance.set(instance, [order]);
      }
      // Instances have their own budgets and breakers: one's pages need not wait for another's.
      const found = await Promise.all(
        [...byInstance.values()].map((page) =>
          readers.forWarehouse(page[0]!.warehouseCode).ordersByReference(page),
        ),
      );
      const merged = new Map<string, ErpOrderView>();
      for (const orderViews of found) for (const [ref, view] of orderViews) merged.set(ref, view);
      return merged;
    },
    async *referencedOrders(days, after) {
      const all = readers.all();
      // Each instance in turn: a listing resumed after `after` skips the instances listed before it
      // (-1, every instance from its start, when `after`'s has since left the configuration).
      const resumeAt =
        after?.instance === undefined ? 0 : all.findIndex(({ instance }) => instance === after.instance);
      for (const [index, { instance, erp }] of all.entries()) {
        if (index < resumeAt) continue;
        for await (const page of erp.referencedOrders(days, index === resumeAt ? after : undefined))
          // Order numbers repeat across instances: a person needs to know which ERP holds it.
          yield all.length === 1 ? page : page.map((order): ReferencedErpOrder => ({ ...order, instance }));
      }
    },
    committedValue: (warehouseCode, month) =>
      readers.forWarehouse(warehouseCode).committedValue(warehouseCode, month),
  };
}
