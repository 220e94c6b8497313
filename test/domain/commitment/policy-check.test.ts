/**
 * The policy check a proposed purchase order gets from the process API is the workflow's own:
 * every check's verdict with the facts it used, the approval need, and nothing written anywhere.
 * The ERP is the in-process simulator over the seed master data (it refuses like Tryton does).
 */
import { describe, expect, it } from 'vitest';
import {
  supplierEligibility,
  validateProposedOrder,
  type OrderValidation,
  type PolicyLookupPorts,
  type ProposedOrder,
} from '../../../domain/commitment/policy-check';
import { checkCommitmentPolicies } from '../../../domain/commitment/steps';
import type { CommitmentPorts, CommitmentState } from '../../../domain/commitment/types';
import type { ErpPort } from '../../../domain/ports/erp';
import type { ProcurementPort } from '../../../domain/ports/procurement';
import { DEFAULT_PROCUREMENT_POLICY } from '../../../domain/procurement/policy';
import { ErpSimulator } from '../../../local/simulators/erp/erp-simulator';
import { masterData, warehouseForSite } from '../../../local/seed/master-data';
import { singleErp } from '../../../domain/business-units';

/** Every call made to a port, by method name. */
function recorded<T extends object>(target: T, calls: string[]): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

function procurement(): Pick<ProcurementPort, 'getSupplier'> {
  return {
    getSupplier: async (supplierNumber) => {
      const supplier = masterData.suppliers.find((s) => s.supplierNumber === supplierNumber);
      return supplier ? { supplierNumber, name: supplier.name, status: supplier.procurementStatus } : null;
    },
  };
}

/** The ports over the seed data, on 2026-12-04, with `committed` already spent by WH-EAST this month. */
function ports(options: { committed?: string } = {}) {
  const calls: string[] = [];
  const erp = new ErpSimulator({ today: () => '2026-12-04' });
  const committedValue = erp.committedValue.bind(erp);
  erp.committedValue = async (warehouse, month) =>
    warehouse === 'WH-EAST' && options.committed ? options.committed : committedValue(warehouse, month);
  const lookup: PolicyLookupPorts = {
    erps: singleErp(recorded<ErpPort>(erp, calls)),
    procurement: recorded(procurement() as ProcurementPort, calls),
    warehouseForSite: (site) => warehouseForSite(site),
    now: () => new Date('2026-12-04T10:00:00Z'),
    policy: DEFAULT_PROCUREMENT_POLICY,
  };
  return { lookup, calls };
}

/** 1,000 eaches of sparkling water at 3.10 USD from Acme for the east DC: 3,100.00 USD. */
const order = (overrides: Partial<ProposedOrder> = {}): ProposedOrder => ({
  itemCode: 'SKU-10442',
  site: 'DC-EAST-02',
  supplierNumber: 'S-1001',
  quantityEa: '1000',
  unitPrice: '3.10',
  currency: 'USD',
  ...overrides,
});

const verdicts = (validation: OrderValidation) =>
  Object.fromEntries(validation.checks.map((check) => [check.check, check.verdict]));

const check = (validation: OrderValidation, name: string) => validation.checks.find((c) => c.check === name);

const READS = new Set(['getItem', 'getWarehouse', 'getSupplier', 'committedValue']);

