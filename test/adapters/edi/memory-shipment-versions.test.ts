/** The tests' shipment versions in a map pass the contract the DynamoDB ones pass. */
import { memoryShipmentVersions } from '../../support/shipments';
import { shipmentVersionsContract } from './shipment-versions-contract';

const NOW = new Date('2026-12-05T20:00:00Z');
const versions = memoryShipmentVersions(() => NOW);

shipmentVersionsContract('in memory (the domain tests)', () => ({ versions, now: NOW }));
