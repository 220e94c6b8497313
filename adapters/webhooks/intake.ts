/**
 * Receiving a vendor webhook: the same steps for every vendor, in an order that makes refusals
 * cheap and acceptance durable:
 *
 *   size -> media type -> signature -> JSON -> event type -> carried schema -> mapping ->
 *   stale? -> claim (in progress) -> publish -> complete -> 202
 *
 * The carried schema is the vendor's contract and what the canonical model carries of each field,
 * so a delivery it accepts maps to a canonical event by construction. One it refuses takes the
 * checked path: vendor schema -> mapping -> canonical schema. The vendor schema checks exactly what
 * the vendor's contract states; a delivery it allows that the canonical model cannot carry (mapping
 * or canonical schema refuses it) is accepted and held in the quarantine with the exact reason and
 * no expiry (202 `held`): the vendor did nothing wrong.
 *
 * Every refusal is an RFC 9457 problem and publishes nothing. A delivery whose signature verified
 * but that was refused for its content or failed on our side is kept in the quarantine with the
 * problem we answered, since the vendor gives up retrying after a while; one that is not authentic
 * is only counted. A quarantined delivery re-submitted by an operator takes the same steps from the
 * event type on ({@link resubmitDelivery}). A 2xx is given only after the bus
 * accepted the canonical event (or a previous delivery's event, for a duplicate), so a vendor's
 * retry is the only recovery a failure needs. A claim stays in progress until the publish is
 * confirmed and lapses when its invocation's time is up, so a delivery whose function died between
 * claim and publish is published by the vendor's retry, never answered `duplicate`.
 */
import { createHash } from 'node:crypto';
import { UnmappedCodeError } from '../../canonical/codes/tables';
import type { CanonicalEvent, EventContext } from '../../canonical/envelope';
import { TransientFailure } from '../../domain/failures';
import type {
  CanonicalLimitBreach,
  QuarantinePort,
  QuarantineReason,
  RefusedDelivery,
} from '../../domain/ports/quarantine';
import type { SignatureVerification } from '../planning/signature';
import { breachesOf, CanonicalLimitError, describeBreach } from './held';
import { json, problem, type HttpResponse } from './problem';
import { WEBHOOK_EDGE_HEADER } from '../../application/resources';
import { isEdgeSecret } from './edge';

export interface WebhookRequest {
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body bytes, exactly as received: signatures are computed over them. */
  body: Buffer;
  /** Request id for `instance` and logs. */
  requestId: string;
  /** When the invocation handling this request is stopped (Lambda: now + remaining time). */
  deadline: Date;
}

interface ValidationFailure {
  pointer: string;
  message: string;
}

/** One kind of delivery of a vendor (e.g. planning `forecast.exception`). */
export interface DeliveryKind<D> {
  /**
   * The vendor's contract and the canonical limits of each `carried` field: a delivery it accepts
   * maps to an event the canonical validator accepts (test/adapters/webhooks/carried.test.ts).
   */
  carried(data: unknown): { ok: true; value: D } | { ok: false };
  /** The vendor's contract, exactly: its errors are the 422's. */
  validate(data: unknown): { ok: true; value: D } | { ok: false; errors: ValidationFailure[] };
  /** Throws {@link CanonicalLimitError} for a vendor value with no canonical place. */
  map(delivery: D, context: EventContext & { tenantId: string }): CanonicalEvent;
  /** The canonical event's own validator: what the canonical model can carry. */
  canonical(event: unknown): { ok: true } | { ok: false; errors: ValidationFailure[] };
  /**
   * The object whose versions must not go backwards, and this delivery's version (plan version,
   * PO revision, update time). Deliveries without an ordering (acknowledgements) omit it.
   */
  version?(event: CanonicalEvent): { objectKey: string; version: number };
}

