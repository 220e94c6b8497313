/**
 * The canonical events on the Supplyline bus: which system each event type comes from.
 *
 * Plain data (no aws-cdk-lib import): the CDK app, the local runtime, tests and docs all read it.
 * An event's `source` is `supplyline.<system>` and its `detail-type` is the canonical event type.
 */

/** The systems that put canonical events on the bus. */
export const SOURCE_SYSTEMS = ['planning', 'procurement', 'erp', 'orchestration', 'operations'] as const;

/** A system that puts canonical events on the bus. */
export type SourceSystem = (typeof SOURCE_SYSTEMS)[number];

/** The `source` of a canonical event. */
export type EventSource = `supplyline.${SourceSystem}`;

/** The `source` field for events published on behalf of `system`. */
export function eventSource(system: SourceSystem): EventSource {
  return `supplyline.${system}`;
}

/**
 * Every canonical event type and the system whose change it describes. Add a type here before a
 * route can subscribe to it; a type has exactly one source so patterns stay exact.
 */
export const CANONICAL_EVENT_TYPES = {
  'forecast-exception.raised': 'planning',
  'forecast.published': 'planning',
  'forecast.lines-changed': 'planning',
  'sourcing-request.created': 'procurement',
  'sourcing-request.amended': 'procurement',
  'sourcing-request.cancelled': 'procurement',
  'purchase-order.posted': 'erp',
  'purchase-order.amended': 'erp',
  'purchase-order.acknowledged': 'procurement',
  'purchase-order.changed': 'procurement',
  'purchase-order.approval-requested': 'orchestration',
  'purchase-order.approval-decided': 'orchestration',
  'receipt.posted': 'erp',
  'supplier.updated': 'procurement',
  'item.updated': 'erp',
  'inventory-balance.updated': 'erp',
  'integration-exception.raised': 'operations',
  'integration-exception.resolved': 'operations',
  'forecast-exception.evaluated': 'orchestration',
} as const satisfies Record<string, SourceSystem>;

/** A canonical event type (the EventBridge `detail-type`). */
export type CanonicalEventType = keyof typeof CANONICAL_EVENT_TYPES;

/** True when `value` is a known canonical event type. */
export function isCanonicalEventType(value: string): value is CanonicalEventType {
  return Object.hasOwn(CANONICAL_EVENT_TYPES, value);
}
