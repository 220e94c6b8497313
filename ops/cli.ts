/**
 * The operations CLI: `npx tsx ops/cli.ts <command> [--local] [--json]`. Parses arguments and
 * prints; the work is in the modules next to it. `--local` talks to the running local runtime
 * (its state file), otherwise to AWS with the standard credentials and region.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { accessTokenFrom, connectAws, connectLocal, type OpsContext } from './context';
import { listDeadLetterQueues, peekDeadLetters, redrive, type DeadLetter } from './dlq';
import { ediCommand, ediHelp } from './edi';
import { duration, table } from './format';
import { listForecastSyncs, showForecastSync } from './forecast-syncs';
import { forecastSyncDetail, forecastSyncTable } from './forecast-syncs-text';
import { ApiProblem, listExceptions, purchaseOrderStatus, resolveException } from './governed-api';
import { quarantineCommand, quarantineHelp } from './quarantine';
import { reconcileCommand, reconcileHelp } from './reconcile';
import { replay } from './replay';

/** Where the CLI writes: results to `out`, progress and errors to `err`. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const CONNECTION_HELP = `Connection (every command):
  --local               the running local runtime (npm start), from .tmp/local-runtime.json
  --state-file <path>   another local runtime state file (implies --local)
  --stack <name>        AWS stack name (default Supplyline-<env>, or SUPPLYLINE_STACK)
  --env <env>           dev | staging | prod (default dev)
  --region <region>     AWS region (default AWS_REGION)
  --api-key <key>       x-api-key of the governed API (default SUPPLYLINE_API_KEY; local: automatic)
  --api-url <url>       API base incl. /v1 (default: the stack output ApiUrl)
  --json                machine-readable output
  -h, --help            this help`;

const HELP: Record<string, string> = {
  '': `Supplyline operations

Usage: npx tsx ops/cli.ts <command> [options]

Commands:
  dlq list                             every dead-letter queue with its depth
  dlq show <consumer|queue>            the messages of a consumer's DLQs, without consuming them
  dlq redrive <consumer|queue>         move DLQ messages back to the consumer's queue
  replay --from <ISO> --to <ISO>       replay archived events onto the bus
  status purchase-order <ref|poNumber> a purchase order's sync status across the systems
  exceptions list                      integration exceptions with their age
  exceptions resolve <id> --reason ..  resolve an integration exception
  forecast-syncs [--plan <planId>]     bulk forecast sync runs with their figures, newest first
  forecast-syncs show <plan> <version> one run's summary and its first rejected rows
  quarantine list|show <id>|resubmit <id>  refused webhook deliveries: list, inspect, re-submit
  edi rejected                         inbound EDI files refused as malformed, with their reason
  reconcile [--since <ISO>] [--no-wait] ask for a reconciliation run now, follow it, print its summary

Run a command with --help for its options.

${CONNECTION_HELP}`,
  'dlq list': `Usage: ops dlq list [--json]

Every dead-letter queue of the stack: the consumer's processing DLQ (failed processing: contract
violations, exhausted retries) and its delivery DLQ (EventBridge could not deliver), with depth,
messages in flight and the queue a redrive returns them to.

${CONNECTION_HELP}`,
  'dlq show': `Usage: ops dlq show <consumer|queue> [--max N] [--json]

Lists the messages in the consumer's DLQs (or one DLQ by name) with failure class, reason,
correlation id and event type. Messages are not consumed: each is hidden while the queue is read
(at most 60 s) and made visible again right after (reading counts as a receive in SQS's
ApproximateReceiveCount; DLQs have no maxReceiveCount, so nothing moves).

  --max <n>   read at most n messages per DLQ (default 1000)

${CONNECTION_HELP}`,
  'dlq redrive': `Usage: ops dlq redrive <consumer|queue> [--event-type T] [--correlation-id C] [--dry-run] [--json]

Moves messages from the consumer's DLQs back to its queue: all of them, or those of one event type
and/or correlation id. Each message is sent with its original body, then deleted from the DLQ only
after the send succeeded. Messages left out are made visible again at once.

  --event-type <t>       only events of this detail-type (e.g. forecast-exception.raised)
  --correlation-id <c>   only messages of this business flow
  --dry-run              list what would move and why each failed; move nothing

${CONNECTION_HELP}`,
  replay: `Usage: ops replay --from <ISO> --to <ISO> [--event-type T] [--name N] [--timeout S] [--json]

Replays the archived events whose time is in [from, to) onto the bus (EventBridge StartReplay). With
--event-type only the rules accepting that type receive them (Destination.FilterArns; EventBridge
filters replays by rule, so other types those rules accept are replayed too). Waits for
the replay and the consumers, then reports the consumer deliveries marked as replays
(ReplaysProcessed) and how many of them idempotency suppressed as already handled
(DuplicatesSuppressed). In AWS the metrics take a few minutes to appear; the command waits for them.

  --from <iso>           window start (inclusive), e.g. 2026-05-01T00:00:00Z
  --to <iso>             window end (exclusive)
  --event-type <t>       only the rules of this detail-type
  --name <name>          replay name (default ops-<timestamp>)
  --timeout <seconds>    give up waiting for the counts after this long (default 120 + metrics delay)

${CONNECTION_HELP}`,
  status: `Usage: ops status purchase-order <externalRef|poNumber> [--json]

The purchase order's state in each system, the sync lag per system pair, its event history (with
correlation ids) and its open integration exceptions, from GET /v1/purchase-orders/{id}/sync. A
procurement PO number (PO-...) is looked up to its external reference (SL-PO-...).

${CONNECTION_HELP}`,
  'exceptions list': `Usage: ops exceptions list [--status OPEN|RESOLVED] [--json]

Integration exceptions (GET /v1/integration-exceptions), OPEN first and oldest first, with their age.

  --status <s>   OPEN or RESOLVED (default both)

${CONNECTION_HELP}`,
  'exceptions resolve': `Usage: ops exceptions resolve <id> --reason "..." [--json]

Resolves an integration exception (POST /v1/integration-exceptions/{id}/resolve). The resolver
recorded is the caller of the access token: with the CLI's own client credentials, the ops-cli
application (its client id); with SUPPLYLINE_ACCESS_TOKEN, whoever that token names.

  --reason <text>   why it is resolved (required)

${CONNECTION_HELP}`,
  'forecast-syncs': `Usage: ops forecast-syncs [--plan <planId>] [--limit N] [--json]

The runs of the bulk forecast sync, newest first, from the run records in the forecast sync bucket
(summaries/, failures/, received/): plan, version, outcome, rows, accepted, rejected with the most
frequent reasons, forecast.lines-changed emitted, duration and when the record was written.

Outcomes: processed; duplicate or stale (the version was already passed: nothing downloaded or
emitted); failed (a contract violation such as a checksum mismatch: not retried, see the
consumer's DLQ); pending (started, no outcome yet: running, waiting for an SQS retry, or
dead-lettered after its retries).

  --plan <planId>   only this plan's versions
  --limit <n>       the newest n runs (default 50)

${CONNECTION_HELP}`,
  'forecast-syncs show': `Usage: ops forecast-syncs show <planId> <version> [--rejects N] [--json]

One plan version's run: the full summary (rows, accepted, rejected by reason, keys, changes by
kind, batches, partitions, bytes, duration, sha256), its failure or pending attempt if it has no
summary, and the first rejected rows with their line numbers in the export (the header is line 1),
from rejects/<plan>/<version>.jsonl (kept 30 days).

  --rejects <n>   how many rejected rows to show (default 20)

${CONNECTION_HELP}`,
  ...quarantineHelp(CONNECTION_HELP),
  ...ediHelp(CONNECTION_HELP),
  ...reconcileHelp(CONNECTION_HELP),
};

const OPTIONS = {
  local: { type: 'boolean' },
  'state-file': { type: 'string' },
  stack: { type: 'string' },
  env: { type: 'string' },
  region: { type: 'string' },
  'api-key': { type: 'string' },
  'api-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  max: { type: 'string' },
  'event-type': { type: 'string' },
  'correlation-id': { type: 'string' },
  'dry-run': { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  name: { type: 'string' },
  timeout: { type: 'string' },
  status: { type: 'string' },
  reason: { type: 'string' },
  plan: { type: 'string' },
  limit: { type: 'string' },
  rejects: { type: 'string' },
  since: { type: 'string' },
  partner: { type: 'string' },
  'no-wait': { type: 'boolean' },
} as const;

class UsageError extends Error {}

/** Runs one command; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function run(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${HELP['']!}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [group = '', sub = ''] = positionals;
  const helpKey = HELP[`${group} ${sub}`] ? `${group} ${sub}` : HELP[group] ? group : '';
  if (values.help || group === '' || group === 'help') {
    io.out(HELP[helpKey]!);
    return 0;
  }

  let context: OpsContext | undefined;
  try {
    const accessToken = accessTokenFrom(process.env);
    const connect = async () =>
      values.local || values['state-file']
        ? connectLocal(values['state-file'])
        : connectAws({
            stackName: values.stack ?? process.env.SUPPLYLINE_STACK ?? `Supplyline-${values.env ?? 'dev'}`,
            ...(values.region ? { region: values.region } : {}),
            ...((values['api-key'] ?? process.env.SUPPLYLINE_API_KEY)
              ? { apiKey: values['api-key'] ?? process.env.SUPPLYLINE_API_KEY }
              : {}),
            ...(values['api-url'] ? { apiUrl: values['api-url'] } : {}),
            ...(accessToken ? { accessToken } : {}),
          });
    const json = values.json === true;
    const print = (data: unknown, text: () => string) =>
      io.out(json ? JSON.stringify(data, null, 2) : text());
    const progress = (line: string) => {
      if (!json) io.err(`… ${line}`);
    };
    const argument = (index: number, what: string) => {
      const value = positionals[index];
      if (!value) throw new UsageError(`missing ${what}\n\n${HELP[helpKey]!}`);
      return value;
    };

    switch (`${group} ${sub}`.trim()) {
      case 'dlq list': {
        context = await connect();
        const rows = await listDeadLetterQueues(context.clients.sqs, context.topology);
        print(
          rows,
          () =>
            table(rows, [
              { header: 'CONSUMER', value: (r) => r.consumer },
              { header: 'KIND', value: (r) => r.kind },
              { header: 'DLQ', value: (r) => r.queue },
              { header: 'DEPTH', value: (r) => r.depth, right: true },
              { header: 'IN FLIGHT', value: (r) => r.inFlight, right: true },
              { header: 'REDRIVES TO', value: (r) => r.source },
            ]) +
            `\n\n${rows.reduce((n, r) => n + r.depth, 0)} message(s) in ${rows.filter((r) => r.depth > 0).length} of ${rows.length} DLQs`,
        );
        return 0;
      }
      case 'dlq show': {
        const name = argument(2, 'consumer or queue');
        context = await connect();
        const letters = await peekDeadLetters(context.clients.sqs, context.topology, name, {
          ...(values.max ? { max: Number(values.max) } : { max: 1000 }),
          onProgress: progress,
        });
        print(letters, () =>
          letters.length === 0 ? `no messages in the DLQs of ${name}` : deadLetterTable(letters),
        );
        return 0;
      }
      case 'dlq redrive': {
        const name = argument(2, 'consumer or queue');
        context = await connect();
        const result = await redrive(context.clients.sqs, context.topology, name, {
          ...(values['event-type'] ? { eventType: values['event-type'] } : {}),
          ...(values['correlation-id'] ? { correlationId: values['correlation-id'] } : {}),
          dryRun: values['dry-run'] === true,
          onProgress: progress,
        });
        print(result, () => {
          const verb = result.dryRun ? 'would move' : 'moved';
          const lines = [
            result.moved.length > 0 ? deadLetterTable(result.moved) : '',
            `${result.dryRun ? 'Dry run: ' : ''}${verb} ${result.moved.length} message(s) back to ${[...new Set(result.moved.map((m) => m.sourceQueue))].join(', ') || 'their queue'}; ${result.kept} left in the DLQ by the filter`,
            ...result.failed.map((f) => `FAILED ${f.message.messageId}: ${f.error}`),
          ];
          return lines.filter((l) => l !== '').join('\n\n');
        });
        return result.failed.length > 0 ? 1 : 0;
      }
      case 'replay': {
        if (!values.from || !values.to)
          throw new UsageError(`--from and --to are required\n\n${HELP.replay!}`);
        const from = new Date(values.from);
        const to = new Date(values.to);
        if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
          throw new UsageError('--from and --to must be ISO 8601 times, e.g. 2026-05-01T00:00:00Z');
        context = await connect();
        const report = await replay(
          context.clients,
          context.topology,
          {
            from,
            to,
            ...(values['event-type'] ? { eventType: values['event-type'] } : {}),
            ...(values.name ? { replayName: values.name } : {}),
          },
          {
            metricsDelayMs: context.metricsDelayMs,
            ...(values.timeout ? { timeoutMs: Number(values.timeout) * 1000 } : {}),
            onProgress: progress,
          },
        );
        print(report, () =>
          [
            `Replay ${report.replayName}: ${report.state}${report.stateReason ? ` (${report.stateReason})` : ''}`,
            `  rules:                    ${report.rules.length ? report.rules.join(', ') : 'every rule of the bus'}`,
            `  last replayed event time: ${report.lastReplayedEventTime ?? '(none in the window)'}`,
            `  consumer deliveries:      ${report.replayed} (marked as replays)`,
            `  suppressed as duplicates: ${report.duplicatesSuppressed} (already handled: no effect)`,
            `  applied:                  ${report.applied} (new to the consumer)`,
            ...(report.settled
              ? []
              : ['  (counts had not settled when the wait ended; run again later for final figures)']),
          ].join('\n'),
        );
        return report.state === 'COMPLETED' ? 0 : 1;
      }
      case 'status purchase-order': {
        const id = argument(2, 'external reference or PO number');
        context = await connect();
        const status = await purchaseOrderStatus(context.api, id, {
          documents: context.clients.documents,
          ...(context.topology.tables.workflowCorrelation
            ? { workflowCorrelationTable: context.topology.tables.workflowCorrelation }
            : {}),
        });
        print(status, () =>
          [
            `Purchase order ${status.objectId}${status.resolvedFrom ? ` (from ${status.resolvedFrom})` : ''}`,
            '',
            'State in each system:',
            table(status.systems, [
              { header: 'SYSTEM', value: (s) => s.system },
              { header: 'REFERENCE', value: (s) => s.reference },
              { header: 'STATE', value: (s) => s.state },
              { header: 'VERSION', value: (s) => s.version, right: true },
              { header: 'CONFIRMED AT', value: (s) => s.confirmedAt },
            ]),
            '',
            'Sync lag:',
            table(status.lags, [
              { header: 'FROM', value: (l) => l.fromSystem },
              { header: 'TO', value: (l) => l.toSystem },
              { header: 'SOURCE EVENT AT', value: (l) => l.sourceEventAt },
              { header: 'CONFIRMED AT', value: (l) => l.confirmedAt ?? 'pending' },
              { header: 'LAG', value: (l) => duration(l.lagSeconds), right: true },
            ]),
            '',
            'History:',
            table(status.history, [
              { header: 'OCCURRED AT', value: (h) => h.occurredAt },
              { header: 'EVENT', value: (h) => h.eventType },
              { header: 'CORRELATION ID', value: (h) => h.correlationId },
            ]),
            '',
            status.openExceptions.length === 0
              ? 'Open integration exceptions: none'
              : `Open integration exceptions:\n${table(status.openExceptions, [
                  { header: 'ID', value: (e) => e.exceptionId },
                  { header: 'CODE', value: (e) => e.code },
                  { header: 'SYSTEM', value: (e) => e.system },
                  { header: 'RAISED AT', value: (e) => e.raisedAt },
                  { header: 'MESSAGE', value: (e) => e.message, max: 60 },
                ])}`,
          ].join('\n'),
        );
        return 0;
      }
      case 'exceptions list': {
        const status = values.status?.toUpperCase();
        if (status !== undefined && status !== 'OPEN' && status !== 'RESOLVED')
          throw new UsageError('--status must be OPEN or RESOLVED');
        context = await connect();
        const items = await listExceptions(context.api, status);
        print(items, () =>
          items.length === 0
            ? `no ${status ?? ''} integration exceptions`.replace('  ', ' ')
            : `${table(items, [
                { header: 'ID', value: (e) => e.exceptionId },
                { header: 'STATUS', value: (e) => e.status },
                { header: 'AGE', value: (e) => duration(e.ageSeconds), right: true },
                { header: 'CATEGORY', value: (e) => e.category },
                { header: 'CODE', value: (e) => e.code },
                { header: 'SYSTEM', value: (e) => e.system },
                { header: 'OBJECT', value: (e) => `${e.objectType} ${e.objectId}` },
                { header: 'MESSAGE', value: (e) => e.message, max: 60 },
              ])}\n\n${items.filter((e) => e.status === 'OPEN').length} open, ${items.filter((e) => e.status !== 'OPEN').length} resolved`,
        );
        return 0;
      }
      case 'exceptions resolve': {
        const id = argument(2, 'exception id');
        if (!values.reason) throw new UsageError(`--reason is required\n\n${HELP['exceptions resolve']!}`);
        context = await connect();
        const resolved = await resolveException(context.api, id, { reason: values.reason });
        print(
          resolved,
          () => `Resolved ${resolved.exceptionId} at ${resolved.resolvedAt ?? '?'}: ${values.reason!}`,
        );
        return 0;
      }
      case 'forecast-syncs':
      case 'forecast-syncs list': {
        const limit = count(values.limit, '--limit') ?? 50;
        context = await connect();
        const list = await listForecastSyncs(context.clients.s3, forecastSyncBucket(context), {
          ...(values.plan ? { planId: values.plan } : {}),
          limit,
          onProgress: progress,
        });
        print(list.runs, () =>
          list.runs.length === 0
            ? `no forecast sync runs recorded${values.plan ? ` for plan ${values.plan}` : ''} in ${list.bucket}`
            : `${forecastSyncTable(list.runs)}\n\n${list.runs.length} of ${list.total} run(s) in ${list.bucket}${list.total > list.runs.length ? ' (--limit for more)' : ''}`,
        );
        return 0;
      }
      case 'forecast-syncs show': {
        const planId = argument(2, 'plan id');
        const version = count(argument(3, 'version'), 'version');
        if (!version) throw new UsageError(`version must be a positive integer\n\n${HELP[helpKey]!}`);
        const rejects = count(values.rejects, '--rejects') ?? 20;
        context = await connect();
        const detail = await showForecastSync(
          context.clients.s3,
          forecastSyncBucket(context),
          planId,
          version,
          { rejects },
        );
        print(detail, () => forecastSyncDetail(detail));
        return 0;
      }
      case 'quarantine list':
      case 'quarantine show':
      case 'quarantine resubmit': {
        context = await connect();
        const options = { context, status: values.status, limit: count(values.limit, '--limit'), print };
        return await quarantineCommand(sub, positionals[2], options);
      }
      case 'edi rejected': {
        context = await connect();
        const options = { context, status: values.status, partner: values.partner, print };
        return await ediCommand(sub, { ...options, limit: count(values.limit, '--limit') });
      }
      case 'reconcile': {
        const since = values.since === undefined ? undefined : new Date(values.since);
        if (since && Number.isNaN(since.getTime()))
          throw new UsageError(
            `--since must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z\n\n${HELP.reconcile!}`,
          );
        context = await connect();
        return await reconcileCommand(
          context,
          { ...(since ? { since } : {}), wait: values['no-wait'] !== true },
          { print, progress },
        );
      }
      default:
        throw new UsageError(`unknown command '${positionals.join(' ')}'\n\n${HELP['']!}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    io.err(
      `error: ${error instanceof ApiProblem ? error.message : ((error as Error).message ?? String(error))}`,
    );
    return 1;
  } finally {
    context?.close();
  }
}

/** A non-negative integer option, or undefined when not given. */
function count(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${what} must be a non-negative integer, not '${value}'`);
  return Number(value);
}

function forecastSyncBucket(context: OpsContext): string {
  const bucket = context.topology.buckets.forecastSync;
  if (!bucket) throw new Error(`stack ${context.topology.stackName} has no forecast sync bucket`);
  return bucket;
}

function deadLetterTable(letters: readonly DeadLetter[]): string {
  return table(letters, [
    { header: 'MESSAGE ID', value: (m) => m.messageId.slice(0, 8) },
    { header: 'DLQ', value: (m) => m.kind },
    { header: 'EVENT TYPE', value: (m) => m.eventType },
    { header: 'CORRELATION ID', value: (m) => m.correlationId, max: 36 },
    { header: 'CLASS', value: (m) => m.failureClass },
    { header: 'REASON', value: (m) => m.failureReason, max: 90 },
  ]);
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
