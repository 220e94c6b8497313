/**
 * Canonical business objects, v1. Quantities are in eaches and, like money, travel as decimal
 * strings; times are UTC; codes come from the code tables in canonical/codes.
 */
import {
  EXCEPTION_KINDS,
  ITEM_STATUSES,
  PURCHASE_ORDER_STATUSES,
  SEVERITIES,
  SOURCING_REQUEST_STATUSES,
  SUPPLIER_STATUSES,
  UNITS_OF_MEASURE,
  VELOCITY_CLASSES,
} from '../codes/tables';
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

const quantityEa = (description: string) => decimal(`${description}, in eaches`, { nonNegative: true });
/** The ERP product code, as the process APIs and requisitions name an item. */
export const itemCode = identifier('ERP product code (= planning sku = procurement item_code)');
/** The planning site, as the process APIs and requisitions name where goods are needed. */
export const site = identifier('Planning site (= procurement ship_to), mapped to one ERP warehouse');
/** A quantity someone orders: whole eaches, at least 1. */
export const wholeEaches = string({
  description: 'Whole eaches, at least 1',
  pattern: '^[1-9][0-9]{0,17}$',
  maxLength: 18,
});
/** An ISO 4217 currency code. */
export const currency = string({
  description: 'ISO 4217 currency code',
  pattern: '^[A-Z]{3}$',
  minLength: 3,
  maxLength: 3,
});

