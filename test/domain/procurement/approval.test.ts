import { describe, expect, it } from 'vitest';
import {
  acknowledgementDeadline,
  approvalDeadline,
  approvalRequired,
  commitmentValue,
  defineProcurementPolicy,
  isPastDeadline,
} from '../../../domain/procurement';

describe('approval', () => {
  it.each([
    ['exactly 25,000.00 does not need approval', '25000.00', false],
    ['25,000.01 needs approval', '25000.01', true],
    ['24,999.99 does not need approval', '24999.99', false],
    ['0 does not need approval', '0', false],
    ['a value with more decimals just above the limit needs approval', '25000.000001', true],
  ] as const)('%s', (_name, value, expected) => {
    expect(approvalRequired(value)).toBe(expected);
  });

  it('judges an amended commitment on its whole amended value', () => {
    // amended from 4,800 to 8,065 eaches at 3.10: the whole 25,001.50 counts, not the 10,121.50 added
    expect(approvalRequired(commitmentValue(8065, '3.10'))).toBe(true);
    expect(approvalRequired(commitmentValue(8064, '3.10'))).toBe(false);
  });

  it('takes the limit from the policy', () => {
    const policy = defineProcurementPolicy({ approvalLimit: '10000' });
    expect(approvalRequired('10000.01', policy.approvalLimit)).toBe(true);
    expect(approvalRequired('10000.00', policy.approvalLimit)).toBe(false);
  });
});

describe('deadlines', () => {
  it('escalates an approval unanswered for 24 h', () => {
    expect(approvalDeadline('2026-11-27T08:15:03.120+01:00')).toBe('2026-11-28T07:15:03.120Z');
  });

  it('expects an acknowledgement within 48 h of posting', () => {
    expect(acknowledgementDeadline(new Date('2026-11-27T08:00:00Z'))).toBe('2026-11-29T08:00:00.000Z');
  });

  it('takes the hours from the policy', () => {
    const policy = defineProcurementPolicy({ approvalTimeoutHours: 4, acknowledgementTimeoutHours: 72 });
    expect(approvalDeadline('2026-11-27T08:00:00Z', policy)).toBe('2026-11-27T12:00:00.000Z');
    expect(acknowledgementDeadline('2026-11-27T08:00:00Z', policy)).toBe('2026-11-30T08:00:00.000Z');
  });

  it.each([
    ['an answer exactly at the deadline is in time', '2026-11-28T08:00:00.000Z', false],
    ['an answer a millisecond later is late', '2026-11-28T08:00:00.001Z', true],
    ['an answer before is in time', '2026-11-28T07:59:59Z', false],
  ] as const)('%s', (_name, now, past) => {
    expect(isPastDeadline('2026-11-28T08:00:00.000Z', now)).toBe(past);
  });

  it('refuses a timestamp it cannot read', () => {
    expect(() => approvalDeadline('tomorrow')).toThrow(RangeError);
  });
});
