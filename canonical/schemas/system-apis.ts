/**
 * The system APIs' answers and parameters (issue #17, ADR 12): canonical views of ERP entities
 * served from the read store. Every view states when the systems of record were read for it
 * (`asOf`) and when its content last changed (`updatedAt`, what `updatedSince` compares).
 */
import { ITEM_STATUSES, PURCHASE_ORDER_STATUSES, SUPPLIER_STATUSES } from '../codes/tables';
import {
  array,
  boolean,
  date,
  dateTime,
  decimal,
  enumOf,
  identifier,
  integer,
  nullable,
  object,
  ref,
  string,
  text,
  type Schema,
} from './dsl';
import { currency } from './objects';

const asOf = dateTime('When the systems of record were read for this answer (UTC): its freshness');
const updatedAt = dateTime('When Supplyline last saw the content change (UTC): what updatedSince compares');
const itemCode = identifier('ERP product code (= planning sku = procurement item_code)');
const supplierNumber = identifier('Procurement supplier_number (= the ERP supplier party code)');
const poNumber = identifier('Procurement po_number');
const warehouseCode = identifier('ERP warehouse code');
const balanceId = string({
  description: '`<itemCode>@<warehouseCode>`: the item’s balance in that warehouse',
  minLength: 3,
  maxLength: 129,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:#-]{0,63}@[A-Za-z0-9][A-Za-z0-9_.:#-]{0,63}$',
});
const quantityEa = (description: string) => decimal(`${description}, in eaches`, { nonNegative: true });

/** A page of views: the views, where the next page starts, and the oldest `asOf` among them. */
const page = (view: string, description: string) =>
  object(
    {
      items: array(ref(view), { maxItems: 100 }),
      nextCursor: nullable(
        string({ description: 'Pass as `cursor` for the next page; null: none', maxLength: 512 }),
      ),
      asOf: dateTime('The oldest asOf of the page’s views, or when the page was read when it is empty (UTC)'),
    },
    { description },
  );

/** The query parameters every list takes. */
const listParameters = {
  updatedSince: dateTime(
    'Only views whose content changed at or after this instant (UTC), for incremental readers',
  ),
  limit: string({ description: 'Page size, 1 to 100 (default 25)', pattern: '^[0-9]{1,3}$', maxLength: 3 }),
  cursor: string({
    description: 'The nextCursor of the previous page',
    maxLength: 512,
    pattern: '^[A-Za-z0-9_-]+$',
  }),
};
const LIST_OPTIONAL = Object.keys(listParameters);

