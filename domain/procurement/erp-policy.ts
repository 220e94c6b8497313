/**
 * ERP policy checks before a commitment is posted (business-rules.md, "ERP policy checks"), over
 * facts already looked up. A violation is a business rejection: no retry, compensate, tell a person.
 */
import { BusinessRejection } from '../failures';
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
  budget: BudgetFacts;
}

/** The reasons a commitment is refused, in the order they are checked. */
export const ERP_POLICY_CODES = Object.freeze([
  'ITEM_UNKNOWN',
  'ITEM_INACTIVE',
  'ITEM_NOT_PURCHASABLE',
  'SITE_UNMAPPED',
  'WAREHOUSE_UNKNOWN',
  'WAREHOUSE_INACTIVE',
  'SUPPLIER_NOT_APPROVED',
  'SUPPLIER_UNKNOWN_TO_ERP',
  'CURRENCY_UNSUPPORTED',
  'BUDGET_EXCEEDED',
] as const);

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

function violation(
  code: ErpPolicyCode,
  message: string,
  details: Record<string, unknown>,
  system: 'erp' | 'procurement' = 'erp',
): ErpPolicyResult {
  return { ok: false, violation: { code, message, system, details } };
}

/**
 * Runs the ERP policy checks in the rules' order and reports the first one violated:
 * item (exists, variant and template active, purchasable), site (mapped to an existing, active
 * warehouse), supplier (approved in procurement, known to the ERP), currency (supported), budget
 * (commitment value + committed this month <= monthly budget; exactly equal passes).
 */
export function checkErpPolicies(
  facts: ErpPolicyFacts,
  policy: ProcurementPolicy = DEFAULT_PROCUREMENT_POLICY,
): ErpPolicyResult {
  const { item, warehouse, supplier } = facts;
  if (!item.exists) {
    return violation('ITEM_UNKNOWN', `item ${item.itemCode} does not exist in the ERP`, {
      itemCode: item.itemCode,
    });
  }
  if (!item.variantActive || !item.templateActive) {
    return violation('ITEM_INACTIVE', `item ${item.itemCode} is inactive in the ERP`, {
      itemCode: item.itemCode,
      variantActive: item.variantActive,
      templateActive: item.templateActive,
    });
  }
  if (!item.purchasable) {
    return violation('ITEM_NOT_PURCHASABLE', `item ${item.itemCode} is not purchasable in the ERP`, {
      itemCode: item.itemCode,
    });
  }
  if (warehouse === null) {
    return violation('SITE_UNMAPPED', `site ${facts.site} maps to no ERP warehouse`, { site: facts.site });
  }
  if (warehouse.exists === false) {
    return violation(
      'WAREHOUSE_UNKNOWN',
      `site ${facts.site} maps to warehouse ${warehouse.code}, unknown to the ERP`,
      {
        site: facts.site,
        warehouse: warehouse.code,
      },
    );
  }
  if (!warehouse.active) {
    return violation('WAREHOUSE_INACTIVE', `warehouse ${warehouse.code} (site ${facts.site}) is inactive`, {
      site: facts.site,
      warehouse: warehouse.code,
    });
  }
  if (supplier.procurementStatus !== 'approved') {
    return violation(
      'SUPPLIER_NOT_APPROVED',
      `supplier ${supplier.supplierNumber} is ${supplier.procurementStatus}, not approved, in procurement`,
      { supplierNumber: supplier.supplierNumber, status: supplier.procurementStatus },
      'procurement',
    );
  }
  if (!supplier.knownToErp) {
    return violation(
      'SUPPLIER_UNKNOWN_TO_ERP',
      `supplier ${supplier.supplierNumber} has no party in the ERP`,
      {
        supplierNumber: supplier.supplierNumber,
      },
    );
  }
  if (!policy.supportedCurrencies.includes(facts.currency)) {
    return violation('CURRENCY_UNSUPPORTED', `currency ${facts.currency} is not supported`, {
      currency: facts.currency,
      supportedCurrencies: [...policy.supportedCurrencies],
    });
  }
  const value = commitmentValue(facts.quantityEa, facts.unitPrice);
  const committed = Decimal.of(facts.budget.committedThisMonth);
  const budget =
    facts.budget.monthlyBudget === undefined
      ? monthlyBudgetFor(warehouse.code, policy)
      : Decimal.of(facts.budget.monthlyBudget);
  const total = value.add(committed);
  if (total.gt(budget)) {
    const month = budgetMonthOf(facts.purchaseDate);
    return violation(
      'BUDGET_EXCEEDED',
      `commitment of ${value.toString()} ${facts.currency} would take warehouse ${warehouse.code} to ` +
        `${total.toString()} of its ${budget.toString()} budget for ${month}`,
      {
        warehouse: warehouse.code,
        month,
        commitmentValue: value.toString(),
        committedThisMonth: committed.toString(),
        monthlyBudget: budget.toString(),
        exceededBy: total.sub(budget).toString(),
      },
    );
  }
  return { ok: true };
}

/** The violation as the failure class every consumer understands (no retry, an exception for a person). */
export function toBusinessRejection(v: PolicyViolation): BusinessRejection {
  return new BusinessRejection(v.code, v.message, v.system, v.details);
}
