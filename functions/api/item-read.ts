/**
 * The ERP master data system APIs, one function (ADR 14's resource budget), each from the read
 * store (functions/api/system-views.ts); a miss reads the ERP once, in its budget's bulk lane:
 * - GET /v1/items/{itemCode} and /v1/items: items as the primary ERP instance holds them (ADR 13);
 * - GET /v1/locations/{warehouseCode} and /v1/locations: warehouses with the sites mapped to them,
 *   each from the ERP instance holding it;
 * - GET /v1/inventory-balances/{balanceId} and /v1/inventory-balances: an item's stock in a warehouse,
 *   from the ERP instance holding the warehouse.
 */
import {
  validateInventoryBalanceQuery,
  validateItemQuery,
  validateLocationQuery,
} from '../../canonical/generated/validators';
import { VIEW_CATALOGUES } from '../../application/system-apis';
import {
  balanceParts,
  inventoryBalanceFill,
  itemCatalogue,
  itemFill,
  locationFill,
} from '../../domain/system-apis/views';
import { businessRules } from '../commons/adapters';
import { erpBulkReads, erpBulkReadsByInstance } from '../commons/connectors';
import { viewHandler, viewsHandler } from './system-views';

export const handler = viewsHandler({
  items: viewHandler({
    view: 'item',
    idParameter: 'itemCode',
    filterParameters: ['status'],
    validate: validateItemQuery,
    read: (itemCode) => itemFill(itemCode, erpBulkReads()),
    catalogue: () => itemCatalogue(erpBulkReads(), VIEW_CATALOGUES.item),
  }),
  locations: viewHandler({
    view: 'location',
    idParameter: 'warehouseCode',
    filterParameters: ['orderable'],
    validate: validateLocationQuery,
    read: (warehouseCode) =>
      locationFill(warehouseCode, {
        erp: erpBulkReadsByInstance().forWarehouse(warehouseCode),
        siteWarehouses: businessRules().siteWarehouses,
      }),
  }),
  'inventory-balances': viewHandler({
    view: 'inventory-balance',
    idParameter: 'balanceId',
    filterParameters: ['itemCode', 'warehouseCode'],
    validate: validateInventoryBalanceQuery,
    read: (balanceId) =>
      inventoryBalanceFill(
        balanceId,
        erpBulkReadsByInstance().forWarehouse(balanceParts(balanceId).warehouseCode),
      ),
  }),
});
