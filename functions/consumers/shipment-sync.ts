/**
 * Consumer of `shipment.milestone-reported` (critical lane, like the acknowledgements that also
 * move the ERP's expected receipts): the supplier's shipment becomes a receipt the ERP expects, and
 * a cancellation or replacement of it withdraws or replaces that receipt
 * (domain/shipments/shipment-milestone.ts). Lines it cannot apply become integration exceptions
 * with the shipment attached; a re-sent shipment, cancellation or replacement changes nothing and
 * is counted.
 */
import { validateShipmentMilestoneReportedV1 } from '../../canonical/generated/validators';
import type { ShipmentMilestoneReportedV1 } from '../../canonical/generated/types';
import {
  applyShipmentMilestone,
  type ShipmentMilestonePorts,
  type ShipmentOutcome,
} from '../../domain/shipments/shipment-milestone';
import { canonicalValidators, type ConsumerContext } from '../commons/consumer';
import { withPorts } from '../commons/commitment-ports';
import { lazy } from '../commons/clients';
import { shipmentVersions } from '../commons/edi';
import { consumerHandler } from './composition';

/** The events this consumer takes (an invalid one goes to its DLQ with the reason). */
export const SHIPMENT_VALIDATORS = canonicalValidators({
  'shipment.milestone-reported': validateShipmentMilestoneReportedV1,
});

/** Applies one milestone, whatever its purpose, and logs what became of each order. */
export async function syncShipment(
  event: ShipmentMilestoneReportedV1,
  { logger }: Pick<ConsumerContext, 'logger'>,
  ports: ShipmentMilestonePorts,
): Promise<ShipmentOutcome[]> {
  const outcomes = await applyShipmentMilestone(event, ports);
  logger.info('shipment milestone applied', { purpose: event.data.purpose ?? 'original', outcomes });
  return outcomes;
}

/** The procurement steps' ports (ERP, commitments, bus) and the shipment ids' versions. */
const shipmentPorts = /* @__PURE__ */ lazy(() =>
  withPorts({
    get shipmentVersions() {
      return shipmentVersions();
    },
  }),
);

export const handler = consumerHandler({
  name: 'shipment-sync',
  validators: SHIPMENT_VALIDATORS,
  process: async (event, context) => {
    await syncShipment(event as ShipmentMilestoneReportedV1, context, shipmentPorts());
  },
});
