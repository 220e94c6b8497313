/** What to do on the procurement platform for a forecast exception: create, amend, cancel or nothing. */
import { Decimal } from '../decimal';
import {
  evaluateException,
  type ExceptionContext,
  type ExceptionDecision,
  type RecordOnlyReason,
} from './exception-policy';
import type { ForecastException } from './types';

/** Why no sourcing request is touched. */
export type NoActionReason =
  | 'STALE'
  | 'DUPLICATE'
  | RecordOnlyReason
  /** Acting, but the need is 0 and there is no open request to cancel. */
  | 'NO_NEED'
  /** The open request already has the quantity and need-by the rules ask for. */
  | 'UNCHANGED';

/** The sourcing request change to make (quantities in eaches; need-by is the bucket start). */
export type SourcingAction =
  | { kind: 'none'; reason: NoActionReason }
  | { kind: 'create'; quantityEa: Decimal; needBy: string }
  | {
      kind: 'amend';
      requestId: string;
      fromQuantityEa: Decimal;
      toQuantityEa: Decimal;
      needBy: string;
      /** The request's need-by before the amendment, so a compensation can restore it. */
      previousNeedBy: string;
    }
  | { kind: 'cancel'; requestId: string };

/**
 * The sourcing action for an already evaluated exception: an open request for the same item, site
 * and bucket is amended to the order quantity (cancelled when that is 0) instead of creating a
 * second one; otherwise a request is created when the order quantity is above 0.
 */
export function sourcingActionFor(
  decision: ExceptionDecision,
  exception: Pick<ForecastException, 'bucket'>,
): SourcingAction {
  if (decision.outcome === 'stale' || decision.outcome === 'duplicate') {
    return { kind: 'none', reason: decision.outcome === 'stale' ? 'STALE' : 'DUPLICATE' };
  }
  if (decision.outcome === 'record') return { kind: 'none', reason: decision.reason };

  const { need, openRequest } = decision.assessment;
  const quantityEa = need.orderQuantityEa;
  const needBy = exception.bucket.start;
  if (openRequest === undefined) {
    return quantityEa.isPositive()
      ? { kind: 'create', quantityEa, needBy }
      : { kind: 'none', reason: 'NO_NEED' };
  }
  if (quantityEa.isZero()) return { kind: 'cancel', requestId: openRequest.requestId };
  if (quantityEa.eq(openRequest.quantityEa) && openRequest.needBy === needBy) {
    return { kind: 'none', reason: 'UNCHANGED' };
  }
  return {
    kind: 'amend',
    requestId: openRequest.requestId,
    fromQuantityEa: Decimal.of(openRequest.quantityEa),
    toQuantityEa: quantityEa,
    needBy,
    previousNeedBy: openRequest.needBy,
  };
}

/** {@link evaluateException} then {@link sourcingActionFor}: the sourcing action for an exception. */
export function decideSourcingAction(
  exception: ForecastException,
  context: ExceptionContext,
): SourcingAction {
  return sourcingActionFor(evaluateException(exception, context), exception);
}
