/**
 * The vendor side of the local-load benchmark (scripts/bench/local-load.ts): the signed
 * forecast-exception deliveries it sends, and the load generator, a child process (this file with
 * `--load-generator`) so its HTTP client and signing do not compete with the runtime's main thread.
 */
import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { signPlanningPayload } from '../../adapters/planning/signature';
import { nextBucket } from '../../local/scenario/seed-scenario';
import { forecastExceptionEvent, type ForecastExceptionEvent } from '../../local/simulators/planning';
import { runBounded } from '../../functions/commons/consumer';

/** The planning webhook secret the bench's local environment is started with. */
export const SECRET = 'bench-planning-signing-secret';
/** The plan every bench delivery belongs to. */
export const PLAN_ID = 'BENCH-PLAN';

/** Every actionable exception gets its own item, site and bucket (no amendments between them). */
export const ACTIONABLE_SCOPES = [
  { sku: 'SKU-10442', packSize: 12 },
  { sku: 'SKU-10443', packSize: 6 },
].flatMap((item) => ['DC-EAST-02', 'DC-EAST-03', 'DC-WEST-01'].map((site) => ({ ...item, site })));

/** One delivery and what its sender saw. */
export interface Sent {
  delivery: ForecastExceptionEvent;
  actionable: boolean;
  sentAt: number;
  /** How late the sender was against the planned send time (open loop). */
  lagMs?: number;
  status?: number;
  answer?: string;
  latencyMs?: number;
}

function bucketAfter(weeks: number): { start: string; end: string; granularity: 'week' } {
  const first = new Date(`${nextBucket().start}T00:00:00Z`).getTime() + weeks * 7 * 86_400_000;
  return {
    start: new Date(first).toISOString().slice(0, 10),
    end: new Date(first + 6 * 86_400_000).toISOString().slice(0, 10),
    granularity: 'week',
  };
}

/** The i-th delivery: every 10th actionable (uplift 100%, class A), the others below every threshold. */
export function deliveryFor(
  run: string,
  index: number,
  every = 10,
): { delivery: ForecastExceptionEvent; actionable: boolean } {
  const actionable = every > 0 && index % every === 0;
  const exceptionId = `BENCH-${run}-${index}`;
  // Deterministic, so the load generator process and this one name the same deliveries.
  const eventId = `fe_${run}_${index}`;
  const exception = actionable
    ? actionableException(index / every)
    : {
        severity: 'low' as const,
        velocity_class: 'C' as const,
        sku: 'SKU-10442',
        site: 'DC-EAST-02',
        bucket: bucketAfter(index % 13),
        baseline_qty: 100,
        forecast_qty: 101,
      };
  return {
    actionable,
    delivery: forecastExceptionEvent({
      event_id: eventId,
      plan: { plan_id: PLAN_ID, version: 1 },
      exception: { exception_id: exceptionId, kind: 'DEMAND_UPLIFT', ...exception },
    }),
  };
}

/** The n-th actionable exception: scopes in turn, a week later each round, so none supersedes another. */
function actionableException(slot: number) {
  const scope = ACTIONABLE_SCOPES[slot % ACTIONABLE_SCOPES.length]!;
  return {
    severity: 'medium' as const,
    velocity_class: 'A' as const,
    sku: scope.sku,
    site: scope.site,
    uom: 'CS' as const,
    pack_size: scope.packSize,
    bucket: bucketAfter(Math.floor(slot / ACTIONABLE_SCOPES.length)),
    baseline_qty: 10,
    forecast_qty: 20,
    projected_on_hand: 0,
    safety_stock: 0,
  };
}

/** Sends one delivery; latency from `plannedAt` (performance.now() time), else from now. */
export async function send(baseUrl: string, item: Sent, plannedAt?: number): Promise<void> {
  const raw = Buffer.from(JSON.stringify(item.delivery));
  const now = performance.now();
  const started = plannedAt ?? now;
  item.lagMs = now - started;
  item.sentAt = Date.now() - item.lagMs;
  try {
    const response = await fetch(`${baseUrl}/v1/webhooks/planning`, {
      method: 'POST',
      body: raw,
      headers: {
        'content-type': 'application/json',
        'x-planning-event': 'forecast.exception',
        'x-planning-delivery': randomUUID(),
        'x-planning-signature': signPlanningPayload(raw, SECRET, new Date()),
      },
    });
    const body = (await response.json().catch(() => ({}))) as { status?: string };
    item.status = response.status;
    item.answer = body.status ?? '';
  } catch (error) {
    item.status = 0;
    item.answer = (error as Error).message;
  }
  item.latencyMs = performance.now() - started;
}

/** What the load generator process is asked to send. */
export interface GeneratorJob {
  baseUrl: string;
  run: string;
  count: number;
  /** Webhooks per second, open loop; 0 = closed loop with `concurrency` in flight. */
  rate: number;
  concurrency: number;
  actionableEvery: number;
}

/** What the load generator reports back for one delivery. */
export type Outcome = Pick<Sent, 'sentAt' | 'lagMs' | 'status' | 'answer' | 'latencyMs'> & { index: number };

/** Sends the load from a child process (this file with `--load-generator`) and returns every answer. */
export function generateLoad(job: GeneratorJob): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load-generator'], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcomes: Outcome[] | undefined;
    child.once('message', (message) => {
      outcomes = message as Outcome[];
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      outcomes ? resolve(outcomes) : reject(new Error(`the load generator exited with ${code}`)),
    );
    child.send(job);
  });
}

/** The child process: sends the job's deliveries and answers with the outcomes. */
async function loadGenerator(): Promise<void> {
  const job = await new Promise<GeneratorJob>((resolve) =>
    process.once('message', (m) => resolve(m as GeneratorJob)),
  );
  const items: (Sent & { index: number })[] = Array.from({ length: job.count }, (_, index) => ({
    index,
    ...deliveryFor(job.run, index, job.actionableEvery),
    sentAt: 0,
  }));
  if (job.rate > 0) await paced(items, job.rate, (item, plannedAt) => send(job.baseUrl, item, plannedAt));
  else await runBounded(items, job.concurrency, (item) => send(job.baseUrl, item));
  const outcomes: Outcome[] = items.map(({ index, sentAt, lagMs, status, answer, latencyMs }) => ({
    index,
    sentAt,
    lagMs,
    status,
    answer,
    latencyMs,
  }));
  await new Promise<void>((resolve, reject) =>
    process.send!(outcomes, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  process.disconnect();
}

/** Starts `work` for item i at start + i/rate seconds, without waiting for earlier ones (open loop). */
async function paced<T>(
  items: readonly T[],
  rate: number,
  work: (item: T, plannedAt: number) => Promise<void>,
): Promise<void> {
  const start = performance.now() + 20;
  const running: Promise<void>[] = [];
  for (let i = 0; i < items.length; i++) {
    const plannedAt = start + (i * 1000) / rate;
    const wait = plannedAt - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(work(items[i]!, plannedAt));
  }
  await Promise.all(running);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv[2] === '--load-generator') await loadGenerator();
