import { purchaseOrderRef } from '../../domain/commitment/steps';

/** The ERP reference of the purchase order awarded from a sourcing request as the procurement vendor shows it. */
export function erpReferenceOf(request: { id: string; created_at: string }): string {
  return purchaseOrderRef({ requestId: request.id, createdAt: request.created_at });
}
