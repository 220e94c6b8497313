/**
 * Waiting is not failing: when our own request budget, an open circuit breaker or the other
 * system's Retry-After says "not now", the consumer defers the message instead of reporting a failed
 * delivery. It sends the same body to its own queue again with `DelaySeconds` (the wait the cause
 * named) and lets the original be deleted, so SQS's receive count, which only failures should
 * spend, is left alone. The copy carries what the consumer must remember across copies: how often
 * and how long it was deferred (bounded by a cap far above a breaker's cool-down) and how many
 * deliveries really failed before (so the last-delivery rule still sees every real failure).
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { CircuitOpenError } from '../../adapters/resilience/circuit-breaker';
import { RequestBudgetExhausted } from '../../adapters/resilience/shared-rate-budget';
import { NotYetKnown, TransientFailure } from '../../domain/failures';

/** SQS's longest per-message delay. */
export const SQS_MAX_DELAY_SECONDS = 900;

/**
 * How long a message may be deferred in all before a person is told: 60 breaker cool-downs (30 s).
 * An outage longer than that is no longer "wait a moment".
 */
export const DEFAULT_MAX_DEFERRAL_SECONDS = 1800;

/** Message attributes of a deferred copy. */
export const DEFERRAL_ATTRIBUTES = {
  /** How many times the message was deferred. */
  deferrals: 'deferrals',
  /** Seconds it was deferred in all. */
  deferredSeconds: 'deferredSeconds',
  /** Deliveries of earlier copies that really failed (the receive count each copy restarts). */
  failedDeliveries: 'failedDeliveries',
} as const;

/** What earlier copies of a message left in its attributes; zeros for a message never deferred. */
export interface DeferralHistory {
  deferrals: number;
  deferredSeconds: number;
  failedDeliveries: number;
}

/** Why the work must wait, and for how long; undefined when the error is a failure, not a "not now". */
export interface Deferral {
  seconds: number;
  cause: 'circuit-open' | 'request-budget' | 'retry-after' | 'in-progress' | 'not-yet-known' | 'outage';
}

/** Reads the deferral history of a record (Lambda's SQS event shape). */
export function deferralHistoryOf(record: SQSRecord): DeferralHistory {
  const number = (name: string) => {
    const value = Number(record.messageAttributes?.[name]?.stringValue);
    return Number.isFinite(value) && value > 0 ? value : 0;
  };
  return {
    deferrals: number(DEFERRAL_ATTRIBUTES.deferrals),
    deferredSeconds: number(DEFERRAL_ATTRIBUTES.deferredSeconds),
    failedDeliveries: number(DEFERRAL_ATTRIBUTES.failedDeliveries),
  };
}

/**
 * The wait an error asks for, when it is a refusal rather than a failure: an open breaker's
 * remaining open time, our budget's next window (spread, see {@link spreadRetry}), or the other
 * system's Retry-After (a 429). `deferrals` is how often this message was deferred already.
 */
export function deferralOf(error: unknown, deferrals: number, random = Math.random): Deferral | undefined {
  if (!(error instanceof TransientFailure)) return undefined;
  const after = error.retryAfterSeconds;
  if (after === undefined || !(after > 0)) return undefined;
  if (error instanceof CircuitOpenError)
    // A second of spread: the first one back probes, the rest find it closed (or half-open, 1 s).
    return { seconds: after + random(), cause: 'circuit-open' };
  // Overtook what it refers to (delivery is not ordered): look again after the wait it names.
  if (error instanceof NotYetKnown) return { seconds: after, cause: 'not-yet-known' };
  if (error instanceof RequestBudgetExhausted)
    return { seconds: spreadRetry(after, deferrals + 1, random, 5), cause: 'request-budget' };
  return { seconds: after, cause: 'retry-after' };
}

/**
 * When our own request budget is spent, every waiting message learns the same "next window": all
 * coming back then would spend it at once and fail again together. So the wait grows with each
 * attempt and is spread at random: `retryAfter` plus up to 2, 4, 8, 16... seconds (full jitter),
 * the doubling stopping at `2 ** maxExponent`.
 */
export function spreadRetry(
  retryAfterSeconds: number,
  attempt: number,
  random = Math.random,
  maxExponent = 10,
): number {
  return retryAfterSeconds + random() * 2 ** Math.min(attempt, maxExponent);
}

/**
 * The wait before the next delivery of a message that really failed without saying when to come
 * back (a 5xx, a timeout): 2, 4, 8, 16... seconds, between half and all of it at random, up to
 * `maxSeconds`. Without it the message would wait the queue's whole visibility timeout (360 s)
 * for what is usually a blip.
 */
export function failureBackoff(failedDeliveries: number, maxSeconds: number, random = Math.random): number {
  const ceiling = Math.min(maxSeconds, 2 ** Math.min(Math.max(1, failedDeliveries), 16));
  return Math.max(1, Math.ceil(ceiling * (0.5 + random() / 2)));
}

/** The attributes of the deferred copy: the record's own (as SendMessage takes them) plus the history. */
export function deferredAttributes(
  record: SQSRecord,
  next: DeferralHistory,
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined)
      attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
    else if (value.binaryValue !== undefined)
      attributes[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
  }
  for (const [key, name] of Object.entries(DEFERRAL_ATTRIBUTES) as [keyof DeferralHistory, string][])
    attributes[name] = { DataType: 'Number', StringValue: String(next[key]) };
  return attributes;
}
