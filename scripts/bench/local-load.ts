/**
 * Load on the local runtime: N signed `forecast.exception` webhooks (default 1000, env
 * BENCH_LOAD_WEBHOOKS) through the real HTTP route of one local environment (synthesized app +
 * simulators, function logs silent).
 *
 * The sender is open-loop by default: one webhook every 1/rate seconds (env BENCH_LOAD_RATE,
 * default 220/s, the goal's 200/s plus a margin) whatever the answers, as vendors send, and latency
 * counted from the planned send time (a late answer cannot hold back the next sends and hide the
 * queueing). A closed loop (env BENCH_LOAD_RATE=0: BENCH_LOAD_CONCURRENCY in flight, default 48)
 * measures capacity instead, but its latency is bound by Little's law (48 in flight at 200/s is
 * 240 ms each), so it cannot show whether a rate is sustained with a low p99.
 * About 10% are actionable (each with its own item, site and bucket, so they never amend each
 * other's sourcing requests); the rest fall below the uplift threshold and stop at evaluation.
 *
 * Measures: accepted webhooks per second, acceptance latency (the HTTP answer) p50/p99, and for the
 * actionable ones the time from sending the webhook to `purchase-order.posted` on the bus. Once the
 * system settles it reconciles every accepted delivery: evaluated (processed), dead-lettered, or
 * raised as an integration exception; lost = accepted - (processed + DLQ + exceptions); and counts
 * duplicate purchase orders (procurement and ERP) per exception.
 *
 * Budgets (2-core machine): >= 200 accepted/s, p99 acceptance < 100 ms, lost = 0, duplicate POs = 0.
 * Run: `npx tsx scripts/bench/local-load.ts` (or `npm run bench -- local-load` once registered).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSBatchResponse } from 'aws-lambda';
import type { BusActivity } from '../../local/eventbridge/bus';
import { runBounded } from '../../functions/commons/consumer';
import { startLocalEnvironment } from '../../local/environment';
import { atLeast, atMost, printTable, reference, type BenchRow } from './harness';
import { breakdown, type ProfileNode } from './local-load-profile';
import {
  ACTIONABLE_SCOPES,
  deliveryFor,
  generateLoad,
  PLAN_ID,
  SECRET,
  send,
  type Sent,
} from './local-load-sender';
import { erpReferenceOf } from '../../test/support/purchase-order-reference';

const EVALUATION = 'forecast-exception-evaluation';
const ACCEPTED_PER_SECOND_BUDGET = 200;
const P99_ACCEPTANCE_BUDGET_MS = 100;

/** What the bench saw of one accepted delivery. */
interface Trail {
  raisedEventId?: string;
  evaluated: boolean;
  postedAt?: number;
  postedRefs: string[];
  exceptions: { code: string; byConsumer: boolean }[];
}

function consumerOf(details: unknown): string | undefined {
  try {
    return (JSON.parse(String(details)) as { consumer?: string }).consumer;
  } catch {
    return undefined;
  }
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(`[bench] gave up waiting for ${what} after ${timeoutMs} ms`);
  return false;
}

