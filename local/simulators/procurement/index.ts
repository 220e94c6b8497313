/**
 * Simulator of the procurement platform (vendor REST API v2) for local runs and tests.
 * `server.ts` runs a request through outage and latency faults, the token endpoint and bearer check
 * (`oauth.ts`), the rate limit and Idempotency-Key store (`request-guards.ts`) to the API's routing
 * table (`api.ts`) over the resources and their rules (`platform.ts`); events go out as signed
 * webhooks (`webhooks.ts`).
 */
export { ProcurementSimulator, canonicalJson } from './server';
export type {
  ProcurementFaults,
  ProcurementSimulatorOptions,
  RecordedRequest,
  SimulatedClient,
} from './server';
export type { AckBehaviour, ItemSeed, SupplierSeed } from './platform';
