/** Approvals and acknowledgement deadlines (business-rules.md, "Approvals and confirmations"). */
import { Decimal, type DecimalLike } from '../decimal';
import { addHours } from './dates';
import { DEFAULT_PROCUREMENT_POLICY, type ProcurementPolicy } from './policy';

/**
 * Whether a commitment needs a person's approval: its total value (after an amendment, the whole
 * amended value) is above the limit. Exactly the limit does not.
 */
export function approvalRequired(
  totalValue: DecimalLike,
  limit: DecimalLike = DEFAULT_PROCUREMENT_POLICY.approvalLimit,
): boolean {
  return Decimal.of(totalValue).gt(limit);
}

/** When an approval asked for at `requestedAt` escalates if unanswered (ISO-8601 UTC). */
export function approvalDeadline(
  requestedAt: Date | string,
  policy: ProcurementPolicy = DEFAULT_PROCUREMENT_POLICY,
): string {
  return addHours(requestedAt, policy.approvalTimeoutHours);
}

/** When a purchase order posted at `postedAt` must have been acknowledged by the supplier (ISO-8601 UTC). */
export function acknowledgementDeadline(
  postedAt: Date | string,
  policy: ProcurementPolicy = DEFAULT_PROCUREMENT_POLICY,
): string {
  return addHours(postedAt, policy.acknowledgementTimeoutHours);
}
