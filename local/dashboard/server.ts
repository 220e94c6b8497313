/**
 * The local operations dashboard: one page mirroring the CloudWatch dashboard (lib/constructs/
 * monitoring.ts) over the running local runtime, plus the JSON it polls.
 *
 *   GET  /_dashboard                            the page
 *   GET  /_dashboard/api/state                  everything the page shows (polled every second)
 *   POST /_dashboard/api/dlq/<consumer>/redrive the operations CLI's redrive ({"dryRun", "eventType", "correlationId"})
 *   GET  /_dashboard/api/quarantine/<id>        one quarantined webhook delivery, its body as received
 *   POST /_dashboard/api/quarantine/<id>/resubmit the operations CLI's re-submit (ops/quarantine.ts)
 *   POST /_dashboard/api/reconciliation-runs    a run now, through the governed API; GET .../<runId> its status
 *   GET  /_dashboard/auth/sign-in | /callback    signing a person in (sign-in.ts); POST /_dashboard/auth/sign-out
 *   GET  /_dashboard/api/session                who is signed in
 *
 * Every POST passes the guard of post-guard.ts first: this start's token (served in the page) and
 * the dashboard's own Origin. Every POST that changes something then needs a signed-in person (401
 * otherwise); reading stays open on the loopback (README.md).
 *
 * Queues are read from the local SQS in process (no receive, so watching changes nothing); tables
 * through the runtime's DynamoDB client; metrics from the functions' EMF lines.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ScanCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IntegrationExceptionStore } from '../../adapters/aws/integration-exceptions';
import { exceptionAging } from './exception-aging';
import { apiStats, breakerRows } from './state-rows';
import {
  askedRunsAccess,
  reconciliationReportRoute,
  reconciliationRunRoute,
  reconciliationRuns,
} from './reconciliation-runs';
import { METRICS_NAMESPACE } from '../../application/metrics';
import { businessUnitRows } from './business-units';
import { ENVIRONMENTS } from '../../application/environments';
import { describe as describeDeadLetter, redrive } from '../../ops/dlq';
import {
  listQuarantine,
  quarantineJson,
  resubmitQuarantined,
  showQuarantined,
  type QuarantineAccess,
} from '../../ops/quarantine';
import { rejectedEdiFiles } from '../../ops/edi';
import {
  buildTopology,
  deadLetterQueues,
  inventoryFromTemplate,
  type StackTopology,
} from '../../ops/topology';
import { listen, readBody } from '../http/server';
import { dashboardOrigins, newDashboardToken, refusePost } from './post-guard';
import {
  clearCookie,
  cookie,
  setCookie,
  signInRequired,
  SESSION_COOKIE,
  SIGN_IN_COOKIE,
  SIGN_IN_PATH,
} from './session-cookies';
import { DashboardSignIn, SignInRefused, type DashboardSession, type SignInSettings } from './sign-in';
import { OPERATIONS_DASHBOARD } from '../../application/identity';
import type { LocalRuntime } from '../runtime/runtime';
import type { MetricStore } from '../cloudwatch/metrics';

/** A running dashboard. */
export interface DashboardServer {
  /** `http://127.0.0.1:<port>/_dashboard` */
  url: string;
  port: number;
  /** This start's token: POSTs carry it in `x-dashboard-token` (the page does). */
  token: string;
  close(): Promise<void>;
}

/** What the dashboard reads: the runtime handle (before `dashboardUrl` is set) and its metrics. */
export type DashboardSource = Pick<
  LocalRuntime,
  'model' | 'clients' | 'sqsServer' | 'executions' | 'invocations' | 'busActivity' | 'apiRequests'
> &
  Pick<LocalRuntime, 'baseUrl' | 'apiKey'> & { metrics: MetricStore };

const PAGE = new URL('./page.html', import.meta.url);
const SAMPLES = 600;

interface QueueSample {
  t: number;
  /** Per consumer: visible + in flight, oldest age (s), DLQ depth (both DLQs). */
  backlog: Record<string, number>;
  oldestAge: Record<string, number>;
  dlq: Record<string, number>;
}

