/**
 * The fault drills' environment: the same wiring as `startLocalEnvironment()` (simulators of the
 * three systems, the synthesized dev stack on the local runtime), with what a drill needs on top:
 *
 * - a fresh environment per drill (new simulators, a new runtime on a new `dataDir`): no breaker
 *   window, request budget, rate limiter, queue, execution or idempotency record is carried from
 *   one drill to the next;
 * - the cloud assembly every local environment shares (`local/synth.ts`: synthesized once per
 *   source state, under a lock, so test files never race each other's synth);
 * - queue visibility timeouts shortened per lane (see {@link drillVisibilityTimeoutSeconds}), a
 *   persistent `dataDir`, shorter poll waits;
 * - the function log lines and the accepted bus events, kept in memory across runtime restarts;
 * - a restart of the runtime alone on the same `dataDir` with the simulators left running, as when
 *   the middleware dies and the external systems do not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '../../../local/eventbridge/bus';
import { startUnitErps, type LocalEnvironment } from '../../../local/environment';
import type { ErpInstance } from '../../../application/erp-instances';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from '../../../local/runtime/runtime';
import type { QueueModel, TemplateModel } from '../../../assembly';
import { procurementSeed } from '../../../local/seed/master-data';
import { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { PlanningSimulator } from '../../../local/simulators/planning';
import { ProcurementSimulator } from '../../../local/simulators/procurement';
import { synthesizeDev } from '../../../local/synth';

const PROCUREMENT_CLIENT = { clientId: 'supplyline', clientSecret: 'supplyline-secret' };
const PROCUREMENT_WEBHOOK_SECRET = 'drill-procurement-signing-secret';
export const PLANNING_SECRET = 'drill-planning-signing-secret';

/** One function log line as the runtime's log sink saw it. */
export interface FunctionLogLine {
  at: number;
  functionName: string;
  line: string;
}

/** A drill environment: a LocalEnvironment (so test/e2e/support.ts helpers work) and drill handles. */
export interface DrillEnvironment extends LocalEnvironment {
  procurement: ProcurementSimulator;
  erp: ErpSimulatorServer;
  dataDir: string;
  cdkOut: string;
  /** Function log lines of every runtime started so far (last 50,000). */
  logs: FunctionLogLine[];
  /** Every event the application's bus accepted, across runtime restarts (`busActivity` is per runtime and capped). */
  accepted: EventEnvelope[];
  /** Stops the runtime without waiting (the returned promise settles when it is down). */
  killRuntime(): Promise<void>;
  /** Starts a new runtime on the same cloud assembly and dataDir; the simulators are kept. */
  restartRuntime(): Promise<LocalRuntime>;
}

/** Runtime options every drill uses; see docs/fault-drills.md for why each value. */
export const DRILL_RUNTIME_OPTIONS: Pick<LocalRuntimeOptions, 'pollWaitSeconds' | 'eventBridgeBackoff'> = {
  pollWaitSeconds: 1,
  eventBridgeBackoff: { initialDelayMs: 200, maxDelayMs: 2000 },
};

/**
 * Seconds a received message stays invisible, per queue. The template's (6 x the function timeout:
 * 360 s on the critical lane, 1,800 s on the bulk lane) would make every retry a long wait, so the
 * drills shorten it, but never below what one delivery needs: the mapping's batching window (a
 * message is held while its batch fills) plus the time the slowest invocation of that lane takes on
 * a loaded 2-core machine. Shorter, a delivery still being processed becomes visible again: it is
 * received a second time (an idempotency "in progress"), its receive count climbs on the clock
 * rather than on failures, and SQS's redrive dead-letters it without a reason. A uniform 3 s did
 * exactly that to every bulk message (30 s batching window), and could to any invocation a loaded
 * machine stretched past 3 s.
 */
export function drillVisibilityTimeoutSeconds(model: TemplateModel, queue: QueueModel): number | undefined {
  const mapping = model.eventSourceMappings.find((m) => m.queueArn === queue.arn);
  if (!mapping) return undefined; // DLQs: nothing receives from them but the drills.
  const fn = model.functions.find((f) => f.name === mapping.functionName);
  const template = Number(queue.attributes.VisibilityTimeout ?? 30);
  // Critical and standard consumers (60 s timeout) answer in well under a second unloaded; bulk
  // consumers (300 - 900 s) walk thousands of lines.
  const processing = (fn?.timeoutSeconds ?? 60) > 60 ? 120 : 10;
  return Math.min(template, mapping.maximumBatchingWindowSeconds + processing);
}

/** Applies {@link drillVisibilityTimeoutSeconds} to the queues of a runtime (before any traffic). */
async function shortenVisibility(runtime: LocalRuntime): Promise<void> {
  for (const queue of runtime.model.queues) {
    const seconds = drillVisibilityTimeoutSeconds(runtime.model, queue);
    if (seconds === undefined) continue;
    await runtime.clients.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queue.url,
        Attributes: { VisibilityTimeout: String(seconds) },
      }),
    );
  }
}

/** What a drill's environment differs in: runtime options, and its business units (one ERP each). */
export interface DrillOptions {
  readonly runtime?: Partial<LocalRuntimeOptions>;
  readonly businessUnits?: readonly ErpInstance[];
}

/**
 * Starts new simulators and a new runtime on a new dataDir: nothing is shared with an earlier drill.
 * `businessUnits`: one embedded ERP per unit, wired as `startLocalEnvironment` wires them (`erp` is
 * the first unit's).
 */
