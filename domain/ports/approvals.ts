/**
 * The approvals a commitment waits on, and the audit trail of every decision on them, in
 * business terms (adapters/aws/approvals.ts and adapters/aws/approval-audit.ts implement them).
 */
import type { ApprovalDecisionRecord, ApprovalRequest } from '../../canonical/generated/types';

/** An approval as the book keeps it. */
export interface RecordedApproval {
  readonly request: ApprovalRequest;
  /**
   * waiting: nobody decided yet; decided: the record says who and what; expired: escalated;
   * withdrawn: the requester cancelled the requisition before anyone decided.
   */
  readonly state: 'waiting' | 'decided' | 'expired' | 'withdrawn';
  /** The decision that took effect, once decided. */
  readonly decision?: ApprovalDecisionRecord;
}

/** A page of approvals waiting for a decision, oldest deadline first. */
export interface PendingApprovalsPage {
  readonly approvals: readonly ApprovalRequest[];
  /** Opaque; absent on the last page. */
  readonly nextCursor?: string;
}

/** Where approvals wait and decisions take effect. */
export interface ApprovalBook {
  find(approvalId: string): Promise<RecordedApproval | null>;
  /**
   * Makes `decision` the approval's one decision (a conditional write: of two deciders at once,
   * exactly one wins) and resumes the waiting workflow with it.
   * @throws ApprovalClosed when another decision won, or the approval expired.
   */
  recordDecision(decision: ApprovalDecisionRecord): Promise<void>;
  /** Approvals still waiting and not past their deadline at `now`. */
  pending(page: { now: Date; limit: number; cursor?: string }): Promise<PendingApprovalsPage>;
}

/** Withdrawing an approval nobody needs any more (its requisition was cancelled). */
export interface ApprovalWithdrawal {
  /**
   * Closes the approval as withdrawn if nobody decided it yet, and ends the workflow waiting on it
   * without a decision (no rejection, no escalation). Withdrawing again changes nothing.
   * @returns whether this call withdrew it (false: decided, expired or withdrawn already).
   */
  withdraw(approvalId: string, withdrawal: { by: string; at: string; reason: string }): Promise<boolean>;
}

/** A page of a commitment's decisions, oldest first. */
export interface AuditPage {
  readonly decisions: readonly ApprovalDecisionRecord[];
  readonly nextCursor?: string;
}

/** Decisions kept where nobody can change or delete them (7 years). */
export interface ApprovalAuditTrail {
  /** Appends the decision once: appending the same decision again changes nothing. */
  append(decision: ApprovalDecisionRecord): Promise<void>;
  listFor(commitmentId: string, page: { limit: number; cursor?: string }): Promise<AuditPage>;
}
