import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type { ApprovalDecisionRecord, ApprovalRequest } from '../../../canonical/generated/types';
import { validateApprovalDecidedV1 } from '../../../canonical/generated/validators';
import { DEFAULT_APPROVER_ROLES } from '../../../domain/approval/authority';
import {
  decidableBy,
  decideApproval,
  type ApprovalDecisionPorts,
  type DecidingCaller,
} from '../../../domain/approval/decision';
import { ApprovalClosed, ApprovalNotFound } from '../../../domain/approval/errors';
import type { ApprovalBook, RecordedApproval } from '../../../domain/ports/approvals';
import { decisionRecord } from './fixtures';

const caller = (subject: string, groups: string[]): DecidingCaller => ({
  subject,
  issuer: 'https://idp.example.com',
  groups,
  kind: 'person',
  tokenId: `jti-${subject}`,
  clientId: 'approvals-ui',
});
const dana = caller('dana', ['approver']);
const sam = caller('sam', ['senior-approver']);

function waiting(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    approvalId: 'APR-AAAABBBBCCCCDDDDEEEEFFFFGG',
    externalRef: 'SL-PO-SR-1-20261127T120000000Z',
    supplierNumber: 'S-100',
    site: 'DAL',
    totalValue: '150000.00',
    currency: 'USD',
    limit: '25000.00',
    expiresAt: '2026-11-28T12:00:00.000Z',
    requestedBy: 'system:supplyline',
    ...overrides,
  };
}

/** An approval book in memory with the store's one-decision rule. */
function world(request = waiting()) {
  const approvals = new Map<string, RecordedApproval>([[request.approvalId, { request, state: 'waiting' }]]);
  const audit: ApprovalDecisionRecord[] = [];
  const events: CanonicalEvent[] = [];
  const resumed: ApprovalDecisionRecord[] = [];
  let clock = new Date('2026-11-27T12:00:00.000Z');
  const book: ApprovalBook = {
    find: async (id) => approvals.get(id) ?? null,
    recordDecision: async (decision) => {
      const found = approvals.get(decision.approvalId);
      if (!found || found.state !== 'waiting')
        throw new ApprovalClosed(decision.approvalId, 'already-decided');
      approvals.set(decision.approvalId, { ...found, state: 'decided', decision });
      resumed.push(decision);
    },
    pending: async () => ({ approvals: [] }),
  };
  const ports: ApprovalDecisionPorts = {
    book,
    audit: {
      append: async (record) => {
        if (!audit.some((kept) => JSON.stringify(kept) === JSON.stringify(record))) audit.push(record);
      },
      listFor: async () => ({ decisions: audit }),
    },
    roles: DEFAULT_APPROVER_ROLES,
    tenantId: 'acme',
    now: () => clock,
    newId: () => randomUUID(),
    publish: async (published) => void events.push(...published),
  };
  return { ports, audit, events, resumed, approvals, setClock: (at: string) => (clock = new Date(at)) };
}

const ID = waiting().approvalId;

