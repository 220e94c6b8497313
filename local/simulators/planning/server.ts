import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { signPlanningPayload } from '../../../adapters/planning/signature';
import { SimulatorControls, type SimulatorRunOptions } from '../controls';
import { listenOnLoopback, stopServer } from '../loopback';
import { RoutingTable } from '../routing';
import type { RetryPolicy, WebhookDelivery } from '../webhook-sender';
import { WebhookSender } from '../webhook-sender';
import type {
  ForecastExceptionEvent,
  ForecastExceptionOverrides,
  ForecastPublishedEvent,
  PlanRef,
  PlanningEventType,
} from './events';
import { forecastExceptionEvent, withOffset } from './events';

/** Documented largest webhook body. */
export const PLANNING_MAX_BODY_BYTES = 262_144;

/** Faults that can be switched on and off while the simulator runs. */
export interface PlanningFaults {
  /** Share (0..1) of export downloads answered 503. */
  exportErrorRate: number;
  /** Added before an export download answers. */
  exportLatencyMs: number;
  /** Share (0..1) of export downloads cut off after the first chunk. */
  exportTruncateRate: number;
  /** Share (0..1) of events delivered twice, each with its own delivery id (at least once). */
  duplicateDeliveryRate: number;
}

/** Content of an export file: bytes, or a factory of a fresh chunk stream (called once per download). */
export type ExportContent =
  string | Buffer | (() => Iterable<string | Buffer> | AsyncIterable<string | Buffer>);

/** Settings of a simulator. */
export interface PlanningSimulatorOptions extends SimulatorRunOptions<PlanningFaults> {
  /** Subscriber URL; can also be set later with `setSubscriber`. */
  subscriberUrl?: string;
  /** Active signing secrets: two during rotation. @default ['planning-webhook-secret'] */
  secrets?: string[];
  /** Documented: up to 8 retries over about 24 h; compressed here. @default { maxRetries: 8, baseDelayMs: 50 } */
  retry?: RetryPolicy;
  /** Documented: no answer in 10 s counts as a failure. @default 10000 */
  timeoutMs?: number;
  /** Validity of pre-signed export URLs. @default 24 h */
  exportUrlTtlSeconds?: number;
  /** Offset of the planner's clock in `published_at`. @default 60 */
  plannerUtcOffsetMinutes?: number;
}

/** A published export file. */
export interface PublishedExport {
  location: string;
  sha256: string;
  rows: number;
  bytes: number;
}

/**
 * Simulator of the planning platform (vendor API v3): signed `forecast.exception` and
 * `forecast.published` deliveries with retries, and an HTTP server for the export files that
 * `export.location` points at (pre-signed URLs valid for 24 h).
 */
export class PlanningSimulator extends SimulatorControls<PlanningFaults> {
  /** Root URL of the export server. */
  readonly url: string;
  /** Export downloads as seen by the server. */
  readonly downloads: { at: Date; path: string; status: number }[] = [];

  private readonly webhooks: WebhookSender;
  private readonly exports = new Map<string, ExportContent>();
  private readonly urlKey = randomBytes(32);
  private subscriberUrl: string | undefined;
  private secrets: string[];

  private constructor(
    private readonly server: Server,
    private readonly options: PlanningSimulatorOptions,
    url: string,
  ) {
    super(
      { exportErrorRate: 0, exportLatencyMs: 0, exportTruncateRate: 0, duplicateDeliveryRate: 0 },
      options,
    );
    this.url = url;
    this.subscriberUrl = options.subscriberUrl;
    this.secrets = options.secrets ?? ['planning-webhook-secret'];
    this.webhooks = new WebhookSender({
      url: () => this.subscriberUrl,
      // Read at every attempt: a retry after a rotation carries the new secrets.
      sign: (raw, now) => ({ 'x-planning-signature': signPlanningPayload(raw, this.secrets, now) }),
      retry: options.retry ?? { maxRetries: 8, baseDelayMs: 50 },
      timeoutMs: options.timeoutMs ?? 10_000,
      now: () => this.now(),
    });
  }

