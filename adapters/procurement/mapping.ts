/**
 * Procurement platform deliveries -> canonical events. Procurement quantities are already eaches;
 * money stays a decimal string; statuses go through the code tables.
 */
import { purchaseOrderStatus, supplierStatus, toCanonical } from '../../canonical/codes/tables';
import { buildEvent, toUtc, type EventContext } from '../../canonical/envelope';
import type {
  PurchaseOrderAcknowledgedV1,
  PurchaseOrderChangedV1,
  SupplierUpdatedV1,
} from '../../canonical/generated/types';
import { quantityToString, sumOfProducts } from '../../domain/decimal';
import { CanonicalLimitError } from '../webhooks/held';
import type {
  ProcurementPurchaseOrderAcknowledged,
  ProcurementPurchaseOrderChanged,
  ProcurementSupplierUpdated,
} from './generated/types';

export interface TenantContext extends EventContext {
  tenantId: string;
}

export function mapPurchaseOrderChanged(
  delivery: ProcurementPurchaseOrderChanged,
  context: TenantContext,
): PurchaseOrderChangedV1 {
  // Canonical quantities are eaches and the contract gives no conversion from another unit.
  const otherUnits = delivery.lines.flatMap((line, index) =>
    line.uom === 'EA'
      ? []
      : [
          {
            pointer: `/lines/${index}/uom`,
            value: JSON.stringify(line.uom),
            limit: 'canonical quantities are eaches (EA)',
          },
        ],
  );
  if (otherUnits.length > 0) throw new CanonicalLimitError(otherUnits);
  const lines = delivery.lines.map((line) => ({
    lineNo: line.line_no,
    itemCode: line.item_code,
    quantityEa: quantityToString(line.qty),
    unitPrice: line.unit_price,
    needBy: line.need_by,
  }));
  const totalValue = sumOfProducts(
    delivery.lines.map((line) => ({ quantity: line.qty, price: line.unit_price })),
  );
  return buildEvent(
    'purchase-order.changed',
    {
      poNumber: delivery.po_number,
      revision: delivery.revision,
      status: toCanonical(purchaseOrderStatus, 'procurement', delivery.status),
      changedAt: toUtc(delivery.changed_at),
      lines,
      totalValue,
    },
    {
      sourceObjectId: delivery.po_number,
      sourceVersion: delivery.revision,
      occurredAt: delivery.changed_at,
      correlationId: delivery.event_id,
      causationId: delivery.event_id,
      // The same revision is a duplicate whatever its event id (vendor contract).
      idempotencyKey: `purchase-order:${delivery.po_number}:r${delivery.revision}:${delivery.status}`,
      tenantId: context.tenantId,
    },
    context,
  );
}

export function mapPurchaseOrderAcknowledged(
  delivery: ProcurementPurchaseOrderAcknowledged,
  context: TenantContext,
): PurchaseOrderAcknowledgedV1 {
  return buildEvent(
    'purchase-order.acknowledged',
    {
      poNumber: delivery.po_number,
      revision: delivery.revision,
      supplierNumber: delivery.supplier_number,
      acknowledgedAt: toUtc(delivery.acknowledged_at),
      lines: delivery.lines.map((line) => ({
        lineNo: line.line_no,
        confirmedQuantityEa: quantityToString(line.confirmed_qty),
        confirmedDate: line.confirmed_date,
      })),
    },
    {
      sourceObjectId: delivery.po_number,
      sourceVersion: delivery.revision,
      occurredAt: delivery.acknowledged_at,
      correlationId: delivery.event_id,
      causationId: delivery.event_id,
      // A later confirmation of the same revision (e.g. partial then full) is a new fact: key on its time.
      idempotencyKey: `purchase-order-ack:${delivery.po_number}:r${delivery.revision}:${Date.parse(delivery.acknowledged_at)}`,
      tenantId: context.tenantId,
    },
    context,
  );
}

export function mapSupplierUpdated(
  delivery: ProcurementSupplierUpdated,
  context: TenantContext,
): SupplierUpdatedV1 {
  const updatedAt = new Date(delivery.updated_at);
  return buildEvent(
    'supplier.updated',
    {
      supplierNumber: delivery.supplier_number,
      // The delivery carries the status only; name and terms come from the supplier resource.
      status: toCanonical(supplierStatus, 'procurement', delivery.status),
      updatedAt: updatedAt.toISOString(),
    },
    {
      sourceObjectId: delivery.supplier_number,
      // Suppliers have no revision: their update time orders the versions.
      sourceVersion: updatedAt.getTime(),
      occurredAt: updatedAt,
      correlationId: delivery.event_id,
      causationId: delivery.event_id,
      idempotencyKey: `supplier:${delivery.supplier_number}:${updatedAt.getTime()}`,
      tenantId: context.tenantId,
    },
    context,
  );
}
