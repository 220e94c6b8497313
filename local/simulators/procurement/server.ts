import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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
import { readBody } from '../../http/server';
import { SimulatorControls, type SimulatorRunOptions } from '../controls';
import { listenOnLoopback, stopServer } from '../loopback';
import type { WebhookDelivery } from '../webhook-sender';
import { answerApiCall } from './api';
import { answerTokenEndpoint, TokenAuthority, type SimulatedClient } from './oauth';
import type { AckBehaviour, ApiAnswer, ItemSeed, PlatformEvent, SupplierSeed } from './platform';
import { addDays, errorAnswer, isoSeconds, ProcurementPlatform } from './platform';
import { IdempotencyStore, RateLimiter, requestFingerprint } from './request-guards';
import { ProcurementWebhooks, type ProcurementWebhookOptions } from './webhooks';

export type { SimulatedClient } from './oauth';
export { canonicalJson } from './request-guards';

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

/** Settings of a simulator. */
export interface ProcurementSimulatorOptions extends SimulatorRunOptions<ProcurementFaults> {
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
  webhooks?: ProcurementWebhookOptions;
  /** Supplier acknowledgement defaults. */
  acknowledgement?: {
    /** @default 50 */
    delayMs?: number;
    /** Share of the ordered quantity a `partial` supplier confirms (rounded down, at least 1). @default 0.9 */
    partialRatio?: number;
    /** Days a `late` supplier confirms after need_by. @default 3 */
    lateByDays?: number;
  };
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

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * In-process HTTP simulator of the procurement platform (vendor REST API v2), faithful to the
 * contract: OAuth2 client credentials, bearer check, 10 req/s per client, Idempotency-Key
 * semantics, resources and their rules, signed webhooks with retries, and fault injection.
 */
export class ProcurementSimulator extends SimulatorControls<ProcurementFaults> {
  /** Root URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Every request, oldest first. */
  readonly requests: RecordedRequest[] = [];
  /** Counters for tests. */
  readonly stats = { tokenRequests: 0, tokensIssued: 0, apiRequests: 0, rateLimited: 0 };

  private readonly platform: ProcurementPlatform;
  private readonly webhooks: ProcurementWebhooks;
  private readonly tokens: TokenAuthority;
  private readonly rateLimiter: RateLimiter;
  private readonly idempotency: IdempotencyStore;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    private readonly options: ProcurementSimulatorOptions,
    url: string,
  ) {
    super(
      {
        errorRate: 0,
        errorAfterProcessingRate: 0,
        latencyMs: 0,
        outage: false,
        outageWindows: [],
        duplicateWebhookRate: 0,
      },
      options,
    );
    this.url = url;
    const now = (): Date => this.now();
    this.tokens = new TokenAuthority(options.clients, options.tokenTtlSeconds ?? 3600, now, this.stats);
    this.rateLimiter = new RateLimiter(options.rateLimitPerSecond ?? 10, now);
    this.idempotency = new IdempotencyStore(options.idempotencyTtlMs ?? 24 * 3600 * 1000, now);
    this.platform = new ProcurementPlatform(
      options,
      now,
      (event) => this.onPlatformEvent(event),
      options.pageSize ?? 50,
    );
    this.webhooks = new ProcurementWebhooks(options.webhooks, now, () =>
      this.roll(this.faults.duplicateWebhookRate),
    );
  }

  /** Starts a simulator on 127.0.0.1. */
  static async start(options: ProcurementSimulatorOptions): Promise<ProcurementSimulator> {
    const { server, url } = await listenOnLoopback(options.port);
    const simulator = new ProcurementSimulator(server, options, url);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void simulator.handle(req, res));
    return simulator;
  }

  /** Stops the server, pending acknowledgements and webhook retries. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.webhooks.close();
    await stopServer(this.server);
  }

  // ---- settings ----

  /** The next `count` API calls get 429 with this Retry-After (token calls are not rate limited). */
  injectRateLimitBurst(count: number, retryAfterSeconds: number): void {
    this.rateLimiter.injectBurst(count, retryAfterSeconds);
  }

  /** Lifetime of tokens issued from now on. */
  setTokenTtl(seconds: number): void {
    this.tokens.setTtl(seconds);
  }

  /** Expires every token issued so far (the next API call with one gets 401). */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  /** Where webhooks go, and optionally a new signing secret (rotation). */
  setSubscriber(url: string | undefined, secret?: string): void {
    this.webhooks.setSubscriber(url, secret);
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
    this.webhooks.send('purchase_order.acknowledged', payload);
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
    this.webhooks.send('purchase_order.changed', payload);
    return payload;
  }

  /**
   * The order disappears from the platform, as after an administrator's deletion or a sandbox
   * reset: the API answers 404 for it and no webhook says so (reconciliation finds it).
   */
  deletePurchaseOrder(poNumber: string): void {
    if (!this.platform.purchaseOrders.delete(poNumber))
      throw new Error(`purchase order ${poNumber} not found`);
  }

  /** Every webhook delivery, oldest first. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.webhooks.deliveries;
  }

  /** Sends an earlier event again (same body and event_id), as at-least-once delivery may. */
  redeliverWebhook(eventId: string): WebhookDelivery {
    return this.webhooks.redeliver(eventId);
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
      this.webhooks.send('supplier.updated', payload);
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
    if (this.faults.latencyMs > 0) await this.sleep(this.faults.latencyMs);

    const tokenAnswer = answerTokenEndpoint(this.tokens, method, url.pathname, raw);
    if (tokenAnswer) return tokenAnswer;

    const clientId = this.tokens.authenticate(header(req, 'authorization') ?? '');
    if (clientId === undefined)
      return errorAnswer(401, { code: 'unauthorized', message: 'missing, unknown or expired token' });
    this.stats.apiRequests++;

    const limited = this.rateLimiter.check(clientId);
    if (limited) {
      this.stats.rateLimited++;
      return { ...limited, clientId };
    }

    if (this.roll(this.faults.errorRate))
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
    const fingerprint = requestFingerprint(method, url.pathname, body);
    if (key !== undefined) {
      const earlier = this.idempotency.recall(clientId, key, fingerprint);
      if (earlier && 'conflict' in earlier) return { ...earlier.conflict, clientId };
      if (earlier) return { ...earlier.replay, clientId, replayed: true };
    }

    const answer = answerApiCall(this.platform, method, url, { clientId, body });
    if (this.roll(this.faults.errorAfterProcessingRate))
      return {
        ...errorAnswer(500, { code: 'internal_error', message: 'injected failure after processing' }),
        clientId,
      };
    if (key !== undefined) this.idempotency.remember(clientId, key, fingerprint, answer);
    return { ...answer, clientId };
  }

  private inOutage(): boolean {
    if (this.faults.outage) return true;
    const now = this.now().getTime();
    return this.faults.outageWindows.some((w) => w.start.getTime() <= now && now < w.end.getTime());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
