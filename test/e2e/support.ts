/**
 * Helpers of the end-to-end suites: signed planning deliveries through the real HTTP route, and
 * what the local environment shows from the outside (bus, queues, simulators), found by business
 * identity so tests sharing one environment never read each other's outcomes.
 */
import { randomUUID } from 'node:crypto';
import { signPlanningPayload } from '../../adapters/planning/signature';
import type { EventEnvelope } from '../../local/eventbridge/bus';
import { trytonConnectionFromEnv } from '../../adapters/erp/tryton/tryton-erp';
import { TrytonErpAdmin } from '../../scripts/tryton/admin';
import { startLocalEnvironment, type LocalEnvironment } from '../../local/environment';
import { startTryton, type TrytonSandbox } from '../support/tryton';
import { erpReferenceOf } from '../support/purchase-order-reference';
import { nextBucket } from '../../local/scenario/seed-scenario';
import {
  forecastExceptionEvent,
  type ForecastExceptionEvent,
  type ForecastExceptionOverrides,
} from '../../local/simulators/planning';

/**
 * The ERP reference the runtime gives a request of the environment's procurement simulator: its URL
 * and our client id there (`supplyline` in local/environment.ts and the drill harness).
 */
export function erpReferenceFor(
  environment: Pick<LocalEnvironment, 'procurement'>,
  request: { id: string; created_at: string },
): string {
  return erpReferenceOf(request, { url: environment.procurement!.url, clientId: 'supplyline' });
}

/** The plan every e2e exception belongs to (the exception ids make them distinct). */
export const PLAN_ID = 'E2E-PLAN';

/** A canonical event as the bus carries it in `detail`. */
export type CanonicalDetail = Record<string, unknown> & {
  eventId: string;
  eventType: string;
  correlationId: string;
  idempotencyKey: string;
  data: Record<string, unknown>;
};

let sequence = 0;
/** An exception id no other test (or earlier run against a kept data folder) uses. */
export function freshExceptionId(label: string): string {
  sequence += 1;
  return `E2E-${label}-${Date.now().toString(36).toUpperCase()}-${sequence}`;
}

/**
 * A weekly bucket `weeksAhead` weeks after the seed scenario's: each test orders into its own
 * bucket, so open supply from another test's purchase order never changes its need.
 */
export function bucketWeeksAhead(weeksAhead: number): { start: string; end: string; granularity: 'week' } {
  const first = new Date(`${nextBucket().start}T00:00:00Z`).getTime() + weeksAhead * 7 * 86_400_000;
  const start = new Date(first).toISOString().slice(0, 10);
  const end = new Date(first + 6 * 86_400_000).toISOString().slice(0, 10);
  return { start, end, granularity: 'week' };
}

/** A `forecast.exception` delivery of {@link PLAN_ID} (the vendor's documented example with overrides). */
export function exceptionDelivery(
  exceptionId: string,
  overrides: { version?: number; weeksAhead?: number } & Omit<ForecastExceptionOverrides, 'plan'> = {},
): ForecastExceptionEvent {
  const { version, weeksAhead, exception, ...rest } = overrides;
  return forecastExceptionEvent({
    ...rest,
    plan: { plan_id: PLAN_ID, version: version ?? 1 },
    exception: { exception_id: exceptionId, bucket: bucketWeeksAhead(weeksAhead ?? 1), ...exception },
  });
}

export interface PlanningAnswer {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
}

/**
 * POSTs a planning delivery to `/v1/webhooks/planning`, signed over the exact bytes sent (with
 * `secret` at `signedAt`) unless `signature` is given.
 */
export async function postPlanning(
  environment: {
    runtime: Pick<LocalEnvironment['runtime'], 'baseUrl'>;
    settings: Pick<LocalEnvironment['settings'], 'planningWebhookSecret'>;
  },
  body: object | string | Buffer,
  options: {
    secret?: string;
    signedAt?: Date;
    signature?: string;
    event?: string;
    deliveryId?: string;
  } = {},
): Promise<PlanningAnswer> {
  const raw = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const signature =
    options.signature ??
    signPlanningPayload(
      raw,
      options.secret ?? environment.settings.planningWebhookSecret,
      options.signedAt ?? new Date(),
    );
  const response = await fetch(`${environment.runtime.baseUrl}/v1/webhooks/planning`, {
    method: 'POST',
    body: raw,
    headers: {
      'content-type': 'application/json',
      'x-planning-event': options.event ?? 'forecast.exception',
      'x-planning-delivery': options.deliveryId ?? randomUUID(),
      'x-planning-signature': signature,
    },
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body: parsed };
}

/** Who calls a governed route: a demo person, a demo application, a given token, or nobody. */
export type Caller = { person: string } | { application: string } | { token: string } | null;

const tokens = new WeakMap<LocalEnvironment, Map<string, string>>();

/** A bearer token of the local identity provider for `caller` (one per caller and runtime). */
export async function accessToken(
  environment: LocalEnvironment,
  caller: Exclude<Caller, null>,
): Promise<string> {
  if ('token' in caller) return caller.token;
  const cache = tokens.get(environment) ?? new Map<string, string>();
  tokens.set(environment, cache);
  const key = JSON.stringify(caller);
  const token = cache.get(key) ?? (await environment.runtime.identity.token(caller));
  cache.set(key, token);
  return token;
}

/**
 * Sends until the answer is not a 429: a polling test is a client like any other and waits out
 * the route's declared throttle (up to 10 s).
 */
export async function waitingOutThrottle(send: () => Promise<Response>): Promise<Response> {
  let response = await send();
  for (let attempt = 0; response.status === 429 && attempt < 40; attempt++) {
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 250));
    response = await send();
  }
  return response;
}

