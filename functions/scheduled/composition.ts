/**
 * The composition root of the scheduled functions: each one's ports, built once per execution
 * environment from the shared adapters (functions/commons/adapters.ts). The receipt poller has its
 * own (receipt-poller-ports.ts): it needs the ERP and Powertools idempotency, which would otherwise
 * weigh on the safety net's bundle.
 */
import {
  businessRules,
  forecastSnapshots,
  forecastSyncRecords,
  integrationExceptions,
  publish,
  tenantId,
} from '../commons/adapters';
import { lazy } from '../commons/clients';
import { logger } from '../commons/powertools';
import type { SafetyNetPorts } from './forecast-sync-safety-net';
import { DEFAULT_ESCALATION_POLICY, type EscalationPolicy } from '../../domain/integration-exception-aging';
import type { EscalationPorts } from '../../domain/ports/integration-exceptions';

/** forecast-sync-safety-net: the forecast sync bucket and the bus. */
export const safetyNetPorts = /* @__PURE__ */ lazy((): SafetyNetPorts => ({
  records: forecastSyncRecords(),
  store: forecastSnapshots(),
  publish,
  logger,
  now: () => new Date(),
  newId: () => crypto.randomUUID(),
}));

/** integration-exception-escalation: the exception store and the bus. */
export const escalationPorts = /* @__PURE__ */ lazy((): EscalationPorts => {
  const store = integrationExceptions();
  return {
    openExceptions: () => store.openExceptions(),
    markEscalated: (exceptionId, at) => store.markEscalated(exceptionId, at),
    undoEscalation: (exceptionId, at) => store.undoEscalation(exceptionId, at),
    publish: (event) => publish([event]),
    tenantId: tenantId(),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
  };
});

/** The environment's escalation limits, or the contract's. */
export function escalationPolicy(): EscalationPolicy {
  return businessRules().exceptionEscalation ?? DEFAULT_ESCALATION_POLICY;
}