describe('deciding an approval', () => {
  it('an approver above their limit is refused and recorded; the commitment keeps waiting; a senior approver completes it', async () => {
    const { ports, audit, events, resumed, approvals } = world();
    const refused = await decideApproval(ID, { decision: 'approve' }, dana, ports);
    expect(refused).toMatchObject({
      kind: 'refused',
      record: { verdict: 'refused', rule: 'approval-limit' },
    });
    expect(resumed).toEqual([]);
    expect(approvals.get(ID)?.state).toBe('waiting');

    const decided = await decideApproval(ID, { decision: 'approve' }, sam, ports);
    expect(decided.kind).toBe('decided');
    expect(resumed).toHaveLength(1);
    expect(audit.map((record) => [record.approver, record.role, record.verdict, record.rule])).toEqual([
      ['dana', 'approver', 'refused', 'approval-limit'],
      ['sam', 'senior-approver', 'approved', null],
    ]);
    expect(audit[1]).toEqual(
      decisionRecord({ approvalId: ID, commitmentId: 'SL-PO-SR-1-20261127T120000000Z' }),
    );
    // Each decision is on the bus as approval.decided, valid against its contract.
    expect(events.map((event) => event.eventType)).toEqual(['approval.decided', 'approval.decided']);
    for (const event of events) expect(validateApprovalDecidedV1(event)).toMatchObject({ ok: true });
  });

  it('the requester of a commitment cannot approve it', async () => {
    const { ports, resumed } = world(waiting({ requestedBy: 'sam' }));
    const outcome = await decideApproval(ID, { decision: 'approve' }, sam, ports);
    expect(outcome).toMatchObject({ kind: 'refused', record: { rule: 'separation-of-duties' } });
    expect(resumed).toEqual([]);
  });

  it('a decision replayed by the same person answers as the first time and keeps nothing twice', async () => {
    const { ports, audit, resumed, setClock } = world();
    const first = await decideApproval(ID, { decision: 'reject', reason: 'over budget' }, sam, ports);
    setClock('2026-11-27T12:05:00.000Z');
    const again = await decideApproval(ID, { decision: 'reject', reason: 'over budget' }, sam, ports);
    expect(again).toMatchObject({ kind: 'replayed', record: first.record });
    expect(resumed).toHaveLength(1);
    expect(audit).toHaveLength(1);
    // Someone else, or another decision, is a conflict.
    await expect(decideApproval(ID, { decision: 'approve' }, sam, ports)).rejects.toBeInstanceOf(
      ApprovalClosed,
    );
    await expect(
      decideApproval(ID, { decision: 'reject', reason: 'x' }, caller('eve', ['senior-approver']), ports),
    ).rejects.toBeInstanceOf(ApprovalClosed);
  });

  it('two approvers at once: exactly one decision takes effect', async () => {
    const { ports, resumed, audit } = world();
    const outcomes = await Promise.allSettled([
      decideApproval(ID, { decision: 'approve' }, sam, ports),
      decideApproval(ID, { decision: 'reject', reason: 'no' }, caller('eve', ['senior-approver']), ports),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(resumed).toHaveLength(1);
    expect(audit.filter((record) => record.verdict !== 'refused')).toHaveLength(1);
  });

  it('past its deadline (by the clock) an approval is closed; exactly at it, still open', async () => {
    const late = world();
    late.setClock('2026-11-28T12:00:00.001Z');
    await expect(decideApproval(ID, { decision: 'approve' }, sam, late.ports)).rejects.toMatchObject({
      reason: 'expired',
    });
    const onTime = world();
    onTime.setClock('2026-11-28T12:00:00.000Z');
    await expect(decideApproval(ID, { decision: 'approve' }, sam, onTime.ports)).resolves.toMatchObject({
      kind: 'decided',
    });
    await expect(
      decideApproval('APR-NONE', { decision: 'approve' }, sam, onTime.ports),
    ).rejects.toBeInstanceOf(ApprovalNotFound);
  });

  it('lists as decidable only what the caller may decide', () => {
    const approvals = [
      waiting({ approvalId: 'APR-SMALL', totalValue: '30000.00' }),
      waiting({ approvalId: 'APR-LARGE', totalValue: '250000.00' }),
      waiting({ approvalId: 'APR-OWN', totalValue: '30000.00', requestedBy: 'dana' }),
    ];
    expect(decidableBy(approvals, dana, DEFAULT_APPROVER_ROLES).map((a) => a.approvalId)).toEqual([
      'APR-SMALL',
    ]);
    expect(decidableBy(approvals, sam, DEFAULT_APPROVER_ROLES).map((a) => a.approvalId)).toEqual([
      'APR-SMALL',
      'APR-LARGE',
      'APR-OWN',
    ]);
  });
});