export interface VendorWebhook {
  system: 'planning' | 'procurement';
  maxBodyBytes: number;
  /** Header carrying the delivery kind. */
  eventHeader: string;
  /** Header carrying the vendor's id of one delivery, which its retries reuse (when it sends one). */
  deliveryHeader?: string;
  /** Further headers a re-submit needs besides content type, event and delivery (lower case). */
  keptHeaders?: readonly string[];
  verify(request: WebhookRequest, secrets: readonly string[], now: Date): SignatureVerification;
  deliveries: Readonly<Record<string, DeliveryKind<never>>>;
}

/**
 * Outcome of claiming a delivery's business change: claimed (publish it), a duplicate of one already
 * published (answered with that event's id), in progress in another invocation (retry later), or an
 * older version than one already seen (stale). `previous` is the claim this one replaced, given
 * back if the publish fails (`inProgressUntil` when it was an abandoned claim, in epoch ms).
 */
export type DeliveryClaim =
  | { outcome: 'claimed'; previous?: { version: number; eventId: string; inProgressUntil?: number } }
  | { outcome: 'duplicate'; eventId?: string }
  | { outcome: 'in-progress'; retryAfterSeconds: number }
  | { outcome: 'stale' };

/**
 * How long a claim outlives its invocation's deadline before a retry may take it over: the clocks
 * of two Lambda instances may differ a little, and an abandoned claim must never be taken over
 * while its invocation could still publish.
 */
export const CLAIM_MARGIN_MS = 5_000;

export interface IntakePorts {
  /** Active signing secrets (current, and previous during rotation). */
  secrets(): Promise<readonly string[]>;
  now(): Date;
  newId(): string;
  tenantId: string;
  /**
   * Claims the business change (its version, or its idempotency key when it has no version), in
   * progress until `inProgressUntil` unless completed before.
   */
  claim(
    event: CanonicalEvent,
    version: { objectKey: string; version: number } | undefined,
    inProgressUntil: Date,
  ): Promise<DeliveryClaim>;
  /** Marks the claim completed: the bus confirmed the event, redeliveries are duplicates from now on. */
  complete(event: CanonicalEvent, version: { objectKey: string; version: number } | undefined): Promise<void>;
  /** Gives a claim back after the publish failed, so the vendor's retry can claim it again. */
  release(
    event: CanonicalEvent,
    version: { objectKey: string; version: number } | undefined,
    claim: DeliveryClaim,
  ): Promise<void>;
  /** Puts the event on the bus durably (throws when it could not). */
  publish(event: CanonicalEvent): Promise<void>;
  /** A duplicate delivery was recognised and not published again (for the metric). */
  duplicateSuppressed?(event: CanonicalEvent): void;
  /** A stale version was received and not applied (for the sync ledger and metrics). */
  recordStale(event: CanonicalEvent): Promise<void>;
  /** Where authentic deliveries that were not accepted are kept. */
  quarantine: QuarantinePort;
  /** A delivery was quarantined, or held (for the metric the alarm watches). */
  quarantined?(delivery: RefusedDelivery): void;
  /** A delivery was accepted and held: the canonical model cannot carry it (`DeliveriesHeld`). */
  held?(delivery: RefusedDelivery): void;
  /** A delivery failed its signature check (or came around the edge): counted, never stored. */
  signatureRefused?(reason: string): void;
  /**
   * Behind the webhook edge: the secret CloudFront adds to what it forwards (WEBHOOK_EDGE_HEADER).
   * A request without it reached the API around the WAF and is refused before anything else.
   */
  edgeSecret?(): Promise<string>;
  log?: {
    info(message: string, extra: Record<string, unknown>): void;
    warn(message: string, extra: Record<string, unknown>): void;
  };
}

/** JSON keys that only ever appear in prototype-pollution attempts: refused outright. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The JSON pointer of the first forbidden key in a parsed body, checked on the parsed value: in the
 * raw text a key can be spelled with escapes (`"\u005f_proto__"`) that JSON.parse turns into an
 * own `__proto__` property.
 */
