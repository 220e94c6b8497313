/**
 * Consumer of `purchase-order.acknowledged` (critical lane): applies the supplier's confirmation to
 * the ERP purchase order (late and partial ones too) and releases the waiting workflow.
 */
import { validatePurchaseOrderAcknowledgedV1 } from '../../canonical/generated/validators';
import type { PurchaseOrderAcknowledgedV1 } from '../../canonical/generated/types';
import { applyAcknowledgement } from '../../domain/commitment/acknowledgement';
import { canonicalValidators } from '../commons/consumer';
import { consumerHandler } from '../commons/consumer-handler';
import { sendTaskSuccess, withPorts } from '../commons/ports';

let ports: Parameters<typeof applyAcknowledgement>[1] | undefined;

export const handler = consumerHandler({
  name: 'acknowledgement-sync',
  validators: canonicalValidators({ 'purchase-order.acknowledged': validatePurchaseOrderAcknowledgedV1 }),
  process: async (event, { logger }) => {
    ports ??= withPorts({ sendTaskSuccess });
    const result = await applyAcknowledgement(event as PurchaseOrderAcknowledgedV1, ports);
    logger.info('acknowledgement applied', { ...result });
  },
});
