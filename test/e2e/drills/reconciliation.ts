/**
 * Reconciling a drill from the outside: the drill's environment, the deliveries it sends, and what
 * became of each (bus events, dead letters with their reasons, workflow executions, the simulators'
 * own records), plus the waits every drill shares ("quiet", a replay handled). Every drill file
 * imports these; each drill gets a fresh environment (`drillEnvironments`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { ROOT } from '../../../local/environment';
import type { LocalRuntime } from '../../../local/runtime/runtime';
import {
  detailOf,
  erpReferenceFor,
  exceptionDelivery,
  freshExceptionId,
  nonEmptyQueues,
  postPlanning,
  waitFor,
  type CanonicalDetail,
} from '../support';
import {
  drainQueue,
  scanTable,
  sleep,
  startDrillEnvironment,
  type DrillEnvironment,
  type DrillOptions,
} from './harness';

/** The current drill's environment (a live binding: a new one per drill). */
export let environment: DrillEnvironment;
/** Figures measured by the drills (docs/fault-drills.md quotes them). */
export const figures: Record<string, Record<string, unknown>> = {};

/** Makes `drill` the current drill's environment: `drillEnvironments` does it per test, the bench per run. */
export function useDrillEnvironment(drill: DrillEnvironment): DrillEnvironment {
  environment = drill;
  return drill;
}

/**
 * Registers the per-drill environment of a drill file: a fresh one before each drill (the synth is
 * shared and cached, so this takes about a second), stopped after it; the figures the file's drills
 * measured are printed at the end and written to `$TMPDIR/supplyline-<name>.json`.
 */
export function drillEnvironments(name: string, options: DrillOptions = {}): void {
  beforeEach(async () => {
    useDrillEnvironment(await startDrillEnvironment(options));
  }, 240_000);
  afterEach(async () => {
    await environment?.stop();
  }, 60_000);
  afterAll(() => {
    const report = JSON.stringify(figures, null, 2);
    writeFileSync(join(tmpdir(), `supplyline-${name}.json`), report);
    console.log(`[${name}] figures\n${report}`);
  });
}

export const runtime = (): LocalRuntime => environment.runtime;

export type Delivery = ReturnType<typeof exceptionDelivery>;

/** An actionable 40 % uplift in its own weekly bucket: orders 120 EA of SKU-10442 (372.00 USD) for `site`. */
export function actionable(label: string, weeksAhead: number, site = 'DC-EAST-02'): Delivery {
  return exceptionDelivery(freshExceptionId(label), {
    weeksAhead,
    exception: {
      sku: 'SKU-10442',
      site,
      uom: 'EA',
      pack_size: 12,
      baseline_qty: 100,
      forecast_qty: 140,
      projected_on_hand: 20,
      safety_stock: 0,
      velocity_class: 'A',
      severity: 'high',
    },
  });
}

/** Accepted canonical events of a type, optionally in the thread of one delivery. */
export function events(type: string, correlationId?: string): CanonicalDetail[] {
  return environment.accepted
    .filter((event) => event['detail-type'] === type)
    .map(detailOf)
    .filter((detail) => correlationId === undefined || detail.correlationId === correlationId);
}

/** The sourcing requests procurement holds for one exception (any plan version). */
export function sourcingRequestsOf(delivery: Delivery) {
  const prefix = `SL-${delivery.plan.plan_id}-${delivery.exception.exception_id}-v`;
  return environment.procurement.sourcingRequests().filter((r) => r.external_ref.startsWith(prefix));
}

/** The purchase orders awarded from them. */
export function purchaseOrdersOf(delivery: Delivery) {
  const refs = new Set(sourcingRequestsOf(delivery).map((request) => erpReferenceFor(environment, request)));
  return environment.procurement.purchaseOrders().filter((po) => refs.has(po.external_ref));
}

export interface DeadLetter {
  queue: string;
  body: string;
  reason: string;
  receiptHandle: string;
}