/**
 * Calls a governed route with the local API key (unless `apiKey` is given, or `null` for none) and
 * a bearer access token of `caller` (default: the ops CLI application; `null` for none).
 */
export async function callApi(
  environment: LocalEnvironment,
  path: string,
  init: { method?: string; body?: unknown; apiKey?: string | null; caller?: Caller } = {},
): Promise<{
  status: number;
  contentType: string | null;
  location: string | null;
  body: Record<string, unknown>;
}> {
  const apiKey = init.apiKey === undefined ? environment.runtime.apiKey : init.apiKey;
  const caller = init.caller === undefined ? { application: 'ops-cli' } : init.caller;
  const token = caller === null ? undefined : await accessToken(environment, caller);
  const send = () =>
    fetch(`${environment.runtime.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(apiKey !== null ? { 'x-api-key': apiKey } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  const response = await waitingOutThrottle(send);
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    location: response.headers.get('location'),
    body,
  };
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The canonical events the bus accepted, optionally of one type. */
export function acceptedEvents(environment: LocalEnvironment, type?: string): EventEnvelope[] {
  return environment.runtime.busActivity.flatMap((activity) =>
    activity.type === 'accepted' && (type === undefined || activity.event['detail-type'] === type)
      ? [activity.event]
      : [],
  );
}

/** The canonical detail of a bus event. */
export function detailOf(event: EventEnvelope): CanonicalDetail {
  return event.detail as CanonicalDetail;
}

/** Accepted events of `type` in the causal thread of a planning delivery (its event_id is the correlation id). */
export function eventsOfDelivery(
  environment: LocalEnvironment,
  type: string,
  deliveryEventId: string,
): CanonicalDetail[] {
  return acceptedEvents(environment, type)
    .map(detailOf)
    .filter((detail) => detail.correlationId === deliveryEventId);
}

/** Every `forecast-exception.raised` of one exception (any delivery, any version). */
export function raisedFor(environment: LocalEnvironment, exceptionId: string): CanonicalDetail[] {
  return acceptedEvents(environment, 'forecast-exception.raised')
    .map(detailOf)
    .filter((detail) => detail.data.exceptionId === exceptionId);
}

/** The procurement simulator's sourcing requests created for one exception (any plan version). */
export function sourcingRequestsFor(environment: LocalEnvironment, exceptionId: string) {
  const prefix = `SL-${PLAN_ID}-${exceptionId}-v`;
  return environment
    .procurement!.sourcingRequests()
    .filter((request) => request.external_ref.startsWith(prefix));
}

/** The procurement simulator's purchase orders awarded from the exception's sourcing requests. */
export function purchaseOrdersFor(environment: LocalEnvironment, exceptionId: string) {
  const refs = new Set(
    sourcingRequestsFor(environment, exceptionId).map((request) => erpReferenceFor(environment, request)),
  );
  return environment.procurement!.purchaseOrders().filter((po) => refs.has(po.external_ref));
}

/** Step Functions executions whose input carries this exception. */
export function executionsFor(environment: LocalEnvironment, machineSuffix: string, exceptionId: string) {
  return environment.runtime
    .executions()
    .filter(
      (execution) =>
        execution.stateMachineName.endsWith(machineSuffix) &&
        (execution.input as { exception?: { exceptionId?: string } } | undefined)?.exception?.exceptionId ===
          exceptionId,
    );
}

/** Name of a consumer's queue and of its dead-letter queue. */
export function consumerQueues(
  environment: LocalEnvironment,
  consumer: string,
): { queue: string; dlq: string; deliveryDlq: string | undefined } {
  const { runtime } = environment;
  const queue = runtime.model.queues.find((q) => q.name.endsWith(`-${consumer}`));
  if (!queue?.redrivePolicy) throw new Error(`no queue with a redrive policy for consumer ${consumer}`);
  const dlq = runtime.queue(queue.redrivePolicy.deadLetterTargetArn).name;
  const deliveryDlq = runtime.model.queues.find((q) => q.name.endsWith(`-${consumer}-delivery-dlq`))?.name;
  return { queue: queue.name, dlq, deliveryDlq };
}

/** Messages held by every queue (visible, in flight or delayed), by queue name; empty queues left out. */
export function nonEmptyQueues(environment: LocalEnvironment): Record<string, number> {
  return Object.fromEntries(
    Object.entries(environment.runtime.queueDepths())
      .map(([name, depth]) => [name, depth.visible + depth.inFlight + depth.delayed] as const)
      .filter(([, count]) => count > 0),
  );
}

/**
 * The local environment against a fresh real Tryton (the API suites' and the process-API bench's
 * world), and a client of that Tryton for their own reads and the warehouse's receipts. Tryton is
 * stopped again when the environment fails to start.
 */
export async function startOnTryton(): Promise<{
  tryton: TrytonSandbox;
  environment: LocalEnvironment;
  erp: TrytonErpAdmin;
}> {
  const tryton = await startTryton();
  try {
    const environment = await startLocalEnvironment({
      settings: {
        port: 0,
        planningWebhookSecret: 'e2e-planning-signing-secret',
        tryton: { url: tryton.url, database: tryton.db, user: tryton.user, password: tryton.password },
      },
      quietFunctions: true,
      log: () => undefined,
    });
    const erp = new TrytonErpAdmin(
      trytonConnectionFromEnv({
        TRYTON_URL: tryton.url,
        TRYTON_DB: tryton.db,
        TRYTON_USER: tryton.user,
        TRYTON_PASSWORD: tryton.password,
      }),
    );
    return { tryton, environment, erp };
  } catch (error) {
    await tryton.stop();
    throw error;
  }
}
