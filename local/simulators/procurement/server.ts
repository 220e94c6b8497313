import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AcknowledgedLine,
  PurchaseOrder,
  PurchaseOrderAcknowledgedPayload,
  PurchaseOrderChangedPayload,
  PurchaseOrderStatus,
  SourcingRequest,
  Supplier,
  SupplierStatus,
  SupplierUpdatedPayload,
} from '../../../adapters/procurement/api-types';
import { signProcurementPayload } from '../../../adapters/procurement/signature';
import { readBody } from '../../http/server';
import type { AckBehaviour, ApiAnswer, ItemSeed, PlatformEvent, SupplierSeed } from './platform';
import { addDays, errorAnswer, isoSeconds, ProcurementPlatform } from './platform';
import type { RetryPolicy, WebhookDelivery } from './webhook-sender';
import { WebhookSender } from './webhook-sender';

/** Faults that can be switched on and off while the simulator runs. */
export interface ProcurementFaults {
  /** Share (0..1) of API calls answered 500 before they are processed. */
  errorRate: number;
  /** Share (0..1) of API calls processed and then answered 500: the answer is lost, the change is made. */
  errorAfterProcessingRate: number;
  /** Added to every answer, token calls included. */
  latencyMs: number;
  /** While true every request, token calls included, gets 503. */
  outage: boolean;
  /** Windows (simulator clock) during which every request gets 503. */
  outageWindows: { start: Date; end: Date }[];
  /** Share (0..1) of webhook events delivered twice (at least once). */
  duplicateWebhookRate: number;
}

/** An API client registered at the platform. */
export interface SimulatedClient {
  clientId: string;
  clientSecret: string;
}

/** Settings of a simulator. */
export interface ProcurementSimulatorOptions {
  suppliers: SupplierSeed[];
  items: ItemSeed[];
  /** @default one client `supplyline` / `supplyline-secret` */
  clients?: SimulatedClient[];
  /** @default 3600 */
  tokenTtlSeconds?: number;
  /** Requests per second per client. @default 10 */
  rateLimitPerSecond?: number;
  /** @default 50 */
  pageSize?: number;
  /** Idempotency-Key scope. @default 24 h */
  idempotencyTtlMs?: number;
  webhooks?: {
    /** Subscriber URL; can also be set later with `setSubscriber`. */
    url?: string;
    /** @default 'procurement-webhook-secret' */
    secret?: string;
    /** Documented: up to 6 retries over about an hour; compressed here. @default { maxRetries: 6, baseDelayMs: 100 } */
    retry?: RetryPolicy;
    /** @default 10000 */
    timeoutMs?: number;
  };
  /** Supplier acknowledgement defaults. */
  acknowledgement?: {
    /** @default 50 */
    delayMs?: number;
    /** Share of the ordered quantity a `partial` supplier confirms (rounded down, at least 1). @default 0.9 */
    partialRatio?: number;
    /** Days a `late` supplier confirms after need_by. @default 3 */
    lateByDays?: number;
  };
  faults?: Partial<ProcurementFaults>;
  /** Random source for fault injection. @default Math.random */
  random?: () => number;
  /** @default 0 (any free port) */
  port?: number;
}

/** One request as the simulator saw it. */
export interface RecordedRequest {
  at: Date;
  method: string;
  path: string;
  clientId?: string;
  idempotencyKey?: string;
  status: number;
  /** The answer was replayed from the idempotency store. */
  replayed: boolean;
}

interface StoredAnswer {
  fingerprint: string;
  answer: ApiAnswer;
  storedAt: number;
}

const DEFAULT_CLIENT: SimulatedClient = { clientId: 'supplyline', clientSecret: 'supplyline-secret' };
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * In-process HTTP simulator of the procurement platform (vendor REST API v2), faithful to the
 * contract: OAuth2 client credentials, bearer check, 10 req/s per client, Idempotency-Key
 * semantics, resources and their rules, signed webhooks with retries, and fault injection.
 */
export class ProcurementSimulator {
  /** Root URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Every request, oldest first. */
  readonly requests: RecordedRequest[] = [];
  /** Counters for tests. */
  readonly stats = { tokenRequests: 0, tokensIssued: 0, apiRequests: 0, rateLimited: 0 };

