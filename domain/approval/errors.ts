/** Why an approval cannot be decided. */

/** No approval is waiting under that id. */
export class ApprovalNotFound extends Error {
  override readonly name = 'ApprovalNotFound';
  constructor(readonly approvalId: string) {
    super(`No approval ${approvalId} is waiting for a decision.`);
  }
}

/** The approval can no longer be decided: it was decided already, or it expired. */
export class ApprovalClosed extends Error {
  override readonly name = 'ApprovalClosed';
  constructor(
    readonly approvalId: string,
    readonly reason: 'already-decided' | 'expired' | 'withdrawn',
  ) {
    super(
      reason === 'expired'
        ? `Approval ${approvalId} expired; the commitment was escalated without this decision.`
        : reason === 'withdrawn'
          ? `Approval ${approvalId} was withdrawn: its requisition was cancelled.`
          : `Approval ${approvalId} was already decided.`,
    );
  }
}