/** Dead letters of every DLQ (received and hidden for `hideSeconds`), with their reason. */
export async function deadLetters(hideSeconds = 1): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const queue of runtime().model.queues.filter((q) => q.name.endsWith('-dlq'))) {
    for (const message of await drainQueue(runtime(), queue.name, hideSeconds)) {
      const attributes = message.MessageAttributes ?? {};
      letters.push({
        queue: queue.name,
        body: message.Body ?? '',
        reason:
          attributes.failureReason?.StringValue ??
          attributes.ERROR_MESSAGE?.StringValue ??
          'no reason attribute',
        receiptHandle: message.ReceiptHandle!,
      });
    }
  }
  return letters;
}

export type Outcome =
  | { kind: 'posted'; externalRef: string }
  | { kind: 'integration-exception'; code: string; category: string; failure?: string }
  | { kind: 'dead-letter'; queue: string; reason: string }
  | { kind: 'compensation-failed' };

/** The events of distinct business changes (idempotency keys), the first of each. */
export function uniqueChanges(details: readonly CanonicalDetail[]): CanonicalDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => !seen.has(d.idempotencyKey) && Boolean(seen.add(d.idempotencyKey)));
}

/**
 * What became of each delivery: a posted PO, an integration exception, a dead letter, or a
 * purchase-commitment that ended in `Compensation failed` (no integration exception raised).
 */
export function outcomesOf(
  deliveries: readonly Delivery[],
  letters: readonly DeadLetter[],
): Map<string, Outcome[]> {
  const result = new Map<string, Outcome[]>();
  for (const delivery of deliveries) {
    const outcomes: Outcome[] = [];
    // One outcome per business change: the bus is at least once, and a posting step re-run after a
    // crash publishes the same change (same idempotency key) again; consumers suppress the copy.
    for (const po of uniqueChanges(events('purchase-order.posted', delivery.event_id)))
      outcomes.push({ kind: 'posted', externalRef: String(po.data.externalRef) });
    for (const raised of events('integration-exception.raised', delivery.event_id))
      outcomes.push({
        kind: 'integration-exception',
        code: String(raised.data.code),
        category: String(raised.data.category),
        ...failureOf(raised),
      });
    for (const letter of letters.filter((l) => l.body.includes(delivery.event_id)))
      outcomes.push({ kind: 'dead-letter', queue: letter.queue, reason: letter.reason });
    for (const execution of commitmentsOf(delivery))
      if (execution.status === 'FAILED' && execution.error === 'CompensationFailed')
        outcomes.push({ kind: 'compensation-failed' });
    result.set(delivery.exception.exception_id, outcomes);
  }
  return result;
}

/** The workflow error that led to a technical integration exception (its details carry the Catch's failure). */
function failureOf(raised: CanonicalDetail): { failure?: string } {
  try {
    const details = JSON.parse(String(raised.data.details)) as { failure?: { Error?: string } | null };
    return details.failure?.Error ? { failure: details.failure.Error } : {};
  } catch {
    return {};
  }
}

/** `code (workflow error)` of each integration exception among the outcomes, counted. */
export function exceptionCodes(outcomes: Map<string, Outcome[]>): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const outcome of [...outcomes.values()].flat()) {
    if (outcome.kind !== 'integration-exception') continue;
    const key = `${outcome.code}${outcome.failure ? ` (${outcome.failure})` : ''}`;
    codes[key] = (codes[key] ?? 0) + 1;
  }
  return codes;
}

export function tally(outcomes: Map<string, Outcome[]>) {
  const count = {
    posted: 0,
    integrationException: 0,
    deadLetter: 0,
    compensationFailed: 0,
    none: 0,
    several: 0,
  };
  for (const list of outcomes.values()) {
    if (list.length === 0) count.none++;
    if (list.length > 1) count.several++;
    for (const outcome of list) {
      if (outcome.kind === 'posted') count.posted++;
      if (outcome.kind === 'integration-exception') count.integrationException++;
      if (outcome.kind === 'dead-letter') count.deadLetter++;
      if (outcome.kind === 'compensation-failed') count.compensationFailed++;
    }
  }
  return count;
}

/** The purchase-commitment executions of one delivery. */
export function commitmentsOf(delivery: Delivery) {
  return runtime()
    .executions()
    .filter(
      (execution) =>
        execution.stateMachineName.endsWith('purchase-commitment') &&
        (execution.input as { event?: { correlationId?: string } }).event?.correlationId ===
          delivery.event_id,
    );
}

