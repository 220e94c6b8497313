/**
 * The policy checks of a commitment as the canonical model names them: the checks in the business
 * rules' order, their verdicts and the stable codes of a violation (business-rules.md, "ERP policy
 * checks"). domain/procurement/erp-policy.ts runs them; the process API schemas publish them.
 */

/** The ERP policy checks, in the rules' order: the first that fails is a commitment's violation. */
export const ERP_POLICY_CHECKS = Object.freeze([
  'item',
  'warehouse',
  'supplier-status',
  'supplier-in-erp',
  'currency',
  'budget',
] as const);

/** Every check of a proposed order: the ERP policy checks, then whether a person must approve it. */
export const ORDER_CHECKS = Object.freeze([...ERP_POLICY_CHECKS, 'approval'] as const);

/** A check's verdict; `not-evaluated`: a fact it needs is missing because another check failed. */
export const CHECK_VERDICTS = Object.freeze(['pass', 'fail', 'not-evaluated', 'approval-required'] as const);

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
