/**
 * Fault drills on the local runtime (docs/fault-drills.md): the synthesized application with the
 * three simulators, faults injected into the simulators, outcomes reconciled from the outside (bus
 * events, DLQs, workflow executions, the simulators' own records).
 *
 * Each drill gets a fresh environment (new simulators, a new runtime on a new data folder, the
 * shared synth): no breaker window, budget, queue or workflow of one drill reaches the next. Every
 * wait is on a condition (the system quiet, an outcome seen), with generous limits for a loaded
 * machine. The figures each drill measured are printed at the end (and written to
 * `$TMPDIR/supplyline-fault-drills.json`).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../../local/environment';
import type { LocalRuntime } from '../../../local/runtime/runtime';
import { forecastExportChunks } from '../../../local/simulators/planning';
import {
  consumerQueues,
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
  peakPerWindow,
  scanTable,
  sleep,
  startDrillEnvironment,
  type DrillEnvironment,
} from './harness';

let environment: DrillEnvironment;
/** Figures measured by the drills (docs/fault-drills.md quotes them). */
const figures: Record<string, Record<string, unknown>> = {};

// A fresh environment per drill; the synth is shared (and cached), so this takes about a second.
beforeEach(async () => {
  environment = await startDrillEnvironment();
}, 240_000);

afterEach(async () => {
  await environment?.stop();
}, 60_000);

afterAll(() => {
  const report = JSON.stringify(figures, null, 2);
  writeFileSync(join(tmpdir(), 'supplyline-fault-drills.json'), report);
  console.log(`[fault drills] figures\n${report}`);
});

const runtime = (): LocalRuntime => environment.runtime;

type Delivery = ReturnType<typeof exceptionDelivery>;

