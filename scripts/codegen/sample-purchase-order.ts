/**
 * A purchase-order-like schema and documents for the validator benchmark: 10 lines of ~15 fields
 * (identifiers, decimal strings, dates, enums) give a ~3.6 KB document, the size of the published
 * validation baselines (shared notes, performance.md).
 */
import type { Schema } from '../../canonical/schemas/dsl';
import {
  array,
  constant,
  date,
  dateTime,
  decimal,
  enumOf,
  identifier,
  integer,
  nullable,
  number,
  object,
  ref,
  string,
  text,
  uuid,
} from '../../canonical/schemas/dsl';

const currency = string({ description: 'ISO 4217 code.', pattern: '^[A-Z]{3}$' });

/** Definitions of the benchmark document. */
export const purchaseOrderDefs: Record<string, Schema> = {
  Party: object(
    {
      id: identifier('Supplier id in the procurement platform.'),
      name: text('Legal name.', 200),
      countryCode: string({ pattern: '^[A-Z]{2}$' }),
    },
    { description: 'A trading partner.' },
  ),
  PurchaseOrderLine: object(
    {
      lineNumber: integer({ minimum: 1, maximum: 9999 }),
      lineId: uuid('Stable line id.'),
      sku: identifier('Our item number.'),
      supplierSku: nullable(identifier("The supplier's item number.")),
      description: text('Item description.', 500),
      quantity: decimal('Ordered quantity in the unit of measure.', { nonNegative: true }),
      uom: enumOf(['EA', 'CS', 'PL', 'KG', 'M']),
      unitPrice: decimal('Net price per unit.', { nonNegative: true }),
      currency,
      requestedDate: date('Requested delivery date.'),
      promisedDate: nullable(date('Date the supplier promised.')),
      siteId: identifier('Receiving site.'),
      status: enumOf(['open', 'confirmed', 'shipped', 'received', 'cancelled']),
      taxRate: number({ minimum: 0, maximum: 1 }),
      updatedAt: dateTime('Last change in the source system.'),
    },
    { description: 'One ordered item.' },
  ),
  PurchaseOrder: object(
    {
      schemaVersion: constant('1.0'),
      orderId: uuid('Canonical id.'),
      orderNumber: identifier('Number printed on the order.'),
      supplier: ref('Party'),
      buyerId: identifier('Buyer user id.'),
      orderedAt: dateTime('When the order was placed.'),
      currency,
      incoterm: nullable(enumOf(['EXW', 'FCA', 'DAP', 'DDP'])),
      notes: nullable(text('Free text for the supplier.', 2000)),
      lines: array(ref('PurchaseOrderLine'), { minItems: 1, maxItems: 500 }),
      totalAmount: decimal('Sum of line amounts.', { nonNegative: true }),
    },
    { description: 'A purchase order as the canonical model carries it.', optional: ['notes'] },
  ),
};

/** A valid purchase order with `lineCount` lines (deterministic). */
export function samplePurchaseOrder(lineCount = 10): Record<string, unknown> {
  const lines = Array.from({ length: lineCount }, (_, i) => ({
    lineNumber: i + 1,
    lineId: `3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c${(10 + i).toString(16).padStart(2, '0')}`,
    sku: `SKU-${1200 + i}`,
    supplierSku: i % 3 === 0 ? null : `ACME/${7700 + i}`,
    description: `Hex bolt M8 pk${i + 1}`,
    quantity: `${(i + 1) * 12}.5`,
    uom: ['EA', 'CS', 'PL'][i % 3],
    unitPrice: `${14 + i}.2750`,
    currency: 'EUR',
    requestedDate: `2026-12-${String(1 + i).padStart(2, '0')}`,
    promisedDate: i % 2 === 0 ? `2026-12-${String(3 + i).padStart(2, '0')}` : null,
    siteId: 'DC-RTM',
    status: 'open',
    taxRate: 0.21,
    updatedAt: `2026-11-27T08:${String(10 + i).padStart(2, '0')}:00Z`,
  }));
  return {
    schemaVersion: '1.0',
    orderId: '0b7c6d2e-1f3a-4b5c-9d8e-7f6a5b4c3d2e',
    orderNumber: 'PO-2026-004711',
    supplier: { id: 'SUP-00042', name: 'Acme Fasteners B.V.', countryCode: 'NL' },
    buyerId: 'buyer.jansen',
    orderedAt: '2026-11-27T08:05:00+01:00',
    currency: 'EUR',
    incoterm: 'DAP',
    notes: 'Dock 4, 07:00-15:00.',
    lines,
    totalAmount: '18231.50',
  };
}

/** The sample order with one fault per line plus header faults (16 errors). */
export function invalidPurchaseOrder(lineCount = 10): Record<string, unknown> {
  const order = samplePurchaseOrder(lineCount);
  const faults: ((line: Record<string, unknown>) => void)[] = [
    (line) => (line.quantity = '-1'),
    (line) => (line.uom = 'BOX'),
    (line) => (line.requestedDate = '2026-02-30'),
    (line) => delete line.sku,
    (line) => (line.taxRate = 1.5),
    (line) => (line.lineNumber = 2.5),
    (line) => (line.updatedAt = '2026-11-27 08:10:00'),
    (line) => (line.colour = 'blue'),
    (line) => (line.lineId = 'not-a-uuid'),
    (line) => (line.currency = 'eur'),
  ];
  (order.lines as Record<string, unknown>[]).forEach((line, i) => faults[i % faults.length]!(line));
  order.schemaVersion = '2.0';
  order.supplier = { id: '', name: 'Acme', countryCode: 'NLD' };
  delete order.buyerId;
  // An own "__proto__" key, as JSON.parse creates it: must be reported, never followed.
  Object.defineProperty(order, '__proto__', {
    value: { polluted: true },
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return order;
}