  private readonly platform: ProcurementPlatform;
  private readonly webhooks: WebhookSender;
  private readonly clients: Map<string, string>;
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly windows = new Map<string, number[]>();
  private readonly idempotency = new Map<string, StoredAnswer>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private faultSettings: ProcurementFaults;
  private rateLimitBurst: { remaining: number; retryAfterSeconds: number } | undefined;
  private clockOffsetMs = 0;
  private tokenTtlSeconds: number;
  private subscriberUrl: string | undefined;
  private webhookSecret: string;

  private constructor(
    private readonly server: Server,
    private readonly options: ProcurementSimulatorOptions,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.random = options.random ?? Math.random;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
    this.clients = new Map((options.clients ?? [DEFAULT_CLIENT]).map((c) => [c.clientId, c.clientSecret]));
    this.faultSettings = {
      errorRate: 0,
      errorAfterProcessingRate: 0,
      latencyMs: 0,
      outage: false,
      outageWindows: [],
      duplicateWebhookRate: 0,
      ...options.faults,
    };
    this.subscriberUrl = options.webhooks?.url;
    this.webhookSecret = options.webhooks?.secret ?? 'procurement-webhook-secret';
    this.platform = new ProcurementPlatform(
      options,
      () => this.now(),
      (event) => this.onPlatformEvent(event),
      options.pageSize ?? 50,
    );
    this.webhooks = new WebhookSender({
      url: () => this.subscriberUrl,
      sign: (raw, now) => {
        const { timestamp, signature } = signProcurementPayload(raw, this.webhookSecret, now);
        return { 'x-proc-timestamp': timestamp, 'x-proc-signature': signature };
      },
      retry: options.webhooks?.retry ?? { maxRetries: 6, baseDelayMs: 100 },
      timeoutMs: options.webhooks?.timeoutMs ?? 10_000,
      now: () => this.now(),
    });
  }

