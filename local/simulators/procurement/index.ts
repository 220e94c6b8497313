/** Simulator of the procurement platform (vendor REST API v2) for local runs and tests. */
export { ProcurementSimulator, canonicalJson } from './server';
export type {
  ProcurementFaults,
  ProcurementSimulatorOptions,
  RecordedRequest,
  SimulatedClient,
} from './server';
export type { AckBehaviour, ItemSeed, SupplierSeed } from './platform';
