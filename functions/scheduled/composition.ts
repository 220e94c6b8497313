/**
 * The composition root of the scheduled functions: each one's ports, built once per execution
 * environment from the shared adapters (functions/commons/adapters.ts). The receipt poller has its
 * own (receipt-poller-ports.ts): it needs the ERP and Powertools idempotency, which would otherwise
 * weigh on the safety net's bundle.
 */
import { forecastSnapshots, forecastSyncRecords, publish } from '../commons/adapters';
import { lazy } from '../commons/clients';
import { logger } from '../commons/powertools';
import type { SafetyNetPorts } from './forecast-sync-safety-net';

/** forecast-sync-safety-net: the forecast sync bucket and the bus. */
export const safetyNetPorts = /* @__PURE__ */ lazy((): SafetyNetPorts => ({
  records: forecastSyncRecords(),
  store: forecastSnapshots(),
  publish,
  logger,
  now: () => new Date(),
  newId: () => crypto.randomUUID(),
}));
