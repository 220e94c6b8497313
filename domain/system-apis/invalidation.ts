/**
 * Which read-store views a canonical event changes (ADR 12): the middleware's own events keep the
 * system APIs fresh without reading the ERP on a timer. A receipt names its order by external
 * reference only: it invalidates the stock it moved, and the order follows when procurement
 * reports the received status (`purchase-order.changed`) or within the order's maximum staleness.
 */
import type { SystemView } from '../ports/read-store';

/** A view named by its kind and identity. */
export interface ViewRef {
  view: SystemView;
  id: string;
}

/** The event types that change views, and the data each carries that names them. */
export type ViewChangingEvent =
  | { eventType: 'item.updated'; data: { itemCode: string } }
  | { eventType: 'supplier.updated'; data: { supplierNumber: string } }
  | {
      eventType: 'purchase-order.posted' | 'purchase-order.amended' | 'purchase-order.changed';
      data: { poNumber: string };
    }
  | { eventType: 'purchase-order.acknowledged'; data: { poNumber: string } }
  | {
      eventType: 'receipt.posted';
      data: { warehouseCode: string; lines: readonly { itemCode: string }[] };
    };

/** The views `event` changed. */
export function viewsChangedBy(event: ViewChangingEvent): ViewRef[] {
  switch (event.eventType) {
    case 'item.updated':
      return [{ view: 'item', id: event.data.itemCode }];
    case 'supplier.updated':
      return [{ view: 'supplier', id: event.data.supplierNumber }];
    case 'receipt.posted': {
      const items = [...new Set(event.data.lines.map((line) => line.itemCode))];
      return items.map((itemCode) => ({
        view: 'inventory-balance' as const,
        id: inventoryBalanceId(itemCode, event.data.warehouseCode),
      }));
    }
    default:
      return [{ view: 'purchase-order', id: event.data.poNumber }];
  }
}

/** The identity of an item's balance in a warehouse. */
export function inventoryBalanceId(itemCode: string, warehouseCode: string): string {
  return `${itemCode}@${warehouseCode}`;
}