export const objectSchemas = {
  SystemReference: object(
    {
      system: enumOf(['planning', 'procurement', 'erp'], 'The system that holds the object'),
      id: identifier("The object's identifier in that system"),
    },
    { description: "An object's identity in one of the connected systems" },
  ),

  Supplier: object(
    {
      supplierNumber: identifier('Procurement supplier_number, equal to the ERP supplier party code'),
      name: text('Supplier name', 200),
      status: enumOf(SUPPLIER_STATUSES, 'Commercial status; only APPROVED suppliers may receive new orders'),
      currency,
      paymentTerms: text('Payment terms code, e.g. NET30', 32),
      leadTimeDays: integer({ minimum: 0, maximum: 365, description: 'Contracted lead time in days' }),
      updatedAt: dateTime('When the source system last changed the supplier (UTC)'),
    },
    {
      description: 'A supplier, as procurement and the ERP agree on it',
      optional: ['name', 'currency', 'paymentTerms', 'leadTimeDays'],
    },
  ),

  Item: object(
    {
      itemCode: identifier('ERP product code = planning sku = procurement item_code'),
      name: text('Item name', 200),
      status: enumOf(ITEM_STATUSES, 'ACTIVE only when both the ERP variant and template are active'),
      purchasable: boolean('Whether the ERP allows the item on purchase orders'),
      baseUom: enumOf(['EA'], 'Inventory unit: always eaches'),
      casePack: integer({ minimum: 1, description: 'Eaches per case: the purchasing order multiple' }),
      updatedAt: dateTime('When the source system last changed the item (UTC)'),
    },
    { description: 'An item (SKU)', optional: ['casePack'] },
  ),

  Location: object(
    {
      site: identifier('Planning site = procurement ship_to'),
      warehouseCode: identifier('The ERP warehouse that receives for this site'),
      name: text('Location name', 200),
      timeZone: string({ description: 'IANA time zone of the site', minLength: 1, maxLength: 64 }),
      active: boolean('Whether the warehouse accepts receipts'),
    },
    { description: 'A site and the ERP warehouse it maps to', optional: ['name', 'timeZone'] },
  ),

  InventoryBalance: object(
    {
      itemCode: identifier('Item code'),
      warehouseCode: identifier('ERP warehouse code'),
      onHandEa: decimal('Quantity on hand, in eaches'),
      forecastEa: decimal('Projected quantity including expected moves, in eaches'),
      asOf: dateTime('When the ERP reported the balance (UTC)'),
    },
    { description: 'Stock of one item in one warehouse' },
  ),

  PurchaseOrderLine: object(
    {
      lineNo: integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Line number, from 1' }),
      itemCode: identifier('Item code'),
      quantityEa: quantityEa('Ordered quantity'),
      confirmedQuantityEa: nullable(quantityEa('Quantity the supplier confirmed; null before confirmation')),
      unitPrice: decimal('Price of one each', { nonNegative: true }),
      needBy: date('Date the goods are needed at the site (site calendar date)'),
      confirmedDate: nullable(date('Delivery date the supplier confirmed; null before confirmation')),
    },
    { description: 'One line of a purchase order', optional: ['confirmedQuantityEa', 'confirmedDate'] },
  ),

  PurchaseOrder: object(
    {
      externalRef: identifier(
        'Middleware reference shared by procurement and the ERP: the idempotency key',
        128,
      ),
      poNumber: identifier('Procurement po_number'),
      erpNumber: nullable(identifier('ERP purchase order number; null until posted')),
      revision: integer({ minimum: 1, description: 'Procurement revision; amendments increment it' }),
      status: enumOf(PURCHASE_ORDER_STATUSES, 'Canonical purchase order status'),
      supplierNumber: identifier('Supplier number'),
      site: identifier('Ship-to site'),
      warehouseCode: nullable(identifier('ERP warehouse receiving the order')),
      currency,
      totalValue: decimal('Sum of quantity x unit price over the lines', { nonNegative: true }),
      sourcingRequestId: nullable(identifier('The sourcing request it was awarded from')),
      lines: array(ref('PurchaseOrderLine'), { minItems: 1 }),
      updatedAt: dateTime('When the source system last changed the order (UTC)'),
    },
    {
      description: 'A purchase order with its lines and revision',
      optional: ['erpNumber', 'warehouseCode', 'sourcingRequestId'],
    },
  ),

  PurchaseOrderRevision: object(
    {
      poNumber: identifier('Procurement po_number'),
      revision: integer({ minimum: 1, description: 'Revision number' }),
      status: enumOf(PURCHASE_ORDER_STATUSES, 'Canonical purchase order status'),
      changedAt: dateTime('When the procurement platform changed it (UTC)'),
      lines: array(ref('PurchaseOrderLine'), { minItems: 1 }),
      totalValue: decimal('Sum of quantity x unit price over the lines', { nonNegative: true }),
    },
    {
      description: 'A revision or status change of a purchase order, as the procurement platform reports it',
    },
  ),

  ForecastBucket: object(
    {
      start: date('First day of the bucket (site calendar date); supply is needed by then'),
      end: date('Last day of the bucket (site calendar date)'),
      granularity: string({ description: 'Bucket length, as the planner names it (e.g. week)' }),
    },
    { description: 'A planning time bucket' },
  ),

  ForecastLine: object(
    {
      itemCode: identifier('Item code (planning sku)'),
      site: identifier('Planning site'),
      weekStart: date('First day of the week (site calendar date)'),
      quantityEa: quantityEa('Forecast quantity'),
      previousQuantityEa: nullable(quantityEa('Forecast quantity in the previous plan version; null if new')),
    },
    { description: 'Forecast of one item at one site for one week', optional: ['previousQuantityEa'] },
  ),

  Forecast: object(
    {
      planId: identifier('Planning plan id'),
      planVersion: integer({ minimum: 1, description: 'Plan version; a higher version supersedes' }),
      cycle: string({ description: 'Planning cycle, as the planner names it (e.g. weekly)' }),
      publishedAt: dateTime('When the planner published the version (UTC)'),
      export: nullable(
        object(
          {
            format: enumOf(['csv'], 'Export format'),
            location: string({
              description: 'Pre-signed HTTPS URL of the export',
              minLength: 1,
            }),
            rows: integer({ minimum: 0, description: 'Rows declared by the planner' }),
            sha256: string({ description: 'SHA-256 of the file, hex', pattern: '^[0-9a-f]{64}$' }),
          },
          { description: 'Where the bulk export of this version can be fetched' },
        ),
      ),
    },
    { description: 'A published consensus forecast version', optional: ['export'] },
  ),

  ForecastLinesChanged: object(
    {
      planId: identifier('Planning plan id'),
      planVersion: integer({ minimum: 1, description: 'Plan version the changes come from' }),
      batchId: identifier('Deterministic id of this micro-batch (plan, version, partition, sequence)', 200),
      lines: array(ref('ForecastLine'), { minItems: 1, maxItems: 2000 }),
    },
    {
      description: 'A micro-batch of forecast lines that changed beyond the threshold between plan versions',
    },
  ),

  ForecastException: object(
    {
      planId: identifier('Planning plan id'),
      planVersion: integer({ minimum: 1, description: 'Plan version that raised it' }),
      exceptionId: identifier('Exception id, unique within a plan'),
      kind: enumOf(EXCEPTION_KINDS, 'What the planner flagged'),
      severity: enumOf(SEVERITIES, 'Severity'),
      velocityClass: enumOf(VELOCITY_CLASSES, 'Item velocity class, selects the threshold policy'),
      itemCode: identifier('Item code (planning sku)'),
      site: identifier('Planning site'),
      bucket: ref('ForecastBucket'),
      packSize: integer({ minimum: 1, description: 'Purchasing order multiple, in eaches' }),
      sourceUom: enumOf(UNITS_OF_MEASURE, 'Unit the planner used (quantities here are converted to eaches)'),
      baselineQuantityEa: quantityEa('Baseline forecast'),
      forecastQuantityEa: quantityEa('New forecast'),
      projectedOnHandEa: decimal('Projected on hand at bucket start, in eaches (may be negative)'),
      safetyStockEa: quantityEa('Safety stock'),
      // The planning contract bounds notes only by its 262,144-byte body.
      notes: text('Planner notes', 262_144),
    },
    { description: 'A forecast exception raised by the planning platform', optional: ['notes'] },
  ),

  SourcingRequest: object(
    {
      requestId: identifier('Procurement sourcing request id'),
      externalRef: identifier('Middleware reference (idempotency key)', 128),
      status: enumOf(SOURCING_REQUEST_STATUSES, 'Status'),
      itemCode: identifier('Item code'),
      site: identifier('Ship-to site'),
      quantityEa: quantityEa('Requested quantity'),
      previousQuantityEa: nullable(quantityEa('Quantity before this amendment')),
      needBy: date('Need-by date (bucket start)'),
      supplierNumber: nullable(identifier('Supplier the platform selected')),
      unitPrice: nullable(decimal('Contract price of one each', { nonNegative: true })),
      currency: nullable(currency),
      forecastExceptionKey: nullable(identifier('Business key of the forecast exception behind it', 200)),
    },
    {
      description: 'A sourcing request in the procurement platform',
      optional: ['previousQuantityEa', 'supplierNumber', 'unitPrice', 'currency', 'forecastExceptionKey'],
    },
  ),

  ReceiptLine: object(
    {
      itemCode: identifier('Item code'),
      quantityEa: quantityEa('Received quantity'),
      lineNo: nullable(integer({ minimum: 1, description: 'Purchase order line it receives against' })),
    },
    { description: 'One received line', optional: ['lineNo'] },
  ),

  Receipt: object(
    {
      receiptNumber: identifier('ERP shipment number'),
      externalRef: identifier('Purchase order external reference', 128),
      erpNumber: identifier('ERP purchase order number'),
      warehouseCode: identifier('Receiving warehouse'),
      receivedAt: dateTime('When the goods were received (UTC)'),
      complete: boolean('Whether the order is now fully received'),
      lines: array(ref('ReceiptLine'), { minItems: 1, maxItems: 500 }),
    },
    { description: 'Goods received in the ERP against a purchase order' },
  ),

  AcknowledgementLine: object(
    {
      lineNo: integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Purchase order line number',
      }),
      confirmedQuantityEa: quantityEa('Quantity the supplier confirmed'),
      confirmedDate: date('Delivery date the supplier confirmed'),
    },
    { description: "One line of a supplier's confirmation" },
  ),

  SupplierAcknowledgement: object(
    {
      poNumber: identifier('Procurement po_number'),
      revision: integer({ minimum: 1, description: 'Revision acknowledged' }),
      supplierNumber: identifier('Supplier number'),
      acknowledgedAt: dateTime('When the supplier confirmed (UTC)'),
      lines: array(ref('AcknowledgementLine'), { minItems: 1 }),
    },
    { description: "A supplier's confirmation of a purchase order, full or partial" },
  ),

  ShipmentLine: object(
    {
      poNumber: identifier('Procurement po_number the goods ship against'),
      lineNo: integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Purchase order line number',
      }),
      itemCode: identifier('Item code'),
      shippedQuantityEa: quantityEa('Quantity shipped and in transit'),
    },
    { description: 'One purchase order line of a shipment' },
  ),

  ShipmentMilestone: object(
    {
      shipmentId: identifier("The supplier's shipment id (unique per supplier)", 128),
      supplierNumber: identifier('Supplier number'),
      shippedDate: date('When the goods left the supplier'),
      estimatedDeliveryDate: date('When the goods are expected at the warehouse'),
      reportedAt: dateTime('When the supplier reported the shipment (UTC)'),
      carrier: nullable(identifier('Carrier code (SCAC)', 64)),
      billOfLading: nullable(identifier('Bill of lading or tracking number', 128)),
      lines: array(ref('ShipmentLine'), { minItems: 1, maxItems: 500 }),
      purpose: enumOf(
        ['original', 'cancellation', 'replacement'],
        'What the notice does to the shipment id: announces it, withdraws it, or replaces its content (absent: original)',
      ),
    },
    {
      description: "A supplier's shipment milestone (advance ship notice) for purchase order lines",
      optional: ['carrier', 'billOfLading', 'purpose'],
    },
  ),

  IntegrationException: object(
    {
      exceptionId: identifier('Id of this integration exception', 128),
      category: enumOf(['BUSINESS', 'TECHNICAL'], 'Business rejection or technical failure'),
      code: identifier('Stable reason code, e.g. SUPPLIER_NOT_APPROVED, ACK_OVERDUE'),
      message: text('What a person needs to know', 2000),
      status: enumOf(['OPEN', 'RESOLVED'], 'OPEN until a person resolves it'),
      objectType: identifier('Business object type concerned, e.g. PurchaseOrder'),
      objectId: identifier('Business identity of the object concerned', 200),
      system: enumOf(['planning', 'procurement', 'erp', 'supplyline'], 'System where it arose'),
      raisedAt: dateTime('When it was raised (UTC)'),
      resolvedAt: nullable(dateTime('When a person resolved it (UTC)')),
      resolution: nullable(text('Why it was resolved', 2000)),
      details: nullable(text('Machine details, JSON text', 16000)),
    },
    {
      description: 'A business or technical exception that a person must see and resolve',
      optional: ['resolvedAt', 'resolution', 'details'],
    },
  ),

  ReconciliationRunRequest: object(
    {
      runId: identifier('Id of the on-demand reconciliation run', 64),
      requestedBy: identifier('Who asked for it (the verified caller)', 200),
      since: dateTime('Start of the window to reconcile (UTC); absent: the contract’s 90 days'),
    },
    {
      description: 'An on-demand reconciliation run asked for, for the reconciliation function',
      optional: ['since'],
    },
  ),

  ApprovalDecision: object(
    {
      decision: enumOf(['approve', 'reject'], "The approver's decision"),
      approver: identifier(
        'Deprecated and ignored: the approver is the verified caller (the access token subject)',
        128,
      ),
      reason: text('Why (required to reject)', 2000),
    },
    { description: 'A decision on a commitment waiting for approval', optional: ['approver', 'reason'] },
  ),

  ApprovalDecisionRecord: object(
    {
      approvalId: identifier('Approval id', 128),
      commitmentId: identifier('The commitment decided (its purchase order external reference)', 128),
      decision: enumOf(['approve', 'reject'], 'What the person asked for'),
      verdict: enumOf(
        ['approved', 'rejected', 'refused'],
        'What took effect: refused when a rule (rule) did not let this person decide',
      ),
      rule: nullable(
        enumOf(
          ['person-required', 'approver-role', 'separation-of-duties', 'approval-limit'],
          'The rule that refused the decision',
        ),
      ),
      approver: string({
        description: 'Who decided: the access token subject',
        minLength: 1,
        maxLength: 256,
      }),
      role: nullable(identifier("The approver's strongest approver role", 64)),
      approvalLimit: nullable(decimal("That role's limit (USD); null: no limit", { nonNegative: true })),
      totalValue: decimal('Value of the commitment', { nonNegative: true }),
      currency,
      requestedBy: string({ description: 'Who requested the commitment', minLength: 1, maxLength: 256 }),
      reason: nullable(text('Why, as the approver gave it', 2000)),
      decidedAt: dateTime('When the decision was made (UTC)'),
      tokenIssuer: string({ description: 'Issuer of the access token', maxLength: 512 }),
      tokenId: string({ description: "The access token's jti ('' when it has none)", maxLength: 256 }),
      clientId: string({ description: 'The OAuth2 client the person used', maxLength: 256 }),
    },
    { description: 'One decision on a commitment waiting for approval, as the audit trail keeps it' },
  ),

  ApprovalRequest: object(
    {
      approvalId: identifier('Approval id (used in the approval API path)', 128),
      externalRef: identifier('Commitment external reference', 128),
      supplierNumber: identifier('Supplier'),
      site: identifier('Site'),
      totalValue: decimal('Value of the commitment', { nonNegative: true }),
      currency,
      limit: decimal('Approval limit that was exceeded', { nonNegative: true }),
      expiresAt: dateTime('Escalates when no decision arrives by then (UTC)'),
      requestedBy: string({
        description:
          "Who requested the commitment, who cannot approve it: 'system:supplyline' for a forecast exception's",
        minLength: 1,
        maxLength: 256,
      }),
    },
    {
      description: 'A commitment above the approval limit waiting for a person',
      optional: ['requestedBy'],
    },
  ),

  ForecastExceptionEvaluation: object(
    {
      exceptionKey: identifier('Business key of the exception (plan, exception id, version)', 200),
      outcome: enumOf(
        ['NO_ACTION', 'CREATE', 'AMEND', 'CANCEL', 'STALE', 'DUPLICATE'],
        'What the policy decided',
      ),
      reason: text('Why', 1000),
      needEa: decimal('Computed need, in eaches'),
      orderQuantityEa: quantityEa('Quantity to order after rounding to the pack'),
    },
    { description: 'The decision taken on a forecast exception' },
  ),
} satisfies Record<string, Schema>;

export type ObjectName = keyof typeof objectSchemas;