export const systemApiSchemas = {
  ItemView: object(
    {
      itemCode,
      name: text('Item name', 200),
      status: enumOf(ITEM_STATUSES, 'ACTIVE only when both the ERP variant and template are active'),
      purchasable: boolean('Whether the ERP allows the item on purchase orders'),
      baseUom: enumOf(['EA'], 'Inventory unit: always eaches'),
      updatedAt,
      asOf,
    },
    { description: 'An item as the ERP holds it' },
  ),
  ItemPage: page('ItemView', 'A page of items in the order their content last changed'),
  ItemQuery: object(
    { itemCode, status: enumOf(ITEM_STATUSES, 'Only items with this status'), ...listParameters },
    {
      description: 'An item (path) or the filters of the item list (query)',
      optional: ['itemCode', 'status', ...LIST_OPTIONAL],
    },
  ),

  SupplierErpPresence: object(
    {
      known: boolean('The ERP has a party with the supplier’s code'),
      active: boolean('That party is active'),
      name: nullable(text('The party’s name in the ERP; null when unknown there', 200)),
    },
    { description: 'The supplier as the ERP knows it' },
  ),
  SupplierView: object(
    {
      supplierNumber,
      name: nullable(text('Supplier name (procurement’s, else the ERP’s); null when neither knows it', 200)),
      procurementStatus: nullable(
        enumOf(SUPPLIER_STATUSES, 'Status in procurement; null when unknown there'),
      ),
      erp: ref('SupplierErpPresence'),
      eligible: boolean('APPROVED in procurement and an active ERP party: it may receive new orders'),
      updatedAt,
      asOf,
    },
    { description: 'A supplier: its ERP presence, its procurement status and the eligibility they give' },
  ),
  SupplierPage: page('SupplierView', 'A page of suppliers in the order their content last changed'),
  SupplierQuery: object(
    {
      supplierNumber,
      procurementStatus: enumOf(SUPPLIER_STATUSES, 'Only suppliers with this procurement status'),
      eligible: enumOf(['true', 'false'], 'Only eligible (or ineligible) suppliers'),
      ...listParameters,
    },
    {
      description: 'A supplier (path) or the filters of the supplier list (query)',
      optional: ['supplierNumber', 'procurementStatus', 'eligible', ...LIST_OPTIONAL],
    },
  ),

  LocationErpPresence: object(
    {
      known: boolean('The ERP has a warehouse with this code'),
      active: boolean('That warehouse is active'),
      name: nullable(text('The warehouse’s name in the ERP; null when unknown there', 200)),
    },
    { description: 'The warehouse as the ERP knows it' },
  ),
  LocationView: object(
    {
      warehouseCode,
      sites: array(identifier('Planning site (= procurement ship_to) mapped to this warehouse'), {
        maxItems: 1000,
      }),
      erp: ref('LocationErpPresence'),
      orderable: boolean('A site maps to it and the ERP warehouse is active: orders to it are accepted'),
      updatedAt,
      asOf,
    },
    {
      description:
        'A location: an ERP warehouse with the planning sites and procurement ship-to codes that map to it',
    },
  ),
  LocationPage: page('LocationView', 'A page of locations in the order their content last changed'),
  LocationQuery: object(
    {
      warehouseCode,
      orderable: enumOf(['true', 'false'], 'Only locations that accept (or refuse) orders'),
      ...listParameters,
    },
    {
      description: 'A location (path) or the filters of the location list (query)',
      optional: ['warehouseCode', 'orderable', ...LIST_OPTIONAL],
    },
  ),

  InventoryBalanceView: object(
    {
      balanceId,
      itemCode,
      warehouseCode,
      onHandEa: decimal(
        'Physically in the warehouse, in eaches (negative when the ERP let stock go below zero)',
      ),
      forecastEa: decimal('On hand plus planned receipts minus planned issues, in eaches (may be negative)'),
      updatedAt,
      asOf,
    },
    { description: 'Stock of one item in one warehouse as the ERP holds it' },
  ),
  InventoryBalancePage: page(
    'InventoryBalanceView',
    'A page of inventory balances in the order their content last changed',
  ),
  InventoryBalanceQuery: object(
    {
      balanceId,
      itemCode: identifier('Only balances of this item'),
      warehouseCode: identifier('Only balances in this warehouse'),
      ...listParameters,
    },
    {
      description: 'An inventory balance (path) or the filters of the balance list (query)',
      optional: ['balanceId', 'itemCode', 'warehouseCode', ...LIST_OPTIONAL],
    },
  ),

  OrderLineView: object(
    {
      lineNo: integer({ minimum: 1, maximum: 100000, description: 'Line number, from 1' }),
      itemCode,
      quantityEa: quantityEa('Ordered quantity'),
      unitPrice: decimal('Price of one each', { nonNegative: true }),
      date: nullable(date('Need-by date (procurement) or expected receipt date (ERP)')),
    },
    { description: 'One line of an order as one system holds it' },
  ),
  ProcurementOrderRecord: object(
    {
      status: enumOf(PURCHASE_ORDER_STATUSES, 'Canonical status in procurement'),
      revision: integer({ minimum: 0, description: 'Procurement revision (0 when issued)' }),
      supplierNumber,
      currency,
      lines: array(ref('OrderLineView'), { maxItems: 1000 }),
    },
    { description: 'The purchase order as the procurement platform holds it' },
  ),
  ErpOrderRecord: object(
    {
      erpNumber: identifier('ERP purchase order number'),
      status: enumOf(PURCHASE_ORDER_STATUSES, 'Canonical status in the ERP'),
      revision: integer({ minimum: 0, description: 'ERP revision (0 when posted)' }),
      warehouseCode: identifier('ERP warehouse receiving the order'),
      purchaseDate: date('ERP purchase date'),
      lines: array(ref('OrderLineView'), { maxItems: 1000 }),
    },
    { description: 'The purchase order as the ERP holds it' },
  ),
  ReceiptView: object(
    {
      receiptNumber: identifier('ERP receipt (supplier shipment) number'),
      state: enumOf(['draft', 'received', 'done', 'cancelled'], 'Receipt state in the ERP'),
      receivedAt: nullable(date('Date received; null before')),
      lines: array(object({ itemCode, quantityEa: quantityEa('Received quantity') }), { maxItems: 1000 }),
    },
    { description: 'A goods receipt of the order in the ERP' },
  ),
  PurchaseOrderView: object(
    {
      poNumber,
      externalRef: identifier('Middleware reference shared by procurement and the ERP', 128),
      procurement: ref('ProcurementOrderRecord'),
      erp: ref('ErpOrderRecord', 'The order in the ERP; absent until posted there'),
      confirmations: array(ref('SystemState'), { maxItems: 3 }),
      receipts: array(ref('ReceiptView'), { maxItems: 1000 }),
      syncLag: array(ref('SyncLag'), { maxItems: 1000 }),
      updatedAt,
      asOf,
    },
    {
      optional: ['erp'],
      description:
        'A purchase order across the systems: procurement’s record, the ERP order, what each system confirmed, receipts and sync lag',
    },
  ),
  PurchaseOrderPage: page(
    'PurchaseOrderView',
    'A page of purchase orders in the order their content last changed',
  ),
  PurchaseOrderQuery: object(
    {
      // `poId`: the path parameter's name beside /v1/purchase-orders/{poId}/sync (API Gateway
      // allows one variable name per level).
      poId: identifier('The purchase order’s procurement po_number'),
      supplierNumber,
      status: enumOf(PURCHASE_ORDER_STATUSES, 'Only orders with this procurement status'),
      ...listParameters,
    },
    {
      description: 'A purchase order (path) or the filters of the purchase order list (query)',
      optional: ['poId', 'supplierNumber', 'status', ...LIST_OPTIONAL],
    },
  ),
} satisfies Record<string, Schema>;