  /** Starts a simulator on 127.0.0.1. */
  static async start(options: ProcurementSimulatorOptions): Promise<ProcurementSimulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const simulator = new ProcurementSimulator(server, options, (server.address() as AddressInfo).port);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void simulator.handle(req, res));
    return simulator;
  }

  /** Stops the server, pending acknowledgements and webhook retries. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.webhooks.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- clock, faults, settings ----

  /** The simulator's clock (real time plus any advance). */
  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** Moves the simulator's clock (token expiry, idempotency scope, webhook timestamps, outage windows). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** Current fault settings. */
  get faults(): Readonly<ProcurementFaults> {
    return this.faultSettings;
  }

  /** Changes fault settings while running. */
  setFaults(faults: Partial<ProcurementFaults>): void {
    this.faultSettings = { ...this.faultSettings, ...faults };
  }

  /** The next `count` API calls get 429 with this Retry-After (token calls are not rate limited). */
  injectRateLimitBurst(count: number, retryAfterSeconds: number): void {
    this.rateLimitBurst = { remaining: count, retryAfterSeconds };
  }

  /** Lifetime of tokens issued from now on. */
  setTokenTtl(seconds: number): void {
    this.tokenTtlSeconds = seconds;
  }

  /** Expires every token issued so far (the next API call with one gets 401). */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  /** Where webhooks go, and optionally a new signing secret (rotation). */
  setSubscriber(url: string | undefined, secret?: string): void {
    this.subscriberUrl = url;
    if (secret !== undefined) this.webhookSecret = secret;
  }

  // ---- inspection and business actions for tests ----

  /** Every sourcing request, oldest first. */
  sourcingRequests(): SourcingRequest[] {
    return [...this.platform.sourcingRequests.values()].map(({ client_id: _c, ...r }) => structuredClone(r));
  }

  /** Every purchase order, oldest first. */
  purchaseOrders(): PurchaseOrder[] {
    return [...this.platform.purchaseOrders.values()].map(({ client_id: _c, ...p }) => structuredClone(p));
  }

  /** One supplier as the API shows it. */
  supplier(number: string): Supplier | undefined {
    return this.platform.publicSupplier(number);
  }

  /** The latest supplier confirmation of a purchase order. */
  confirmation(poNumber: string): AcknowledgedLine[] | undefined {
    return this.platform.confirmations.get(poNumber);
  }

  /** Changes a supplier's status; sends `supplier.updated`. */
  setSupplierStatus(number: string, status: SupplierStatus): Supplier {
    return this.platform.setSupplierStatus(number, status);
  }

  /** How a supplier acknowledges purchase orders created from now on. */
  setSupplierAckBehaviour(number: string, behaviour: AckBehaviour, delayMs?: number): void {
    const supplier = this.platform.suppliers.get(number);
    if (!supplier) throw new Error(`supplier ${number} not found`);
    supplier.ackBehaviour = behaviour;
    if (delayMs !== undefined) supplier.ackDelayMs = delayMs;
  }

  /**
   * The supplier confirms now: with the given lines, or as its behaviour says (full by default).
   * Sets the PO `acknowledged` and sends `purchase_order.acknowledged`.
   */
  acknowledgePurchaseOrder(
    poNumber: string,
    how: { lines?: AcknowledgedLine[]; behaviour?: Exclude<AckBehaviour, 'never'> } = {},
  ): PurchaseOrderAcknowledgedPayload {
    const po = this.platform.purchaseOrders.get(poNumber);
    if (!po) throw new Error(`purchase order ${poNumber} not found`);
    const lines = how.lines ?? this.confirmedLines(po, how.behaviour ?? 'full');
    this.platform.acknowledge(poNumber, lines);
    const payload: PurchaseOrderAcknowledgedPayload = {
      event_id: `evt_${randomUUID()}`,
      po_number: po.po_number,
      revision: po.revision,
      acknowledged_at: isoSeconds(this.now()),
      lines,
      supplier_number: po.supplier_number,
    };
    this.sendWebhook('purchase_order.acknowledged', payload);
    return payload;
  }

  /** A change made on the platform (bumps the revision); sends `purchase_order.changed`. */
  changePurchaseOrder(
    poNumber: string,
    change: { qty?: number; need_by?: string; unit_price?: string; status?: PurchaseOrderStatus },
  ): PurchaseOrderChangedPayload {
    const po = this.platform.change(poNumber, change);
    const payload: PurchaseOrderChangedPayload = {
      event_id: `evt_${randomUUID()}`,
      po_number: po.po_number,
      revision: po.revision,
      status: po.status,
      changed_at: po.updated_at,
      lines: structuredClone(po.lines),
    };
    this.sendWebhook('purchase_order.changed', payload);
    return payload;
  }

  /** Every webhook delivery, oldest first. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.webhooks.deliveries;
  }

  /** Sends an earlier event again (same body and event_id), as at-least-once delivery may. */
  redeliverWebhook(eventId: string): WebhookDelivery {
    const original = this.webhooks.deliveries.find(
      (d) => (JSON.parse(d.body) as { event_id?: string }).event_id === eventId,
    );
    if (!original) throw new Error(`no webhook with event_id ${eventId}`);
    return this.webhooks.send(original.event, original.body, { 'x-proc-event': original.event });
  }

  /** Resolves once pending acknowledgements and webhook deliveries (with their retries) are done. */
  async settle(): Promise<void> {
    while (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.webhooks.idle();
  }

  // ---- events and webhooks ----

  private onPlatformEvent(event: PlatformEvent): void {
    if (event.kind === 'supplier.updated') {
      const payload: SupplierUpdatedPayload = {
        event_id: `evt_${randomUUID()}`,
        supplier_number: event.supplier.supplier_number,
        status: event.supplier.status,
        updated_at: event.supplier.updated_at,
      };
      this.sendWebhook('supplier.updated', payload);
      return;
    }
    const supplier = this.platform.suppliers.get(event.po.supplier_number);
    const behaviour = supplier?.ackBehaviour ?? 'full';
    if (behaviour === 'never') return;
    const delayMs = supplier?.ackDelayMs ?? this.options.acknowledgement?.delayMs ?? 50;
    const poNumber = event.po.po_number;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const po = this.platform.purchaseOrders.get(poNumber);
      // A PO cancelled or closed in the meantime is not confirmed any more.
      if (po && (po.status === 'issued' || po.status === 'acknowledged'))
        this.acknowledgePurchaseOrder(poNumber, { behaviour });
    }, delayMs);
    this.timers.add(timer);
  }

  private confirmedLines(po: PurchaseOrder, behaviour: Exclude<AckBehaviour, 'never'>): AcknowledgedLine[] {
    const ratio = this.options.acknowledgement?.partialRatio ?? 0.9;
    const lateBy = this.options.acknowledgement?.lateByDays ?? 3;
    return po.lines.map((line) => ({
      line_no: line.line_no,
      confirmed_qty: behaviour === 'partial' ? Math.max(1, Math.floor(line.qty * ratio)) : line.qty,
      confirmed_date: behaviour === 'late' ? addDays(line.need_by, lateBy) : line.need_by,
    }));
  }

  private sendWebhook(event: string, payload: object): void {
    const body = JSON.stringify(payload);
    this.webhooks.send(event, body, { 'x-proc-event': event });
    if (this.roll(this.faultSettings.duplicateWebhookRate))
      this.webhooks.send(event, body, { 'x-proc-event': event });
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    let answer: ApiAnswer & { clientId?: string; replayed?: boolean };
    try {
      const raw = await readBody(req, MAX_BODY_BYTES);
      answer = await this.answer(req.method ?? 'GET', url, req, raw);
    } catch (error) {
      answer = errorAnswer(500, { code: 'internal_error', message: String(error) });
    }
    const key = header(req, 'idempotency-key');
    this.requests.push({
      at: this.now(),
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      status: answer.status,
      replayed: answer.replayed ?? false,
      ...(answer.clientId ? { clientId: answer.clientId } : {}),
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    });
    if (res.destroyed) return;
    const body = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...answer.headers,
    });
    res.end(body);
  }

  private async answer(
    method: string,
    url: URL,
    req: IncomingMessage,
    raw: Buffer,
  ): Promise<ApiAnswer & { clientId?: string; replayed?: boolean }> {
    if (this.inOutage())
      return errorAnswer(503, { code: 'service_unavailable', message: 'the platform is unavailable' });
    if (this.faultSettings.latencyMs > 0) await this.sleep(this.faultSettings.latencyMs);

    if (url.pathname === '/oauth2/token') {
      if (method !== 'POST') return errorAnswer(405, { code: 'method_not_allowed', message: 'use POST' });
      return this.issueToken(raw);
    }

    // Bearer check.
    const authorization = header(req, 'authorization') ?? '';
    const bearer = /^Bearer (\S+)$/i.exec(authorization)?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    if (!token || token.expiresAt <= this.now().getTime())
      return errorAnswer(401, { code: 'unauthorized', message: 'missing, unknown or expired token' });
    const clientId = token.clientId;
    this.stats.apiRequests++;

    // Rate limit: 10 requests in any one-second window per client; rejected calls do not count.
    const limited = this.rateLimit(clientId);
    if (limited) {
      this.stats.rateLimited++;
      return { ...limited, clientId };
    }

    if (this.roll(this.faultSettings.errorRate))
      return { ...errorAnswer(500, { code: 'internal_error', message: 'injected failure' }), clientId };

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        return {
          ...errorAnswer(422, { code: 'invalid_field', field: 'body', message: 'body is not JSON' }),
          clientId,
        };
      }
    }

    const key = method === 'POST' || method === 'PATCH' ? header(req, 'idempotency-key') : undefined;
    const storeKey = key !== undefined ? `${clientId}\u0000${key}` : undefined;
    // The same key is the same request only with the same method, path and JSON body.
    const fingerprint = `${method} ${url.pathname}\n${canonicalJson(body ?? null)}`;
    if (storeKey) {
      const stored = this.idempotency.get(storeKey);
      const ttl = this.options.idempotencyTtlMs ?? 24 * 3600 * 1000;
      if (stored && this.now().getTime() - stored.storedAt < ttl) {
        if (stored.fingerprint !== fingerprint)
          return {
            ...errorAnswer(409, {
              code: 'idempotency_key_reused',
              message: `Idempotency-Key ${key} was used with a different request`,
            }),
            clientId,
          };
        return { ...structuredClone(stored.answer), clientId, replayed: true };
      }
    }

    const answer = this.route(method, url, clientId, body);
    if (this.roll(this.faultSettings.errorAfterProcessingRate))
      return {
        ...errorAnswer(500, { code: 'internal_error', message: 'injected failure after processing' }),
        clientId,
      };
    // Only 2xx and 4xx answers are stored.
    if (storeKey && answer.status < 500)
      this.idempotency.set(storeKey, {
        fingerprint,
        answer: structuredClone(answer),
        storedAt: this.now().getTime(),
      });
    return { ...answer, clientId };
  }

  private route(method: string, url: URL, clientId: string, body: unknown): ApiAnswer {
    const path = url.pathname.replace(/\/+$/, '');
    const segments = path.split('/').slice(3).map(decodeURIComponent); // after /api/v2
    if (!path.startsWith('/api/v2/')) return notFoundRoute(method, path);
    const [resource, id, action, extra] = segments;
    if (extra !== undefined) return notFoundRoute(method, path);
    if (resource === 'suppliers' && id && !action && method === 'GET') return this.platform.getSupplier(id);
    if (resource === 'sourcing-requests') {
      if (!id && method === 'POST') return this.platform.createSourcingRequest(clientId, body);
      if (!id && method === 'GET') return this.platform.listSourcingRequests(clientId, url.searchParams);
      if (id && !action && method === 'GET') return this.platform.getSourcingRequest(clientId, id);
      if (id && !action && method === 'PATCH') return this.platform.amendSourcingRequest(clientId, id, body);
      if (id && action === 'cancel' && method === 'POST')
        return this.platform.cancelSourcingRequest(clientId, id);
    }
    if (resource === 'purchase-orders') {
      if (!id && method === 'POST') return this.platform.createPurchaseOrder(clientId, body);
      if (id && !action && method === 'GET') return this.platform.getPurchaseOrder(clientId, id);
      if (id && action === 'status' && method === 'POST')
        return this.platform.updatePurchaseOrderStatus(clientId, id, body);
    }
    return notFoundRoute(method, path);
  }

  private issueToken(raw: Buffer): ApiAnswer {
    this.stats.tokenRequests++;
    const form = new URLSearchParams(raw.toString('utf8'));
    const grantType = form.get('grant_type');
    if (grantType === null) return { status: 400, body: { error: 'invalid_request' } };
    if (grantType !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const clientId = form.get('client_id') ?? '';
    const secret = this.clients.get(clientId);
    if (secret === undefined || secret !== form.get('client_secret'))
      return { status: 401, body: { error: 'invalid_client' } };
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, { clientId, expiresAt: this.now().getTime() + this.tokenTtlSeconds * 1000 });
    this.stats.tokensIssued++;
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: this.tokenTtlSeconds },
      headers: { 'cache-control': 'no-store' },
    };
  }

  private rateLimit(clientId: string): ApiAnswer | undefined {
    if (this.rateLimitBurst && this.rateLimitBurst.remaining > 0) {
      this.rateLimitBurst.remaining--;
      return rateLimited(this.rateLimitBurst.retryAfterSeconds);
    }
    const limit = this.options.rateLimitPerSecond ?? 10;
    const now = this.now().getTime();
    const window = (this.windows.get(clientId) ?? []).filter((t) => t > now - 1000);
    this.windows.set(clientId, window);
    if (window.length >= limit) return rateLimited(Math.max(1, Math.ceil((window[0]! + 1000 - now) / 1000)));
    window.push(now);
    return undefined;
  }

  private inOutage(): boolean {
    if (this.faultSettings.outage) return true;
    const now = this.now().getTime();
    return this.faultSettings.outageWindows.some((w) => w.start.getTime() <= now && now < w.end.getTime());
  }

  // Draws only when a fault is on, so a scripted random source lines up with the faults under test.
  private roll(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function rateLimited(retryAfterSeconds: number): ApiAnswer {
  return {
    ...errorAnswer(429, { code: 'rate_limited', message: 'more than 10 requests per second' }),
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

function notFoundRoute(method: string, path: string): ApiAnswer {
  return errorAnswer(404, { code: 'not_found', message: `no route ${method} ${path}` });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** JSON with object keys sorted, so two bodies compare as JSON values, not bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
