import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROCUREMENT_POLICY,
  defineProcurementPolicy,
  monthlyBudgetFor,
  severityAtLeast,
  type ProcurementPolicyOverrides,
} from '../../../domain/procurement';

describe('procurement policy', () => {
  it('defaults to the business rules', () => {
    const p = DEFAULT_PROCUREMENT_POLICY;
    expect(JSON.parse(JSON.stringify(p))).toEqual({
      upliftThresholds: {
        A: { minUplift: '0.1', minSeverity: 'high' },
        B: { minUplift: '0.2', minSeverity: 'high' },
        C: { minUplift: '0.35', minSeverity: 'critical' },
      },
      monthlyBudgetPerWarehouse: '250000',
      monthlyBudgetByWarehouse: {},
      supportedCurrencies: ['USD'],
      approvalLimit: '25000',
      approvalTimeoutHours: 24,
      acknowledgementTimeoutHours: 48,
    });
  });

  it('cannot be changed in place', () => {
    expect(Object.isFrozen(DEFAULT_PROCUREMENT_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PROCUREMENT_POLICY.upliftThresholds.A)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PROCUREMENT_POLICY.supportedCurrencies)).toBe(true);
  });

  it('applies an environment overrides given as decimal strings, keeping the rest', () => {
    const p = defineProcurementPolicy({
      upliftThresholds: { B: { minUplift: '0.15' } },
      monthlyBudgetPerWarehouse: '100000.00',
      monthlyBudgetByWarehouse: { WH2: '500000' },
    });
    expect(p.upliftThresholds.B.minUplift.toString()).toBe('0.15');
    expect(p.upliftThresholds.B.minSeverity).toBe('high');
    expect(p.upliftThresholds.A).toEqual(DEFAULT_PROCUREMENT_POLICY.upliftThresholds.A);
    expect(monthlyBudgetFor('WH', p).toString()).toBe('100000');
    expect(monthlyBudgetFor('WH2', p).toString()).toBe('500000');
    expect(monthlyBudgetFor('WH').toMoneyString()).toBe('250000.00');
    expect(p.approvalLimit).toEqual(DEFAULT_PROCUREMENT_POLICY.approvalLimit);
  });

  it.each([
    ['a negative threshold', { upliftThresholds: { A: { minUplift: '-0.1' } } }],
    ['an unknown severity', { upliftThresholds: { A: { minSeverity: 'urgent' as 'high' } } }],
    ['a negative budget', { monthlyBudgetPerWarehouse: '-1' }],
    ['a negative warehouse budget', { monthlyBudgetByWarehouse: { WH: '-1' } }],
    ['a malformed amount', { approvalLimit: '25,000' }],
    ['a currency that is not ISO 4217', { supportedCurrencies: ['usd'] }],
    ['a zero timeout', { approvalTimeoutHours: 0 }],
    ['a non-finite timeout', { acknowledgementTimeoutHours: Infinity }],
  ] as [string, ProcurementPolicyOverrides][])('refuses %s', (_name, overrides) => {
    expect(() => defineProcurementPolicy(overrides)).toThrow(RangeError);
  });

  it.each([
    ['critical', 'high', true],
    ['high', 'high', true],
    ['medium', 'high', false],
    ['low', 'low', true],
    ['high', 'critical', false],
  ] as const)('severity %s is at least %s: %s', (severity, minimum, expected) => {
    expect(severityAtLeast(severity, minimum)).toBe(expected);
  });
});
