/**
 * Who may decide a commitment waiting for approval (business-rules.md, "Who may approve"): a
 * person the identity provider vouches for, in an approver role whose limit covers the value,
 * who did not request the commitment. Pure: the caller, the commitment and the roles come in.
 */
import { Decimal } from '../decimal';

/** A role's approval limit (decimal string, USD); null: no limit. */
export interface ApproverRole {
  readonly approvalLimitUsd: string | null;
}

/** The approver roles of an environment, by the group name a person's token carries. */
export type ApproverRoles = Readonly<Record<string, ApproverRole>>;

/** The business rules' roles: `approver` up to 100,000.00 USD, `senior-approver` without limit. */
export const DEFAULT_APPROVER_ROLES: ApproverRoles = {
  approver: { approvalLimitUsd: '100000.00' },
  'senior-approver': { approvalLimitUsd: null },
};

/** Who is deciding, as the verified token says. */
export interface Decider {
  /** The token's subject: the accountable person. */
  readonly subject: string;
  readonly issuer: string;
  readonly groups: readonly string[];
  readonly kind: 'person' | 'application';
}

/** The requester of a commitment created by Supplyline itself (a forecast exception's). */
export const SYSTEM_REQUESTER = 'system:supplyline';

/** What the rules need to know of the commitment. */
export interface CommitmentUnderApproval {
  readonly totalValue: string;
  /** Who asked for the commitment; {@link SYSTEM_REQUESTER} when nobody did. */
  readonly requestedBy: string;
}

/** The rule that refused a decision (also the problem type the API answers with). */
export type ApprovalRule = 'person-required' | 'approver-role' | 'separation-of-duties' | 'approval-limit';

/** The strongest of a person's approver roles: the one with the highest limit (no limit beats any). */
export interface Authority {
  readonly role: string;
  /** Decimal string, USD; null: no limit. */
  readonly limit: string | null;
}

/** The verdict of the rules on one decider and one commitment. */
export type Judgement =
  | { readonly allowed: true; readonly authority: Authority }
  | {
      readonly allowed: false;
      readonly rule: ApprovalRule;
      readonly detail: string;
      /** The decider's strongest role, when they have one. */
      readonly authority: Authority | null;
    };

/** The decider's strongest approver role among their groups; null when they have none. */
export function authorityOf(groups: readonly string[], roles: ApproverRoles): Authority | null {
  let best: Authority | null = null;
  for (const group of groups) {
    const role = Object.hasOwn(roles, group) ? roles[group] : undefined;
    if (!role) continue;
    const candidate = { role: group, limit: role.approvalLimitUsd };
    if (!best || covers(candidate.limit, best.limit ?? undefined)) best = candidate;
  }
  return best;
}

/** Whether `limit` covers `value` (null: no limit). Equal to the limit is covered. */
function covers(limit: string | null, value: string | undefined): boolean {
  if (limit === null) return true;
  if (value === undefined) return false;
  return Decimal.of(value).lte(limit);
}

/**
 * Whether `decider` may decide `commitment`, approve or reject alike: a rejection is a decision on
 * the commitment too, so it needs the same authority. The first rule broken is named.
 */
export function judgeDecider(
  decider: Decider,
  commitment: CommitmentUnderApproval,
  roles: ApproverRoles,
): Judgement {
  const authority = authorityOf(decider.groups, roles);
  if (decider.kind !== 'person') {
    return {
      allowed: false,
      rule: 'person-required',
      detail: 'Only a person may decide an approval; an application token cannot.',
      authority,
    };
  }
  if (!authority) {
    return {
      allowed: false,
      rule: 'approver-role',
      detail: `${decider.subject} has no approver role (${Object.keys(roles).join(', ')}).`,
      authority,
    };
  }
  if (decider.subject === commitment.requestedBy) {
    return {
      allowed: false,
      rule: 'separation-of-duties',
      detail: `${decider.subject} requested this commitment and cannot decide it.`,
      authority,
    };
  }
  if (!covers(authority.limit, commitment.totalValue)) {
    return {
      allowed: false,
      rule: 'approval-limit',
      detail:
        `${commitment.totalValue} USD is above the ${authority.role} limit of ${authority.limit} USD; ` +
        'the commitment keeps waiting for an approver whose limit covers it.',
      authority,
    };
  }
  return { allowed: true, authority };
}
