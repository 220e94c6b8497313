/**
 * What the consumer reads from one SQS record before any business code runs: the EventBridge
 * envelope and its canonical event (every problem found here is a contract violation), the receive
 * count, and the reason a dead letter carries.
 */
import type { SQSRecord } from 'aws-lambda';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { ValidationError } from '../../canonical/generated/validators';
import type { DetailValidators } from './consumer';

/** The EventBridge event an EventBridge rule's SQS target delivers as the message body. */
export interface EventBridgeEnvelope {
  version?: string;
  id?: string;
  'detail-type': string;
  source?: string;
  time?: string;
  'replay-name'?: string;
  detail: unknown;
}

/** A record read: its canonical event, or why it cannot be. */
export type Decoded =
  | { ok: true; record: SQSRecord; envelope: EventBridgeEnvelope; event: CanonicalEvent }
  | { ok: false; record: SQSRecord; reason: FailureReason; correlationId?: string };

/** Why a record was dead-lettered; the `failureReason` attribute is its JSON. */
export interface FailureReason {
  message: string;
  errors?: ValidationError[];
  system?: string;
  details?: Record<string, unknown>;
}

const MAX_REASON_CHARS = 8_000;
/** Parses and validates one record; every problem found here is a contract violation. */
export function decode(record: SQSRecord, validators: DetailValidators): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    return { ok: false, record, reason: { message: `body is not JSON: ${(error as Error).message}` } };
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    typeof (body as Record<string, unknown>)['detail-type'] !== 'string' ||
    !('detail' in body)
  ) {
    return {
      ok: false,
      record,
      reason: { message: 'body is not an EventBridge event (detail-type and detail required)' },
    };
  }
  const envelope = body as EventBridgeEnvelope;
  const detail = envelope.detail as { correlationId?: unknown } | null;
  const correlationId =
    typeof detail?.correlationId === 'string' && detail.correlationId.length > 0
      ? detail.correlationId
      : undefined;
  const type = envelope['detail-type'];
  const validate = Object.hasOwn(validators, type) ? validators[type] : undefined;
  if (!validate)
    return {
      ok: false,
      record,
      correlationId,
      reason: { message: `this consumer does not accept detail-type '${type}'` },
    };
  const result = validate(envelope.detail);
  if (!result.ok)
    return {
      ok: false,
      record,
      correlationId,
      reason: { message: `detail is not a valid ${type}`, errors: result.errors },
    };
  return { ok: true, record, envelope, event: result.value };
}

/** SQS's ApproximateReceiveCount of the record (1 when absent). */
export function receiveCountOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** JSON of the reason, dropping validation errors (never cutting JSON) until it fits an attribute. */
export function reasonJson(reason: FailureReason): string {
  let candidate: FailureReason = reason;
  let json = JSON.stringify(candidate);
  while (json.length > MAX_REASON_CHARS && candidate.errors && candidate.errors.length > 1) {
    const errors: ValidationError[] = candidate.errors.slice(0, Math.floor(candidate.errors.length / 2));
    candidate = { ...candidate, errors };
    json = JSON.stringify({ ...candidate, truncated: true });
  }
  if (json.length > MAX_REASON_CHARS)
    json = JSON.stringify({
      message: candidate.message.slice(0, 2000),
      system: candidate.system,
      truncated: true,
    });
  return json;
}
