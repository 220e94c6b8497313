/**
 * How a failure talking to another system is handled depends only on its class, so every
 * connector throws one of these and every consumer decides retry / DLQ / exception from the class.
 */

/** Worth retrying with backoff: timeouts, 5xx, 429, optimistic-lock conflicts, an open breaker. */
export class TransientFailure extends Error {
  override readonly name = 'TransientFailure';
  constructor(
    message: string,
    /** The system that failed, e.g. `erp`, `procurement`. */
    readonly system: string,
    /** Seconds the system asked us to wait (HTTP Retry-After), when it said so. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The work refers to something the middleware does not know yet, and delivery is at least once and
 * not ordered: a supplier's acknowledgement can overtake the posting of its purchase order. It waits
 * (`retryAfterSeconds`, the consumer defers it without spending a delivery) and, when the thing
 * still does not exist after the consumer's bounded wait, becomes the business rejection `code`.
 */
export class NotYetKnown extends TransientFailure {
  constructor(
    message: string,
    system: string,
    retryAfterSeconds: number,
    /** The integration exception raised if the wait ends without the thing, e.g. `PURCHASE_ORDER_UNKNOWN`. */
    readonly code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message, system, retryAfterSeconds);
  }
}

/**
 * The other system understood us and said no for a business reason (inactive item, blocked
 * supplier, budget exceeded). Retrying cannot help: a person must see it as an integration exception.
 */
export class BusinessRejection extends Error {
  override readonly name = 'BusinessRejection';
  constructor(
    /** Stable machine-readable reason, e.g. `ITEM_INACTIVE`, `SUPPLIER_NOT_APPROVED`. */
    readonly code: string,
    message: string,
    readonly system: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The message or the answer breaks a contract (schema violation, unmapped code, unexpected shape).
 * Retrying cannot help and no person can approve it away: it goes to a dead-letter queue with the reason.
 */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    message: string,
    readonly system: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type FailureClass = 'transient' | 'business' | 'contract';

/** Unknown errors are treated as transient: a bounded retry then the DLQ keeps them, never drops them. */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof BusinessRejection) return 'business';
  if (error instanceof ContractViolation) return 'contract';
  return 'transient';
}
