/**
 * ERP policy checks before a commitment is posted (business-rules.md, "ERP policy checks"), over
 * facts already looked up. A violation is a business rejection: no retry, compensate, tell a person.
 */
import { ERP_POLICY_CHECKS, ERP_POLICY_CODES } from '../../canonical/codes/policy-checks';
import type { PolicyCheckFacts as CanonicalPolicyCheckFacts } from '../../canonical/generated/types';
import { BusinessRejection, ContractViolation } from '../failures';
import { Decimal, type DecimalLike } from '../decimal';
import { utcMonthOf } from './dates';
import { DEFAULT_PROCUREMENT_POLICY, monthlyBudgetFor, type ProcurementPolicy } from './policy';
import type { SupplierStatus } from './types';

/** The item as the ERP knows it (product variant and its template). */
export type ItemFacts =
  | { itemCode: string; exists: false }
  | {
      itemCode: string;
      exists: true;
      /** The product (variant) is active. */
      variantActive: boolean;
      /** Its template is active. */
      templateActive: boolean;
      purchasable: boolean;
    };

/** The ERP warehouse the site maps to. */
export interface WarehouseFacts {
  code: string;
  active: boolean;
  /** False when the mapping names a warehouse the ERP does not have. @default true */
  exists?: boolean;
}

/** The supplier as procurement and the ERP know it. */
export interface SupplierFacts {
  /** Procurement `supplier_number` = ERP supplier party code. */
  supplierNumber: string;
  procurementStatus: SupplierStatus;
  /** An ERP party with that code exists. */
  knownToErp: boolean;
}

/** Commitments against the warehouse's budget in the purchase date's UTC month. */
export interface BudgetFacts {
  /** Value of ERP purchase orders confirmed, processing or done for the warehouse in that month. */
  committedThisMonth: DecimalLike;
  /** The warehouse's monthly budget, when looked up; else the policy's. */
  monthlyBudget?: DecimalLike;
}

/** Everything the checks look at. */
export interface ErpPolicyFacts {
  item: ItemFacts;
  site: string;
  /** `null` when the site maps to no ERP warehouse. */
  warehouse: WarehouseFacts | null;
  supplier: SupplierFacts;
  currency: string;
  quantityEa: DecimalLike;
  unitPrice: DecimalLike;
  /** The purchase date of the commitment; its UTC calendar month is the budget period. */
  purchaseDate: string | Date;
  /** null: the ERP could not say what the warehouse committed (it has no such warehouse). */
  budget: BudgetFacts | null;
}

export { ERP_POLICY_CHECKS, ERP_POLICY_CODES };

/** A stable machine-readable refusal reason. */
export type ErpPolicyCode = (typeof ERP_POLICY_CODES)[number];

/** The first check a commitment failed. */
export interface PolicyViolation {
  code: ErpPolicyCode;
  message: string;
  /** The system whose data says no: `procurement` for the supplier's status, else `erp`. */
  system: 'erp' | 'procurement';
  /** JSON-safe figures for the person who handles the exception (decimals as strings). */
  details: Record<string, unknown>;
}

/** The outcome of {@link checkErpPolicies}. */
export type ErpPolicyResult = { ok: true } | { ok: false; violation: PolicyViolation };

/** Purchase order states that commit budget (not draft, quotation or cancelled). */
export const BUDGET_COMMITTING_STATES = Object.freeze(['confirmed', 'processing', 'done'] as const);

/** An ERP purchase order as far as the budget is concerned. */
export interface ErpPurchaseSnapshot {
  warehouseCode: string;
  /** Tryton purchase state: draft, quotation, confirmed, processing, done, cancelled. */
  state: string;
  purchaseDate: string | Date;
  /** Untaxed total of the order. */
  totalAmount: DecimalLike;
}

/** The value of a commitment: quantity × unit price, exact. */
export function commitmentValue(quantityEa: DecimalLike, unitPrice: DecimalLike): Decimal {
  return Decimal.of(quantityEa).mul(unitPrice);
}

/** The budget period (`YYYY-MM`) of a purchase date: its UTC calendar month. */
export function budgetMonthOf(purchaseDate: string | Date): string {
  return utcMonthOf(purchaseDate);
}

/**
 * The value already committed for a warehouse in a month: ERP purchase orders confirmed, processing
 * or done with their purchase date in that UTC month. Orders waiting for approval are not in the ERP
 * yet, so they never count.
 */
export function committedValueThisMonth(
  purchases: readonly ErpPurchaseSnapshot[],
  warehouseCode: string,
  month: string,
): Decimal {
  const committing: readonly string[] = BUDGET_COMMITTING_STATES;
  return Decimal.sum(
    purchases
      .filter(
        (p) =>
          p.warehouseCode === warehouseCode &&
          committing.includes(p.state) &&
          budgetMonthOf(p.purchaseDate) === month,
      )
      .map((p) => p.totalAmount),
  );
}

