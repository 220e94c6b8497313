/**
 * The procurement platform's webhook payloads (vendor REST API v2), as its documentation describes
 * them. Vendor objects are open: the vendor may add fields, which we ignore and never read.
 */
import {
  array,
  carried,
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
import { carriedAs, carriedEventId, carriedQuantity, carriedTime } from '../webhooks/carried-limits';

/** We accept procurement deliveries up to the same size as planning's; the vendor states no limit. */
export const PROCUREMENT_MAX_BODY_BYTES = 262_144;

// The contract states no length or characters for ids: any non-empty string, held when the canonical
// model cannot carry it (its ids build keys).
const vendorId = (description: string) => string({ minLength: 1, description });
const eventId = () => carriedEventId(vendorId('Event id'));
const poNumber = () => carriedAs(vendorId('PO number'), 'PurchaseOrderRevision', 'poNumber');
const supplierNumber = () => carriedAs(vendorId('Supplier number'), 'Supplier', 'supplierNumber');

export const procurementWebhookSchemas = {
  ProcurementAckLine: object(
    {
      line_no: integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'PO line number' }),
      confirmed_qty: carriedQuantity(number({ description: 'Confirmed quantity, EA (no minimum stated)' })),
      confirmed_date: date('Confirmed delivery date'),
    },
    { open: true },
  ),
  ProcurementPurchaseOrderAcknowledged: object(
    {
      event_id: eventId(),
      po_number: poNumber(),
      revision: version('Revision acknowledged'),
      acknowledged_at: carriedTime(dateTime('When the supplier confirmed')),
      lines: array(ref('ProcurementAckLine'), { minItems: 1 }),
      supplier_number: supplierNumber(),
    },
    { open: true, description: 'purchase_order.acknowledged delivery' },
  ),
  ProcurementPoLine: object(
    {
      line_no: integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'PO line number' }),
      item_code: carriedAs(vendorId('Item code'), 'PurchaseOrderLine', 'itemCode'),
      // Whole eaches up to 1,000,000, prices of at most nine characters (below 1e9) and at most
      // 1,000 lines keep the order's total within the canonical decimal (18 digits, 6 decimals).
      qty: carried(
        number({ description: 'Quantity in uom (no minimum stated)' }),
        number({ minimum: 0, maximum: 1_000_000, multipleOf: 1 }),
      ),
      // "EA unless uom says otherwise": any unit is the vendor's to send; only EA is carried.
      uom: carried(
        string({ minLength: 1, description: 'Unit (EA unless it says otherwise)' }),
        enumOf(['EA']),
      ),
      unit_price: carried(decimal('Unit price', { nonNegative: true }), string({ maxLength: 9 })),
      need_by: date('Need-by date'),
    },
    { open: true },
  ),
  ProcurementPurchaseOrderChanged: object(
    {
      event_id: eventId(),
      po_number: poNumber(),
      revision: version('Revision'),
      status: enumOf(
        ['draft', 'issued', 'acknowledged', 'partially_received', 'received', 'closed', 'cancelled'],
        'PO status',
      ),
      changed_at: carriedTime(dateTime('When it changed')),
      lines: carried(array(ref('ProcurementPoLine'), { minItems: 1 }), { type: 'array', maxItems: 1000 }),
    },
    { open: true, description: 'purchase_order.changed delivery' },
  ),
  ProcurementSupplierUpdated: object(
    {
      event_id: eventId(),
      supplier_number: supplierNumber(),
      status: enumOf(['approved', 'pending', 'on_hold', 'blocked'], 'Supplier status'),
      updated_at: carriedTime(dateTime('When it changed')),
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
