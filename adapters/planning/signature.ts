import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signature of the planning platform (vendor API v3):
 * `X-Planning-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]` where each `<hex>` is
 * HMAC-SHA256(secret, `<t>` + "." + `<raw request body bytes>`).
 */

/** Name of the header that carries the signature. */
export const PLANNING_SIGNATURE_HEADER = 'x-planning-signature';

/** Documented tolerance between `t` and the receiver's clock (exactly 300 s is accepted). */
export const PLANNING_SIGNATURE_TOLERANCE_SECONDS = 300;

/** Why a delivery was refused; `missing` and `malformed` are a sender problem, `expired` a replay or clock skew. */
export type SignatureRejectionReason = 'missing' | 'malformed' | 'expired' | 'mismatch';

/** Outcome of verifying a webhook signature. */
export type SignatureVerification = { ok: true } | { ok: false; reason: SignatureRejectionReason };

/** Everything the verification depends on, passed in so it stays a pure function. */
export interface PlanningSignatureVerifyOptions {
  /** Active secrets: the current one and, during rotation, the previous one. */
  secrets: readonly string[];
  /** The receiver's clock. */
  now: Date;
  /** @default 300 */
  toleranceSeconds?: number;
}

/** The header parsed: the timestamp exactly as sent (it is part of the signed text) and every `v1` value. */
export interface ParsedPlanningSignature {
  timestamp: string;
  timestampSeconds: number;
  v1: string[];
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

/**
 * Parses the header; `undefined` when it breaks the documented grammar (no `t`, two `t`, a
 * non-numeric `t`, no `v1`, an empty part, a part without `=`, any whitespace).
 * Unknown schemes are ignored; the `v1` values are returned as sent, even when not valid hex.
 */
export function parsePlanningSignature(header: string): ParsedPlanningSignature | undefined {
  if (header.length === 0 || /\s/.test(header)) return undefined;
  let timestamp: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return undefined;
      timestamp = value;
    } else if (key === 'v1') {
      v1.push(value);
    }
    // Other schemes (v0, future versions) are ignored as documented.
  }
  if (timestamp === undefined || v1.length === 0) return undefined;
  return { timestamp, timestampSeconds: Number(timestamp), v1 };
}

/** HMAC-SHA256 over `<t>.<raw body>`, as raw bytes. */
function digest(secret: string, timestamp: string, rawBody: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * Verifies `X-Planning-Signature` over the RAW body bytes (never a re-serialised JSON body).
 * Accepts when any `v1` matches any active secret (rotation) and `|now - t| <= tolerance`.
 * A forged signature is reported as `mismatch` before the timestamp is looked at, so `expired`
 * always means an authentic but stale (replayed or skewed) delivery. Never throws on bad input.
 */
export function verifyPlanningSignature(
  header: string | undefined | null,
  rawBody: Uint8Array,
  options: PlanningSignatureVerifyOptions,
): SignatureVerification {
  if (options.secrets.length === 0) throw new Error('verifyPlanningSignature: no active secret configured');
  if (header === undefined || header === null || header === '') return { ok: false, reason: 'missing' };
  const parsed = parsePlanningSignature(header);
  if (!parsed) return { ok: false, reason: 'malformed' };

  const expected = options.secrets.map((secret) => digest(secret, parsed.timestamp, rawBody));
  let matched = false;
  for (const candidate of parsed.v1) {
    // Malformed hex or a wrong length is simply no match; timingSafeEqual needs equal lengths.
    if (!HEX_SHA256.test(candidate)) continue;
    const given = Buffer.from(candidate, 'hex');
    for (const mac of expected) {
      // No early exit: the time taken does not tell which candidate or secret matched.
      if (timingSafeEqual(given, mac)) matched = true;
    }
  }
  if (!matched) return { ok: false, reason: 'mismatch' };

  // `t` has whole-second precision, so the receiver's clock is compared at the same precision.
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? PLANNING_SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - parsed.timestampSeconds) > tolerance) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/**
 * Builds an `X-Planning-Signature` value the way the platform does: one `v1` per active secret
 * (two during rotation). Used by the planning simulator and tests.
 */
export function signPlanningPayload(
  rawBody: Uint8Array,
  secrets: string | readonly string[],
  now: Date,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new Error('signPlanningPayload: no secret given');
  const t = String(Math.floor(now.getTime() / 1000));
  return [`t=${t}`, ...list.map((secret) => `v1=${digest(secret, t, rawBody).toString('hex')}`)].join(',');
}
