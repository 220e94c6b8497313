/**
 * The procurement platform's outgoing webhooks: signed with `x-proc-signature` at every attempt,
 * retried, sometimes sent twice (at least once), and sent again on request.
 */
import { signProcurementPayload } from '../../../adapters/procurement/signature';
import type { RetryPolicy, WebhookDelivery } from '../webhook-sender';
import { WebhookSender } from '../webhook-sender';

/** Webhook settings of a simulator. */
export interface ProcurementWebhookOptions {
  /** Subscriber URL; can also be set later with `setSubscriber`. */
  url?: string;
  /** @default 'procurement-webhook-secret' */
  secret?: string;
  /** Documented: up to 6 retries over about an hour; compressed here. @default { maxRetries: 6, baseDelayMs: 100 } */
  retry?: RetryPolicy;
  /** @default 10000 */
  timeoutMs?: number;
}

/** Sends the platform's events to the subscriber. */
export class ProcurementWebhooks {
  private readonly sender: WebhookSender;
  private subscriberUrl: string | undefined;
  private secret: string;

  /** `duplicate` decides, per event, whether it goes out twice. */
  constructor(
    options: ProcurementWebhookOptions | undefined,
    now: () => Date,
    private readonly duplicate: () => boolean,
  ) {
    this.subscriberUrl = options?.url;
    this.secret = options?.secret ?? 'procurement-webhook-secret';
    this.sender = new WebhookSender({
      url: () => this.subscriberUrl,
      sign: (raw, at) => {
        const { timestamp, signature } = signProcurementPayload(raw, this.secret, at);
        return { 'x-proc-timestamp': timestamp, 'x-proc-signature': signature };
      },
      retry: options?.retry ?? { maxRetries: 6, baseDelayMs: 100 },
      timeoutMs: options?.timeoutMs ?? 10_000,
      now,
    });
  }

  /** Every delivery, oldest first. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.sender.deliveries;
  }

  /** Where webhooks go, and optionally a new signing secret (rotation). */
  setSubscriber(url: string | undefined, secret?: string): void {
    this.subscriberUrl = url;
    if (secret !== undefined) this.secret = secret;
  }

  /** Sends one event (twice when the duplicate fault fires). */
  send(event: string, payload: object): void {
    const body = JSON.stringify(payload);
    this.sender.send(event, body, { 'x-proc-event': event });
    if (this.duplicate()) this.sender.send(event, body, { 'x-proc-event': event });
  }

  /** Sends an earlier event again (same body and event_id). */
  redeliver(eventId: string): WebhookDelivery {
    const original = this.sender.deliveries.find(
      (d) => (JSON.parse(d.body) as { event_id?: string }).event_id === eventId,
    );
    if (!original) throw new Error(`no webhook with event_id ${eventId}`);
    return this.sender.send(original.event, original.body, { 'x-proc-event': original.event });
  }

  /** Resolves once no delivery is pending. */
  idle(): Promise<void> {
    return this.sender.idle();
  }

  /** Stops retries and in-flight attempts. */
  close(): void {
    this.sender.close();
  }
}
