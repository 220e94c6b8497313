/** Reconciliation's code table (shared/contracts/business-rules.md, "Reconciliation"). */

/** The contract's difference classes, in its order. */
export const DIFFERENCE_CLASSES = [
  'missing_in_erp',
  'missing_in_procurement',
  'quantity_mismatch',
  'date_mismatch',
  'price_mismatch',
  'status_lag',
  'acknowledgement_not_applied',
] as const;