/** Runs the load and returns the table rows. */
export async function benchLocalLoad(
  options: {
    count?: number;
    /** Open-loop rate (webhooks/s); 0 = closed loop. @default 220 */
    rate?: number;
    /** In flight, closed loop only. @default 48 */
    concurrency?: number;
    /** Share of actionable exceptions: every n-th is. @default 10 */
    actionableEvery?: number;
    /** Starts the environment (experiments with other runtime settings). @default startLocalEnvironment */
    start?: typeof startLocalEnvironment;
  } = {},
): Promise<BenchRow[]> {
  const count = options.count ?? Number(process.env.BENCH_LOAD_WEBHOOKS ?? 1000);
  const rate = options.rate ?? Number(process.env.BENCH_LOAD_RATE ?? 220);
  const concurrency = options.concurrency ?? Number(process.env.BENCH_LOAD_CONCURRENCY ?? 48);
  const actionableEvery = options.actionableEvery ?? 10;
  const progress: string[] = [];
  const environment = await (options.start ?? startLocalEnvironment)({
    settings: { port: 0, planningWebhookSecret: SECRET },
    // BENCH_LOAD_FUNCTION_LOGS=1 shows the functions' log lines (to find out why something failed).
    quietFunctions: process.env.BENCH_LOAD_FUNCTION_LOGS !== '1',
    log: (line) => progress.push(line),
  });
  const { runtime } = environment;
  console.log(`[bench] local environment ready (runtime started in ${runtime.startupMs} ms)`);
  try {
    const run = Date.now().toString(36).toUpperCase();
    const evaluationFn = runtime.functionName(EVALUATION);
    const webhookFn = runtime.functionName('planning-webhook');
    const evaluationQueue = runtime.model.queues.find((q) => q.name.endsWith(`-${EVALUATION}`))!;
    const evaluationDlqs = [
      runtime.queue(evaluationQueue.redrivePolicy!.deadLetterTargetArn).name,
      ...runtime.model.queues
        .filter((q) => q.name.endsWith(`-${EVALUATION}-delivery-dlq`))
        .map((q) => q.name),
    ];

    // Everything the bus does is observed directly (runtime.busActivity keeps only the last 5000).
    const trails = new Map<string, Trail>();
    const trailOf = (correlationId: string) => {
      let trail = trails.get(correlationId);
      if (!trail) {
        trail = { evaluated: false, postedRefs: [], exceptions: [] };
        trails.set(correlationId, trail);
      }
      return trail;
    };
    const raisedIds = new Map<string, string>();
    const unobserve = runtime.bus.observe((activity: BusActivity) => {
      if (activity.type !== 'accepted') return;
      const detail = activity.event.detail as {
        eventId: string;
        eventType: string;
        correlationId: string;
        causationId: string;
        data: Record<string, unknown>;
      };
      if (typeof detail.correlationId !== 'string') return;
      const trail = trailOf(detail.correlationId);
      switch (detail.eventType) {
        case 'forecast-exception.raised':
          trail.raisedEventId = detail.eventId;
          raisedIds.set(detail.eventId, detail.correlationId);
          break;
        case 'purchase-order.posted':
          trail.postedAt ??= Date.now();
          trail.postedRefs.push(String(detail.data.externalRef));
          break;
        case 'integration-exception.raised':
          // The evaluation consumer's own business rejections name it in their details; the
          // commitment workflow's (IX-...) are outcomes of an evaluated exception.
          trail.exceptions.push({
            code: String(detail.data.code),
            byConsumer: raisedIds.has(detail.causationId) && consumerOf(detail.data.details) === EVALUATION,
          });
          break;
      }
    });

    // The evaluation consumer's records, from the invocation history (kept short by the runtime).
    const seenInvocations = new Set<string>();
    const evaluatedEventIds = new Set<string>();
    const webhookDurations: number[] = [];
    let receives = 0;
    const scan = () => {
      for (const invocation of runtime.invocations()) {
        if (seenInvocations.has(invocation.requestId)) continue;
        seenInvocations.add(invocation.requestId);
        if (invocation.functionName === webhookFn) webhookDurations.push(invocation.durationMs);
        if (invocation.functionName !== evaluationFn) continue;
        const records = (invocation.event as SQSEvent).Records ?? [];
        receives += records.length;
        if (!invocation.ok) continue;
        const failed = new Set(
          ((invocation.result as SQSBatchResponse | undefined)?.batchItemFailures ?? []).map(
            (f) => f.itemIdentifier,
          ),
        );
        for (const record of records) {
          if (failed.has(record.messageId)) continue;
          const eventId = (JSON.parse(record.body) as { detail?: { eventId?: string } }).detail?.eventId;
          if (eventId) evaluatedEventIds.add(eventId);
        }
      }
    };
    const scanner = setInterval(scan, 100);

    // Warm-up, outside the measurement: every webhook worker, the evaluation consumer and the
    // commitment workflow's functions started, and the workflows finished. In AWS the cold starts
    // of a burst run on their own capacity; here they would take the two cores from the webhooks
    // being measured.
    const commitmentRunning = () =>
      runtime
        .executions()
        .some((e) => e.status === 'RUNNING' && e.stateMachineName.endsWith('purchase-commitment'));
    const evaluationBusy = () => {
      const depth = runtime.queueDepths()[evaluationQueue.name]!;
      return depth.visible + depth.inFlight + depth.delayed > 0;
    };
    // Actionable: two rounds of the scopes from slot 240 (40 weeks after the measured ones start).
    const warmup: Sent[] = [
      ...Array.from({ length: 16 }, (_, i) => deliveryFor(`${run}W`, i * 10 + 1, 0)),
      ...Array.from({ length: 2 * ACTIONABLE_SCOPES.length }, (_, i) =>
        deliveryFor(`${run}W`, (40 * ACTIONABLE_SCOPES.length + i) * 10, 10),
      ),
    ].map((delivery) => ({ ...delivery, sentAt: 0 }));
    await runBounded(warmup, 8, (item) => send(runtime.baseUrl, item));
    await until('the warm-up to settle', () => !evaluationBusy() && !commitmentRunning(), 180_000);

    console.log(
      `[bench] warmed up; sending ${count} webhooks, ${rate > 0 ? `open loop at ${rate}/s` : `closed loop, ${concurrency} in flight`} ...`,
    );
    const items: Sent[] = Array.from({ length: count }, (_, i) => ({
      ...deliveryFor(run, i, actionableEvery),
      sentAt: 0,
    }));
    // BENCH_LOAD_PROFILE=1 profiles the main thread while sending (BENCH_LOAD_PROFILE=<file> also saves it).
    const profiling = process.env.BENCH_LOAD_PROFILE;
    const session = profiling ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 500 });
      await session.post('Profiler.start');
    }
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const started = performance.now();
    // The vendor's traffic comes from elsewhere: a separate process sends, so its HTTP client and
    // signing do not compete with the runtime's main thread (which hosts every stand-in).
    const outcomes = await generateLoad({
      baseUrl: runtime.baseUrl,
      run,
      count,
      rate,
      concurrency,
      actionableEvery,
    });
    const sendSeconds = (performance.now() - started) / 1000;
    for (const outcome of outcomes) Object.assign(items[outcome.index]!, outcome);
    const cpuUsed = process.cpuUsage(cpu);
    const loopBusy = performance.eventLoopUtilization(elu).utilization;
    let profileRows: BenchRow[] = [];
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      if (profiling !== '1') writeFileSync(profiling!, JSON.stringify(profile));
      profileRows = breakdown(profile as unknown as { nodes: ProfileNode[]; samples?: number[] }).map(
        ([name, share]) => reference(`main thread busy time: ${name}`, share, '%'),
      );
    }

    const accepted = items.filter((i) => i.status !== undefined && i.status >= 200 && i.status < 300);
    const refused = items.length - accepted.length;
    const acceptedIds = new Set(accepted.map((i) => i.delivery.event_id));

    console.log(`[bench] sent in ${sendSeconds.toFixed(1)} s; waiting for the system to settle ...`);
    // Settle: every accepted delivery evaluated or dead-lettered, every actionable one posted or
    // raised as an exception, the evaluation queue empty and no commitment running.
    const dlqBodies = () => evaluationDlqs.flatMap((name) => runtime.queueMessages(name).map((m) => m.body));
    // The evaluation spends a procurement request per exception (budget 6/s): give it time.
    const settleMs = Number(process.env.BENCH_LOAD_SETTLE_SECONDS ?? Math.max(120, count * 0.3)) * 1000;
    const settleStarted = Date.now();
    await until(
      'the system to settle',
      () => {
        scan();
        if (evaluationBusy() || commitmentRunning()) return false;
        const dead = dlqBodies().join('\n');
        return accepted.every((item) => {
          const trail = trails.get(item.delivery.event_id);
          const raised = trail?.raisedEventId;
          if (!raised) return false;
          if (dead.includes(raised)) return true;
          if (!evaluatedEventIds.has(raised)) return false;
          return !item.actionable || trail.postedAt !== undefined || trail.exceptions.length > 0;
        });
      },
      settleMs,
    );
    const settleSeconds = (Date.now() - settleStarted) / 1000;
    clearInterval(scanner);
    scan();
    unobserve();

    // Reconciliation of every accepted delivery into exactly one outcome.
    const dead = dlqBodies().join('\n');
    const queued = runtime
      .queueMessages(evaluationQueue.name)
      .map((m) => m.body)
      .join('\n');
    let processed = 0;
    let deadLettered = 0;
    let asExceptions = 0;
    let pending = 0;
    for (const item of accepted) {
      const trail = trails.get(item.delivery.event_id);
      const raised = trail?.raisedEventId;
      if (raised && dead.includes(raised)) deadLettered++;
      else if (trail?.exceptions.some((e) => e.byConsumer)) asExceptions++;
      else if (raised && evaluatedEventIds.has(raised)) processed++;
      else if (raised && queued.includes(raised)) pending++;
    }
    // Still queued when the deadline passed is not lost, but the run did not settle: both are reported.
    const lost = accepted.length - (processed + deadLettered + asExceptions + pending);

    // Purchase orders per actionable exception, in procurement and in the ERP.
    const actionable = accepted.filter((i) => i.actionable);
    const procurement = environment.procurement!;
    const requests = procurement.sourcingRequests();
    const orders = procurement.purchaseOrders();
    let duplicatePos = 0;
    let postedCount = 0;
    let workflowExceptions = 0;
    const toPo: number[] = [];
    for (const item of actionable) {
      const prefix = `SL-${PLAN_ID}-${item.delivery.exception.exception_id}-v`;
      const refs = new Set(
        requests
          .filter((r) => r.external_ref.startsWith(prefix))
          .map((r) => erpReferenceOf(r, { url: procurement.url, clientId: 'supplyline' })),
      );
      const pos = orders.filter((po) => refs.has(po.external_ref));
      duplicatePos += Math.max(0, pos.length - 1);
      for (const ref of refs) {
        const inErp = await environment.erp!.simulator.countPurchaseOrders(ref);
        duplicatePos += Math.max(0, inErp - 1);
      }
      const trail = trails.get(item.delivery.event_id);
      if (trail?.postedAt !== undefined) {
        postedCount++;
        toPo.push(trail.postedAt - item.sentAt);
        duplicatePos += Math.max(0, new Set(trail.postedRefs).size - 1);
      }
      if (trail?.exceptions.some((e) => !e.byConsumer)) workflowExceptions++;
    }

    const latencies = accepted.map((i) => i.latencyMs!);
    // From the first send to the last answer (the generator's own start-up is not counted).
    const firstSent = Math.min(...items.map((i) => i.sentAt));
    const lastAnswered = Math.max(...items.map((i) => i.sentAt + (i.latencyMs ?? 0)));
    const acceptedPerSecond = (accepted.length * 1000) / Math.max(1, lastAnswered - firstSent);
    const evaluationReceives = receives;
    const webhook = runtime.model.functions.find((f) => f.name === webhookFn)!;
    const refusals = new Map<string, number>();
    for (const item of items)
      if (!acceptedIds.has(item.delivery.event_id)) {
        const key = `${item.status} ${item.answer}`;
        refusals.set(key, (refusals.get(key) ?? 0) + 1);
      }
    if (refusals.size > 0) console.log('[bench] refused:', Object.fromEntries(refusals));
    // Why the dead letters are there (the consumer's failureReason attribute), summarised.
    const reasons = new Map<string, number>();
    for (const name of evaluationDlqs) {
      for (;;) {
        const answer = await runtime.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: runtime.queue(name).url,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
            VisibilityTimeout: 300,
          }),
        );
        if (!answer.Messages?.length) break;
        for (const message of answer.Messages) {
          const reason =
            message.MessageAttributes?.failureReason?.StringValue ??
            message.MessageAttributes?.ERROR_CODE?.StringValue ??
            '?';
          const text = ((JSON.parse(reason) as { message?: string }).message ?? reason).replace(
            /\(\d+\/\d+\)/,
            '(n/n)',
          );
          reasons.set(text.slice(0, 140), (reasons.get(text.slice(0, 140)) ?? 0) + 1);
        }
      }
    }
    if (reasons.size > 0) console.log('[bench] dead-letter reasons:', Object.fromEntries(reasons));
    const codes = [...trails.values()].flatMap((t) => t.exceptions.map((e) => e.code));
    if (codes.length > 0) console.log('[bench] integration exceptions:', codes.join(', '));

    return [
      reference('webhooks sent', items.length, 'count'),
      ...(rate > 0
        ? [
            reference('sender: open loop, offered rate', rate, '/s'),
            reference(
              'sender lag behind plan p99',
              round1(
                percentile(
                  items.map((i) => i.lagMs ?? 0),
                  99,
                ),
              ),
              'ms',
            ),
          ]
        : [reference('sender: closed loop, in flight', concurrency, 'requests')]),
      atLeast('accepted per second', round1(acceptedPerSecond), '/s', ACCEPTED_PER_SECOND_BUDGET),
      reference('refused (non-2xx)', refused, 'count'),
      reference(
        `acceptance latency p50 (from the ${rate > 0 ? 'planned' : 'actual'} send time)`,
        round1(percentile(latencies, 50)),
        'ms',
      ),
      atMost('acceptance latency p99', round1(percentile(latencies, 99)), 'ms', P99_ACCEPTANCE_BUDGET_MS),
      reference(
        `planning-webhook function duration p50 (${webhook.reservedConcurrency ?? 4} workers)`,
        round1(percentile(webhookDurations, 50)),
        'ms',
      ),
      reference('planning-webhook function duration p99', round1(percentile(webhookDurations, 99)), 'ms'),
      reference('main event loop busy while sending', Math.round(loopBusy * 100), '%'),
      reference(
        'runtime process CPU while sending (all threads)',
        round1((cpuUsed.user + cpuUsed.system) / 1e6 / sendSeconds),
        'cores',
      ),
      ...profileRows,
      reference('actionable accepted', actionable.length, 'count'),
      reference('actionable posted to the ERP', postedCount, 'count'),
      reference('actionable rejected by the workflow (integration exception)', workflowExceptions, 'count'),
      reference('exception to PO posted p50', round1(percentile(toPo, 50)), 'ms'),
      reference('exception to PO posted p99', round1(percentile(toPo, 99)), 'ms'),
      reference('accepted', accepted.length, 'count'),
      reference('processed (evaluated)', processed, 'count'),
      reference('dead-lettered', deadLettered, 'count'),
      reference('raised as integration exceptions', asExceptions, 'count'),
      reference('evaluation receives (incl. retries)', evaluationReceives, 'count'),
      atMost(`still queued for evaluation after ${Math.round(settleSeconds)} s`, pending, 'count', 0),
      atMost('lost (accepted - processed - DLQ - exceptions - still queued)', lost, 'count', 0),
      atMost('duplicate purchase orders', duplicatePos, 'count', 0),
    ];
  } finally {
    await environment.stop();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const rows = await benchLocalLoad();
  const ok = printTable(
    `Local runtime under load: ${process.env.BENCH_LOAD_WEBHOOKS ?? 1000} signed forecast-exception webhooks, ~10% actionable`,
    rows,
  );
  console.log(ok ? '\nAll budgets met.' : '\nSome budgets were MISSED (see the table).');
  process.exitCode = ok ? 0 : 1;
}