/** How the purchase-commitment executions of the deliveries ended, by path, counted. */
export function pathsOf(deliveries: readonly Delivery[]): Record<string, number> {
  const paths: Record<string, number> = {};
  for (const execution of deliveries.flatMap((d) => commitmentsOf(d))) {
    const key = `${execution.status}${execution.error ? ` ${execution.error}` : ''}: ${execution.path.slice(1).join(' > ')}`;
    paths[key] = (paths[key] ?? 0) + 1;
  }
  return paths;
}

/**
 * The task-token states of each state machine (`.waitForTaskToken`): an execution parked there waits
 * for a person (approval) or a partner (supplier acknowledgement), for days if need be.
 */
const TOKEN_WAITS: Record<string, Set<string>> = Object.fromEntries(
  ['commitment-approval', 'supplier-acknowledgement', 'purchase-commitment'].map((machine) => {
    const definition = JSON.parse(
      readFileSync(join(ROOT, 'state-machines', `${machine}.asl.json`), 'utf8'),
    ) as { States: Record<string, { Resource?: string }> };
    const waits = Object.entries(definition.States)
      .filter(([, state]) => state.Resource?.endsWith('.waitForTaskToken'))
      .map(([name]) => name);
    return [machine, new Set(waits)];
  }),
);

/** Running and not parked on a task token: work the system is still doing by itself. */
export function working(execution: ReturnType<LocalRuntime['executions']>[number]): boolean {
  if (execution.status !== 'RUNNING') return false;
  const machine = Object.keys(TOKEN_WAITS).find((m) => execution.stateMachineName.endsWith(m));
  return !(machine && TOKEN_WAITS[machine]!.has(execution.path.at(-1) ?? ''));
}

/**
 * Waits until the system is quiet: no bus delivery in flight (including its retries), every
 * consumer queue empty (nothing visible, in flight or delayed) and no workflow working (waits for
 * an approval or a supplier acknowledgement do not count); seen twice in a row, so a delivery
 * started between the checks is not missed. The limit is generous: a loaded machine is slower,
 * never a reason to fail.
 */
export async function quiet(timeoutMs = 300_000): Promise<void> {
  let quietBefore = false;
  await waitFor(
    'the system to be quiet (bus deliveries done, consumer queues drained, commitments finished)',
    async () => {
      await Promise.all(runtime().buses.map((bus) => bus.idle()));
      const busy = Object.keys(nonEmptyQueues(environment)).filter((name) => !name.endsWith('dlq'));
      const running = runtime().executions().filter(working);
      const isQuiet = busy.length === 0 && running.length === 0;
      const settled = isQuiet && quietBefore;
      quietBefore = isQuiet;
      return settled;
    },
    timeoutMs,
  );
}

/** Breaker states seen in the breaker table, sampled every 100 ms until `stop()`. */
export function watchBreaker(endpoint: string) {
  const changes: { at: number; status: string }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const item = (await scanTable(runtime(), 'CircuitBreaker').catch(() => [])).find(
        (row) => row.endpoint === endpoint,
      );
      const status = typeof item?.status === 'string' ? item.status : 'closed';
      if (changes.at(-1)?.status !== status) changes.push({ at: Date.now(), status });
      await sleep(100);
    }
  })();
  return {
    changes,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Breaker changes the functions logged (`circuit breaker changed state`) since `since`. */
export function breakerLog(system: string, since: number): { at: number; from: string; to: string }[] {
  return environment.logs.flatMap((entry) => {
    if (entry.at < since || !entry.line.includes('circuit breaker changed state')) return [];
    try {
      const json = JSON.parse(entry.line) as { from: string; to: string; system: string };
      return json.system === system ? [{ at: entry.at, from: json.from, to: json.to }] : [];
    } catch {
      return [];
    }
  });
}

/** No exception got more than one sourcing request, PO, or ERP order. */
export async function duplicatesOf(deliveries: readonly Delivery[]) {
  let sourcingRequests = 0;
  let purchaseOrders = 0;
  let erpOrders = 0;
  for (const delivery of deliveries) {
    sourcingRequests += Math.max(0, sourcingRequestsOf(delivery).length - 1);
    const orders = purchaseOrdersOf(delivery);
    purchaseOrders += Math.max(0, orders.length - 1);
    for (const order of orders)
      erpOrders += Math.max(0, (await environment.erp.simulator.countPurchaseOrders(order.external_ref)) - 1);
  }
  return { sourcingRequests, purchaseOrders, erpOrders };
}

/** Sum of Retry MaxAttempts per Task state of a state machine's ASL. */
export function maxRetries(machine: string): Record<string, number> {
  const definition = JSON.parse(
    readFileSync(join(ROOT, 'state-machines', `${machine}.asl.json`), 'utf8'),
  ) as {
    States: Record<string, { Retry?: { MaxAttempts?: number }[] }>;
  };
  return Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => [
      name,
      (state.Retry ?? []).reduce((sum, retrier) => sum + (retrier.MaxAttempts ?? 3), 0),
    ]),
  );
}

