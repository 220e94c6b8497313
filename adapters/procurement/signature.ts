import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signature of the procurement platform (vendor REST API v2):
 * `X-Proc-Timestamp: <ISO-8601 UTC>` and `X-Proc-Signature: sha256=<hex>` where `<hex>` is
 * HMAC-SHA256(secret, `<X-Proc-Timestamp>` + "\n" + `<raw body>`).
 */

/** Header names (lower case, as node:http and API Gateway v2 present them). */
export const PROCUREMENT_SIGNATURE_HEADERS = {
  event: 'x-proc-event',
  timestamp: 'x-proc-timestamp',
  signature: 'x-proc-signature',
} as const;

/** Documented tolerance between `X-Proc-Timestamp` and the receiver's clock. */
export const PROCUREMENT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** Why a delivery was refused. */
export type SignatureRejectionReason = 'missing' | 'malformed' | 'expired' | 'mismatch';

/** Outcome of verifying a webhook signature. */
export type SignatureVerification = { ok: true } | { ok: false; reason: SignatureRejectionReason };

/** Everything the verification depends on, passed in so it stays a pure function. */
export interface ProcurementSignatureVerifyOptions {
  /** Active secrets: the current one and, during rotation, the previous one. */
  secrets: readonly string[];
  /** The receiver's clock. */
  now: Date;
  /** @default 300 */
  toleranceSeconds?: number;
}

/** The two signature headers of one delivery, as received. */
export interface ProcurementSignatureHeaders {
  timestamp: string | undefined | null;
  signature: string | undefined | null;
}

// ISO-8601 in UTC: `Z` (or an explicit +00:00), optional fraction. Offsets other than UTC break the contract.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|\+00:00)$/;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** Milliseconds since the epoch of an ISO-8601 UTC timestamp, or `undefined` when it is not one (incl. 2026-02-30). */
export function parseProcurementTimestamp(value: string): number | undefined {
  const m = ISO_UTC.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls impossible dates over (Feb 30 -> Mar 2): require the calendar fields to survive.
  const d = new Date(ms);
  if (
    d.getUTCFullYear() !== Number(m[1]) ||
    d.getUTCMonth() + 1 !== Number(m[2]) ||
    d.getUTCDate() !== Number(m[3])
  )
    return undefined;
  return ms;
}

function digest(secret: string, timestamp: string, rawBody: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}\n`).update(rawBody).digest();
}

/**
 * Verifies a procurement webhook over the RAW body bytes. Accepts when the signature matches any
 * active secret (rotation) and the timestamp is within the tolerance (exactly 300 s accepted).
 * A forged signature is `mismatch` before the timestamp is judged, so `expired` always means an
 * authentic but stale delivery. Never throws on bad input.
 */
export function verifyProcurementSignature(
  headers: ProcurementSignatureHeaders,
  rawBody: Uint8Array,
  options: ProcurementSignatureVerifyOptions,
): SignatureVerification {
  if (options.secrets.length === 0)
    throw new Error('verifyProcurementSignature: no active secret configured');
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  const timestampMs = parseProcurementTimestamp(timestamp);
  if (timestampMs === undefined || !signature.startsWith('sha256='))
    return { ok: false, reason: 'malformed' };

  const hex = signature.slice('sha256='.length);
  let matched = false;
  // Malformed hex or a wrong length is simply no match; timingSafeEqual needs equal lengths.
  if (HEX_SHA256.test(hex)) {
    const given = Buffer.from(hex, 'hex');
    for (const secret of options.secrets) {
      if (timingSafeEqual(given, digest(secret, timestamp, rawBody))) matched = true;
    }
  }
  if (!matched) return { ok: false, reason: 'mismatch' };

  const toleranceMs = (options.toleranceSeconds ?? PROCUREMENT_SIGNATURE_TOLERANCE_SECONDS) * 1000;
  if (Math.abs(options.now.getTime() - timestampMs) > toleranceMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/**
 * Signs a delivery the way the platform does: `{ timestamp, signature }` header values for the
 * given clock. Used by the procurement simulator and tests.
 */
export function signProcurementPayload(
  rawBody: Uint8Array,
  secret: string,
  now: Date,
): { timestamp: string; signature: string } {
  const timestamp = now.toISOString();
  return { timestamp, signature: `sha256=${digest(secret, timestamp, rawBody).toString('hex')}` };
}
