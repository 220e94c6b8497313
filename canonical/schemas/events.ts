/**
 * The canonical event envelope and the event catalog: every canonical event type, its current
 * schema version, the system that emits it and the business object it carries.
 *
 * Versioning (see docs/contracts.md): `schemaVersion` is `<major>.<minor>`. Additive, optional
 * changes bump the minor version in place. A breaking change publishes a new major version of the
 * event type next to the old one, which stays in the catalog marked deprecated with a sunset date.
 */
import {
  dateTime,
  enumOf,
  identifier,
  object,
  ref,
  string,
  uuid,
  type Schema,
  boolean,
  integer,
  constant,
} from './dsl';
import type { ObjectName } from './objects';

export const SOURCE_SYSTEMS = ['planning', 'procurement', 'erp', 'orchestration', 'operations'] as const;
export type SourceSystem = (typeof SOURCE_SYSTEMS)[number];

export interface EventDefinition {
  /** Canonical event type; also the EventBridge `detail-type`. */
  readonly type: string;
  /** Major version of the type's schema. */
  readonly major: number;
  /** Current minor version within the major. */
  readonly minor: number;
  /** System whose change the event reports; the EventBridge `source` is `supplyline.<system>`. */
  readonly source: SourceSystem;
  /** Canonical object in `data`. */
  readonly data: ObjectName;
  readonly description: string;
  /** Set when a newer major exists: the date (YYYY-MM-DD) after which this major is no longer emitted. */
  readonly sunset?: string;
}

/** The event catalog. Order is the order of the generated documentation. */
export const EVENT_CATALOG = [
  {
    type: 'forecast-exception.raised',
    major: 1,
    minor: 1,
    source: 'planning',
    data: 'ForecastException',
    description: 'The planning platform flagged a forecast exception for an item at a site.',
  },
  {
    type: 'forecast-exception.evaluated',
    major: 1,
    minor: 0,
    source: 'orchestration',
    data: 'ForecastExceptionEvaluation',
    description: 'The threshold policy decided what to do about a forecast exception.',
  },
  {
    type: 'forecast.published',
    major: 1,
    minor: 1,
    source: 'planning',
    data: 'Forecast',
    description: 'A consensus forecast version was published, with its bulk export.',
  },
  {
    type: 'forecast.lines-changed',
    major: 1,
    minor: 0,
    source: 'planning',
    data: 'ForecastLinesChanged',
    description:
      'A micro-batch of forecast lines changed beyond the threshold since the previous plan version.',
  },
  {
    type: 'sourcing-request.created',
    major: 1,
    minor: 0,
    source: 'procurement',
    data: 'SourcingRequest',
    description: 'A sourcing request was created in the procurement platform.',
  },
  {
    type: 'sourcing-request.amended',
    major: 1,
    minor: 0,
    source: 'procurement',
    data: 'SourcingRequest',
    description: 'An open sourcing request changed quantity or need-by date.',
  },
  {
    type: 'sourcing-request.cancelled',
    major: 1,
    minor: 0,
    source: 'procurement',
    data: 'SourcingRequest',
    description: 'A sourcing request was cancelled (demand dropped, or compensation after a rejection).',
  },
  {
    type: 'purchase-order.approval-requested',
    major: 1,
    minor: 1,
    source: 'orchestration',
    data: 'ApprovalRequest',
    description: 'A commitment above the approval limit is waiting for a person.',
  },
  {
    type: 'purchase-order.posted',
    major: 1,
    minor: 1,
    source: 'erp',
    data: 'PurchaseOrder',
    description: 'A purchase order was posted to the ERP as a financial commitment.',
  },
  {
    type: 'purchase-order.amended',
    major: 1,
    minor: 1,
    source: 'erp',
    data: 'PurchaseOrder',
    description: 'An ERP purchase order was amended (quantity or delivery date).',
  },
  {
    type: 'purchase-order.changed',
    major: 1,
    minor: 1,
    source: 'procurement',
    data: 'PurchaseOrderRevision',
    description: 'The procurement platform reported a new revision or status of a purchase order.',
  },
  {
    type: 'purchase-order.acknowledged',
    major: 1,
    minor: 1,
    source: 'procurement',
    data: 'SupplierAcknowledgement',
    description: 'The supplier confirmed a purchase order, fully or partly.',
  },
  {
    type: 'shipment.milestone-reported',
    major: 1,
    // 1.1: `purpose` (cancellation, replacement of a shipment id).
    minor: 1,
    // The supplier's own channel (EDI) has no system of its own in the catalog: as its 855s, procurement.
    source: 'procurement',
    data: 'ShipmentMilestone',
    description:
      'A supplier reported that goods of purchase order lines shipped and when they should arrive.',
  },
  {
    type: 'receipt.posted',
    major: 1,
    minor: 0,
    source: 'erp',
    data: 'Receipt',
    description: 'Goods were received in the ERP against a purchase order.',
  },
  {
    type: 'supplier.updated',
    major: 1,
    minor: 0,
    source: 'procurement',
    data: 'Supplier',
    description: "A supplier's commercial status or terms changed.",
  },
  {
    type: 'item.updated',
    major: 1,
    minor: 0,
    source: 'erp',
    data: 'Item',
    description: "An item's status or purchasing data changed in the ERP.",
  },
  {
    type: 'inventory-balance.updated',
    major: 1,
    minor: 0,
    source: 'erp',
    data: 'InventoryBalance',
    description: 'Stock of an item in a warehouse changed.',
  },
  {
    type: 'integration-exception.raised',
    major: 1,
    minor: 0,
    source: 'operations',
    data: 'IntegrationException',
    description: 'A business rejection or technical failure needs a person.',
  },
  {
    type: 'integration-exception.resolved',
    major: 1,
    minor: 0,
    source: 'operations',
    data: 'IntegrationException',
    description: 'A person resolved an integration exception.',
  },
  {
    type: 'reconciliation-run.requested',
    major: 1,
    minor: 0,
    source: 'operations',
    data: 'ReconciliationRunRequest',
    description:
      'A person or the operations CLI asked for a reconciliation run now (it holds the run lease).',
  },
  {
    type: 'integration-exception.escalated',
    major: 1,
    minor: 0,
    source: 'operations',
    data: 'IntegrationException',
    description:
      'An integration exception stayed open beyond its escalation limit (24 h; critical: 4 h); announced once.',
  },
  {
    type: 'approval.decided',
    major: 1,
    minor: 0,
    source: 'orchestration',
    data: 'ApprovalDecisionRecord',
    description:
      'A person decided (or was refused a decision on) a commitment waiting for approval; the audit trail keeps the same record.',
  },
] as const satisfies readonly EventDefinition[];

