/** Simulator of the ERP (the embedded in-memory ERP, and its RPC endpoint) for local runs and tests. */
export { ErpSimulatorServer } from './server';
export type { ErpFaultSettings } from './server';
export { ErpSimulator } from './erp-simulator';
export type { ErpFaults, ErpSimulatorOptions } from './erp-simulator';
