/**
 * Publishing canonical events to EventBridge. PutEvents can accept a call and still refuse some
 * entries (throttling, internal errors): those entries are retried with backoff, and only when they
 * keep failing does publishing fail, as a TransientFailure, so the caller's retry (a vendor's
 * redelivery, an SQS retry) takes over. An event is never reported published unless it was.
 */
import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { toPutEventsEntry, type CanonicalEvent } from '../../canonical/envelope';
import { TransientFailure } from '../../domain/failures';

/** PutEvents takes at most 10 entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;

export interface PublisherOptions {
  /** Attempts for entries that keep failing. @default 4 */
  attempts?: number;
  /** First backoff delay; doubled each attempt with full jitter. @default 50 */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class EventBridgePublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly options: PublisherOptions = {},
  ) {}

  async publish(events: readonly CanonicalEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_CALL) {
      await this.putWithRetry(
        events.slice(start, start + MAX_ENTRIES_PER_CALL).map((e) => toPutEventsEntry(e, this.eventBusName)),
      );
    }
  }

  private async putWithRetry(entries: PutEventsRequestEntry[]): Promise<void> {
    const attempts = this.options.attempts ?? 4;
    const baseDelayMs = this.options.baseDelayMs ?? 50;
    const sleep = this.options.sleep ?? defaultSleep;
    let pending = entries;
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let response;
      try {
        response = await this.client.send(new PutEventsCommand({ Entries: pending }));
      } catch (error) {
        lastError = (error as Error).message;
        response = undefined;
      }
      if (response) {
        const results = response.Entries ?? [];
        if (!response.FailedEntryCount) return;
        const failed = pending.filter((_, index) => results[index]?.ErrorCode);
        lastError = results
          .filter((result) => result.ErrorCode)
          .map((result) => `${result.ErrorCode}: ${result.ErrorMessage ?? ''}`)
          .join('; ');
        // An entry EventBridge calls malformed will never be accepted: that is our bug, not a blip.
        if (
          results.some(
            (result) => result.ErrorCode === 'MalformedDetail' || result.ErrorCode === 'InvalidArgument',
          )
        ) {
          throw new Error(`EventBridge rejected entries: ${lastError}`);
        }
        pending = failed;
      }
      if (attempt < attempts) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
    throw new TransientFailure(
      `EventBridge did not accept ${pending.length} event(s): ${lastError}`,
      'eventbridge',
    );
  }
}
