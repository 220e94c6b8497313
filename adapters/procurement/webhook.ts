/** The procurement platform's webhook, as the intake pipeline runs it. */
import type { VendorWebhook } from '../webhooks/intake';
import {
  validateProcurementPurchaseOrderAcknowledged,
  validateProcurementPurchaseOrderChanged,
  validateProcurementSupplierUpdated,
} from './generated/validators';
import { mapPurchaseOrderAcknowledged, mapPurchaseOrderChanged, mapSupplierUpdated } from './mapping';
import { verifyProcurementSignature } from './signature';
import { PROCUREMENT_MAX_BODY_BYTES } from './webhook-schemas';

export const procurementWebhook: VendorWebhook = {
  system: 'procurement',
  maxBodyBytes: PROCUREMENT_MAX_BODY_BYTES,
  eventHeader: 'x-proc-event',
  // When the vendor signed it: the delivery's time as the vendor saw it.
  keptHeaders: ['x-proc-timestamp'],
  verify: (request, secrets, now) =>
    verifyProcurementSignature(
      { timestamp: request.headers['x-proc-timestamp'], signature: request.headers['x-proc-signature'] },
      request.body,
      { secrets, now },
    ),
  deliveries: {
    // Acknowledgements keep the PO's revision: a partial then a full confirmation are both applied.
    'purchase_order.acknowledged': {
      validate: validateProcurementPurchaseOrderAcknowledged,
      map: mapPurchaseOrderAcknowledged,
    },
    'purchase_order.changed': {
      validate: validateProcurementPurchaseOrderChanged,
      map: mapPurchaseOrderChanged,
      version: (event) => ({
        objectKey: `PurchaseOrder#${event.sourceObjectId}`,
        version: event.sourceVersion,
      }),
    },
    'supplier.updated': {
      validate: validateProcurementSupplierUpdated,
      map: mapSupplierUpdated,
      version: (event) => ({ objectKey: `Supplier#${event.sourceObjectId}`, version: event.sourceVersion }),
    },
  },
} as VendorWebhook;
