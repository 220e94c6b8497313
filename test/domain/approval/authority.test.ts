import { describe, expect, it } from 'vitest';
import {
  authorityOf,
  DEFAULT_APPROVER_ROLES,
  judgeDecider,
  SYSTEM_REQUESTER,
  type Decider,
} from '../../../domain/approval/authority';
import { newApprovalId } from '../../../domain/approval/ids';

const person = (subject: string, groups: string[]): Decider => ({
  subject,
  issuer: 'https://idp.example.com',
  groups,
  kind: 'person',
});
const commitment = (totalValue: string, requestedBy = SYSTEM_REQUESTER) => ({ totalValue, requestedBy });

describe('who may decide a commitment (business-rules.md, "Who may approve")', () => {
  it('an approver decides up to their limit, exactly the limit included', () => {
    const dana = person('dana', ['approver']);
    expect(judgeDecider(dana, commitment('100000.00'), DEFAULT_APPROVER_ROLES)).toEqual({
      allowed: true,
      authority: { role: 'approver', limit: '100000.00' },
    });
  });

  it('above their limit an approver is refused (approval-limit); a senior approver has no limit', () => {
    const refused = judgeDecider(
      person('dana', ['approver']),
      commitment('100000.01'),
      DEFAULT_APPROVER_ROLES,
    );
    expect(refused).toMatchObject({ allowed: false, rule: 'approval-limit' });
    const senior = judgeDecider(
      person('sam', ['senior-approver']),
      commitment('9999999.99'),
      DEFAULT_APPROVER_ROLES,
    );
    expect(senior).toEqual({ allowed: true, authority: { role: 'senior-approver', limit: null } });
  });

  it("a person's strongest role counts, whatever the order of their groups", () => {
    expect(authorityOf(['senior-approver', 'approver', 'buyers'], DEFAULT_APPROVER_ROLES)).toEqual({
      role: 'senior-approver',
      limit: null,
    });
    const roles = {
      approver: { approvalLimitUsd: '100000.00' },
      director: { approvalLimitUsd: '500000.00' },
    };
    expect(authorityOf(['approver', 'director'], roles)).toEqual({ role: 'director', limit: '500000.00' });
    expect(authorityOf(['director', 'approver'], roles)).toEqual({ role: 'director', limit: '500000.00' });
    // Group names that merely exist on every object are not roles.
    expect(authorityOf(['constructor', 'toString'], roles)).toBeNull();
  });

  it('the requester of a commitment cannot decide it, whatever their role (separation-of-duties)', () => {
    const judged = judgeDecider(
      person('ria', ['senior-approver']),
      commitment('30000.00', 'ria'),
      DEFAULT_APPROVER_ROLES,
    );
    expect(judged).toMatchObject({ allowed: false, rule: 'separation-of-duties' });
  });

  it('nobody without an approver role, and no application, decides', () => {
    expect(
      judgeDecider(person('bo', ['buyers']), commitment('30000.00'), DEFAULT_APPROVER_ROLES),
    ).toMatchObject({
      allowed: false,
      rule: 'approver-role',
    });
    const wms = { ...person('wms-client', ['senior-approver']), kind: 'application' as const };
    expect(judgeDecider(wms, commitment('30000.00'), DEFAULT_APPROVER_ROLES)).toMatchObject({
      allowed: false,
      rule: 'person-required',
    });
  });
});

describe('approval ids', () => {
  it('are APR- and 128 random bits in base32', () => {
    const ids = Array.from({ length: 200 }, () => newApprovalId());
    for (const id of ids) {
      expect(id).toMatch(/^APR-[A-Z2-7]{26}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(newApprovalId(() => new Uint8Array(16).fill(0xff))).toBe('APR-77777777777777777777777774');
  });
});
