import { procurementInstanceTag, purchaseOrderRef } from '../../domain/commitment/steps';

/**
 * The ERP reference of the purchase order awarded from a sourcing request as the procurement vendor
 * shows it; with the instance the middleware reaches it as (its URL and our client id there), as the
 * deployed functions tag it, else in the untagged form.
 */
export function erpReferenceOf(
  request: { id: string; created_at: string },
  instance?: { url: string; clientId: string },
): string {
  return purchaseOrderRef({
    requestId: request.id,
    createdAt: request.created_at,
    ...(instance ? { instance: procurementInstanceTag(instance.url, instance.clientId) } : {}),
  });
}