/** One of {@link ERP_POLICY_CHECKS}. */
export type ErpPolicyCheck = (typeof ERP_POLICY_CHECKS)[number];

/**
 * The facts one check looked at, JSON-safe (decimals as strings), as the canonical PolicyCheckFacts
 * but with procurement's own supplier status: each check fills only the fields it used, so a caller
 * sees why it passed as well as why it failed.
 */
export type PolicyCheckFacts = Omit<CanonicalPolicyCheckFacts, 'procurementStatus'> & {
  procurementStatus?: SupplierStatus;
};

/** A check's verdict: `not-evaluated` when a fact it needs is missing because an earlier check failed. */
export type PolicyCheckVerdict =
  | { check: ErpPolicyCheck; verdict: 'pass'; facts: PolicyCheckFacts }
  | { check: ErpPolicyCheck; verdict: 'fail'; facts: PolicyCheckFacts; violation: PolicyViolation }
  | { check: ErpPolicyCheck; verdict: 'not-evaluated'; facts: PolicyCheckFacts; reason: string };

const pass = (check: ErpPolicyCheck, facts: PolicyCheckFacts): PolicyCheckVerdict => ({
  check,
  verdict: 'pass',
  facts,
});

function fail(
  check: ErpPolicyCheck,
  facts: PolicyCheckFacts,
  code: ErpPolicyCode,
  message: string,
  details: Record<string, unknown>,
  system: 'erp' | 'procurement' = 'erp',
): PolicyCheckVerdict {
  return { check, verdict: 'fail', facts, violation: { code, message, system, details } };
}

/** The item exists, its variant and template are active, and it is purchasable. */
export function checkItem(item: ItemFacts): PolicyCheckVerdict {
  if (!item.exists) {
    const facts = { itemCode: item.itemCode, itemExists: false };
    return fail('item', facts, 'ITEM_UNKNOWN', `item ${item.itemCode} does not exist in the ERP`, {
      itemCode: item.itemCode,
    });
  }
  const facts: PolicyCheckFacts = {
    itemCode: item.itemCode,
    itemExists: true,
    variantActive: item.variantActive,
    templateActive: item.templateActive,
    purchasable: item.purchasable,
  };
  if (!item.variantActive || !item.templateActive) {
    return fail('item', facts, 'ITEM_INACTIVE', `item ${item.itemCode} is inactive in the ERP`, {
      itemCode: item.itemCode,
      variantActive: item.variantActive,
      templateActive: item.templateActive,
    });
  }
  if (!item.purchasable) {
    return fail(
      'item',
      facts,
      'ITEM_NOT_PURCHASABLE',
      `item ${item.itemCode} is not purchasable in the ERP`,
      { itemCode: item.itemCode },
    );
  }
  return pass('item', facts);
}

/** The site maps to a warehouse the ERP has, and it is active. */
export function checkWarehouse(site: string, warehouse: WarehouseFacts | null): PolicyCheckVerdict {
  if (warehouse === null) {
    return fail(
      'warehouse',
      { site, warehouseCode: null },
      'SITE_UNMAPPED',
      `site ${site} maps to no ERP warehouse`,
      {
        site,
      },
    );
  }
  const exists = warehouse.exists !== false;
  const facts: PolicyCheckFacts = {
    site,
    warehouseCode: warehouse.code,
    warehouseExists: exists,
    ...(exists ? { warehouseActive: warehouse.active } : {}),
  };
  if (!exists) {
    return fail(
      'warehouse',
      facts,
      'WAREHOUSE_UNKNOWN',
      `site ${site} maps to warehouse ${warehouse.code}, unknown to the ERP`,
      { site, warehouse: warehouse.code },
    );
  }
  if (!warehouse.active) {
    return fail(
      'warehouse',
      facts,
      'WAREHOUSE_INACTIVE',
      `warehouse ${warehouse.code} (site ${site}) is inactive`,
      { site, warehouse: warehouse.code },
    );
  }
  return pass('warehouse', facts);
}

/** The supplier is `approved` in procurement. */
export function checkSupplierStatus(supplier: SupplierFacts): PolicyCheckVerdict {
  const facts = { supplierNumber: supplier.supplierNumber, procurementStatus: supplier.procurementStatus };
  if (supplier.procurementStatus !== 'approved') {
    return fail(
      'supplier-status',
      facts,
      'SUPPLIER_NOT_APPROVED',
      `supplier ${supplier.supplierNumber} is ${supplier.procurementStatus}, not approved, in procurement`,
      { supplierNumber: supplier.supplierNumber, status: supplier.procurementStatus },
      'procurement',
    );
  }
  return pass('supplier-status', facts);
}

/** The ERP has an (active) party with the supplier's code. */
export function checkSupplierInErp(supplier: SupplierFacts): PolicyCheckVerdict {
  const facts = { supplierNumber: supplier.supplierNumber, knownToErp: supplier.knownToErp };
  if (!supplier.knownToErp) {
    return fail(
      'supplier-in-erp',
      facts,
      'SUPPLIER_UNKNOWN_TO_ERP',
      `supplier ${supplier.supplierNumber} has no party in the ERP`,
      { supplierNumber: supplier.supplierNumber },
    );
  }
  return pass('supplier-in-erp', facts);
}