/** Starts the dashboard on its own port (0 = a free one). */
export async function startDashboard(
  source: DashboardSource,
  options: {
    host?: string;
    port?: number;
    sampleEveryMs?: number;
    /** Where people sign in; without it every action is refused (401). */
    signIn?: SignInSettings;
    /** Clock of the sessions (tests). */
    now?: () => number;
    log?: (line: string) => void;
  } = {},
): Promise<DashboardServer> {
  const people = options.signIn ? new DashboardSignIn(options.signIn, options.now) : undefined;
  const log = options.log ?? (() => undefined);
  const topology = buildTopology(inventoryFromTemplate(source.model));
  const documents = DynamoDBDocumentClient.from(source.clients.dynamodb);
  const exceptions = topology.tables.integrationExceptions
    ? new IntegrationExceptionStore(documents, topology.tables.integrationExceptions)
    : undefined;
  const quarantine: QuarantineAccess | undefined =
    topology.tables.webhookQuarantine && topology.tables.syncLedger
      ? {
          documents,
          eventBridge: source.clients.eventBridge,
          busName: topology.bus.name,
          tables: {
            webhookQuarantine: topology.tables.webhookQuarantine,
            syncLedger: topology.tables.syncLedger,
          },
        }
      : undefined;
  const askedRuns = askedRunsAccess(source, documents, topology.tables.circuitBreaker);
  const samples: QueueSample[] = [];
  const sample = () => {
    const now = Date.now();
    const row: QueueSample = { t: now, backlog: {}, oldestAge: {}, dlq: {} };
    for (const consumer of topology.consumers) {
      const queue = inspect(source, consumer.queue.name, now);
      row.backlog[consumer.consumer] = queue.visible + queue.inFlight;
      row.oldestAge[consumer.consumer] = queue.oldestAgeSeconds;
      row.dlq[consumer.consumer] =
        inspect(source, consumer.deadLetterQueue.name, now).depth +
        (consumer.deliveryDeadLetterQueue
          ? inspect(source, consumer.deliveryDeadLetterQueue.name, now).depth
          : 0);
    }
    samples.push(row);
    if (samples.length > SAMPLES) samples.shift();
  };
  sample();
  const timer = setInterval(sample, options.sampleEveryMs ?? 1000);
  timer.unref();
  const token = newDashboardToken();
  // The page carries the token; no other origin can read it.
  const page = readFileSync(PAGE, 'utf8').replace(
    '<head>',
    `<head>\n    <meta name="dashboard-token" content="${token}" />`,
  );
  let origins: readonly string[] = [];
  let base = '';

  const server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      sendJson(res, 500, { error: (error as Error).message });
    });
  });
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/_dashboard/')) {
      res.writeHead(302, { location: '/_dashboard' }).end();
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/_dashboard') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(page);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/_dashboard/api/state') {
      sendJson(res, 200, await state(source, topology, samples, exceptions, documents, quarantine));
      return;
    }
    if (url.pathname.startsWith('/_dashboard/auth/') && req.method === 'GET') {
      await signInRoute(req, res, url);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/_dashboard/api/session') {
      const session = people?.session(cookie(req, SESSION_COOKIE));
      sendJson(res, 200, {
        person: session ? { subject: session.subject, groups: session.groups } : null,
        expiresAt: session ? new Date(session.expiresAt).toISOString() : null,
        signIn: people ? SIGN_IN_PATH : null,
      });
      return;
    }
    // Every POST (redrive, quarantine re-submit, sign-out) needs this start's token and the
    // dashboard's Origin; every one but sign-out, a signed-in person.
    let person: DashboardSession | undefined;
    if (req.method === 'POST') {
      const refusal = refusePost(req, token, origins);
      if (refusal) {
        sendJson(res, refusal.status, refusal, 'application/problem+json');
        return;
      }
      if (url.pathname === '/_dashboard/auth/sign-out') {
        const id = cookie(req, SESSION_COOKIE);
        const location = people
          ? await people.end(id, `${base}${OPERATIONS_DASHBOARD.signedOutPath}`)
          : undefined;
        res.setHeader('set-cookie', clearCookie(SESSION_COOKIE, '/_dashboard'));
        sendJson(res, 200, { location: location ?? OPERATIONS_DASHBOARD.signedOutPath });
        return;
      }
      person = people?.session(cookie(req, SESSION_COOKIE));
      if (!person) {
        sendJson(res, 401, signInRequired(people !== undefined), 'application/problem+json');
        return;
      }
    }
    const asked = await reconciliationRunRoute(req.method, url.pathname, person, askedRuns);
    if (asked) {
      if (person) log(`dashboard: ${person.subject} asked for a reconciliation run (${asked.status})`);
      sendJson(res, asked.status, asked.body, asked.contentType);
      return;
    }
    const report = await reconciliationReportRoute(
      req.method,
      url.pathname,
      {
        signedIn: Boolean(people?.session(cookie(req, SESSION_COOKIE))),
        signInAvailable: people !== undefined,
      },
      source.clients.s3,
      topology.buckets.reconciliationReports,
    );
    if (report) {
      if (report.text === undefined) sendJson(res, report.status, report.body, report.contentType);
      else
        res
          .writeHead(report.status, { 'content-type': report.contentType, 'cache-control': 'no-store' })
          .end(report.text);
      return;
    }
    const quarantineMatch = /^\/_dashboard\/api\/quarantine\/([^/]+)(\/resubmit)?$/.exec(url.pathname);
    if (quarantine && quarantineMatch) {
      const id = decodeURIComponent(quarantineMatch[1]!);
      const resubmit = quarantineMatch[2] !== undefined;
      if (req.method === (resubmit ? 'POST' : 'GET')) {
        try {
          const result = resubmit
            ? await resubmitQuarantined(quarantine, id)
            : quarantineJson(await showQuarantined(quarantine, id));
          if (resubmit) log(`dashboard: ${person!.subject} re-submitted ${id}`);
          sendJson(res, 200, result);
        } catch (error) {
          sendJson(res, 404, { error: (error as Error).message });
        }
        return;
      }
    }
    const redriveMatch = /^\/_dashboard\/api\/dlq\/([^/]+)\/redrive$/.exec(url.pathname);
    if (req.method === 'POST' && redriveMatch) {
      const body = await readJson(req);
      try {
        const result = await redrive(source.clients.sqs, topology, decodeURIComponent(redriveMatch[1]!), {
          dryRun: body.dryRun === true,
          ...(typeof body.eventType === 'string' ? { eventType: body.eventType } : {}),
          ...(typeof body.correlationId === 'string' ? { correlationId: body.correlationId } : {}),
          // Nobody else reads a local DLQ: a short poll is enough to know it is empty.
          waitSeconds: 0,
        });
        sample();
        log(
          `dashboard: ${person!.subject} redrove ${decodeURIComponent(redriveMatch[1]!)} (${body.dryRun === true ? 'dry run' : `${result.moved.length} moved`})`,
        );
        sendJson(res, 200, result);
      } catch (error) {
        sendJson(res, 400, { error: (error as Error).message });
      }
      return;
    }
    sendJson(res, 404, { error: `no route ${req.method ?? ''} ${url.pathname}` });
  }

  /** GET sign-in: off to the provider; GET callback: back from it, signed in or refused. */
  async function signInRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const refuse = (status: number, detail: string) =>
      sendJson(
        res,
        status,
        { type: 'about:blank', title: 'Sign-in refused', status, detail },
        'application/problem+json',
      );
    if (!people) {
      refuse(503, 'no identity provider client for the dashboard (SUPPLYLINE_IDENTITY_DASHBOARD_CLIENT_ID)');
      return;
    }
    try {
      if (url.pathname === SIGN_IN_PATH) {
        // The callback goes to the registered loopback address: start there, so its cookie comes back.
        if (req.headers.host !== new URL(base).host) {
          res.writeHead(302, { location: `${base}${SIGN_IN_PATH}` }).end();
          return;
        }
        const { attempt, location } = await people.begin(`${base}${OPERATIONS_DASHBOARD.callbackPath}`);
        res
          .writeHead(302, {
            location,
            'set-cookie': setCookie(
              SIGN_IN_COOKIE,
              attempt,
              '/_dashboard/auth',
              DashboardSignIn.signInSeconds,
            ),
            'cache-control': 'no-store',
          })
          .end();
        return;
      }
      if (url.pathname === OPERATIONS_DASHBOARD.callbackPath) {
        const session = await people
          .complete(cookie(req, SIGN_IN_COOKIE), url.searchParams)
          .finally(() => res.setHeader('set-cookie', clearCookie(SIGN_IN_COOKIE, '/_dashboard/auth')));
        res
          .writeHead(302, {
            location: '/_dashboard',
            'set-cookie': [
              clearCookie(SIGN_IN_COOKIE, '/_dashboard/auth'),
              setCookie(SESSION_COOKIE, session, '/_dashboard', DashboardSignIn.sessionSeconds),
            ],
            'cache-control': 'no-store',
          })
          .end();
        const signedIn = people.session(session)!;
        log(`dashboard: ${signedIn.subject} signed in`);
        return;
      }
      sendJson(res, 404, { error: `no route GET ${url.pathname}` });
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      refuse(error.status, error.message);
    }
  }

  const listening = await listen(server, options.port, options.host);
  origins = dashboardOrigins(listening.url);
  base = listening.url;
  return {
    url: `${listening.url}/_dashboard`,
    port: listening.port,
    token,
    close: () => {
      clearInterval(timer);
      return listening.close();
    },
  };
}