/** An actionable 40 % uplift in its own weekly bucket: orders 120 EA of SKU-10442 (372.00 USD). */
function actionable(label: string, weeksAhead: number): Delivery {
  return exceptionDelivery(freshExceptionId(label), {
    weeksAhead,
    exception: {
      sku: 'SKU-10442',
      site: 'DC-EAST-02',
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
function events(type: string, correlationId?: string): CanonicalDetail[] {
  return environment.accepted
    .filter((event) => event['detail-type'] === type)
    .map(detailOf)
    .filter((detail) => correlationId === undefined || detail.correlationId === correlationId);
}

/** The sourcing requests procurement holds for one exception (any plan version). */
function sourcingRequestsOf(delivery: Delivery) {
  const prefix = `SL-${delivery.plan.plan_id}-${delivery.exception.exception_id}-v`;
  return environment.procurement.sourcingRequests().filter((r) => r.external_ref.startsWith(prefix));
}

/** The purchase orders awarded from them. */
function purchaseOrdersOf(delivery: Delivery) {
  const refs = new Set(sourcingRequestsOf(delivery).map((request) => erpReferenceFor(environment, request)));
  return environment.procurement.purchaseOrders().filter((po) => refs.has(po.external_ref));
}

interface DeadLetter {
  queue: string;
  body: string;
  reason: string;
  receiptHandle: string;
}

/** Dead letters of every DLQ (received and hidden for `hideSeconds`), with their reason. */
async function deadLetters(hideSeconds = 1): Promise<DeadLetter[]> {
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

type Outcome =
  | { kind: 'posted'; externalRef: string }
  | { kind: 'integration-exception'; code: string; category: string; failure?: string }
  | { kind: 'dead-letter'; queue: string; reason: string }
  | { kind: 'compensation-failed' };

/**
 * What became of each delivery: a posted PO, an integration exception, a dead letter, or a
 * purchase-commitment that ended in `Compensation failed` (no integration exception raised).
 */
function outcomesOf(deliveries: readonly Delivery[], letters: readonly DeadLetter[]): Map<string, Outcome[]> {
  const result = new Map<string, Outcome[]>();
  for (const delivery of deliveries) {
    const outcomes: Outcome[] = [];
    for (const po of events('purchase-order.posted', delivery.event_id))
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
function exceptionCodes(outcomes: Map<string, Outcome[]>): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const outcome of [...outcomes.values()].flat()) {
    if (outcome.kind !== 'integration-exception') continue;
    const key = `${outcome.code}${outcome.failure ? ` (${outcome.failure})` : ''}`;
    codes[key] = (codes[key] ?? 0) + 1;
  }
  return codes;
}

function tally(outcomes: Map<string, Outcome[]>) {
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
function commitmentsOf(delivery: Delivery) {
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
function pathsOf(deliveries: readonly Delivery[]): Record<string, number> {
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
function working(execution: ReturnType<LocalRuntime['executions']>[number]): boolean {
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
async function quiet(timeoutMs = 300_000): Promise<void> {
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
function watchBreaker(endpoint: string) {
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
function breakerLog(system: string, since: number): { at: number; from: string; to: string }[] {
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
async function duplicatesOf(deliveries: readonly Delivery[]) {
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
function maxRetries(machine: string): Record<string, number> {
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

async function sendAll(deliveries: readonly Delivery[], gapMs: number, before?: (index: number) => void) {
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
async function replayHandled(replay: { replayName: string; replayed: number }, consumer: string) {
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

const apiCalls = (since: number) =>
  environment.procurement.requests.filter((r) => r.at.getTime() >= since && r.path.startsWith('/api/'));

describe('fault drills on the local runtime', () => {
  it('drill 1: a procurement outage mid-stream opens the breaker; nothing is lost or duplicated', async () => {
    const started = Date.now();
    const breaker = watchBreaker('procurement');
    const deliveries = Array.from({ length: 20 }, (_, i) => actionable(`D1-${i}`, 10 + i));
    const outage = { start: 0, end: 0 };
    // 20 exceptions over ~4 s; procurement answers 503 to everything from the 7th on, for at least
    // 10 s and until the breaker has opened (however slowly a loaded machine gets there).
    await sendAll(deliveries, 200, (index) => {
      if (index !== 6) return;
      outage.start = Date.now();
      environment.procurement.setFaults({ outage: true });
    });
    await waitFor(
      'the procurement breaker to open during the outage (and the outage to last 10 s)',
      () => Date.now() >= outage.start + 10_000 && breaker.changes.some((c) => c.status === 'open'),
      300_000,
    );
    environment.procurement.setFaults({ outage: false });
    outage.end = Date.now();

    await quiet();
    await breaker.stop();
    const letters = await deadLetters();
    const outcomes = outcomesOf(deliveries, letters);
    const count = tally(outcomes);
    const opened = breaker.changes.find((c) => c.status === 'open');
    const closed = breaker.changes.find((c) => c.status === 'closed' && c.at > (opened?.at ?? Infinity));
    const halfOpen = breaker.changes.find((c) => c.status === 'half-open' && c.at > (opened?.at ?? Infinity));
    const calls = apiCalls(started);
    const whileOpen = calls.filter(
      (r) =>
        opened && r.at.getTime() > opened.at + 1000 && r.at.getTime() < (halfOpen?.at ?? closed?.at ?? 0),
    );
    const firstSuccess = calls.find((r) => r.at.getTime() >= outage.end && r.status < 300);
    const postedTimes = deliveries.flatMap((d) =>
      environment.accepted
        .filter(
          (e) => e['detail-type'] === 'purchase-order.posted' && detailOf(e).correlationId === d.event_id,
        )
        .map((e) => Date.parse(e.time)),
    );
    const leftOpen = deliveries.flatMap((d) =>
      sourcingRequestsOf(d).filter(
        (r) => r.status === 'open' && !events('purchase-order.posted', d.event_id).length,
      ),
    );
    const duplicates = await duplicatesOf(deliveries);
    figures.drill1 = {
      durationMs: Date.now() - started,
      outageMs: outage.end - outage.start,
      breakerOpenedAfterOutageStartMs: opened ? opened.at - outage.start : null,
      breakerClosedAfterOutageEndMs: closed ? closed.at - outage.end : null,
      breakerLog: breakerLog('procurement', started).map((c) => ({ ...c, at: c.at - outage.start })),
      callsAdmittedWhileOpen: whileOpen.length,
      firstSuccessfulCallAfterOutageEndMs: firstSuccess ? firstSuccess.at.getTime() - outage.end : null,
      lastPostAfterOutageEndMs: postedTimes.length ? Math.max(...postedTimes) - outage.end : null,
      outcomes: count,
      integrationExceptionCodes: exceptionCodes(outcomes),
      openSourcingRequestsLeftBehind: leftOpen.map((r) => r.id),
      deadLetters: letters.map((l) => `${l.queue}: ${l.reason.slice(0, 200)}`),
      procurementCalls: calls.length,
      procurement503: calls.filter((r) => r.status === 503).length,
      duplicates,
      commitmentPaths: pathsOf(deliveries),
    };

    // The breaker opened during the outage, refused calls while open, and closed after it.
    expect(opened).toBeDefined();
    expect(opened!.at).toBeGreaterThanOrEqual(outage.start);
    expect(opened!.at).toBeLessThan(outage.end);
    expect(closed).toBeDefined();
    expect(closed!.at).toBeGreaterThan(outage.end);
    expect(breakerLog('procurement', started).map((c) => `${c.from}>${c.to}`)).toEqual(
      expect.arrayContaining(['closed>open', 'half-open>closed']),
    );
    // A few calls slip through per instance (cached state, store reads under load): see the doc.
    expect(whileOpen.length).toBeLessThanOrEqual(5);
    // Work resumed once it closed.
    expect(firstSuccess).toBeDefined();
    expect(count.posted).toBeGreaterThan(0);
    // Nothing lost: every exception has exactly one terminal outcome.
    expect(count.none).toBe(0);
    expect(count.several).toBe(0);
    expect(count.posted + count.integrationException + count.deadLetter + count.compensationFailed).toBe(20);
    // A compensation that could not be done still reaches a person as an integration exception.
    expect(count.compensationFailed).toBe(0);
    // Breaker refusals are retried past the cool-down: most of the stream gets its PO.
    expect(count.posted).toBeGreaterThanOrEqual(15);
    // Dead letters carry their reason.
    for (const letter of letters) expect(letter.reason).not.toBe('no reason attribute');
    // No duplicate sourcing request, purchase order or ERP order.
    expect(duplicates).toEqual({ sourcingRequests: 0, purchaseOrders: 0, erpOrders: 0 });
    for (const outcome of [...outcomes.values()].flat())
      if (outcome.kind === 'posted')
        expect(await environment.erp.simulator.countPurchaseOrders(outcome.externalRef)).toBe(1);
  }, 900_000);

  it('drill 2: ERP 5xx at a 20 % rate: work completes, retries stay within the ASL bounds', async () => {
    const started = Date.now();
    const callsBefore = environment.erp.calls.length;
    environment.erp.setFaults({ errorRate: 0.2 });
    const deliveries = Array.from({ length: 20 }, (_, i) => actionable(`D2-${i}`, 40 + i));
    await sendAll(deliveries, 150);
    await quiet();
    environment.erp.setFaults({ errorRate: 0 });

    const letters = await deadLetters();
    const outcomes = outcomesOf(deliveries, letters);
    const count = tally(outcomes);
    const calls = environment.erp.calls.slice(callsBefore);
    const byOperation = calls.reduce<Record<string, { ok: number; failed: number }>>((acc, call) => {
      acc[call.operation] ??= { ok: 0, failed: 0 };
      acc[call.operation]![call.outcome]++;
      return acc;
    }, {});
    const bounds = maxRetries('purchase-commitment');
    const executions = deliveries.flatMap((d) => commitmentsOf(d));
    const overBound = executions.flatMap((e) =>
      Object.entries(e.retries)
        .filter(([state, retries]) => retries > (bounds[state] ?? 0))
        .map(([state, retries]) => `${e.name} ${state} ${retries}`),
    );
    const retriesPerState = executions.reduce<Record<string, number>>((acc, e) => {
      for (const [state, retries] of Object.entries(e.retries)) acc[state] = (acc[state] ?? 0) + retries;
      return acc;
    }, {});
    const duplicates = await duplicatesOf(deliveries);
    figures.drill2 = {
      durationMs: Date.now() - started,
      outcomes: count,
      integrationExceptionCodes: exceptionCodes(outcomes),
      deadLetters: letters.map((l) => `${l.queue}: ${l.reason.slice(0, 200)}`),
      erpCalls: calls.length,
      erpFailed: calls.filter((c) => c.outcome === 'failed').length,
      erpCallsByOperation: byOperation,
      erpCallsPerPostedOrder: count.posted ? +(calls.length / count.posted).toFixed(1) : null,
      stepFunctionsRetriesPerState: retriesPerState,
      commitmentPaths: pathsOf(deliveries),
      maxRetriesOfOneExecution: Math.max(
        0,
        ...executions.map((e) => Object.values(e.retries).reduce((a, b) => a + b, 0)),
      ),
      breakerChanges: breakerLog('erp', started).map((c) => `${c.from}>${c.to}`),
      duplicates,
    };

    expect(overBound).toEqual([]);
    expect(count.none).toBe(0);
    expect(count.several).toBe(0);
    // Nothing lost: each exception is posted, raised for a person, dead-lettered, or (a defect,
    // docs/fault-drills.md) a failed compensation.
    expect(count.posted + count.integrationException + count.deadLetter + count.compensationFailed).toBe(20);
    // Everything eventually completes: reads are retried in place, posting by its workflow Retry.
    expect(count.posted).toBe(20);
    // Posting is bounded by its retries: at most 1 + MaxAttempts ERP posts per posted order, one order each.
    const posts = byOperation.postPurchaseOrder ?? { ok: 0, failed: 0 };
    expect(posts.ok).toBe(count.posted);
    expect(posts.ok + posts.failed).toBeLessThanOrEqual(
      deliveries.length * (1 + bounds['Post purchase order']!),
    );
    expect(duplicates).toEqual({ sourcingRequests: 0, purchaseOrders: 0, erpOrders: 0 });
  }, 900_000);

  it('drill 3: 429 bursts and a bulk forecast: the critical path keeps flowing, our rate is measured', async () => {
    const started = Date.now();
    // A forecast of 6,000 lines, then a second version with every quantity doubled: the bulk lane
    // gets three forecast.lines-changed messages of 2,000 candidate lines each.
    const version = (v: number) => {
      const lines = [...forecastExportChunks({ rows: 6000, planVersion: 1, weeks: 6 })].join('').split('\n');
      return lines
        .map((line, index) => {
          if (index === 0 || line === '') return line;
          const fields = line.split(',');
          if (v === 2) fields[3] = String(Number(fields[3]) * 2 + 12);
          fields[6] = String(v);
          return fields.join(',');
        })
        .join('\n');
    };
    const plan = { plan_id: `DRILL-BULK-${Date.now().toString(36)}`, cycle: 'weekly' };
    await environment.planning.publishForecast({ content: version(1), plan: { ...plan, version: 1 } });
    const syncName = runtime().functionName('forecast-sync');
    await waitFor(
      'forecast v1 to be synchronised',
      () =>
        runtime()
          .invocations()
          .some((i) => i.functionName === syncName && i.ok && JSON.stringify(i.event).includes(plan.plan_id)),
      300_000,
    );
    await quiet();

    const bulkStart = Date.now();
    await environment.planning.publishForecast({ content: version(2), plan: { ...plan, version: 2 } });
    const changeName = runtime().functionName('forecast-change-evaluation');
    await waitFor(
      'the bulk lane to start on version 2',
      () =>
        runtime()
          .invocations()
          .some((i) => i.functionName === changeName && i.startedAt.getTime() >= bulkStart),
      300_000,
    );
    // Procurement throttles: the next 15 API calls get 429 with Retry-After: 2.
    environment.procurement.injectRateLimitBurst(15, 2);
    const deliveries = Array.from({ length: 10 }, (_, i) => actionable(`D3-${i}`, 60 + i));
    const sentAt = new Map<string, number>();
    await sendAll(deliveries, 100, (index) => sentAt.set(deliveries[index]!.event_id, Date.now()));
    await quiet();
    const letters = await deadLetters();
    const outcomes = outcomesOf(deliveries, letters);
    const count = tally(outcomes);
    const calls = apiCalls(bulkStart);
    const listings = calls.filter(
      (r) =>
        r.method === 'GET' &&
        r.path.startsWith('/api/v2/sourcing-requests?') &&
        r.path.includes('status=open') &&
        !r.path.includes('item_code'),
    );
    const postLatencies = deliveries.flatMap((d) =>
      environment.accepted
        .filter(
          (e) => e['detail-type'] === 'purchase-order.posted' && detailOf(e).correlationId === d.event_id,
        )
        .map((e) => Date.parse(e.time) - sentAt.get(d.event_id)!),
    );
    const bulkInvocations = runtime()
      .invocations()
      .filter((i) => i.functionName === changeName && i.startedAt.getTime() >= bulkStart);
    const duplicates = await duplicatesOf(deliveries);
    figures.drill3 = {
      durationMs: Date.now() - started,
      outcomes: count,
      integrationExceptionCodes: exceptionCodes(outcomes),
      deadLetters: letters.map((l) => `${l.queue}: ${l.reason.slice(0, 200)}`),
      procurementCalls: calls.length,
      rateLimited429: calls.filter((r) => r.status === 429).length,
      peakCallsInOneSecond: peakPerWindow(calls.map((r) => r.at.getTime())),
      peakAcceptedCallsInOneSecond: peakPerWindow(
        calls.filter((r) => r.status !== 429).map((r) => r.at.getTime()),
      ),
      bulkLaneListingCalls: listings.length,
      bulkInvocations: bulkInvocations.length,
      bulkInvocationsOk: bulkInvocations.filter((i) => i.ok).length,
      // Bulk-lane commitments above the approval limit, parked for a person (quiet() does not wait for them).
      waitingForApproval: runtime()
        .executions()
        .filter(
          (e) => e.status === 'RUNNING' && !working(e) && e.stateMachineName.endsWith('commitment-approval'),
        ).length,
      criticalPostLatencyMs: {
        max: Math.max(...postLatencies),
        min: Math.min(...postLatencies),
        n: postLatencies.length,
      },
      breakerChanges: breakerLog('procurement', started).map((c) => `${c.from}>${c.to}`),
      duplicates,
    };

    expect(count.none).toBe(0);
    expect(count.several).toBe(0);
    expect(count.posted + count.integrationException + count.deadLetter + count.compensationFailed).toBe(10);
    expect(calls.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15);
    // The critical path kept flowing through the throttling and the bulk load. (How fast is a
    // figure, not an assertion: a loaded machine is slower.)
    expect(count.posted).toBeGreaterThanOrEqual(9);
    // The shared request budget kept us under the platform's 10 requests per second.
    expect(
      peakPerWindow(calls.filter((r) => r.status !== 429).map((r) => r.at.getTime())),
    ).toBeLessThanOrEqual(10);
    expect(duplicates).toEqual({ sourcingRequests: 0, purchaseOrders: 0, erpOrders: 0 });
  }, 900_000);

  it('drill 4: ERP down during acknowledgements: dead-lettered, then redriven after the fix exactly once', async () => {
    const started = Date.now();
    const lane = consumerQueues(environment, 'acknowledgement-sync');
    environment.procurement.setSupplierAckBehaviour('S-1001', 'never');
    const deliveries = Array.from({ length: 5 }, (_, i) => actionable(`D4-${i}`, 80 + i));
    await sendAll(deliveries, 100);
    const posted = await waitFor(
      '5 purchase orders posted',
      () => {
        const list = deliveries.map((d) => events('purchase-order.posted', d.event_id)[0]);
        return list.every(Boolean) ? (list as CanonicalDetail[]) : undefined;
      },
      300_000,
    );
    await quiet();

    // "The bug": the ERP is down while the supplier confirms a smaller quantity (an amendment).
    environment.erp.setFaults({ outage: true });
    const outageStart = Date.now();
    for (const po of posted)
      environment.procurement.acknowledgePurchaseOrder(String(po.data.poNumber), { behaviour: 'partial' });
    const inDlq = await waitFor(
      'the 5 acknowledgements in the DLQ',
      () => {
        const bodies = runtime()
          .queueMessages(lane.dlq)
          .map((m) => m.body);
        const found = posted.filter((po) => bodies.some((b) => b.includes(String(po.data.poNumber))));
        return found.length === posted.length ? bodies.length : undefined;
      },
      240_000,
    );
    const dlqAt = Date.now();
    const letters = (await deadLetters(30)).filter((l) => l.queue === lane.dlq);
    const ackSyncName = runtime().functionName('acknowledgement-sync');
    const ackSyncInvocations = runtime()
      .invocations()
      .filter((i) => i.functionName === ackSyncName && i.startedAt.getTime() >= outageStart).length;

    // "The fix": the ERP is back. Redrive: receive from the DLQ, send to the source queue, delete.
    environment.erp.setFaults({ outage: false });
    const fixedAt = Date.now();
    const redriven: string[] = [];
    for (const letter of letters) {
      await runtime().clients.sqs.send(
        new SendMessageCommand({ QueueUrl: runtime().queue(lane.queue).url, MessageBody: letter.body }),
      );
      await runtime().clients.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: runtime().queue(lane.dlq).url,
          ReceiptHandle: letter.receiptHandle,
        }),
      );
      redriven.push(letter.body);
    }
    const amended = await waitFor(
      'every acknowledgement applied (purchase-order.amended)',
      () => {
        const list = posted.map((po) =>
          events('purchase-order.amended').filter((a) => a.data.externalRef === po.data.externalRef),
        );
        return list.every((l) => l.length > 0) ? list : undefined;
      },
      300_000,
    );
    const recoveredAt = Date.now();
    await quiet();
    // A second redrive of the same messages (an operator running it twice) changes nothing.
    for (const body of redriven)
      await runtime().clients.sqs.send(
        new SendMessageCommand({ QueueUrl: runtime().queue(lane.queue).url, MessageBody: body }),
      );
    await quiet();
    // Each redriven message was handled (its log line reaches us through the worker's stdout).
    const suppressedLines = () =>
      environment.logs.filter(
        (l) =>
          l.at >= fixedAt &&
          l.line.includes('duplicate suppressed') &&
          l.line.includes('acknowledgement-sync'),
      ).length;
    const suppressed = await waitFor(
      'the second redrive to be suppressed as duplicates (5 log lines)',
      () => suppressedLines() >= 5 && suppressedLines(),
      300_000,
    );

    const orders = await Promise.all(
      posted.map((po) => environment.erp.simulator.findPurchaseOrder(String(po.data.externalRef))),
    );
    const waits = posted.map((po) =>
      runtime()
        .executions()
        .find(
          (e) =>
            e.stateMachineName.endsWith('supplier-acknowledgement') &&
            JSON.stringify(e.input).includes(String(po.data.externalRef)),
        ),
    );
    figures.drill4 = {
      durationMs: Date.now() - started,
      timeToDeadLetterMs: dlqAt - outageStart,
      dlqMessages: inDlq,
      deadLetterReasons: letters.map((l) => JSON.parse(l.reason) as unknown),
      ackSyncInvocationsUntilDeadLettered: ackSyncInvocations,
      timeFromFixToAllAppliedMs: recoveredAt - fixedAt,
      erpRevisions: orders.map((o) => o?.revision),
      amendedEventsPerOrder: amended.map((l) => l.length),
      duplicatesSuppressedAfterSecondRedrive: suppressed,
      acknowledgementWorkflows: waits.map((w) => w?.status),
      breakerChanges: breakerLog('erp', started).map((c) => `${c.from}>${c.to}`),
    };

    expect(letters).toHaveLength(5);
    for (const letter of letters) {
      const reason = JSON.parse(letter.reason) as { message: string };
      expect(reason.message).toMatch(/failed on its last delivery \(5\/5\)/);
    }
    // Applied exactly once per order: one amendment event, ERP revision bumped once, 90 % confirmed.
    expect(amended.map((l) => l.length)).toEqual([1, 1, 1, 1, 1]);
    for (const order of orders) {
      // Posted at revision 0; the supplier's partial confirmation is the one amendment.
      expect(order?.revision).toBe(1);
      expect(order?.lines[0]?.quantityEa).toBe('108');
    }
    expect(suppressed).toBeGreaterThanOrEqual(5);
    environment.procurement.setSupplierAckBehaviour('S-1001', 'full');
  }, 900_000);

  it('drill 5: the runtime dies mid-run; after a restart on the same data the archive replay recovers', async () => {
    const started = Date.now();
    const deliveries = Array.from({ length: 10 }, (_, i) => actionable(`D5-${i}`, 90 + i));
    await sendAll(deliveries, 50);
    // Mid-run: some exceptions are posted, others are on queues or in workflows.
    await waitFor(
      'a first purchase order of the stream',
      () => deliveries.some((d) => events('purchase-order.posted', d.event_id).length > 0),
      300_000,
    );
    const before = runtime();
    const inFlight = {
      queues: nonEmptyQueues(environment),
      runningExecutions: before
        .executions()
        .filter((e) => e.status === 'RUNNING')
        .reduce<Record<string, number>>((acc, e) => {
          const key = `${e.stateMachineName.replace('supplyline-dev-', '')} @ ${e.path.at(-1) ?? 'start'}`;
          acc[key] = (acc[key] ?? 0) + 1;
          return acc;
        }, {}),
      postedBeforeKill: deliveries.filter((d) => events('purchase-order.posted', d.event_id).length > 0)
        .length,
    };
    const killedAt = Date.now();
    await environment.killRuntime();
    const restarted = await environment.restartRuntime();
    const restartMs = Date.now() - killedAt;
    const afterRestart = {
      queues: nonEmptyQueues(environment),
      executions: restarted.executions().length,
      idempotencyRecords: (await scanTable(restarted, 'Idempotency')).length,
      archived: restarted.archives.reduce((sum, archive) => sum + archive.read().length, 0),
    };
    // Anything the restarted runtime still had (it should have nothing) runs to its end first.
    await quiet();
    const settledWithoutReplay = deliveries.filter(
      (d) => outcomesOf([d], []).get(d.exception.exception_id)!.length > 0,
    ).length;

    // Recovery: replay the accepted forecast exceptions of the drill from the archive.
    const archive = restarted.archives[0]!;
    const replay = await archive.replay({
      from: new Date(started - 1000),
      to: new Date(),
      pattern: {
        'detail-type': ['forecast-exception.raised'],
        detail: { data: { exceptionId: [{ prefix: 'E2E-D5-' }] } },
      },
    });
    await replayHandled(replay, 'forecast-exception-evaluation');
    const evaluationSuppressed = environment.logs.filter(
      (l) =>
        l.at >= killedAt &&
        l.line.includes('duplicate suppressed') &&
        l.line.includes('forecast-exception-evaluation'),
    ).length;
    let outcomes = outcomesOf(deliveries, await deadLetters());
    const stranded = deliveries.filter((d) => outcomes.get(d.exception.exception_id)!.length === 0);

    // What replay cannot recover: evaluations that completed (idempotency record COMPLETED) whose
    // Express workflow died with the runtime. The operator's step: forget those evaluations and replay them.
    for (const delivery of stranded) {
      const raised = events('forecast-exception.raised', delivery.event_id)[0]!;
      const key = `consumer:forecast-exception-evaluation#${createHash('md5').update(JSON.stringify(raised.idempotencyKey)).digest('base64')}`;
      const table = restarted.model.tables.find((t) => t.logicalId.includes('Idempotency'))!;
      await restarted.clients.dynamodb.send(
        new DeleteItemCommand({ TableName: table.name, Key: { id: { S: key } } }),
      );
    }
    const secondReplay = stranded.length
      ? await archive.replay({
          from: new Date(started - 1000),
          to: new Date(),
          pattern: {
            'detail-type': ['forecast-exception.raised'],
            detail: { data: { exceptionId: stranded.map((d) => d.exception.exception_id) } },
          },
        })
      : undefined;
    if (secondReplay) await replayHandled(secondReplay, 'forecast-exception-evaluation');
    outcomes = outcomesOf(deliveries, await deadLetters());
    const count = tally(outcomes);
    const duplicates = await duplicatesOf(deliveries);
    figures.drill5 = {
      durationMs: Date.now() - started,
      inFlightAtKill: inFlight,
      restartMs,
      afterRestart,
      settledWithoutReplay,
      replayed: replay.replayed,
      evaluationsSuppressedAsDuplicates: evaluationSuppressed,
      strandedAfterReplay: stranded.length,
      secondReplay: secondReplay?.replayed ?? 0,
      outcomes: count,
      integrationExceptionCodes: exceptionCodes(outcomes),
      duplicates,
      withoutOutcome: deliveries
        .filter((d) => outcomes.get(d.exception.exception_id)!.length === 0)
        .map((d) => ({
          exceptionId: d.exception.exception_id,
          sourcingRequests: sourcingRequestsOf(d).map((r) => `${r.id} ${r.status}`),
          evaluated: environment.logs
            .filter((l) => l.line.includes('forecast exception evaluated') && l.line.includes(d.event_id))
            .map((l) => (JSON.parse(l.line) as { outcome?: string }).outcome),
          commitments: commitmentsOf(d).map(
            (e) => `${e.status} ${e.error ?? ''} ${e.path.slice(1).join(' > ')}`,
          ),
        })),
    };

    expect(afterRestart.queues).toEqual({});
    expect(afterRestart.executions).toBe(0);
    expect(afterRestart.archived).toBeGreaterThan(0);
    expect(replay.replayed).toBe(10);
    // Nothing vanished without a trace: an exception still without an outcome (a defect,
    // docs/fault-drills.md) has its own sourcing request, open, in procurement.
    for (const delivery of deliveries.filter((d) => outcomes.get(d.exception.exception_id)!.length === 0))
      expect(sourcingRequestsOf(delivery).map((r) => r.status)).toEqual(['open']);
    expect(count.several).toBe(0);
    expect(count.posted + count.integrationException + count.deadLetter + count.none).toBe(10);
    // After the replay, a commitment that had stopped after sourcing resumes: none is left stranded.
    expect(count.none).toBe(0);
    expect(duplicates).toEqual({ sourcingRequests: 0, purchaseOrders: 0, erpOrders: 0 });
  }, 900_000);
});