/** The currency is one the policy supports. */
export function checkCurrency(currency: string, policy: ProcurementPolicy): PolicyCheckVerdict {
  const facts = { currency, supportedCurrencies: [...policy.supportedCurrencies] };
  if (!policy.supportedCurrencies.includes(currency)) {
    return fail('currency', facts, 'CURRENCY_UNSUPPORTED', `currency ${currency} is not supported`, {
      currency,
      supportedCurrencies: [...policy.supportedCurrencies],
    });
  }
  return pass('currency', facts);
}

/**
 * The commitment value plus what the warehouse committed in the purchase date's UTC month stays
 * within its monthly budget (exactly equal passes). Needs a warehouse the ERP has.
 */
export function checkBudget(facts: ErpPolicyFacts, policy: ProcurementPolicy): PolicyCheckVerdict {
  const { warehouse } = facts;
  const month = budgetMonthOf(facts.purchaseDate);
  const value = commitmentValue(facts.quantityEa, facts.unitPrice);
  if (warehouse === null || warehouse.exists === false || facts.budget === null) {
    return {
      check: 'budget',
      verdict: 'not-evaluated',
      facts: { warehouseCode: warehouse?.code ?? null, month, commitmentValue: value.toString() },
      reason: 'the site maps to no warehouse the ERP has, so there is no budget to check against',
    };
  }
  const committed = Decimal.of(facts.budget.committedThisMonth);
  const budget =
    facts.budget.monthlyBudget === undefined
      ? monthlyBudgetFor(warehouse.code, policy)
      : Decimal.of(facts.budget.monthlyBudget);
  const total = value.add(committed);
  const figures = {
    warehouseCode: warehouse.code,
    month,
    commitmentValue: value.toString(),
    committedThisMonth: committed.toString(),
    monthlyBudget: budget.toString(),
  };
  if (total.gt(budget)) {
    const exceededBy = total.sub(budget).toString();
    const { warehouseCode, ...amounts } = figures;
    return fail(
      'budget',
      { ...figures, exceededBy },
      'BUDGET_EXCEEDED',
      `commitment of ${value.toString()} ${facts.currency} would take warehouse ${warehouse.code} to ` +
        `${total.toString()} of its ${budget.toString()} budget for ${month}`,
      { warehouse: warehouseCode, ...amounts, exceededBy },
    );
  }
  return pass('budget', figures);
}

/**
 * Every ERP policy check over the same facts, in the rules' order, each with its verdict and the
 * facts it used: item (exists, variant and template active, purchasable), site (mapped to an
 * existing, active warehouse), supplier (approved in procurement, known to the ERP), currency
 * (supported), budget (commitment value + committed this month <= monthly budget).
 */
export function evaluateErpPolicies(
  facts: ErpPolicyFacts,
  policy: ProcurementPolicy = DEFAULT_PROCUREMENT_POLICY,
): PolicyCheckVerdict[] {
  return [
    ...evaluateSupplierEligibility(facts),
    checkCurrency(facts.currency, policy),
    checkBudget(facts, policy),
  ];
}

/** Whether the supplier may receive an order for the item at the site: the item, site and supplier checks. */
export function evaluateSupplierEligibility(
  facts: Pick<ErpPolicyFacts, 'item' | 'site' | 'warehouse' | 'supplier'>,
): PolicyCheckVerdict[] {
  return [
    checkItem(facts.item),
    checkWarehouse(facts.site, facts.warehouse),
    checkSupplierStatus(facts.supplier),
    checkSupplierInErp(facts.supplier),
  ];
}

/**
 * The ERP policy checks as the commitment workflow applies them: the first violated in the rules'
 * order ({@link evaluateErpPolicies}), or ok when every one passed.
 */
export function checkErpPolicies(
  facts: ErpPolicyFacts,
  policy: ProcurementPolicy = DEFAULT_PROCUREMENT_POLICY,
): ErpPolicyResult {
  const verdicts = evaluateErpPolicies(facts, policy);
  const failed = verdicts.find((v) => v.verdict === 'fail');
  if (failed?.verdict === 'fail') return { ok: false, violation: failed.violation };
  // A check skipped without an earlier failure would let an unchecked commitment through.
  const skipped = verdicts.find((v) => v.verdict === 'not-evaluated');
  if (skipped?.verdict === 'not-evaluated')
    throw new ContractViolation(
      `policy check ${skipped.check} not evaluated: ${skipped.reason}`,
      'supplyline',
    );
  return { ok: true };
}

/** The violation as the failure class every consumer understands (no retry, an exception for a person). */
export function toBusinessRejection(v: PolicyViolation): BusinessRejection {
  return new BusinessRejection(v.code, v.message, v.system, v.details);
}
