/**
 * GET /v1/purchase-orders/{poNumber} and GET /v1/purchase-orders: a purchase order across
 * procurement, the ERP (order and receipts) and the sync ledger, from the read store; a miss reads
 * each system once, in the bulk lanes (the ERP instances in turn until one holds the order).
 */
import { ProcurementOrders } from '../../adapters/procurement/order-reader';
import { validatePurchaseOrderQuery } from '../../canonical/generated/validators';
import { erpOrderOfAnyInstance, purchaseOrderFill } from '../../domain/system-apis/views';
import { syncLedger } from '../commons/adapters';
import { lazy } from '../commons/clients';
import { erpBulkReadsByInstance, procurementPurchaseOrders } from '../commons/connectors';
import { viewHandler } from './system-views';

const sources = /* @__PURE__ */ lazy(() => {
  // An API caller is answered or told to retry: no waiting for the bulk lane here.
  const procurement = new ProcurementOrders(procurementPurchaseOrders(), { concurrency: 1, maxWaits: 0 });
  const erps = erpBulkReadsByInstance().all();
  return {
    procurementOrder: async (poNumber: string) =>
      (await procurement.ordersByNumber([poNumber])).get(poNumber) ?? null,
    erpOrder: (externalRef: string) => erpOrderOfAnyInstance(erps, externalRef),
    ledger: async (externalRef: string) => {
      const { systems, lags } = await syncLedger().status({
        objectType: 'PurchaseOrder',
        objectId: externalRef,
      });
      return { systems, lags };
    },
  };
});

export const handler = viewHandler({
  view: 'purchase-order',
  idParameter: 'poId',
  filterParameters: ['supplierNumber', 'status'],
  validate: validatePurchaseOrderQuery,
  read: (poNumber) => purchaseOrderFill(poNumber, sources()),
});
