import { randomUUID } from 'node:crypto';

/**
 * At-least-once webhook delivery as the vendors do it: POST the JSON body, sign every attempt
 * afresh with the current time, retry any non-2xx answer (or no answer in time) with exponential
 * backoff on a compressed timescale, give up after a bounded number of retries.
 * Shared by the procurement and planning simulators.
 */

/** One HTTP attempt of a delivery. */
export interface DeliveryAttempt {
  at: Date;
  headers: Record<string, string>;
  /** HTTP status, when an answer came. */
  status?: number;
  /** Network error or timeout, when no answer came. */
  error?: string;
}

/** One event on its way to the subscriber. */
export interface WebhookDelivery {
  /** Sender-side id of the delivery (the planning platform sends it as X-Planning-Delivery). */
  id: string;
  event: string;
  body: string;
  /** `not_sent` when no subscriber URL was configured. */
  state: 'pending' | 'delivered' | 'failed' | 'not_sent';
  attempts: DeliveryAttempt[];
}

/** Retry schedule: `baseDelayMs * factor^(retry-1)`, `maxRetries` retries after the first attempt. */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  /** @default 2 */
  factor?: number;
}

/** How the sender signs and where it sends. */
export interface WebhookSenderOptions {
  /** Subscriber URL, read at each attempt so it can be changed while running. */
  url: () => string | undefined;
  /** Signature headers for one attempt, computed from the raw body and the sender's clock. */
  sign: (rawBody: Buffer, now: Date) => Record<string, string>;
  retry: RetryPolicy;
  /** No answer within this counts as a failure. */
  timeoutMs: number;
  now: () => Date;
}

/** Sends, retries and records webhook deliveries. */
export class WebhookSender {
  /** Every delivery, oldest first. */
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private readonly controllers = new Set<AbortController>();
  private closed = false;

  constructor(private readonly options: WebhookSenderOptions) {}

  /** Starts delivering; `headers` are constant across retries (event type, delivery id). */
  send(
    event: string,
    body: string,
    headers: Record<string, string> = {},
    id: string = randomUUID(),
  ): WebhookDelivery {
    const delivery: WebhookDelivery = { id, event, body, state: 'pending', attempts: [] };
    this.deliveries.push(delivery);
    if (!this.options.url()) {
      delivery.state = 'not_sent';
      return delivery;
    }
    const run = this.deliver(delivery, headers).finally(() => this.pending.delete(run));
    this.pending.add(run);
    return delivery;
  }

  /** Resolves once no delivery is pending (deliveries started meanwhile included). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops retries and in-flight attempts. */
  close(): void {
    this.closed = true;
    // Pending backoff waits end at once, so their deliveries settle as failed.
    for (const [timer, resolve] of this.waits) {
      clearTimeout(timer);
      resolve();
    }
    this.waits.clear();
    for (const controller of this.controllers) controller.abort();
  }

  private async deliver(delivery: WebhookDelivery, headers: Record<string, string>): Promise<void> {
    const { retry } = this.options;
    for (let attempt = 0; attempt <= retry.maxRetries && !this.closed; attempt++) {
      if (attempt > 0) await this.wait(retry.baseDelayMs * (retry.factor ?? 2) ** (attempt - 1));
      if (this.closed) break;
      const url = this.options.url();
      if (!url) break;
      const now = this.options.now();
      const raw = Buffer.from(delivery.body, 'utf8');
      const attemptHeaders = {
        'content-type': 'application/json',
        ...headers,
        ...this.options.sign(raw, now),
      };
      const record: DeliveryAttempt = { at: now, headers: attemptHeaders };
      delivery.attempts.push(record);
      const controller = new AbortController();
      this.controllers.add(controller);
      const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: attemptHeaders,
          body: raw,
          signal: controller.signal,
        });
        await response.arrayBuffer();
        record.status = response.status;
        if (response.ok) {
          delivery.state = 'delivered';
          return;
        }
      } catch (error) {
        record.error = controller.signal.aborted ? 'timeout' : String(error);
      } finally {
        clearTimeout(timer);
        this.controllers.delete(controller);
      }
    }
    delivery.state = 'failed';
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      this.waits.set(timer, resolve);
    });
  }
}
