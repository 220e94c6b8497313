/**
 * Bulk lane consumer of the events that change what the system APIs answer (item, supplier,
 * purchase order and receipt events): marks those views in the read store as changed, so the next
 * read fills them again from the systems of record (domain/system-apis/invalidation.ts, ADR 12).
 * It reads no system itself: a flood of events costs the ERP nothing until someone asks.
 *
 * Environment: SYSTEM_READ_STORE_TABLE_NAME, and the consumer framework's.
 */
import {
  validateItemUpdatedV1,
  validatePurchaseOrderAcknowledgedV1,
  validatePurchaseOrderAmendedV1,
  validatePurchaseOrderChangedV1,
  validatePurchaseOrderPostedV1,
  validateReceiptPostedV1,
  validateSupplierUpdatedV1,
} from '../../canonical/generated/validators';
import { viewsChangedBy, type ViewChangingEvent } from '../../domain/system-apis/invalidation';
import { systemReadStore } from '../api/system-view-ports';
import { canonicalValidators } from '../commons/consumer';
import { consumerHandler } from './composition';

export const handler = consumerHandler({
  name: 'read-store-invalidation',
  validators: canonicalValidators({
    'item.updated': validateItemUpdatedV1,
    'supplier.updated': validateSupplierUpdatedV1,
    'purchase-order.posted': validatePurchaseOrderPostedV1,
    'purchase-order.amended': validatePurchaseOrderAmendedV1,
    'purchase-order.changed': validatePurchaseOrderChangedV1,
    'purchase-order.acknowledged': validatePurchaseOrderAcknowledgedV1,
    'receipt.posted': validateReceiptPostedV1,
  }),
  process: async (event) => {
    // Now, not the event's time: any fill read before this moment may predate the change.
    const at = new Date().toISOString();
    const store = systemReadStore();
    for (const ref of viewsChangedBy(event as unknown as ViewChangingEvent))
      await store.invalidate(ref.view, ref.id, at);
  },
});