describe('validating a proposed purchase order', () => {
  it('accepts an order that passes every check and needs no approval, with the facts each used', async () => {
    const { lookup, calls } = ports();
    const validation = await validateProposedOrder(order(), lookup);
    expect(validation).toMatchObject({
      outcome: 'accepted',
      totalValue: '3100.00',
      currency: 'USD',
      warehouseCode: 'WH-EAST',
    });
    expect(validation.checks.map((c) => [c.check, c.verdict])).toEqual([
      ['item', 'pass'],
      ['warehouse', 'pass'],
      ['supplier-status', 'pass'],
      ['supplier-in-erp', 'pass'],
      ['currency', 'pass'],
      ['budget', 'pass'],
      ['approval', 'pass'],
    ]);
    expect(check(validation, 'item')?.facts).toEqual({
      itemCode: 'SKU-10442',
      itemExists: true,
      variantActive: true,
      templateActive: true,
      purchasable: true,
    });
    expect(check(validation, 'budget')?.facts).toEqual({
      warehouseCode: 'WH-EAST',
      month: '2026-12',
      commitmentValue: '3100',
      committedThisMonth: '0',
      monthlyBudget: '250000',
    });
    expect(check(validation, 'approval')?.facts).toEqual({
      totalValue: '3100',
      approvalLimit: '25000',
      currency: 'USD',
    });
    // Reads only: nothing posted, amended or created in either system.
    expect(calls.every((call) => READS.has(call))).toBe(true);
  });

  it('refuses an inactive item (variant discontinued)', async () => {
    const validation = await validateProposedOrder(order({ itemCode: 'SKU-20991' }), ports().lookup);
    expect(validation.outcome).toBe('rejected');
    expect(check(validation, 'item')).toMatchObject({
      verdict: 'fail',
      violation: { code: 'ITEM_INACTIVE', system: 'erp' },
      facts: { itemCode: 'SKU-20991', itemExists: true, variantActive: false, templateActive: false },
    });
    // The other checks are still judged, each on its own facts.
    expect(verdicts(validation)).toMatchObject({
      warehouse: 'pass',
      'supplier-status': 'pass',
      budget: 'pass',
    });
  });

  it('refuses a site mapped to a warehouse the ERP does not have, and cannot judge its budget', async () => {
    const validation = await validateProposedOrder(order({ site: 'DC-SOUTH-01' }), ports().lookup);
    expect(validation.outcome).toBe('rejected');
    expect(check(validation, 'warehouse')).toMatchObject({
      verdict: 'fail',
      violation: { code: 'WAREHOUSE_UNKNOWN' },
      facts: { site: 'DC-SOUTH-01', warehouseCode: 'WH-SOUTH', warehouseExists: false },
    });
    expect(check(validation, 'budget')).toMatchObject({
      verdict: 'not-evaluated',
      facts: { warehouseCode: 'WH-SOUTH', month: '2026-12' },
    });
  });

  it('refuses a site mapped to no warehouse', async () => {
    const validation = await validateProposedOrder(order({ site: 'DC-NOWHERE' }), ports().lookup);
    expect(check(validation, 'warehouse')).toMatchObject({
      verdict: 'fail',
      violation: { code: 'SITE_UNMAPPED' },
      facts: { site: 'DC-NOWHERE', warehouseCode: null },
    });
    expect(validation.warehouseCode).toBeNull();
  });

  it('refuses a supplier blocked in procurement, naming procurement', async () => {
    const validation = await validateProposedOrder(order({ supplierNumber: 'S-2002' }), ports().lookup);
    expect(validation.outcome).toBe('rejected');
    expect(check(validation, 'supplier-status')).toMatchObject({
      verdict: 'fail',
      violation: { code: 'SUPPLIER_NOT_APPROVED', system: 'procurement' },
      facts: { supplierNumber: 'S-2002', procurementStatus: 'blocked' },
    });
    expect(verdicts(validation)['supplier-in-erp']).toBe('pass');
  });

  it('refuses a supplier the ERP does not know', async () => {
    const validation = await validateProposedOrder(order({ supplierNumber: 'S-3003' }), ports().lookup);
    expect(check(validation, 'supplier-in-erp')).toMatchObject({
      verdict: 'fail',
      violation: { code: 'SUPPLIER_UNKNOWN_TO_ERP' },
      facts: { supplierNumber: 'S-3003', knownToErp: false },
    });
  });

  it('refuses a currency other than USD', async () => {
    const validation = await validateProposedOrder(order({ currency: 'EUR' }), ports().lookup);
    expect(validation.outcome).toBe('rejected');
    expect(check(validation, 'currency')).toMatchObject({
      verdict: 'fail',
      violation: { code: 'CURRENCY_UNSUPPORTED' },
      facts: { currency: 'EUR', supportedCurrencies: ['USD'] },
    });
  });

  it('refuses an order over the warehouse’s monthly budget, saying by how much', async () => {
    const { lookup } = ports({ committed: '248000.00' });
    const validation = await validateProposedOrder(order(), lookup);
    expect(validation.outcome).toBe('rejected');
    expect(check(validation, 'budget')).toMatchObject({
      verdict: 'fail',
      violation: { code: 'BUDGET_EXCEEDED' },
      facts: {
        warehouseCode: 'WH-EAST',
        commitmentValue: '3100',
        committedThisMonth: '248000',
        monthlyBudget: '250000',
        exceededBy: '1100',
      },
    });
  });

  it('says a person must approve an order above the approval limit (exactly the limit does not)', async () => {
    const above = await validateProposedOrder(order({ quantityEa: '8065' }), ports().lookup);
    expect(above).toMatchObject({ outcome: 'approval-required', totalValue: '25001.50' });
    expect(check(above, 'approval')).toMatchObject({
      verdict: 'approval-required',
      facts: { totalValue: '25001.5', approvalLimit: '25000' },
    });
    const exactly = await validateProposedOrder(
      order({ quantityEa: '10000', unitPrice: '2.50' }),
      ports().lookup,
    );
    expect(exactly).toMatchObject({ outcome: 'accepted', totalValue: '25000.00' });
  });

  it('reports every failing check at once, where the workflow stops at the first', async () => {
    const validation = await validateProposedOrder(
      order({ itemCode: 'SKU-20991', supplierNumber: 'S-2002', currency: 'EUR' }),
      ports().lookup,
    );
    expect(validation.checks.filter((c) => c.verdict === 'fail').map((c) => c.check)).toEqual([
      'item',
      'supplier-status',
      'currency',
    ]);
  });
});

