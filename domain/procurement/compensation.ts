/**
 * Undoing a sourcing change after a business rejection, a denied approval or an approval time-out:
 * a request created for the exception is cancelled, an amended one goes back to what it was.
 */
import type { Decimal } from '../decimal';

/** A sourcing change that was made on the procurement platform. */
export type AppliedSourcingChange =
  | { kind: 'none' }
  | { kind: 'create'; requestId: string }
  | {
      kind: 'amend';
      requestId: string;
      fromQuantityEa: Decimal;
      toQuantityEa: Decimal;
      needBy: string;
      previousNeedBy: string;
    }
  | { kind: 'cancel'; requestId: string };

/** What to do on the procurement platform to undo it. */
export type Compensation =
  | { kind: 'none'; reason: 'NOTHING_CHANGED' | 'CANCELLATION_IS_FINAL' }
  | { kind: 'cancel'; requestId: string }
  | { kind: 'amend'; requestId: string; toQuantityEa: Decimal; needBy: string };

/**
 * The compensation for a sourcing change: cancel a created request; put an amended one back to its
 * previous quantity (and need-by). A cancellation cannot be undone on the platform and posts no
 * commitment, so there is nothing to compensate.
 */
export function compensationFor(change: AppliedSourcingChange): Compensation {
  switch (change.kind) {
    case 'none':
      return { kind: 'none', reason: 'NOTHING_CHANGED' };
    case 'create':
      return { kind: 'cancel', requestId: change.requestId };
    case 'amend':
      return {
        kind: 'amend',
        requestId: change.requestId,
        toQuantityEa: change.fromQuantityEa,
        needBy: change.previousNeedBy,
      };
    case 'cancel':
      return { kind: 'none', reason: 'CANCELLATION_IS_FINAL' };
  }
}
