import { describe, expect, it } from 'vitest';
import { ContractViolation, classifyFailure } from '../../../domain/failures';
import {
  budgetMonthOf,
  checkErpPolicies,
  committedValueThisMonth,
  commitmentValue,
  defineProcurementPolicy,
  evaluateErpPolicies,
  toBusinessRejection,
  type ErpPolicyFacts,
  type ErpPolicyResult,
  type ErpPurchaseSnapshot,
} from '../../../domain/procurement';

/** 1,000 eaches at 3.10 USD = 3,100.00 against WH with 200,000.00 committed. */
function facts(overrides: Partial<ErpPolicyFacts> = {}): ErpPolicyFacts {
  return {
    item: {
      itemCode: 'SKU-10442',
      exists: true,
      variantActive: true,
      templateActive: true,
      purchasable: true,
    },
    site: 'DC-EAST-02',
    warehouse: { code: 'WH', active: true },
    supplier: { supplierNumber: 'S-1001', procurementStatus: 'approved', knownToErp: true },
    currency: 'USD',
    quantityEa: 1000,
    unitPrice: '3.10',
    purchaseDate: '2026-12-01',
    budget: { committedThisMonth: '200000.00' },
    ...overrides,
  };
}

const code = (result: ErpPolicyResult) => (result.ok ? 'ok' : result.violation.code);

describe('ERP policy checks', () => {
  it('passes a commitment that meets every policy', () => {
    expect(checkErpPolicies(facts())).toEqual({ ok: true });
  });

  it.each([
    ['ITEM_UNKNOWN', { item: { itemCode: 'SKU-10442', exists: false } }],
    [
      'ITEM_INACTIVE',
      {
        item: {
          itemCode: 'SKU-10442',
          exists: true,
          variantActive: false,
          templateActive: true,
          purchasable: true,
        },
      },
    ],
    [
      'ITEM_INACTIVE',
      {
        item: {
          itemCode: 'SKU-10442',
          exists: true,
          variantActive: true,
          templateActive: false,
          purchasable: true,
        },
      },
    ],
    [
      'ITEM_NOT_PURCHASABLE',
      {
        item: {
          itemCode: 'SKU-10442',
          exists: true,
          variantActive: true,
          templateActive: true,
          purchasable: false,
        },
      },
    ],
    ['SITE_UNMAPPED', { warehouse: null }],
    ['WAREHOUSE_UNKNOWN', { warehouse: { code: 'WH9', active: false, exists: false } }],
    ['WAREHOUSE_INACTIVE', { warehouse: { code: 'WH', active: false } }],
    [
      'SUPPLIER_NOT_APPROVED',
      { supplier: { supplierNumber: 'S-1001', procurementStatus: 'pending', knownToErp: true } },
    ],
    [
      'SUPPLIER_NOT_APPROVED',
      { supplier: { supplierNumber: 'S-1001', procurementStatus: 'on_hold', knownToErp: true } },
    ],
    [
      'SUPPLIER_NOT_APPROVED',
      { supplier: { supplierNumber: 'S-1001', procurementStatus: 'blocked', knownToErp: true } },
    ],
    [
      'SUPPLIER_UNKNOWN_TO_ERP',
      { supplier: { supplierNumber: 'S-1001', procurementStatus: 'approved', knownToErp: false } },
    ],
    ['CURRENCY_UNSUPPORTED', { currency: 'EUR' }],
    ['BUDGET_EXCEEDED', { budget: { committedThisMonth: '247000.00' } }],
  ] as const satisfies readonly (readonly [string, Partial<ErpPolicyFacts>])[])(
    'refuses with %s',
    (expected, overrides) => {
      expect(code(checkErpPolicies(facts(overrides)))).toBe(expected);
    },
  );

  // Each row breaks its check and every later one: the first in the rules' order must win.
  const broken: [string, Partial<ErpPolicyFacts>][] = [
    ['BUDGET_EXCEEDED', { budget: { committedThisMonth: '249999.99' } }],
    ['CURRENCY_UNSUPPORTED', { currency: 'EUR' }],
    [
      'SUPPLIER_UNKNOWN_TO_ERP',
      { supplier: { supplierNumber: 'S-9', procurementStatus: 'approved', knownToErp: false } },
    ],
    [
      'SUPPLIER_NOT_APPROVED',
      { supplier: { supplierNumber: 'S-9', procurementStatus: 'blocked', knownToErp: false } },
    ],
    ['WAREHOUSE_INACTIVE', { warehouse: { code: 'WH', active: false } }],
    ['WAREHOUSE_UNKNOWN', { warehouse: { code: 'WH', active: false, exists: false } }],
    ['SITE_UNMAPPED', { warehouse: null }],
    [
      'ITEM_NOT_PURCHASABLE',
      {
        item: { itemCode: 'X', exists: true, variantActive: true, templateActive: true, purchasable: false },
      },
    ],
    [
      'ITEM_INACTIVE',
      {
        item: {
          itemCode: 'X',
          exists: true,
          variantActive: false,
          templateActive: false,
          purchasable: false,
        },
      },
    ],
    ['ITEM_UNKNOWN', { item: { itemCode: 'X', exists: false } }],
  ];
  it.each(broken.map((row, i) => [row[0], Object.assign({}, ...broken.slice(0, i + 1).map((r) => r[1]))]))(
    'reports %s first when it and every later check fail',
    (expected, overrides) => {
      expect(code(checkErpPolicies(facts(overrides as Partial<ErpPolicyFacts>)))).toBe(expected);
    },
  );

  it('judges every check on its own facts, in the rules’ order, even after one failed', () => {
    const verdicts = evaluateErpPolicies(
      facts({
        warehouse: { code: 'WH', active: false },
        currency: 'EUR',
        budget: { committedThisMonth: '249999.99' },
      }),
    );
    expect(verdicts.map((v) => [v.check, v.verdict])).toEqual([
      ['item', 'pass'],
      ['warehouse', 'fail'],
      ['supplier-status', 'pass'],
      ['supplier-in-erp', 'pass'],
      ['currency', 'fail'],
      ['budget', 'fail'],
    ]);
    expect(verdicts[1]).toMatchObject({
      facts: { site: 'DC-EAST-02', warehouseCode: 'WH', warehouseExists: true, warehouseActive: false },
    });
  });

  it('never passes a commitment whose budget could not be judged', () => {
    // The warehouse passes, yet nothing says what it committed: that is no verdict to post on.
    expect(() => checkErpPolicies(facts({ budget: null }))).toThrow(ContractViolation);
    expect(evaluateErpPolicies(facts({ budget: null }))[5]).toMatchObject({
      check: 'budget',
      verdict: 'not-evaluated',
    });
  });

  it('passes a budget reached exactly (3,100.00 + 246,900.00 = 250,000.00)', () => {
    expect(checkErpPolicies(facts({ budget: { committedThisMonth: '246900.00' } }))).toEqual({ ok: true });
  });

  it('refuses a budget exceeded by one cent, saying by how much', () => {
    const result = checkErpPolicies(facts({ budget: { committedThisMonth: '246900.01' } }));
    expect(result).toMatchObject({
      ok: false,
      violation: {
        code: 'BUDGET_EXCEEDED',
        system: 'erp',
        details: {
          warehouse: 'WH',
          month: '2026-12',
          commitmentValue: '3100',
          committedThisMonth: '246900.01',
          monthlyBudget: '250000',
          exceededBy: '0.01',
        },
      },
    });
  });

  it('uses the warehouse budget from the facts, then from the policy, then the default', () => {
    const policy = defineProcurementPolicy({ monthlyBudgetByWarehouse: { WH: '203100.00' } });
    expect(code(checkErpPolicies(facts(), policy))).toBe('ok');
    expect(
      code(checkErpPolicies(facts({ budget: { committedThisMonth: '200000', monthlyBudget: '203099.99' } }))),
    ).toBe('BUDGET_EXCEEDED');
    const tighter = defineProcurementPolicy({ monthlyBudgetByWarehouse: { WH: '203099.99' } });
    expect(code(checkErpPolicies(facts(), tighter))).toBe('BUDGET_EXCEEDED');
  });

  it('accepts other currencies once configured', () => {
    const policy = defineProcurementPolicy({ supportedCurrencies: ['USD', 'EUR'] });
    expect(code(checkErpPolicies(facts({ currency: 'EUR' }), policy))).toBe('ok');
  });

  it('names procurement as the system that refused an unapproved supplier', () => {
    const result = checkErpPolicies(
      facts({ supplier: { supplierNumber: 'S-1', procurementStatus: 'on_hold', knownToErp: true } }),
    );
    expect(result.ok === false && result.violation.system).toBe('procurement');
  });

  it('turns a violation into a business rejection (no retry)', () => {
    const result = checkErpPolicies(facts({ warehouse: null }));
    if (result.ok) throw new Error('expected a violation');
    const rejection = toBusinessRejection(result.violation);
    expect(classifyFailure(rejection)).toBe('business');
    expect(rejection.code).toBe('SITE_UNMAPPED');
    expect(rejection.details).toEqual({ site: 'DC-EAST-02' });
  });
});

