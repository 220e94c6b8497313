/**
 * Consumer of `shipment.milestone-reported` (critical lane, like the acknowledgements that also
 * move the ERP's expected receipts): the supplier's shipment becomes a receipt the ERP expects
 * (domain/shipments/shipment-milestone.ts). Lines it cannot apply become integration exceptions
 * with the shipment attached; a re-sent shipment changes nothing and is counted.
 */
import { validateShipmentMilestoneReportedV1 } from '../../canonical/generated/validators';
import type { ShipmentMilestoneReportedV1 } from '../../canonical/generated/types';
import { applyShipmentMilestone } from '../../domain/shipments/shipment-milestone';
import { canonicalValidators } from '../commons/consumer';
import { commitmentPorts } from '../commons/commitment-ports';
import { consumerHandler } from './composition';

export const handler = consumerHandler({
  name: 'shipment-sync',
  validators: canonicalValidators({ 'shipment.milestone-reported': validateShipmentMilestoneReportedV1 }),
  process: async (event, { logger }) => {
    const outcomes = await applyShipmentMilestone(event as ShipmentMilestoneReportedV1, commitmentPorts());
    logger.info('shipment milestone applied', { outcomes });
  },
});