  /** Starts the export server on 127.0.0.1. */
  static async start(options: PlanningSimulatorOptions = {}): Promise<PlanningSimulator> {
    const { server, url } = await listenOnLoopback(options.port);
    const simulator = new PlanningSimulator(server, options, url);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void simulator.handle(req, res));
    return simulator;
  }

  /** Stops the server and pending retries. */
  async close(): Promise<void> {
    this.webhooks.close();
    await stopServer(this.server);
  }

  /** Where deliveries go. */
  setSubscriber(url: string | undefined): void {
    this.subscriberUrl = url;
  }

  /** Active signing secrets (one, or two during rotation). */
  setSecrets(secrets: string[]): void {
    if (secrets.length < 1 || secrets.length > 2) throw new Error('one or two active secrets');
    this.secrets = [...secrets];
  }

  /** Every delivery, oldest first. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.webhooks.deliveries;
  }

  /** Resolves once every pending delivery (with its retries) is done. */
  settle(): Promise<void> {
    return this.webhooks.idle();
  }

  /** Sends a `forecast.exception` (the documented example with overrides). */
  sendForecastException(overrides: ForecastExceptionOverrides = {}): {
    event: ForecastExceptionEvent;
    delivery: WebhookDelivery;
  } {
    const event = forecastExceptionEvent(
      { published_at: withOffset(this.now(), this.options.plannerUtcOffsetMinutes ?? 60), ...overrides },
      this.now(),
    );
    return { event, delivery: this.send('forecast.exception', event) };
  }

  /** Publishes an export file and sends `forecast.published` pointing at it. */
  async publishForecast(input: {
    content: ExportContent;
    plan?: Partial<PlanRef>;
    event_id?: string;
    /** Overrides the counted rows (e.g. to simulate a lying manifest). */
    rows?: number;
    /** Overrides the computed hash. */
    sha256?: string;
  }): Promise<{ event: ForecastPublishedEvent; delivery: WebhookDelivery; file: PublishedExport }> {
    const file = await this.publishExport(input.content);
    const event: ForecastPublishedEvent = {
      event: 'forecast.published',
      event_id: input.event_id ?? `fp_${randomUUID()}`,
      published_at: this.now().toISOString(),
      plan: { plan_id: 'CONSENSUS-2026W48', version: 7, cycle: 'weekly', ...input.plan },
      export: {
        format: 'csv',
        location: file.location,
        rows: input.rows ?? file.rows,
        sha256: input.sha256 ?? file.sha256,
      },
    };
    return { event, delivery: this.send('forecast.published', event), file };
  }

  /** Registers an export file; returns its pre-signed location, hash and data row count (header excluded). */
  async publishExport(content: ExportContent): Promise<PublishedExport> {
    const id = randomUUID();
    this.exports.set(id, content);
    const hash = createHash('sha256');
    let bytes = 0;
    let newlines = 0;
    let last = 0x0a;
    for await (const chunk of chunks(content)) {
      hash.update(chunk);
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) newlines++;
      if (chunk.length > 0) last = chunk[chunk.length - 1]!;
    }
    const lines = newlines + (last === 0x0a ? 0 : 1);
    return { location: this.presign(id), sha256: hash.digest('hex'), rows: Math.max(0, lines - 1), bytes };
  }

  /** Sends any event body (for malformed-event tests); enforces the documented size limit. */
  send(type: PlanningEventType, body: object | string): WebhookDelivery {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    if (Buffer.byteLength(raw) > PLANNING_MAX_BODY_BYTES)
      throw new Error(`planning webhook body over ${PLANNING_MAX_BODY_BYTES} bytes`);
    const id = randomUUID();
    const delivery = this.webhooks.send(
      type,
      raw,
      { 'x-planning-event': type, 'x-planning-delivery': id },
      id,
    );
    if (this.roll(this.faults.duplicateDeliveryRate)) {
      const again = randomUUID();
      this.webhooks.send(type, raw, { 'x-planning-event': type, 'x-planning-delivery': again }, again);
    }
    return delivery;
  }

  /** Sends an earlier delivery's body again as a new delivery (same event_id), as at-least-once may. */
  redeliver(deliveryId: string): WebhookDelivery {
    const original = this.webhooks.deliveries.find((d) => d.id === deliveryId);
    if (!original) throw new Error(`no delivery ${deliveryId}`);
    return this.send(original.event as PlanningEventType, original.body);
  }

  private presign(id: string): string {
    const expires = Math.floor(this.now().getTime() / 1000) + (this.options.exportUrlTtlSeconds ?? 86_400);
    return `${this.url}/exports/${id}.csv?expires=${expires}&signature=${this.urlSignature(id, expires)}`;
  }

  private urlSignature(id: string, expires: number): string {
    return createHmac('sha256', this.urlKey).update(`${id}:${expires}`).digest('hex');
  }

  // Pre-signed URLs are matched as sent. Like S3, the bucket answers NoSuchKey to any other path or method.
  private readonly routes = RoutingTable.of<(res: ServerResponse, url: URL, id: string) => Promise<number>>({
    'GET /exports/:id.csv': (res, url, id) => this.serveExport(res, url, id),
  });

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const route = this.routes.match(req.method ?? 'GET', url.pathname);
    const answer = async (): Promise<number> =>
      route.kind === 'found' ? route.handler(res, url, route.params.id!) : plain(res, 404, 'NoSuchKey');
    const status = await answer().catch(() => {
      res.destroy();
      return 500;
    });
    this.downloads.push({ at: this.now(), path: url.pathname, status });
  }

  private async serveExport(res: ServerResponse, url: URL, id: string): Promise<number> {
    if (!EXPORT_ID.test(id)) return plain(res, 404, 'NoSuchKey');
    const expires = Number(url.searchParams.get('expires'));
    const given = Buffer.from(url.searchParams.get('signature') ?? '', 'hex');
    const expected = Buffer.from(this.urlSignature(id, expires), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return plain(res, 403, 'SignatureDoesNotMatch');
    if (expires < this.now().getTime() / 1000) return plain(res, 403, 'Request has expired');
    const content = this.exports.get(id);
    if (content === undefined) return plain(res, 404, 'NoSuchKey');

    if (this.faults.exportLatencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.faults.exportLatencyMs));
    if (this.roll(this.faults.exportErrorRate)) return plain(res, 503, 'SlowDown');
    const truncate = this.roll(this.faults.exportTruncateRate);

    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    for await (const chunk of chunks(content)) {
      if (res.destroyed) return 200;
      if (truncate) {
        // The connection drops mid-file, after the status and a first chunk reached the client.
        await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 20));
        res.destroy();
        return 200;
      }
      if (!res.write(chunk)) await once(res, 'drain');
    }
    res.end();
    return 200;
  }
}

/** Export files are named by a UUID. */
const EXPORT_ID = /^[0-9a-f-]{36}$/;

function plain(res: ServerResponse, status: number, text: string): number {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
  return status;
}

async function* chunks(content: ExportContent): AsyncGenerator<Buffer, void, undefined> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    // Several chunks so truncation can cut a static file too.
    const size = Math.max(1, Math.ceil(buffer.length / 4));
    for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
    return;
  }
  for await (const chunk of content()) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}
