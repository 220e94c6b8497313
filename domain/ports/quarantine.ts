/**
 * The quarantine of vendor deliveries we did not accept: authentic (their signature verified) but
 * refused for their content, or failed on our side. A vendor stops retrying after a while (about an
 * hour for procurement, a day for planning); what it sent is then only here, for a person to look at
 * and re-submit once the cause is fixed.
 */

/** Why a delivery was not accepted: the problem we answered with (RFC 9457 `type`, status, detail). */
export interface QuarantineReason {
  /** 4xx: refused for its content; 5xx: failed on our side. */
  status: number;
  /** The problem `type` we answered with, e.g. `urn:supplyline:problem:contract-violation`. */
  type: string;
  detail: string;
  /**
   * Set when the delivery was accepted but is held: the vendor's contract allows it, the canonical
   * model cannot carry it. Each names the field, the value received and the canonical limit.
   */
  limits?: readonly CanonicalLimitBreach[];
}

/** One value the canonical model cannot carry. */
export interface CanonicalLimitBreach {
  /** JSON pointer into the canonical event (or the delivery, for a field with no canonical place). */
  pointer: string;
  /** The value received, as JSON text. */
  value: string;
  /** The canonical limit it breaks, e.g. `must match pattern "^[A-Za-z0-9]..."`. */
  limit: string;
}

/** One delivery as it was received, and why it was not accepted (or is held). */
export interface RefusedDelivery {
  /** Same delivery, same id: a vendor's retry or a re-submit adds an attempt to the same record. */
  quarantineId: string;
  system: 'planning' | 'procurement';
  /** The vendor's event type header (`forecast.exception`, `purchase_order.changed`...). */
  eventType?: string;
  /** The vendor's delivery id header, when it sends one (planning: `X-Planning-Delivery`). */
  deliveryId?: string;
  receivedAt: Date;
  /** The headers the intake reads (content type, event type, delivery id, signature timestamp). */
  headers: Readonly<Record<string, string>>;
  /** The raw body, byte for byte. */
  body: Uint8Array;
  /** The tenant the delivery was received for (a re-submit stamps its event with it). */
  tenantId: string;
  reason: QuarantineReason;
  /** Accepted (answered 202) and held until the canonical model can carry it: kept with no expiry. */
  held?: boolean;
}

/**
 * `open` (refused or failed) or `held` (accepted, not carried) until a re-submit is accepted, then
 * `resolved`.
 */
export type QuarantineStatus = 'open' | 'held' | 'resolved';

/** A quarantined delivery as an operator sees it. */
export interface QuarantinedDelivery extends Omit<RefusedDelivery, 'receivedAt'> {
  status: QuarantineStatus;
  /** The first time it was quarantined (ISO-8601 UTC). */
  firstReceivedAt: string;
  /** The latest attempt (ISO-8601 UTC): the vendor's retry or a re-submit. */
  lastAttemptAt: string;
  attempts: number;
  /** Set when a re-submit was accepted, with the outcome (`accepted`, `duplicate`, `stale`). */
  resolvedAt?: string;
  resolution?: string;
  /** When the record is deleted (ISO-8601 UTC); none while it is held. */
  expiresAt?: string;
}

/** Where refused deliveries are kept. */
export interface QuarantinePort {
  /** Keeps the delivery (a new record, or one more attempt of the same one, open or held again). */
  quarantine(delivery: RefusedDelivery): Promise<void>;
}

/** What an operator does with the quarantine. */
export interface QuarantineReader {
  /** The deliveries in that status, most recent attempt first. */
  list(status: QuarantineStatus, limit?: number): Promise<QuarantinedDelivery[]>;
  get(quarantineId: string): Promise<QuarantinedDelivery | undefined>;
  /** Marks it resolved by an accepted re-submit. */
  resolve(quarantineId: string, at: Date, resolution: string): Promise<void>;
}
