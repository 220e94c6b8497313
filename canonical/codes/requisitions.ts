/**
 * A purchase requisition's statuses and the steps of the commitment workflow its path records, as
 * the canonical model names them. domain/requisition runs them; the requisition schemas publish them.
 */

/**
 * Where a requisition stands. `submitted` to `awaiting-approval`: nothing is committed yet, so it
 * may be cancelled; from `ordered` the purchase order is posted and only the supplier and the
 * warehouse move it on.
 */
export const REQUISITION_STATUSES = Object.freeze([
  'submitted',
  'sourced',
  'awaiting-approval',
  'ordered',
  'acknowledged',
  'received',
  'cancelled',
  'rejected',
  'failed',
] as const);

/** The steps a requisition's path records, in the commitment workflow's order. */
export const REQUISITION_STEPS = Object.freeze([
  'submission',
  'sourcing',
  'policy-check',
  'approval',
  'erp-posting',
  'supplier-acknowledgement',
  'receipt',
  'cancellation',
  'rejection',
] as const);
