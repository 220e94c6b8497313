/**
 * The fault drills' environment: the same wiring as `startLocalEnvironment()` (simulators of the
 * three systems, the synthesized dev stack on the local runtime), with what a drill needs on top:
 *
 * - its own cloud assembly (`cdk.out/drills`), so a drill run never races the other e2e suite's
 *   synth into `cdk.out/local`;
 * - runtime options `startLocalEnvironment()` does not pass through (short visibility timeouts,
 *   a persistent `dataDir`, shorter poll waits);
 * - the function log lines, kept in memory (circuit breaker changes, EMF metrics);
 * - a restart of the runtime alone on the same `dataDir` with the simulators left running, as when
 *   the middleware dies and the external systems do not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { ROOT, type LocalEnvironment } from '../../../local/environment';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from '../../../local/runtime/runtime';
import { procurementSeed } from '../../../local/seed/master-data';
import { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { PlanningSimulator } from '../../../local/simulators/planning';
import { ProcurementSimulator } from '../../../local/simulators/procurement';

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
  /** Stops the runtime without waiting (the returned promise settles when it is down). */
  killRuntime(): Promise<void>;
  /** Starts a new runtime on the same cloud assembly and dataDir; the simulators are kept. */
  restartRuntime(): Promise<LocalRuntime>;
}

/** Runtime options every drill uses; see docs/fault-drills.md for why each value. */
export const DRILL_RUNTIME_OPTIONS: Pick<
  LocalRuntimeOptions,
  'visibilityTimeoutSeconds' | 'pollWaitSeconds' | 'eventBridgeBackoff'
> = {
  // The template's 360 s (6 x the 60 s function timeout) would make every retry a six-minute wait.
  visibilityTimeoutSeconds: 3,
  pollWaitSeconds: 1,
  eventBridgeBackoff: { initialDelayMs: 200, maxDelayMs: 2000 },
};

/** `cdk synth` of the dev environment into `cdk.out/drills` (about 14 s). */
export function synthesizeForDrills(): string {
  const out = join(ROOT, 'cdk.out', 'drills');
  const result = spawnSync('npx', ['cdk', 'synth', '--no-notices', '-q', '-c', 'env=dev', '-o', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
  });
  if (result.status !== 0) {
    const errors = result.stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !/Bundling asset|index\.mjs|Done in/.test(line));
    throw new Error(`cdk synth failed:\n${errors.slice(-20).join('\n')}`);
  }
  return out;
}

/** Starts the simulators and the runtime on a fresh dataDir. */
export async function startDrillEnvironment(
  options: { runtime?: Partial<LocalRuntimeOptions> } = {},
): Promise<DrillEnvironment> {
  const cdkOut = synthesizeForDrills();
  const dataDir = mkdtempSync(join(tmpdir(), 'supplyline-drills-'));
  // Seeded: the ERP's injected error draws are repeatable (their order still follows concurrency).
  const erp = await ErpSimulatorServer.start({ random: seededRandom(20_241_127) });
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
    ...DRILL_RUNTIME_OPTIONS,
    ...options.runtime,
    overrides: {
      TENANT_ID: 'local',
      PROCUREMENT_BASE_URL: procurement.url,
      ERP_BASE_URL: erp.url,
      ERP_PROTOCOL: 'supplyline-rpc',
      ERP_DATABASE: 'simulator',
      FORECAST_EXPORT_ALLOW_HTTP: 'true',
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
    },
  });

  const environment = {
    procurement,
    erp,
    planning,
    dataDir,
    cdkOut,
    logs,
    settings: { port: 0, planningWebhookSecret: PLANNING_SECRET },
  } as Omit<DrillEnvironment, 'runtime' | 'stop' | 'killRuntime' | 'restartRuntime'> & {
    runtime: LocalRuntime;
  };

  const attach = (runtime: LocalRuntime) => {
    environment.runtime = runtime;
    planning.setSubscriber(`${runtime.baseUrl}/v1/webhooks/planning`);
    procurement.setSubscriber(`${runtime.baseUrl}/v1/webhooks/procurement`, PROCUREMENT_WEBHOOK_SECRET);
    return runtime;
  };
  attach(await startLocalRuntime(runtimeOptions()));

  return Object.assign(environment, {
    killRuntime: () => environment.runtime.stop(),
    restartRuntime: async () => attach(await startLocalRuntime(runtimeOptions())),
    stop: async () => {
      await environment.runtime.stop();
      await Promise.all([planning.close(), procurement.close(), erp.close()]);
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
