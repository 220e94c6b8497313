/**
 * THE routing table: which consumer receives which canonical events, in which lane.
 *
 * Plain data (no aws-cdk-lib import). The CDK app deploys one queue + DLQ + EventBridge rule +
 * event source mapping per route; the local runtime reads the same settings from the synthesized
 * template. To add a consumer: add its handler to the function catalog
 * (`application/functions.ts`), then add a route here.
 */
import type { FunctionKey } from '../functions';
import type { BucketKey } from '../resources';
import { CANONICAL_EVENT_TYPES, eventSource, type CanonicalEventType, type EventSource } from './event-types';
import type { LaneName } from './lanes';

/** An EventBridge event pattern on canonical events, in EventBridge's own JSON field names. */
export interface CanonicalEventPattern {
  readonly source: readonly EventSource[];
  readonly 'detail-type': readonly CanonicalEventType[];
  /** Further filters on `detail`, in EventBridge pattern syntax. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * Objects created in an application bucket under a prefix: S3's own `Object Created` events,
 * which S3 sends to the account's default bus (the bucket has EventBridge notifications on).
 */
export interface ObjectsCreatedPattern {
  readonly objectsCreated: { readonly bucket: BucketKey; readonly prefix: string };
}

/** What a route listens to: canonical events on the Supplyline bus, or objects created in a bucket. */
export type RoutePattern = CanonicalEventPattern | ObjectsCreatedPattern;

/** True when the route listens to a bucket's objects rather than canonical events. */
export function isObjectsCreated(pattern: RoutePattern): pattern is ObjectsCreatedPattern {
  return 'objectsCreated' in pattern;
}

/** One consumer: a queue fed by an EventBridge rule, drained by one catalog function. */
export interface ConsumerRoute {
  /** Unique, kebab-case; names the queue, the rule and the alarms. */
  readonly consumer: string;
  readonly description: string;
  readonly lane: LaneName;
  /** The function that processes the queue. */
  readonly handler: FunctionKey;
  readonly pattern: RoutePattern;
  /** Overrides the lane's batch size. */
  readonly batchSize?: number;
  /** Overrides the lane's batching window. */
  readonly maxBatchingWindowSeconds?: number;
  /** Overrides the environment's per-consumer MaximumConcurrency for the lane (min 2). */
  readonly maxConcurrency?: number;
  /** Receives before the message goes to the consumer's DLQ. */
  readonly maxReceiveCount: number;
  /** The consumer's Lambda timeout; defaults to the lane's. Visibility timeout is six times this. */
  readonly timeoutSeconds?: number;
}

/**
 * A pattern matching the given canonical event types, each on its own source. Sources and types
 * are listed separately (EventBridge ANDs fields), which is exact because a type has one source.
 */
export function onEvents(
  types: readonly CanonicalEventType[],
  detail?: Readonly<Record<string, unknown>>,
): CanonicalEventPattern {
  if (types.length === 0) throw new Error('onEvents needs at least one canonical event type');
  const sources = [...new Set(types.map((type) => eventSource(CANONICAL_EVENT_TYPES[type])))];
  return { source: sources, 'detail-type': [...types], ...(detail ? { detail } : {}) };
}

/** The routing table. */
export const CONSUMER_ROUTES: readonly ConsumerRoute[] = [
  {
    consumer: 'forecast-exception-evaluation',
    description: 'A raised forecast exception may need a sourcing request and a purchase order',
    lane: 'critical',
    handler: 'forecast-exception-evaluation',
    pattern: onEvents(['forecast-exception.raised']),
    maxReceiveCount: 5,
  },
  {
    consumer: 'forecast-change-evaluation',
    description:
      'Bulk forecast line changes re-evaluated in their own lane so they never starve critical work',
    lane: 'bulk',
    handler: 'forecast-change-evaluation',
    pattern: onEvents(['forecast.lines-changed']),
    maxReceiveCount: 3,
  },
  {
    consumer: 'acknowledgement-sync',
    description: 'Supplier acknowledgement -> ERP purchase order updated (SLO 2 min)',
    lane: 'critical',
    handler: 'acknowledgement-sync',
    pattern: onEvents(['purchase-order.acknowledged']),
    maxReceiveCount: 5,
  },
  {
    consumer: 'receipt-sync',
    description: 'ERP receipt -> procurement purchase order status (SLO 5 min)',
    lane: 'critical',
    handler: 'receipt-sync',
    pattern: onEvents(['receipt.posted']),
    maxReceiveCount: 5,
  },
  {
    consumer: 'master-data-sync',
    description: 'Supplier and item master data changes',
    lane: 'standard',
    handler: 'master-data-sync',
    pattern: onEvents(['supplier.updated', 'item.updated']),
    maxReceiveCount: 5,
  },
  {
    consumer: 'forecast-sync',
    description: 'A published forecast is diffed against the last one, line changes are published',
    lane: 'bulk',
    handler: 'forecast-sync',
    pattern: onEvents(['forecast.published']),
    // One forecast per message is already a big unit of work.
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    timeoutSeconds: 900,
  },
  {
    consumer: 'edi-purchase-order-send',
    description: 'Posted or amended purchase order -> X12 850 to the supplier’s EDI partner mailbox',
    lane: 'critical',
    handler: 'edi-purchase-order-send',
    pattern: onEvents(['purchase-order.posted', 'purchase-order.amended']),
    maxReceiveCount: 5,
  },
  {
    consumer: 'shipment-sync',
    description: "Supplier's shipment milestone -> the ERP's expected receipt (draft supplier shipment)",
    lane: 'critical',
    handler: 'shipment-sync',
    pattern: onEvents(['shipment.milestone-reported']),
    maxReceiveCount: 5,
  },
  {
    consumer: 'edi-inbound-interchange',
    description: 'A partner interchange in the EDI mailbox -> 997, canonical events, or kept for a person',
    lane: 'standard',
    handler: 'edi-inbound-interchange',
    pattern: { objectsCreated: { bucket: 'ediMailbox', prefix: 'inbound/' } },
    // One file per record: a large interchange is a unit of work of its own.
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 5,
    timeoutSeconds: 120,
  },
  {
    consumer: 'read-store-invalidation',
    description: 'Item, supplier, purchase order and receipt changes mark the system APIs’ views to refill',
    lane: 'bulk',
    handler: 'read-store-invalidation',
    // The bulk lane's 30 s batching window would keep answering a changed view for 30 s.
    maxBatchingWindowSeconds: 1,
    pattern: onEvents([
      'item.updated',
      'supplier.updated',
      'purchase-order.posted',
      'purchase-order.amended',
      'purchase-order.changed',
      'purchase-order.acknowledged',
      'receipt.posted',
    ]),
    maxReceiveCount: 5,
  },
  {
    consumer: 'integration-exception-recorder',
    description: 'Integration exceptions raised and resolved, recorded for people',
    lane: 'standard',
    handler: 'integration-exception-recorder',
    pattern: onEvents(['integration-exception.raised', 'integration-exception.resolved']),
    maxReceiveCount: 5,
  },
  {
    consumer: 'reconciliation-run',
    description:
      'An on-demand reconciliation run asked for (API, dashboard, ops CLI) -> the run, in the bulk lane',
    lane: 'bulk',
    handler: 'reconciliation-run',
    pattern: onEvents(['reconciliation-run.requested']),
    // One run per message: a run is a whole window.
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    // A run that fails is recorded failed with its reason; a retry is a whole run again.
    maxReceiveCount: 2,
    timeoutSeconds: 900,
  },
];
