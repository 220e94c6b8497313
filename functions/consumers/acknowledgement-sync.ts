/**
 * Consumer of `purchase-order.acknowledged` (critical lane): applies the supplier's confirmation to
 * the ERP purchase order (late and partial ones too) and releases the waiting workflow.
 */
import { validatePurchaseOrderAcknowledgedV1 } from '../../canonical/generated/validators';
import type { PurchaseOrderAcknowledgedV1 } from '../../canonical/generated/types';
import { applyAcknowledgement } from '../../domain/commitment/acknowledgement';
import { canonicalValidators } from '../commons/consumer';
import { acknowledgementPorts } from '../commons/commitment-ports';
import { consumerHandler } from './composition';

export const handler = consumerHandler({
  name: 'acknowledgement-sync',
  validators: canonicalValidators({ 'purchase-order.acknowledged': validatePurchaseOrderAcknowledgedV1 }),
  process: async (event, { logger }) => {
    const result = await applyAcknowledgement(event as PurchaseOrderAcknowledgedV1, acknowledgementPorts());
    logger.info('acknowledgement applied', { ...result });
  },
});
