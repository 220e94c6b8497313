/** One decision as the audit trail keeps it, for the approval tests. */
import type { ApprovalDecisionRecord } from '../../../canonical/generated/types';

/** A senior approver's approval of a 150,000.00 USD commitment Supplyline requested. */
export function decisionRecord(overrides: Partial<ApprovalDecisionRecord> = {}): ApprovalDecisionRecord {
  return {
    approvalId: 'APR-AAAABBBBCCCCDDDDEEEEFFFFGG',
    commitmentId: 'SL-PO-SR-7-20261127T120000000Z',
    decision: 'approve',
    verdict: 'approved',
    rule: null,
    approver: 'sam',
    role: 'senior-approver',
    approvalLimit: null,
    totalValue: '150000.00',
    currency: 'USD',
    requestedBy: 'system:supplyline',
    reason: null,
    decidedAt: '2026-11-27T12:00:00.000Z',
    tokenIssuer: 'https://idp.example.com',
    tokenId: 'jti-sam',
    clientId: 'approvals-ui',
    ...overrides,
  };
}
