/**
 * What the operations commands need to know about a deployed stack: the consumers with their
 * queue, DLQ and delivery DLQ, the bus and its archive, the rules, the tables, the buckets and the API.
 *
 * Built from one neutral inventory, so AWS and the local runtime share the mapping: in AWS the
 * inventory comes from CloudFormation (stack resources and outputs) plus the queues' redrive
 * policies and the rules' targets; locally from the synthesized template model.
 */
import { BUCKETS, pascalCase, type BucketKey } from '../application/resources';
import { CONSUMER_ROUTES } from '../application/routing/routes';
import type { TemplateModel } from '../assembly';

/** A queue as the inventory knows it. */
export interface InventoryQueue {
  /** CloudFormation logical id (`ConsumersForecastSyncQueueB253C5BF`). */
  logicalId: string;
  name: string;
  url: string;
  arn: string;
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

/** An EventBridge rule with its targets. */
export interface InventoryRule {
  name: string;
  arn: string;
  eventPattern?: Record<string, unknown>;
  targets: { arn: string; deadLetterArn?: string }[];
}

/** Everything the topology is built from. */
export interface StackInventory {
  stackName: string;
  region: string;
  queues: InventoryQueue[];
  rules: InventoryRule[];
  /** Tables by CloudFormation logical id. */
  tables: { logicalId: string; name: string }[];
  /** Buckets by CloudFormation logical id (`BucketsForecastSyncBucketE2BFE2A2`). */
  buckets?: { logicalId: string; name: string }[];
  /** Lambda functions by CloudFormation logical id (`FunctionsPurchaseOrderReconciliation1A2B3C4D`). */
  functions?: { logicalId: string; name: string }[];
  bus: { name: string; arn: string };
  archive?: { name: string; arn: string };
  /** `https://.../v1` (the stack output `ApiUrl`). */
  apiUrl?: string;
}

/** A queue reference. */
export interface QueueRef {
  name: string;
  url: string;
  arn: string;
}

/** One consumer lane: the queue its function drains, the DLQ of that queue and the rule's delivery DLQ. */
export interface ConsumerTopology {
  /** Kebab-case route name (`forecast-exception-evaluation`). */
  consumer: string;
  /** Workload lane from the routing table (`critical`, `standard`, `bulk`), when known. */
  lane?: string;
  queue: QueueRef;
  /** Where SQS and the consumer put messages that failed processing. */
  deadLetterQueue: QueueRef;
  /** Where EventBridge puts events it could not deliver to the queue. */
  deliveryDeadLetterQueue?: QueueRef;
  maxReceiveCount: number;
  /** Event types the consumer's rule accepts (`detail-type`). */
  eventTypes: string[];
  ruleArn?: string;
}

/** The table names the commands read. */
export interface StackTables {
  idempotency?: string;
  syncLedger?: string;
  circuitBreaker?: string;
  integrationExceptions?: string;
  workflowCorrelation?: string;
  webhookQuarantine?: string;
}

/** The bucket names the commands read, by the application's bucket key (application/resources.ts). */
export type StackBuckets = Partial<Record<BucketKey, string>>;

/** The resolved stack. */
export interface StackTopology {
  stackName: string;
  region: string;
  consumers: ConsumerTopology[];
  rules: InventoryRule[];
  bus: { name: string; arn: string };
  archive?: { name: string; arn: string };
  tables: StackTables;
  buckets: StackBuckets;
  /** Lambda functions (logical id and physical name): `functionNameOf` finds one by catalog key. */
  functions: { logicalId: string; name: string }[];
  apiUrl?: string;
}

/** A dead-letter queue with what it belongs to. */
export interface DeadLetterQueueRef extends QueueRef {
  consumer: string;
  kind: 'processing' | 'delivery';
  /** The queue a redrive sends its messages back to. */
  source: QueueRef;
}

const TABLE_KEYS: Record<string, keyof StackTables> = {
  IdempotencyTable: 'idempotency',
  SyncLedgerTable: 'syncLedger',
  CircuitBreakerTable: 'circuitBreaker',
  IntegrationExceptionsTable: 'integrationExceptions',
  WorkflowCorrelationTable: 'workflowCorrelation',
  WebhookQuarantineTable: 'webhookQuarantine',
};

/** `ForecastExceptionEvaluation` -> `forecast-exception-evaluation`. */
function kebab(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The consumer a queue's logical id names (`Consumers<Name>Queue<hash>`), else its name past the stack prefix. */
function consumerName(queue: InventoryQueue): string {
  const match = /^Consumers([A-Za-z0-9]+?)Queue[0-9A-F]{8}$/.exec(queue.logicalId);
  if (match) return kebab(match[1]!);
  const route = CONSUMER_ROUTES.find((r) => queue.name.endsWith(`-${r.consumer}`));
  return route?.consumer ?? queue.name;
}

const ref = (q: InventoryQueue): QueueRef => ({ name: q.name, url: q.url, arn: q.arn });

/** Maps the inventory onto consumers, tables, bus and archive. */
export function buildTopology(inventory: StackInventory): StackTopology {
  const byArn = new Map(inventory.queues.map((q) => [q.arn, q]));
  const consumers: ConsumerTopology[] = [];
  for (const queue of inventory.queues) {
    if (!queue.redrivePolicy) continue;
    const dlq = byArn.get(queue.redrivePolicy.deadLetterTargetArn);
    if (!dlq) continue;
    const rule = inventory.rules.find((r) => r.targets.some((t) => t.arn === queue.arn));
    const target = rule?.targets.find((t) => t.arn === queue.arn);
    const deliveryDlq = target?.deadLetterArn ? byArn.get(target.deadLetterArn) : undefined;
    const consumer = consumerName(queue);
    const detailTypes = rule?.eventPattern?.['detail-type'];
    const lane = CONSUMER_ROUTES.find((r) => r.consumer === consumer)?.lane;
    consumers.push({
      consumer,
      ...(lane ? { lane } : {}),
      queue: ref(queue),
      deadLetterQueue: ref(dlq),
      ...(deliveryDlq ? { deliveryDeadLetterQueue: ref(deliveryDlq) } : {}),
      maxReceiveCount: queue.redrivePolicy.maxReceiveCount,
      eventTypes: Array.isArray(detailTypes) ? detailTypes.filter((t) => typeof t === 'string') : [],
      ...(rule ? { ruleArn: rule.arn } : {}),
    });
  }
  const tables: StackTables = {};
  for (const table of inventory.tables) {
    const key = Object.entries(TABLE_KEYS).find(([part]) => table.logicalId.includes(part))?.[1];
    if (key) tables[key] = table.name;
  }
  // DataBuckets names each bucket `<PascalKey>Bucket` (the access log bucket matches none).
  const buckets: StackBuckets = {};
  for (const bucket of inventory.buckets ?? []) {
    const key = (Object.keys(BUCKETS) as BucketKey[]).find((k) =>
      bucket.logicalId.includes(`${pascalCase(k)}Bucket`),
    );
    if (key) buckets[key] = bucket.name;
  }
  return {
    stackName: inventory.stackName,
    region: inventory.region,
    consumers,
    rules: inventory.rules,
    bus: inventory.bus,
    ...(inventory.archive ? { archive: inventory.archive } : {}),
    tables,
    buckets,
    functions: inventory.functions ?? [],
    ...(inventory.apiUrl ? { apiUrl: inventory.apiUrl } : {}),
  };
}

/** The inventory of the synthesized template as the local runtime runs it. */
export function inventoryFromTemplate(model: TemplateModel): StackInventory {
  const bus = model.buses[0] ?? {
    name: 'default',
    arn: `arn:aws:events:${model.region}:${model.account}:event-bus/default`,
  };
  const archive = model.archives.find((a) => a.busArn === bus.arn || a.busArn === bus.name);
  return {
    stackName: model.stackName,
    region: model.region,
    queues: model.queues.map((q) => ({
      logicalId: q.logicalId,
      name: q.name,
      url: q.url,
      arn: q.arn,
      ...(q.redrivePolicy ? { redrivePolicy: q.redrivePolicy } : {}),
    })),
    rules: model.rules.map((r) => ({
      name: r.name,
      arn: r.arn,
      ...(r.eventPattern ? { eventPattern: r.eventPattern } : {}),
      targets: r.targets.map((t) => ({
        arn: t.arn,
        ...(t.deadLetterArn ? { deadLetterArn: t.deadLetterArn } : {}),
      })),
    })),
    tables: model.tables.map((t) => ({ logicalId: t.logicalId, name: t.name })),
    buckets: model.buckets.map((b) => ({ logicalId: b.logicalId, name: b.name })),
    functions: model.functions.map((f) => ({ logicalId: f.logicalId, name: f.name })),
    bus: { name: bus.name, arn: bus.arn },
    ...(archive ? { archive: { name: archive.name, arn: archive.arn } } : {}),
  };
}

/** Every DLQ of the stack (processing and delivery), each with the queue it redrives to. */
export function deadLetterQueues(topology: StackTopology): DeadLetterQueueRef[] {
  return topology.consumers.flatMap((c) => [
    { ...c.deadLetterQueue, consumer: c.consumer, kind: 'processing' as const, source: c.queue },
    ...(c.deliveryDeadLetterQueue
      ? [{ ...c.deliveryDeadLetterQueue, consumer: c.consumer, kind: 'delivery' as const, source: c.queue }]
      : []),
  ]);
}

/**
 * The DLQs a command names: a consumer (`forecast-sync`: both its DLQs) or one queue by name,
 * URL or ARN. Throws with the known consumers when nothing matches.
 */
export function resolveDeadLetterQueues(topology: StackTopology, name: string): DeadLetterQueueRef[] {
  const all = deadLetterQueues(topology);
  const byConsumer = all.filter((q) => q.consumer === name);
  if (byConsumer.length > 0) return byConsumer;
  const byQueue = all.filter((q) => q.name === name || q.url === name || q.arn === name);
  if (byQueue.length > 0) return byQueue;
  throw new Error(
    `no consumer or DLQ named '${name}' (consumers: ${topology.consumers.map((c) => c.consumer).join(', ')})`,
  );
}

/** The rules whose pattern accepts the event type (`detail-type`). */
export function rulesForEventType(topology: StackTopology, eventType: string): InventoryRule[] {
  return topology.rules.filter((rule) => {
    const types = rule.eventPattern?.['detail-type'];
    return Array.isArray(types) && types.includes(eventType);
  });
}

/**
 * The physical name of the function of a catalog key (application/functions.ts): the stack names
 * it `<PascalKey>` with CDK's 8-hex hash after it, so `PurchaseOrderReconciliation` is not taken
 * for a longer name that starts the same.
 */
export function functionNameOf(topology: StackTopology, key: string): string {
  const id = new RegExp(`${pascalCase(key)}[0-9A-F]{8}$`);
  const found = topology.functions.find((f) => id.test(f.logicalId));
  if (!found) throw new Error(`stack ${topology.stackName} has no function ${key}`);
  return found.name;
}