export type EventType = (typeof EVENT_CATALOG)[number]['type'];

/** `forecast-exception.raised` v1 -> `ForecastExceptionRaisedV1`: the generated schema and type name. */
export function eventSchemaName(definition: Pick<EventDefinition, 'type' | 'major'>): string {
  const words = definition.type.split(/[.-]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${words.join('')}V${definition.major}`;
}

/** The envelope every canonical event carries, with `data` typed by the catalog entry. */
export function envelopeSchema(definition: EventDefinition): Schema {
  return object(
    {
      eventId: uuid('Unique id of this event emission'),
      eventType: constant(definition.type, 'Canonical event type'),
      schemaVersion: string({
        description: 'Schema version <major>.<minor>',
        pattern: `^${definition.major}\\.[0-9]{1,3}$`,
        maxLength: 8,
      }),
      sourceSystem: enumOf(SOURCE_SYSTEMS, 'System whose change the event reports'),
      sourceObjectId: identifier("The object's id in the source system", 200),
      sourceVersion: integer({
        minimum: 0,
        description:
          'Version of the object in the source (plan version, PO revision, or epoch ms of its update)',
      }),
      occurredAt: dateTime('When the change happened in the source system (UTC)'),
      emittedAt: dateTime('When the middleware emitted this event (UTC)'),
      correlationId: identifier('Shared by every event of one business flow', 128),
      causationId: identifier('Id of the event or request that caused this one', 128),
      idempotencyKey: identifier(
        'Business identity + revision: the same change always has the same key',
        256,
      ),
      tenantId: identifier('Tenant (distribution company)', 64),
      businessUnit: identifier('Business unit within the tenant', 64),
      replay: boolean('True when the event was re-sent from the archive by an operator'),
      data: ref(definition.data),
    },
    {
      description: `${definition.type} v${definition.major}: ${definition.description}`,
      optional: ['causationId', 'businessUnit', 'replay'],
      ...(definition.sunset ? { deprecated: true } : {}),
    },
  );
}