describe('budget figures', () => {
  it('values a commitment exactly as quantity × unit price', () => {
    expect(commitmentValue(480, '3.10').toMoneyString()).toBe('1488.00');
    expect(commitmentValue('3', '0.1').toString()).toBe('0.3');
  });

  it.each([
    ['a date', '2026-12-31', '2026-12'],
    ['a UTC timestamp', '2026-12-31T23:59:59Z', '2026-12'],
    ['a timestamp whose UTC day is in the next month', '2026-12-31T22:30:00-02:00', '2027-01'],
    ['a timestamp whose UTC day is in the previous month', '2027-01-01T00:30:00+01:00', '2026-12'],
    ['a Date', new Date(Date.UTC(2026, 1, 28, 23, 59)), '2026-02'],
  ])('takes the UTC month of %s', (_name, at, month) => {
    expect(budgetMonthOf(at)).toBe(month);
  });

  it('sums confirmed, processing and done orders of the warehouse in the month only', () => {
    const purchases: ErpPurchaseSnapshot[] = [
      { warehouseCode: 'WH', state: 'confirmed', purchaseDate: '2026-12-01', totalAmount: '100.10' },
      { warehouseCode: 'WH', state: 'processing', purchaseDate: '2026-12-15', totalAmount: '200.20' },
      { warehouseCode: 'WH', state: 'done', purchaseDate: '2026-12-31', totalAmount: '300.30' },
      { warehouseCode: 'WH', state: 'draft', purchaseDate: '2026-12-02', totalAmount: '1000' },
      { warehouseCode: 'WH', state: 'quotation', purchaseDate: '2026-12-02', totalAmount: '1000' },
      { warehouseCode: 'WH', state: 'cancelled', purchaseDate: '2026-12-02', totalAmount: '1000' },
      { warehouseCode: 'WH', state: 'done', purchaseDate: '2026-11-30', totalAmount: '1000' },
      { warehouseCode: 'WH', state: 'done', purchaseDate: '2027-01-01', totalAmount: '1000' },
      { warehouseCode: 'WH2', state: 'done', purchaseDate: '2026-12-10', totalAmount: '1000' },
    ];
    expect(committedValueThisMonth(purchases, 'WH', '2026-12').toMoneyString()).toBe('600.60');
  });
});
