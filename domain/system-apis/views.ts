/**
 * The canonical views the system APIs answer, each read from the systems that hold its parts: what
 * one fill of the read store reads (domain/system-apis/read-through.ts). The views carry no `asOf`
 * nor `updatedAt`; the store adds them, so equal content has an equal entity tag.
 */
import type {
  ErpOrderRecord,
  OrderLineView,
  ProcurementOrderRecord,
  ReceiptView,
  SyncStatus,
} from '../../canonical/generated/types';
import { itemStatus, purchaseOrderStatus, supplierStatus, toCanonical } from '../../canonical/codes/tables';
import { BusinessRejection } from '../failures';
import type { ErpItem, ErpPort } from '../ports/erp';
import type { ProcurementPurchaseOrder, ProcurementSupplier } from '../ports/procurement';
import type { ErpOrderView } from '../reconciliation/types';
import type { Catalogue } from './catalogue';
import { inventoryBalanceId } from './invalidation';
import type { Fill } from './read-through';

/** The ERP's item master, as an item view. */
export async function itemFill(itemCode: string, erp: Pick<ErpPort, 'getItem'>): Promise<Fill> {
  const item = await erp.getItem(itemCode);
  return item ? itemView(item) : { body: null };
}

/** The item catalogue: the ERP's item master listed in pages (the items' bounded refresh). */
export function itemCatalogue(
  erp: Pick<ErpPort, 'listItems'>,
  bounds: Pick<Catalogue, 'pageSize' | 'maxPages'>,
): Catalogue {
  return {
    ...bounds,
    page: async (after, limit) =>
      (await erp.listItems({ ...(after === undefined ? {} : { after }), limit })).map((item) => ({
        id: item.itemCode,
        fill: itemView(item),
      })),
  };
}

function itemView(item: ErpItem): Fill {
  const status = toCanonical(itemStatus, 'erp', item.active ? 'active' : 'inactive');
  return {
    body: {
      itemCode: item.itemCode,
      name: item.name,
      status,
      purchasable: item.purchasable,
      baseUom: item.uom,
    },
    filters: { status },
  };
}

/** What a location view reads: the ERP's warehouse and the environment's site cross-references. */
export interface LocationSources {
  erp: Pick<ErpPort, 'getWarehouse'>;
  /** Planning site (= procurement ship_to) -> ERP warehouse code. */
  siteWarehouses: Readonly<Record<string, string>>;
}

/**
 * A location: the ERP warehouse with the sites that map to it. One the ERP does not know but a site
 * maps to is still a location (orders to it are refused); known to neither: null.
 */
export async function locationFill(warehouseCode: string, sources: LocationSources): Promise<Fill> {
  const sites = Object.entries(sources.siteWarehouses)
    .filter(([, warehouse]) => warehouse === warehouseCode)
    .map(([site]) => site)
    .sort();
  const warehouse = await sources.erp.getWarehouse(warehouseCode);
  if (!warehouse && sites.length === 0) return { body: null };
  // The policy check's rule (domain/commitment/policy-check.ts): the site maps to an active warehouse.
  const orderable = sites.length > 0 && warehouse?.active === true;
  return {
    body: {
      warehouseCode,
      sites,
      erp: { known: warehouse !== null, active: warehouse?.active ?? false, name: warehouse?.name ?? null },
      orderable,
    },
    filters: { orderable: String(orderable) },
  };
}

/** The balance id's item and warehouse (`<itemCode>@<warehouseCode>`, validated by the API's schema). */
export function balanceParts(balanceId: string): { itemCode: string; warehouseCode: string } {
  const at = balanceId.indexOf('@');
  return { itemCode: balanceId.slice(0, at), warehouseCode: balanceId.slice(at + 1) };
}

/** An item's stock in a warehouse; an item or warehouse the ERP does not know: null. */
export async function inventoryBalanceFill(
  balanceId: string,
  erp: Pick<ErpPort, 'getInventoryBalance'>,
): Promise<Fill> {
  const { itemCode, warehouseCode } = balanceParts(balanceId);
  try {
    const balance = await erp.getInventoryBalance(itemCode, warehouseCode);
    return {
      body: {
        balanceId: inventoryBalanceId(itemCode, warehouseCode),
        itemCode,
        warehouseCode,
        onHandEa: balance.onHandEa,
        forecastEa: balance.forecastEa,
      },
      filters: { itemCode, warehouseCode },
    };
  } catch (error) {
    if (error instanceof BusinessRejection && ['ITEM_UNKNOWN', 'WAREHOUSE_UNKNOWN'].includes(error.code))
      return { body: null };
    throw error;
  }
}

