/**
 * Deciding a commitment waiting for approval: the approver is the verified caller, never a body
 * field; the rules (authority.ts) judge them; a refused decision is kept like any other, and the
 * commitment keeps waiting. Every decision goes to the audit trail and the bus as
 * `approval.decided`. A decision sent again by the same person is answered as the first time.
 */
import { createHash } from 'node:crypto';
import { buildEvent } from '../../canonical/envelope';
import type { ApprovalDecisionRecord } from '../../canonical/generated/types';
import type { ApprovalAuditTrail, ApprovalBook, RecordedApproval } from '../ports/approvals';
import type { Clock } from '../ports/clock';
import type { EventPublisher } from '../ports/events';
import type { IdSource } from '../ports/ids';
import { judgeDecider, SYSTEM_REQUESTER, type ApproverRoles, type Decider } from './authority';
import { ApprovalClosed, ApprovalNotFound } from './errors';

/** The verified caller deciding, with the token facts the audit trail keeps. */
export interface DecidingCaller extends Decider {
  readonly tokenId: string;
  readonly clientId: string;
}

/** What the person asks for. */
export interface DecisionAsked {
  readonly decision: 'approve' | 'reject';
  readonly reason?: string;
}

/** What deciding needs. */
export interface ApprovalDecisionPorts extends Clock, IdSource, EventPublisher {
  readonly book: ApprovalBook;
  readonly audit: ApprovalAuditTrail;
  readonly roles: ApproverRoles;
  readonly tenantId: string;
}

/** decided: this call's decision took effect; replayed: the same person's decision had already; refused: a rule refused it. */
export type DecisionOutcome =
  | {
      readonly kind: 'decided' | 'replayed';
      readonly record: ApprovalDecisionRecord;
      readonly approval: RecordedApproval;
    }
  | { readonly kind: 'refused'; readonly record: ApprovalDecisionRecord; readonly detail: string };

/**
 * Decides approval `approvalId` as `caller`.
 * @throws ApprovalNotFound; ApprovalClosed (someone else decided, or it expired); whatever the
 * ports throw (a TransientFailure: send the decision again, the replay completes it).
 */
export async function decideApproval(
  approvalId: string,
  asked: DecisionAsked,
  caller: DecidingCaller,
  ports: ApprovalDecisionPorts,
): Promise<DecisionOutcome> {
  const approval = await ports.book.find(approvalId);
  if (!approval) throw new ApprovalNotFound(approvalId);
  if (approval.state === 'decided') return replay(approval, asked, caller, ports);
  if (approval.state === 'expired') throw new ApprovalClosed(approvalId, 'expired');
  if (approval.state === 'withdrawn') throw new ApprovalClosed(approvalId, 'withdrawn');
  const now = ports.now();
  if (now.getTime() > Date.parse(approval.request.expiresAt)) throw new ApprovalClosed(approvalId, 'expired');

  const { request } = approval;
  const requestedBy = request.requestedBy ?? SYSTEM_REQUESTER;
  const judgement = judgeDecider(caller, { totalValue: request.totalValue, requestedBy }, ports.roles);
  const record: ApprovalDecisionRecord = {
    approvalId,
    commitmentId: request.externalRef,
    decision: asked.decision,
    verdict: judgement.allowed ? (asked.decision === 'approve' ? 'approved' : 'rejected') : 'refused',
    rule: judgement.allowed ? null : judgement.rule,
    approver: caller.subject,
    role: judgement.authority?.role ?? null,
    approvalLimit: judgement.authority?.limit ?? null,
    totalValue: request.totalValue,
    currency: request.currency,
    requestedBy,
    reason: asked.reason ?? null,
    decidedAt: now.toISOString(),
    tokenIssuer: caller.issuer,
    tokenId: caller.tokenId,
    clientId: caller.clientId,
  };
  if (!judgement.allowed) {
    await keep(record, ports);
    return { kind: 'refused', record, detail: judgement.detail };
  }
  try {
    await ports.book.recordDecision(record);
  } catch (error) {
    // Two deciders at once: the loser sees the winner's decision, a replay if it was its own.
    if (error instanceof ApprovalClosed && error.reason === 'already-decided') {
      const now = await ports.book.find(approvalId);
      if (now?.state === 'decided') return replay(now, asked, caller, ports);
    }
    throw error;
  }
  await keep(record, ports);
  return { kind: 'decided', record, approval: { ...approval, state: 'decided', decision: record } };
}

/** The same person's same decision again: the recorded one, kept again (idempotently). */
async function replay(
  approval: RecordedApproval,
  asked: DecisionAsked,
  caller: DecidingCaller,
  ports: ApprovalDecisionPorts,
): Promise<DecisionOutcome> {
  const recorded = approval.decision;
  if (!recorded || recorded.approver !== caller.subject || recorded.decision !== asked.decision)
    throw new ApprovalClosed(approval.request.approvalId, 'already-decided');
  // A first attempt may have stopped after the decision took effect: finish keeping it.
  await keep(recorded, ports);
  return { kind: 'replayed', record: recorded, approval };
}

/** Audit trail first (the record of truth), then the bus; both idempotent on the decision. */
async function keep(record: ApprovalDecisionRecord, ports: ApprovalDecisionPorts): Promise<void> {
  await ports.audit.append(record);
  await ports.publish([
    buildEvent(
      'approval.decided',
      record,
      {
        sourceObjectId: record.approvalId,
        sourceVersion: 1,
        occurredAt: new Date(record.decidedAt),
        correlationId: record.commitmentId,
        idempotencyKey: `approval-decided:${record.approvalId}:${deciderKey(record)}`,
        tenantId: ports.tenantId,
      },
      ports,
    ),
  ]);
}

/** One decision's identity, in key characters whatever the subject holds: who, when, what. */
export function deciderKey(record: ApprovalDecisionRecord): string {
  const who = createHash('sha256').update(record.approver).digest('hex').slice(0, 16);
  return `${record.decidedAt.replace(/[^0-9TZ]/g, '')}-${who}-${record.verdict}`;
}

/** The approvals `caller` may decide among `approvals`: their limit covers it, they did not request it. */
export function decidableBy<T extends { totalValue: string; requestedBy?: string }>(
  approvals: readonly T[],
  caller: Decider,
  roles: ApproverRoles,
): T[] {
  return approvals.filter(
    (approval) =>
      judgeDecider(
        caller,
        { totalValue: approval.totalValue, requestedBy: approval.requestedBy ?? SYSTEM_REQUESTER },
        roles,
      ).allowed,
  );
}
