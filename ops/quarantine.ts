/**
 * The webhook quarantine for an operator: authentic vendor deliveries that were refused for their
 * content or failed on our side (adapters/webhooks/intake.ts), listed, inspected, and re-submitted
 * once the cause is fixed.
 *
 * A re-submit runs the intake's own steps after the signature (`resubmitDelivery`) with the same
 * delivery ledger and bus as the webhook functions: a delivery whose event reached the bus meanwhile
 * (a vendor retry succeeded) is a duplicate and publishes nothing; one refused again stays
 * quarantined with one more attempt; an accepted one is marked resolved. In AWS the operator needs
 * read/write on the quarantine and sync-ledger tables and events:PutEvents on the bus.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeliveryLedger } from '../adapters/aws/delivery-ledger';
import { DeliveryQuarantine } from '../adapters/aws/delivery-quarantine';
import { EventBridgePublisher } from '../adapters/aws/event-publisher';
import { SyncLedger } from '../adapters/aws/sync-ledger';
import { planningWebhook } from '../adapters/planning/webhook';
import { procurementWebhook } from '../adapters/procurement/webhook';
import { resubmitDelivery, type IntakePorts, type VendorWebhook } from '../adapters/webhooks/intake';
import type { QuarantinedDelivery, QuarantineStatus } from '../domain/ports/quarantine';
import type { OpsContext } from './context';
import { table } from './format';

/** What the quarantine commands work with (the CLI's context, or the dashboard's runtime). */
export interface QuarantineAccess {
  documents: DynamoDBDocumentClient;
  eventBridge: EventBridgeClient;
  busName: string;
  tables: { webhookQuarantine: string; syncLedger: string };
  now?: () => Date;
  /** The vendors' webhooks a re-submit runs (default: the deployed ones). */
  webhooks?: Readonly<Record<'planning' | 'procurement', VendorWebhook>>;
}

/** The quarantine of the stack the context is connected to. */
export function quarantineAccess(context: OpsContext): QuarantineAccess {
  const { webhookQuarantine, syncLedger } = context.topology.tables;
  if (!webhookQuarantine || !syncLedger)
    throw new Error(`stack ${context.topology.stackName} has no webhook quarantine table`);
  return {
    documents: context.clients.documents,
    eventBridge: context.clients.eventBridge,
    busName: context.topology.bus.name,
    tables: { webhookQuarantine, syncLedger },
  };
}

function store(access: QuarantineAccess): DeliveryQuarantine {
  return new DeliveryQuarantine(access.documents, access.tables.webhookQuarantine);
}

/** The deliveries in a status (open by default), most recent attempt first. */
export function listQuarantine(
  access: QuarantineAccess,
  status: QuarantineStatus = 'open',
  limit = 100,
): Promise<QuarantinedDelivery[]> {
  return store(access).list(status, limit);
}

/** One quarantined delivery, with its body. */
export async function showQuarantined(access: QuarantineAccess, id: string): Promise<QuarantinedDelivery> {
  const record = await store(access).get(id);
  if (!record) throw new Error(`no quarantined delivery '${id}'`);
  return record;
}

/** What a re-submit did. */
export interface ResubmitResult {
  quarantineId: string;
  /**
   * `accepted`, `duplicate` or `stale` (resolved); `refused` or `failed` (still quarantined);
   * `held` (the canonical model still cannot carry it: still held).
   */
  outcome: 'accepted' | 'duplicate' | 'stale' | 'held' | 'refused' | 'failed';
  /** The HTTP status the intake answered (503 when it failed). */
  status: number;
  /** The problem detail when not accepted. */
  detail?: string;
  resolved: boolean;
}

/** How long a re-submit's claim may stay in progress (the webhooks' own timeout is 10 s). */
const RESUBMIT_DEADLINE_MS = 30_000;

/** Puts a quarantined delivery through the intake again; resolves it when accepted. */
export async function resubmitQuarantined(access: QuarantineAccess, id: string): Promise<ResubmitResult> {
  const now = access.now ?? (() => new Date());
  const quarantine = store(access);
  const record = await showQuarantined(access, id);
  const deliveries = new DeliveryLedger(access.documents, access.tables.syncLedger, now);
  const ledger = new SyncLedger(access.documents, access.tables.syncLedger, now);
  const publisher = new EventBridgePublisher(access.eventBridge, access.busName);
  const ports: IntakePorts = {
    // Never asked: the signature was verified when the delivery was received.
    secrets: async () => [],
    now,
    newId: () => randomUUID(),
    tenantId: record.tenantId,
    claim: (event, version, until) => deliveries.claim(event, version, until),
    complete: (event, version) => deliveries.complete(event, version),
    release: (event, version, claim) => deliveries.release(event, version, claim),
    publish: (event) => publisher.publish([event]),
    recordStale: (event) => ledger.recordStale(event),
    quarantine,
  };
  const vendor = (access.webhooks ?? { planning: planningWebhook, procurement: procurementWebhook })[
    record.system
  ];
  try {
    const response = await resubmitDelivery(
      vendor,
      record,
      ports,
      new Date(now().getTime() + RESUBMIT_DEADLINE_MS),
    );
    const body = JSON.parse(response.body) as { status?: unknown; detail?: string };
    if (body.status === 'held') {
      const again = await quarantine.get(id);
      return {
        quarantineId: id,
        outcome: 'held',
        status: response.statusCode,
        ...(again ? { detail: again.reason.detail } : {}),
        resolved: false,
      };
    }
    if (response.statusCode < 300) {
      const outcome = body.status === 'duplicate' || body.status === 'stale' ? body.status : 'accepted';
      await quarantine.resolve(id, now(), outcome);
      return { quarantineId: id, outcome, status: response.statusCode, resolved: true };
    }
    return {
      quarantineId: id,
      outcome: 'refused',
      status: response.statusCode,
      ...(body.detail ? { detail: body.detail } : {}),
      resolved: false,
    };
  } catch (error) {
    // The intake kept it again with this failure as its reason.
    return {
      quarantineId: id,
      outcome: 'failed',
      status: 503,
      detail: (error as Error).message,
      resolved: false,
    };
  }
}