export async function startDrillEnvironment(options: DrillOptions = {}): Promise<DrillEnvironment> {
  const units = (options.businessUnits?.length ?? 0) > 1 ? options.businessUnits : undefined;
  const cdkOut = await synthesizeDev(() => undefined, units ? { erpInstances: JSON.stringify(units) } : {});
  const dataDir = mkdtempSync(join(tmpdir(), 'supplyline-drills-'));
  const unitErps = units ? await startUnitErps(units, () => undefined) : undefined;
  const erps = unitErps?.erps;
  // Seeded: the ERP's injected error draws are repeatable (their order still follows concurrency).
  const erp =
    erps?.[units![0]!.name] ?? (await ErpSimulatorServer.start({ random: seededRandom(20_241_127) }));
  const procurement = await ProcurementSimulator.start({
    ...procurementSeed(),
    webhooks: { secret: PROCUREMENT_WEBHOOK_SECRET, retry: { maxRetries: 6, baseDelayMs: 200 } },
    acknowledgement: { delayMs: 300 },
  });
  const planning = await PlanningSimulator.start({ secrets: [PLANNING_SECRET] });
  const logs: FunctionLogLine[] = [];
  const progress: string[] = [];

  const runtimeOptions = (): LocalRuntimeOptions => ({
    env: 'dev',
    cdkOut,
    port: 0,
    dataDir,
    log: (line) => progress.push(line),
    functionLogs: (functionName, line) => {
      logs.push({ at: Date.now(), functionName, line });
      if (logs.length > 50_000) logs.shift();
    },
    // Nobody looks at the dashboard page during a drill.
    dashboard: false,
    ...DRILL_RUNTIME_OPTIONS,
    ...options.runtime,
    overrides: {
      TENANT_ID: 'local',
      PROCUREMENT_BASE_URL: procurement.url,
      ERP_BASE_URL: erp.url,
      ERP_PROTOCOL: 'supplyline-rpc',
      ERP_DATABASE: 'simulator',
      FORECAST_EXPORT_ALLOW_HTTP: 'true',
      ...unitErps?.overrides,
      ...options.runtime?.overrides,
    },
    secrets: {
      planningWebhookSigningCurrent: PLANNING_SECRET,
      planningWebhookSigningPrevious: '',
      procurementWebhookSigning: PROCUREMENT_WEBHOOK_SECRET,
      procurementOAuthClient: JSON.stringify({
        client_id: PROCUREMENT_CLIENT.clientId,
        client_secret: PROCUREMENT_CLIENT.clientSecret,
      }),
      erpCredentials: JSON.stringify({ username: 'simulator', password: 'simulator' }),
      ...unitErps?.secrets,
    },
  });

  const environment = {
    procurement,
    erp,
    ...(erps ? { erps, businessUnits: units } : {}),
    planning,
    dataDir,
    cdkOut,
    logs,
    settings: { port: 0, planningWebhookSecret: PLANNING_SECRET },
  } as Omit<DrillEnvironment, 'runtime' | 'stop' | 'killRuntime' | 'restartRuntime'> & {
    runtime: LocalRuntime;
  };

  const accepted: EventEnvelope[] = [];
  environment.accepted = accepted;
  const attach = async (runtime: LocalRuntime) => {
    await shortenVisibility(runtime);
    runtime.bus.observe((activity) => {
      if (activity.type === 'accepted') accepted.push(activity.event);
    });
    environment.runtime = runtime;
    planning.setSubscriber(`${runtime.baseUrl}/v1/webhooks/planning`);
    procurement.setSubscriber(`${runtime.baseUrl}/v1/webhooks/procurement`, PROCUREMENT_WEBHOOK_SECRET);
    return runtime;
  };
  await attach(await startLocalRuntime(runtimeOptions()));

  return Object.assign(environment, {
    killRuntime: () => environment.runtime.stop(),
    restartRuntime: async () => attach(await startLocalRuntime(runtimeOptions())),
    stop: async () => {
      await environment.runtime.stop();
      const unitErps = erps ? Object.values(erps) : [erp];
      await Promise.all([planning.close(), procurement.close(), ...unitErps.map((e) => e.close())]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  }) as DrillEnvironment;
}

/** Every item of a table (dynalite: a full scan is cheap at drill sizes). */
export async function scanTable(runtime: LocalRuntime, tableKey: string): Promise<Record<string, unknown>[]> {
  const table = runtime.model.tables.find(
    (t) => t.logicalId.toLowerCase().includes(tableKey.toLowerCase()) || t.name.includes(tableKey),
  );
  if (!table)
    throw new Error(`no table like ${tableKey}: ${runtime.model.tables.map((t) => t.name).join(', ')}`);
  const documents = DynamoDBDocumentClient.from(runtime.clients.dynamodb);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: table.name, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Receives every message of a queue (with attributes), leaving them invisible for `hideSeconds`. */
export async function drainQueue(
  runtime: LocalRuntime,
  queueName: string,
  hideSeconds = 60,
): Promise<Message[]> {
  const url = runtime.queue(queueName).url;
  const messages: Message[] = [];
  for (;;) {
    const answer = await runtime.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        VisibilityTimeout: hideSeconds,
        WaitTimeSeconds: 0,
      }),
    );
    if (!answer.Messages?.length) return messages;
    messages.push(...answer.Messages);
  }
}

/** Largest number of records whose `at` falls within any window of `windowMs`. */
export function peakPerWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: a small seeded random source for repeatable fault injection. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
