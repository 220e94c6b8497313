/**
 * The sync ledger: per business object, the latest state each system confirmed and the changes in
 * flight between systems, from which sync lag is measured (adapters/aws/sync-ledger.ts).
 */
import type { CanonicalEvent } from '../../canonical/envelope';
import type { SyncSystem, SystemName } from '../sync-lag';

/** A business object the ledger tracks, e.g. `PurchaseOrder` `SL-PO-SR-1`. */
export interface LedgerRef {
  objectType: string;
  objectId: string;
}

/** A change made in one system, in flight towards another, from `sourceEventAt` on. */
export interface SourceChange {
  from: SyncSystem;
  to: SyncSystem;
  version: number;
  sourceEventAt: string;
  correlationId: string;
}

/** The target system confirmed a change. */
export interface ChangeConfirmation {
  from: SyncSystem;
  to: SyncSystem;
  version: number;
  confirmedAt: string;
}

/** The object's state as one system confirmed it. */
export interface ConfirmedState {
  system: SystemName;
  reference: string | null;
  state: string | null;
  version: number | null;
  confirmedAt: string;
}

/** What the business rules record in the sync ledger. */
export interface LedgerPort {
  /** A source system changed the object: the change is now in flight towards `to`. */
  recordSourceChange(ref: LedgerRef, change: SourceChange): Promise<void>;
  /** `to` confirmed the change; resolves with the sync lag in seconds when it closes one. */
  recordConfirmation(ref: LedgerRef, change: ChangeConfirmation): Promise<number | undefined>;
  /** The object's state as one system confirmed it. */
  recordState(ref: LedgerRef, state: ConfirmedState): Promise<void>;
  /** The canonical event announced about the object. */
  recordEvent(ref: LedgerRef, event: CanonicalEvent): Promise<void>;
}