/** The list as a table. */
export function quarantineTable(records: readonly QuarantinedDelivery[]): string {
  if (records.length === 0) return 'no quarantined deliveries';
  return table(records, [
    { header: 'ID', value: (r) => r.quarantineId },
    { header: 'VENDOR', value: (r) => r.system },
    { header: 'EVENT', value: (r) => r.eventType },
    { header: 'STATUS', value: (r) => r.reason.status, right: true },
    {
      header: 'REASON',
      value: (r) => `${r.reason.type.replace(/^urn:supplyline:problem:/, '')}: ${r.reason.detail}`,
      max: 70,
    },
    { header: 'ATTEMPTS', value: (r) => r.attempts, right: true },
    { header: 'LAST ATTEMPT', value: (r) => r.lastAttemptAt },
    { header: 'STATE', value: (r) => r.resolution ?? r.status },
  ]);
}

/** One record in full, its body as received (UTF-8). */
export function quarantineDetail(record: QuarantinedDelivery): string {
  const field = (label: string, value: string | number | undefined) =>
    `  ${`${label}:`.padEnd(16)} ${value ?? '-'}`;
  return [
    `Quarantined delivery ${record.quarantineId} (${record.status})`,
    field('vendor', record.system),
    field('event type', record.eventType),
    field('delivery id', record.deliveryId),
    field('first received', record.firstReceivedAt),
    field('last attempt', record.lastAttemptAt),
    field('attempts', record.attempts),
    field('answered', `${record.reason.status} ${record.reason.type}`),
    field('reason', record.reason.detail),
    ...(record.resolvedAt ? [field('resolved', `${record.resolvedAt} (${record.resolution})`)] : []),
    field('expires', record.expiresAt ?? 'never (held until re-submitted)'),
    '  headers:',
    ...Object.entries(record.headers).map(([name, value]) => `    ${name}: ${value}`),
    `  body (${record.body.length} bytes):`,
    Buffer.from(record.body).toString('utf8'),
  ].join('\n');
}

/** A record for `--json`: the body as UTF-8 text and as base64 (byte for byte). */
export function quarantineJson(record: QuarantinedDelivery): Record<string, unknown> {
  const { body, ...rest } = record;
  return {
    ...rest,
    body: Buffer.from(body).toString('utf8'),
    bodyBase64: Buffer.from(body).toString('base64'),
  };
}

/** The CLI's help of the quarantine commands. */
export function quarantineHelp(connection: string): Record<string, string> {
  return {
    'quarantine list': `Usage: ops quarantine list [--status open|held|resolved] [--limit N] [--json]

Authentic webhook deliveries (valid signature) that were refused for their content or failed on our
side (open), or accepted but held because the canonical model cannot carry them (held), most recent
attempt first, with the reason and how many attempts (the vendor's retries and re-submits) there
were. Open records expire 30 days after their last attempt; held ones do not expire.

${connection}`,
    'quarantine show': `Usage: ops quarantine show <id> [--json]

One quarantined delivery: the reason, the headers that matter and the raw body.

${connection}`,
    'quarantine resubmit': `Usage: ops quarantine resubmit <id> [--json]

Puts the delivery through the webhook intake again (the steps after the signature, same delivery
ledger and bus): accepted, or a duplicate of an event already on the bus, resolves it; refused or
failed again, it stays quarantined with one more attempt; still beyond the canonical model, it stays
held. Exits 1 when not resolved.

${connection}`,
  };
}

/** Runs `quarantine list|show|resubmit`; returns the exit code. */
export async function quarantineCommand(
  sub: string,
  id: string | undefined,
  options: {
    context: OpsContext;
    status?: string | undefined;
    limit?: number | undefined;
    print: (data: unknown, text: () => string) => void;
  },
): Promise<number> {
  const access = quarantineAccess(options.context);
  if (sub === 'list') {
    const status = options.status === 'resolved' || options.status === 'held' ? options.status : 'open';
    const records = await listQuarantine(access, status, options.limit ?? 100);
    options.print(records.map(quarantineJson), () => quarantineTable(records));
    return 0;
  }
  if (!id) throw new Error(`missing quarantine id: ops quarantine ${sub} <id>`);
  if (sub === 'show') {
    const record = await showQuarantined(access, id);
    options.print(quarantineJson(record), () => quarantineDetail(record));
    return 0;
  }
  const result = await resubmitQuarantined(access, id);
  options.print(result, () =>
    result.resolved
      ? `${id}: ${result.outcome} (${result.status}); resolved`
      : `${id}: ${result.outcome} again (${result.status}: ${result.detail ?? ''}); still ${result.outcome === 'held' ? 'held' : 'quarantined'}`,
  );
  return result.resolved ? 0 : 1;
}