/** What a supplier view reads: procurement's rating and the ERP's party. */
export interface SupplierSources {
  procurementSupplier(supplierNumber: string): Promise<ProcurementSupplier | null>;
  erp: Pick<ErpPort, 'getSupplier'>;
}

/** A supplier over both systems, with the eligibility the commitment workflow applies. */
export async function supplierFill(supplierNumber: string, sources: SupplierSources): Promise<Fill> {
  const [rated, party] = await Promise.all([
    sources.procurementSupplier(supplierNumber),
    sources.erp.getSupplier(supplierNumber),
  ]);
  if (!rated && !party) return { body: null };
  const procurementStatus = rated ? toCanonical(supplierStatus, 'procurement', rated.status) : null;
  // The policy check's rule (domain/commitment/policy-check.ts): approved and an active ERP party.
  const eligible = procurementStatus === 'APPROVED' && party?.active === true;
  return {
    body: {
      supplierNumber,
      name: rated?.name ?? party?.name ?? null,
      procurementStatus,
      erp: { known: party !== null, active: party?.active ?? false, name: party?.name ?? null },
      eligible,
    },
    filters: { ...(procurementStatus ? { procurementStatus } : {}), eligible: String(eligible) },
  };
}

/** What a purchase order view reads: each system's order and the ledger's record of it. */
export interface PurchaseOrderSources {
  procurementOrder(poNumber: string): Promise<ProcurementPurchaseOrder | null>;
  erpOrder(externalRef: string): Promise<ErpOrderView | null>;
  ledger(externalRef: string): Promise<Pick<SyncStatus, 'systems' | 'lags'>>;
}

const line = (
  l: { lineNo: number; itemCode: string; quantityEa: string; unitPrice: string },
  date: string | null,
) => ({
  lineNo: l.lineNo,
  itemCode: l.itemCode,
  quantityEa: l.quantityEa,
  unitPrice: l.unitPrice,
  date,
});

/**
 * The ERP's order with its receipts from the first instance that holds it, primary first: the
 * platform's order carries no warehouse to route by, and one instance holds each reference.
 */
export async function erpOrderOfAnyInstance(
  erps: readonly { readonly erp: Pick<ErpPort, 'findPurchaseOrder' | 'listReceipts'> }[],
  externalRef: string,
): Promise<ErpOrderView | null> {
  for (const { erp } of erps) {
    const order = await erp.findPurchaseOrder(externalRef);
    if (order) return { ...order, receipts: await erp.listReceipts(externalRef) };
  }
  return null;
}

/** A purchase order across procurement, the ERP and the sync ledger; unknown to procurement: null. */
export async function purchaseOrderFill(poNumber: string, sources: PurchaseOrderSources): Promise<Fill> {
  const order = await sources.procurementOrder(poNumber);
  if (!order) return { body: null };
  const [erpOrder, ledger] = await Promise.all([
    sources.erpOrder(order.externalRef),
    sources.ledger(order.externalRef),
  ]);
  const status = toCanonical(purchaseOrderStatus, 'procurement', order.status);
  const procurement: ProcurementOrderRecord = {
    status,
    revision: order.revision,
    supplierNumber: order.supplierNumber,
    currency: order.currency,
    lines: order.lines.map((l): OrderLineView => line(l, l.needBy)),
  };
  const erp: ErpOrderRecord | null = erpOrder && {
    erpNumber: erpOrder.number,
    status: toCanonical(purchaseOrderStatus, 'erp', erpOrder.state),
    revision: erpOrder.revision,
    warehouseCode: erpOrder.warehouseCode,
    purchaseDate: erpOrder.purchaseDate,
    lines: erpOrder.lines.map((l) => line(l, l.deliveryDate)),
  };
  const receipts: ReceiptView[] = (erpOrder?.receipts ?? []).map((receipt) => ({
    receiptNumber: receipt.receiptNumber,
    state: receipt.state,
    receivedAt: receipt.receivedAt ?? null,
    lines: receipt.lines.map(({ itemCode, quantityEa }) => ({ itemCode, quantityEa })),
  }));
  return {
    body: {
      poNumber,
      externalRef: order.externalRef,
      procurement,
      ...(erp ? { erp } : {}),
      confirmations: ledger.systems,
      receipts,
      syncLag: ledger.lags,
    },
    filters: { supplierNumber: order.supplierNumber, status },
  };
}