interface Inspected {
  visible: number;
  inFlight: number;
  delayed: number;
  depth: number;
  oldestAgeSeconds: number;
}

/** Depth and oldest-message age of a queue, read without receiving. */
function inspect(source: DashboardSource, queueName: string, now: number): Inspected {
  const state = source.sqsServer.inspectQueue(queueName);
  if (!state) return { visible: 0, inFlight: 0, delayed: 0, depth: 0, oldestAgeSeconds: 0 };
  const expired = state.messages.inflight.filter((m) => m.visibilityDeadline <= now).length;
  const all = [
    ...state.messages.ready,
    ...state.messages.inflight.map((m) => m.message),
    ...state.messages.delayed,
  ];
  const oldest = all.reduce((min, m) => Math.min(min, m.sentTimestamp), Number.POSITIVE_INFINITY);
  const visible = state.messages.ready.length + expired;
  const inFlight = state.messages.inflight.length - expired;
  return {
    visible,
    inFlight,
    delayed: state.messages.delayed.length,
    depth: visible + inFlight + state.messages.delayed.length,
    oldestAgeSeconds: Number.isFinite(oldest) ? Math.max(0, (now - oldest) / 1000) : 0,
  };
}

/** The messages of a DLQ as the CLI describes them, read in process. */
function deadLetters(source: DashboardSource, topology: StackTopology, now: number) {
  return deadLetterQueues(topology).flatMap((queue) => {
    const state = source.sqsServer.inspectQueue(queue.name);
    if (!state) return [];
    const messages = [...state.messages.ready, ...state.messages.inflight.map((m) => m.message)];
    return messages.map((m) => {
      const letter = describeDeadLetter(
        {
          MessageId: m.messageId,
          Body: m.body,
          MessageAttributes: Object.fromEntries(
            Object.entries(m.messageAttributes).map(([name, value]) => [
              name,
              { DataType: value.DataType, StringValue: value.StringValue },
            ]),
          ),
          Attributes: {
            ApproximateReceiveCount: String(m.approximateReceiveCount),
            SentTimestamp: String(m.sentTimestamp),
          },
        },
        queue,
      );
      const { body: _body, ...rest } = letter;
      return { ...rest, ageSeconds: Math.max(0, (now - m.sentTimestamp) / 1000) };
    });
  });
}

