/**
 * The procurement platform's webhook payloads (vendor REST API v2), as its documentation describes
 * them. Vendor objects are open: the vendor may add fields, which we ignore and never read.
 */
import {
  array,
  date,
  dateTime,
  decimal,
  enumOf,
  integer,
  number,
  object,
  ref,
  string,
  version,
  type Schema,
} from '../../canonical/schemas/dsl';

/** We accept procurement deliveries up to the same size as planning's; the vendor states no limit. */
export const PROCUREMENT_MAX_BODY_BYTES = 262_144;

// The contract states no length or characters for ids: any non-empty string, held when the canonical
// model cannot carry it (its ids build keys).
const vendorId = (description: string) => string({ minLength: 1, description });

export const procurementWebhookSchemas = {
  ProcurementAckLine: object(
    {
      line_no: integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'PO line number' }),
      confirmed_qty: number({ description: 'Confirmed quantity, EA (no minimum stated)' }),
      confirmed_date: date('Confirmed delivery date'),
    },
    { open: true },
  ),
  ProcurementPurchaseOrderAcknowledged: object(
    {
      event_id: vendorId('Event id'),
      po_number: vendorId('PO number'),
      revision: version('Revision acknowledged'),
      acknowledged_at: dateTime('When the supplier confirmed'),
      lines: array(ref('ProcurementAckLine'), { minItems: 1 }),
      supplier_number: vendorId('Supplier number'),
    },
    { open: true, description: 'purchase_order.acknowledged delivery' },
  ),
  ProcurementPoLine: object(
    {
      line_no: integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'PO line number' }),
      item_code: vendorId('Item code'),
      qty: number({ description: 'Quantity in uom (no minimum stated)' }),
      // "EA unless uom says otherwise": any unit is the vendor's to send; only EA is carried.
      uom: string({ minLength: 1, description: 'Unit (EA unless it says otherwise)' }),
      unit_price: decimal('Unit price', { nonNegative: true }),
      need_by: date('Need-by date'),
    },
    { open: true },
  ),
  ProcurementPurchaseOrderChanged: object(
    {
      event_id: vendorId('Event id'),
      po_number: vendorId('PO number'),
      revision: version('Revision'),
      status: enumOf(
        ['draft', 'issued', 'acknowledged', 'partially_received', 'received', 'closed', 'cancelled'],
        'PO status',
      ),
      changed_at: dateTime('When it changed'),
      lines: array(ref('ProcurementPoLine'), { minItems: 1 }),
    },
    { open: true, description: 'purchase_order.changed delivery' },
  ),
  ProcurementSupplierUpdated: object(
    {
      event_id: vendorId('Event id'),
      supplier_number: vendorId('Supplier number'),
      status: enumOf(['approved', 'pending', 'on_hold', 'blocked'], 'Supplier status'),
      updated_at: dateTime('When it changed'),
    },
    { open: true, description: 'supplier.updated delivery' },
  ),
} satisfies Record<string, Schema>;

/** Deliveries by the `X-Proc-Event` header value. */
export const PROCUREMENT_EVENTS = {
  'purchase_order.acknowledged': 'ProcurementPurchaseOrderAcknowledged',
  'purchase_order.changed': 'ProcurementPurchaseOrderChanged',
  'supplier.updated': 'ProcurementSupplierUpdated',
} as const;