export async function sendAll(
  deliveries: readonly Delivery[],
  gapMs: number,
  before?: (index: number) => void,
) {
  for (const [index, delivery] of deliveries.entries()) {
    before?.(index);
    expect((await postPlanning(environment, delivery)).status).toBe(202);
    if (gapMs > 0) await sleep(gapMs);
  }
}

/**
 * Waits until a consumer has handled every event of a replay (processed, or suppressed as a
 * duplicate: one log line each, carrying the replay's name) and the system is quiet again.
 */
export async function replayHandled(replay: { replayName: string; replayed: number }, consumer: string) {
  await waitFor(
    `${consumer} to handle the ${replay.replayed} events of replay ${replay.replayName}`,
    () =>
      environment.logs.filter(
        (l) =>
          l.line.includes(replay.replayName) &&
          l.line.includes(`"consumer":"${consumer}"`) &&
          (l.line.includes('"record processed"') ||
            l.line.includes('duplicate suppressed') ||
            l.line.includes('record dead-lettered')),
      ).length >= replay.replayed,
    300_000,
  );
  await quiet();
}

export const apiCalls = (since: number) =>
  environment.procurement.requests.filter((r) => r.at.getTime() >= since && r.path.startsWith('/api/'));

/** The function log lines since `since` that contain every fragment. */
export function logLines(since: number, ...fragments: string[]) {
  return environment.logs.filter((l) => l.at >= since && fragments.every((f) => l.line.includes(f)));
}

/** When the bus accepted each `purchase-order.posted` of a delivery (epoch ms). */
export function postedAtOf(delivery: Delivery): number[] {
  return environment.accepted
    .filter(
      (e) => e['detail-type'] === 'purchase-order.posted' && detailOf(e).correlationId === delivery.event_id,
    )
    .map((e) => Date.parse(e.time));
}

/** Exception->PO times (webhook sent to `purchase-order.posted` accepted) of some deliveries, in ms. */
export function exceptionToPoTimes(
  deliveries: readonly Delivery[],
  sentAt: ReadonlyMap<string, number>,
): number[] {
  return deliveries.flatMap((d) => postedAtOf(d).map((at) => at - sentAt.get(d.event_id)!));
}

/** The p-th percentile (nearest rank) of some figures; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * The "nothing lost" figures of a burst: exceptions the webhook accepted, the canonical events
 * published for them, POs posted without an operator, dead letters, integration exceptions, lost
 * (no outcome at all), and exception-to-PO times (webhook sent to `purchase-order.posted`).
 */
export function burstFigures(
  deliveries: readonly Delivery[],
  sentAt: ReadonlyMap<string, number>,
  outcomes: Map<string, Outcome[]>,
) {
  const count = tally(outcomes);
  const toPo = exceptionToPoTimes(deliveries, sentAt);
  return {
    accepted: sentAt.size,
    published: deliveries.filter((d) => events('forecast-exception.raised', d.event_id).length > 0).length,
    postedWithoutOperator: count.posted,
    deadLettered: count.deadLetter,
    integrationExceptions: count.integrationException,
    lost: count.none,
    exceptionToPoMs: { p50: percentile(toPo, 50), p99: percentile(toPo, 99), max: percentile(toPo, 100) },
  };
}
