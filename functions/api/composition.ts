/**
 * The composition root of the governed API: each operation's ports, built once per execution
 * environment from the shared adapters (functions/commons/adapters.ts).
 */
import type { IntegrationExceptionStore } from '../../adapters/aws/integration-exceptions';
import type { SyncLedger } from '../../adapters/aws/sync-ledger';
import type { ResolutionPorts } from '../../domain/integration-exceptions';
import { approvalStore, integrationExceptions, publish, syncLedger, tenantId } from '../commons/adapters';
import { lazy } from '../commons/clients';

/** approval-decision: the approval task tokens, which resume the waiting workflow. */
export const approvals = approvalStore;

/** integration-exceptions-list: the integration exceptions store. */
export const exceptions = integrationExceptions;

/** integration-exception-resolve: the resolution's ports, and the store for the open gauges. */
export interface ExceptionResolutionPorts extends ResolutionPorts {
  store: IntegrationExceptionStore;
}

/** The ports of integration-exception-resolve. */
export const resolutionPorts = /* @__PURE__ */ lazy((): ExceptionResolutionPorts => {
  const store = integrationExceptions();
  return {
    store,
    resolve: (exceptionId, resolution) => store.resolve(exceptionId, resolution),
    undoResolution: (exceptionId, resolvedAt) => store.undoResolution(exceptionId, resolvedAt),
    publish: (event) => publish([event]),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    tenantId: tenantId(),
  };
});

/** purchase-order-sync-status: the sync ledger and the open exceptions. */
export const syncStatusPorts = /* @__PURE__ */ lazy(
  (): { ledger: SyncLedger; exceptions: IntegrationExceptionStore } => ({
    ledger: syncLedger(),
    exceptions: integrationExceptions(),
  }),
);