function forbiddenKeyAt(data: unknown): string | undefined {
  // An explicit stack: a body of 262,144 bytes can nest deeper than the call stack goes.
  const pending: { value: unknown; pointer: string }[] = [{ value: data, pointer: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    for (const [key, value] of Object.entries(next.value)) {
      const pointer = `${next.pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (FORBIDDEN_KEYS.has(key)) return pointer;
      pending.push({ value, pointer });
    }
  }
  return undefined;
}

function headerOf(request: WebhookRequest, name: string): string | undefined {
  return request.headers[name.toLowerCase()];
}

export async function receiveWebhook(
  vendor: VendorWebhook,
  request: WebhookRequest,
  ports: IntakePorts,
): Promise<HttpResponse> {
  const instance = `urn:supplyline:request:${request.requestId}`;
  if (ports.edgeSecret && !isEdgeSecret(headerOf(request, WEBHOOK_EDGE_HEADER), await ports.edgeSecret())) {
    ports.signatureRefused?.('edge-bypass');
    return problem(403, 'edge-bypass', 'Deliveries are accepted through the webhook URL only.', {
      instance,
    });
  }
  if (request.body.length > vendor.maxBodyBytes) {
    return problem(
      413,
      'payload-too-large',
      `Body is ${request.body.length} bytes; at most ${vendor.maxBodyBytes}.`,
      {
        instance,
      },
    );
  }
  const contentType = headerOf(request, 'content-type') ?? '';
  if (!/^application\/json(\s*;|$)/i.test(contentType)) {
    return problem(415, 'unsupported-media-type', `Expected application/json, got "${contentType}".`, {
      instance,
    });
  }

  const verification = vendor.verify(request, await ports.secrets(), ports.now());
  if (!verification.ok) {
    ports.log?.warn('webhook signature refused', { system: vendor.system, reason: verification.reason });
    ports.signatureRefused?.(verification.reason);
    return problem(401, `signature-${verification.reason}`, signatureDetail(verification.reason), {
      instance,
    });
  }
  return acceptAuthentic(vendor, request, ports);
}

/**
 * A quarantined delivery put through the intake again by an operator: the steps after the
 * signature (verified when it was received; its timestamp is long past the 300 s window), with the
 * same claim, so a delivery whose event did reach the bus meanwhile is answered `duplicate`. Refused
 * again, it stays quarantined with one more attempt.
 */
export function resubmitDelivery(
  vendor: VendorWebhook,
  delivery: { headers: Readonly<Record<string, string>>; body: Uint8Array; quarantineId: string },
  ports: IntakePorts,
  deadline: Date,
): Promise<HttpResponse> {
  return acceptAuthentic(
    vendor,
    {
      headers: delivery.headers,
      body: Buffer.from(delivery.body),
      requestId: `resubmit-${delivery.quarantineId}-${ports.newId()}`,
      deadline,
    },
    ports,
  );
}

/** Problem types that only ask the vendor to wait: nothing to keep. */
const WAITING = new Set(['urn:supplyline:problem:delivery-in-progress']);

/** The steps after the signature, keeping what was not accepted. */
async function acceptAuthentic(
  vendor: VendorWebhook,
  request: WebhookRequest,
  ports: IntakePorts,
): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await interpret(vendor, request, ports);
  } catch (error) {
    if (error instanceof CanonicalLimitError) return hold(vendor, request, ports, error.breaches);
    await keep(vendor, request, ports, {
      status: 503,
      type: `urn:supplyline:problem:${error instanceof TransientFailure ? 'try-again' : 'internal-error'}`,
      detail: `${(error as Error).name}: ${(error as Error).message}`,
    });
    throw error;
  }
  if (response.statusCode < 400) return response;
  const refusal = JSON.parse(response.body) as { type: string; detail: string };
  if (WAITING.has(refusal.type)) return response;
  try {
    await keep(vendor, request, ports, {
      status: response.statusCode,
      type: refusal.type,
      detail: refusal.detail,
    });
  } catch (error) {
    // Not kept: answer so the vendor delivers it again rather than drop it with a final refusal.
    ports.log?.warn('refused delivery not quarantined', { error: (error as Error).message });
    return problem(503, 'try-again', 'The delivery could not be recorded; deliver it again.', {
      instance: `urn:supplyline:request:${request.requestId}`,
      headers: { 'retry-after': '5' },
    });
  }
  return response;
}

/** Accepts a delivery the canonical model cannot carry: kept as held first, then answered 202. */
async function hold(
  vendor: VendorWebhook,
  request: WebhookRequest,
  ports: IntakePorts,
  breaches: readonly CanonicalLimitBreach[],
): Promise<HttpResponse> {
  const reason: QuarantineReason = {
    status: 202,
    type: 'urn:supplyline:problem:canonical-limit',
    detail: `Held: the canonical model cannot carry ${breaches.map(describeBreach).join('; ')}`,
    limits: breaches,
  };
  let delivery: RefusedDelivery;
  try {
    delivery = await keep(vendor, request, ports, reason, true);
  } catch (error) {
    // Not kept: a 202 would lose it, so the vendor delivers it again.
    ports.log?.warn('held delivery not recorded', { error: (error as Error).message });
    return problem(503, 'try-again', 'The delivery could not be recorded; deliver it again.', {
      instance: `urn:supplyline:request:${request.requestId}`,
      headers: { 'retry-after': '5' },
    });
  }
  ports.held?.(delivery);
  return json(202, { status: 'held', quarantineId: delivery.quarantineId, limits: breaches });
}

/** Keeps an authentic delivery that was not accepted (or is held). */
async function keep(
  vendor: VendorWebhook,
  request: WebhookRequest,
  ports: IntakePorts,
  reason: QuarantineReason,
  held = false,
): Promise<RefusedDelivery> {
  const eventType = headerOf(request, vendor.eventHeader);
  const deliveryId = vendor.deliveryHeader ? headerOf(request, vendor.deliveryHeader) : undefined;
  const headers: Record<string, string> = {};
  for (const name of [
    'content-type',
    vendor.eventHeader,
    vendor.deliveryHeader,
    ...(vendor.keptHeaders ?? []),
  ]) {
    const value = name ? headerOf(request, name) : undefined;
    if (name && value !== undefined) headers[name] = value;
  }
  const delivery: RefusedDelivery = {
    quarantineId: quarantineIdOf(vendor.system, eventType, deliveryId, request.body),
    system: vendor.system,
    ...(eventType !== undefined ? { eventType } : {}),
    ...(deliveryId !== undefined ? { deliveryId } : {}),
    receivedAt: ports.now(),
    headers,
    body: request.body,
    tenantId: ports.tenantId,
    reason,
    ...(held ? { held } : {}),
  };
  await ports.quarantine.quarantine(delivery);
  ports.quarantined?.(delivery);
  ports.log?.warn('delivery quarantined', {
    quarantineId: delivery.quarantineId,
    system: vendor.system,
    eventType,
    status: reason.status,
    type: reason.type,
  });
  return delivery;
}

/**
 * The same id for every attempt of one delivery: the vendor's delivery id when it sends a usable
 * one, else a digest of the event type and the body (procurement re-signs each retry, the body stays).
 */
export function quarantineIdOf(
  system: string,
  eventType: string | undefined,
  deliveryId: string | undefined,
  body: Uint8Array,
): string {
  if (deliveryId !== undefined && /^[A-Za-z0-9._-]{1,128}$/.test(deliveryId))
    return `${system}-${deliveryId}`;
  const digest = createHash('sha256')
    .update(eventType ?? '')
    .update('\n')
    .update(body)
    .digest('hex');
  return `${system}-${digest.slice(0, 32)}`;
}

/**
 * Tenants an event of a carried delivery was checked with once: the carried schema covers what the
 * delivery says, not the tenant the function is configured with.
 */
const CARRIED_TENANTS = new Set<string>();

/** From the event type on: what the delivery says, and publishing it. */
async function interpret(
  vendor: VendorWebhook,
  request: WebhookRequest,
  ports: IntakePorts,
): Promise<HttpResponse> {
  const instance = `urn:supplyline:request:${request.requestId}`;
  const eventName = headerOf(request, vendor.eventHeader);
  const kind =
    eventName !== undefined && Object.hasOwn(vendor.deliveries, eventName)
      ? vendor.deliveries[eventName]
      : undefined;
  if (!kind) {
    return problem(400, 'unknown-event', `Unknown ${vendor.eventHeader} "${eventName ?? ''}".`, { instance });
  }

  const text = request.body.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return problem(400, 'malformed-json', `Body is not valid JSON: ${(error as Error).message}`, {
      instance,
    });
  }
  const forbidden = forbiddenKeyAt(data);
  if (forbidden !== undefined) {
    return problem(400, 'forbidden-key', 'Body contains a __proto__, constructor or prototype key.', {
      instance,
      errors: [{ pointer: forbidden, detail: 'This key is not accepted anywhere in a delivery.' }],
    });
  }

  // Most deliveries are carried as they are: no canonical check needed (see DeliveryKind.carried).
  const carried = kind.carried(data);
  const validation = carried.ok ? carried : kind.validate(data);
  if (!validation.ok) {
    return problem(
      422,
      'contract-violation',
      `The ${eventName} delivery breaks the ${vendor.system} contract.`,
      {
        instance,
        errors: validation.errors.map((error) => ({ pointer: error.pointer, detail: error.message })),
      },
    );
  }

  let event: CanonicalEvent;
  try {
    event = kind.map(validation.value as never, {
      now: ports.now,
      newId: ports.newId,
      tenantId: ports.tenantId,
    });
  } catch (error) {
    if (error instanceof UnmappedCodeError) {
      return problem(422, 'unmapped-code', error.message, {
        instance,
        errors: [{ pointer: '', detail: error.message }],
      });
    }
    throw error;
  }
  if (!carried.ok || !CARRIED_TENANTS.has(ports.tenantId)) {
    const canonical = kind.canonical(event);
    if (!canonical.ok) throw new CanonicalLimitError(breachesOf(event, canonical.errors));
    if (carried.ok) CARRIED_TENANTS.add(ports.tenantId);
  }

  const version = kind.version?.(event);
  const claim = await ports.claim(event, version, new Date(request.deadline.getTime() + CLAIM_MARGIN_MS));
  if (claim.outcome === 'stale') {
    await ports.recordStale(event);
    ports.log?.info('stale version recorded, not applied', {
      ...version,
      idempotencyKey: event.idempotencyKey,
    });
    return json(202, { status: 'stale', idempotencyKey: event.idempotencyKey });
  }
  if (claim.outcome === 'duplicate') {
    ports.duplicateSuppressed?.(event);
    return json(202, {
      status: 'duplicate',
      eventId: claim.eventId ?? null,
      idempotencyKey: event.idempotencyKey,
    });
  }
  if (claim.outcome === 'in-progress') {
    // Another invocation holds the claim: not a duplicate yet, as its publish may still fail.
    return problem(
      503,
      'delivery-in-progress',
      'Another delivery of this change is being published; deliver it again later.',
      { instance, headers: { 'retry-after': String(claim.retryAfterSeconds) } },
    );
  }
  try {
    await ports.publish(event);
  } catch (error) {
    await ports.release(event, version, claim);
    throw error;
  }
  try {
    await ports.complete(event, version);
  } catch (error) {
    // The event is on the bus: answering 503 would publish it again. The claim lapses at its
    // deadline, and consumers are idempotent on the business key for the rare redelivery after.
    ports.log?.warn('published event not marked completed', {
      idempotencyKey: event.idempotencyKey,
      error: (error as Error).message,
    });
  }
  return json(202, { status: 'accepted', eventId: event.eventId, idempotencyKey: event.idempotencyKey });
}

function signatureDetail(reason: string): string {
  switch (reason) {
    case 'missing':
      return 'The signature header is missing.';
    case 'malformed':
      return 'The signature header does not follow the documented format.';
    case 'expired':
      return 'The signature timestamp is more than 300 seconds from our clock.';
    default:
      return 'The signature does not match the body with any active secret.';
  }
}