async function state(
  source: DashboardSource,
  topology: StackTopology,
  samples: readonly QueueSample[],
  exceptions: IntegrationExceptionStore | undefined,
  documents: DynamoDBDocumentClient,
  quarantine: QuarantineAccess | undefined,
) {
  const now = Date.now();
  const config = ENVIRONMENTS.dev.alarms;
  const metric = (name: string) => source.metrics.query({ namespace: METRICS_NAMESPACE, name });
  const syncLag = new Map<string, { objectType: string; systemPair: string; points: [number, number][] }>();
  for (const point of metric('SyncLagSeconds')) {
    const objectType = point.dimensions.ObjectType ?? '?';
    const systemPair = point.dimensions.SystemPair ?? '?';
    const key = `${objectType} ${systemPair}`;
    const series = syncLag.get(key) ?? { objectType, systemPair, points: [] };
    series.points.push([point.timestamp, point.value]);
    syncLag.set(key, series);
  }
  const sum = (name: string) => metric(name).reduce((total, p) => total + p.value, 0);
  const integrationExceptions = topology.tables.integrationExceptions;
  const [openExceptions, resolvedExceptions, breakers, quarantined, aging, runs, ediRejected] =
    await Promise.all([
      exceptions ? exceptions.list({ status: 'OPEN', limit: 200 }).then((p) => p.items) : [],
      exceptions ? exceptions.list({ status: 'RESOLVED', limit: 20 }).then((p) => p.items) : [],
      topology.tables.circuitBreaker
        ? documents
            .send(new ScanCommand({ TableName: topology.tables.circuitBreaker }))
            .then((r) => (r.Items ?? []) as Record<string, unknown>[])
        : [],
      // Held deliveries were accepted but wait for the canonical model: listed with the open ones.
      quarantine
        ? Promise.all([listQuarantine(quarantine, 'open', 50), listQuarantine(quarantine, 'held', 50)]).then(
            (lists) => lists.flat(),
          )
        : [],
      exceptions ? exceptionAging(exceptions, ENVIRONMENTS.dev.business, new Date(now)) : undefined,
      topology.buckets.reconciliationReports
        ? reconciliationRuns(source.clients.s3, topology.buckets.reconciliationReports)
        : [],
      // The operations CLI's `edi rejected`, newest first.
      integrationExceptions
        ? rejectedEdiFiles({ documents, tables: { integrationExceptions } }, { limit: 50 })
        : [],
    ]);
  const invocations = source.invocations();
  const breakerStates = breakerRows(breakers);
  return {
    now,
    stackName: topology.stackName,
    queues: topology.consumers.map((c) => {
      const queue = inspect(source, c.queue.name, now);
      const dlq = inspect(source, c.deadLetterQueue.name, now);
      const delivery = c.deliveryDeadLetterQueue
        ? inspect(source, c.deliveryDeadLetterQueue.name, now)
        : undefined;
      return {
        consumer: c.consumer,
        lane: c.lane ?? null,
        queue: c.queue.name,
        eventTypes: c.eventTypes,
        visible: queue.visible,
        inFlight: queue.inFlight,
        delayed: queue.delayed,
        oldestAgeSeconds: queue.oldestAgeSeconds,
        maxReceiveCount: c.maxReceiveCount,
        dlq: { name: c.deadLetterQueue.name, depth: dlq.depth },
        deliveryDlq: delivery ? { name: c.deliveryDeadLetterQueue!.name, depth: delivery.depth } : null,
      };
    }),
    oldestAgeAlarmSeconds: config.oldestMessageAgeSeconds,
    deadLetters: deadLetters(source, topology, now),
    history: samples,
    syncLag: [...syncLag.values()],
    syncLagSlos: config.syncLagSlos
      .filter((slo) => slo.metricName === 'SyncLagSeconds')
      .map((slo) => ({ flow: slo.flow, thresholdSeconds: slo.thresholdSeconds, ...slo.dimensions })),
    forecastToOrder: {
      points: metric('ForecastToOrderSeconds').map((p) => [p.timestamp, p.value]),
      sloSeconds:
        config.syncLagSlos.find((slo) => slo.metricName === 'ForecastToOrderSeconds')?.thresholdSeconds ??
        null,
    },
    exceptions: {
      open: openExceptions,
      recentlyResolved: resolvedExceptions.slice(-10),
      agingAlarmSeconds: config.exceptionAgingSeconds,
      aging: aging ?? null,
    },
    reconciliation: { runs, driftAlarmPercent: config.reconciliationDriftPercent },
    breakers: breakerStates,
    ediRejected,
    businessUnits: businessUnitRows(source.model, [...syncLag.values()], breakerStates),
    // Without bodies: inspecting one reads it (GET /_dashboard/api/quarantine/<id>).
    quarantine: quarantined.map(({ body, headers: _headers, ...record }) => ({
      ...record,
      bytes: body.length,
    })),
    executions: source
      .executions()
      .slice()
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .slice(0, 25)
      .map((e) => ({
        stateMachine: e.stateMachineName,
        name: e.name,
        status: e.status,
        startedAt: e.startDate.toISOString(),
        durationMs: (e.stopDate?.getTime() ?? now) - e.startDate.getTime(),
        path: e.path,
        error: e.error ?? null,
      })),
    api: apiStats(source.apiRequests),
    counters: {
      duplicatesSuppressed: sum('DuplicatesSuppressed'),
      deliveriesQuarantined: sum('DeliveriesQuarantined'),
      unsignedDeliveriesRefused: sum('UnsignedDeliveriesRefused'),
      replaysProcessed: sum('ReplaysProcessed'),
      ediInboundRejected: sum('EdiInboundRejected'),
      invocations: invocations.length,
      functionErrors: invocations.filter((i) => !i.ok).length,
      busEvents: source.busActivity.filter((a) => a.type === 'accepted').length,
    },
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req)).toString('utf8').trim();
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