describe('supplier eligibility for an item and site', () => {
  it('is eligible when the item, the site’s warehouse and the supplier all pass', async () => {
    const { lookup, calls } = ports();
    const answer = await supplierEligibility(
      { supplierNumber: 'S-1001', itemCode: 'SKU-10442', site: 'DC-WEST-01' },
      lookup,
    );
    expect(answer).toMatchObject({ supplierNumber: 'S-1001', itemCode: 'SKU-10442', eligible: true });
    expect(answer.checks.map((c) => c.check)).toEqual([
      'item',
      'warehouse',
      'supplier-status',
      'supplier-in-erp',
    ]);
    // No budget: eligibility does not depend on an amount.
    expect(calls).not.toContain('committedValue');
  });

  it.each([
    ['S-2002', 'SKU-10442', 'DC-EAST-02', 'supplier-status'],
    ['S-4004', 'SKU-10442', 'DC-EAST-02', 'supplier-in-erp'],
    ['S-1001', 'SKU-30001', 'DC-EAST-02', 'item'],
    ['S-1001', 'SKU-10442', 'DC-NORTH-01', 'warehouse'],
  ])('%s for %s at %s is not eligible: %s fails', async (supplierNumber, itemCode, site, failing) => {
    const answer = await supplierEligibility({ supplierNumber, itemCode, site }, ports().lookup);
    expect(answer.eligible).toBe(false);
    expect(answer.checks.filter((c) => c.verdict === 'fail').map((c) => c.check)).toEqual([failing]);
  });
});

describe('the workflow’s policy check over the same lookup', () => {
  const state = (site: string) =>
    ({
      exception: { itemCode: 'SKU-10442', site, planVersion: 3 },
      sourcing: {
        applied: 'created',
        requestId: 'SR-000001',
        quantityEa: '1000',
        needBy: '2026-12-20',
        supplierNumber: 'S-1001',
        unitPrice: '3.10',
        currency: 'USD',
      },
    }) as unknown as CommitmentState;

  it('rejects a site whose warehouse the ERP does not have as a business verdict, not a failed step', async () => {
    // The ERP refuses committedValue for an unknown warehouse (Tryton and the simulator alike).
    const outcome = await checkCommitmentPolicies(
      state('DC-SOUTH-01'),
      ports().lookup as unknown as CommitmentPorts,
    );
    expect(outcome).toMatchObject({
      ok: false,
      violation: { code: 'WAREHOUSE_UNKNOWN', system: 'erp' },
      approvalRequired: false,
      warehouseCode: 'WH-SOUTH',
    });
  });

  it('answers as before for an order that passes: value, currency, no approval', async () => {
    const outcome = await checkCommitmentPolicies(
      state('DC-EAST-02'),
      ports().lookup as unknown as CommitmentPorts,
    );
    expect(outcome).toEqual({
      ok: true,
      approvalRequired: false,
      approvalId: 'APR-SR-000001-v3',
      warehouseCode: 'WH-EAST',
      totalValue: '3100.00',
      currency: 'USD',
    });
  });
});
