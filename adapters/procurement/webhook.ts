/** The procurement platform's webhook, as the intake pipeline runs it. */
import {
  validatePurchaseOrderAcknowledgedV1,
  validatePurchaseOrderChangedV1,
  validateSupplierUpdatedV1,
} from '../../canonical/generated/validators';
import type { VendorWebhook } from '../webhooks/intake';
import {
  validateCarriedProcurementPurchaseOrderAcknowledged,
  validateCarriedProcurementPurchaseOrderChanged,
  validateCarriedProcurementSupplierUpdated,
} from './generated/carried-validators';
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
      carried: validateCarriedProcurementPurchaseOrderAcknowledged,
      validate: validateProcurementPurchaseOrderAcknowledged,
      map: mapPurchaseOrderAcknowledged,
      canonical: validatePurchaseOrderAcknowledgedV1,
    },
    'purchase_order.changed': {
      carried: validateCarriedProcurementPurchaseOrderChanged,
      validate: validateProcurementPurchaseOrderChanged,
      map: mapPurchaseOrderChanged,
      canonical: validatePurchaseOrderChangedV1,
      version: (event) => ({
        objectKey: `PurchaseOrder#${event.sourceObjectId}`,
        version: event.sourceVersion,
      }),
    },
    'supplier.updated': {
      carried: validateCarriedProcurementSupplierUpdated,
      validate: validateProcurementSupplierUpdated,
      map: mapSupplierUpdated,
      canonical: validateSupplierUpdatedV1,
      version: (event) => ({ objectKey: `Supplier#${event.sourceObjectId}`, version: event.sourceVersion }),
    },
  },
} as VendorWebhook;
