/**
 * The composition root of the governed API: each operation's ports, built once per execution
 * environment from the shared adapters (functions/commons/adapters.ts).
 */
import type { IntegrationExceptionStore } from '../../adapters/aws/integration-exceptions';
import type { SyncLedger } from '../../adapters/aws/sync-ledger';
import type { ApprovalDecisionPorts } from '../../domain/approval/decision';
import type { ResolutionPorts } from '../../domain/integration-exceptions';
import {
  approvalAuditTrail,
  approvalStore,
  approverRoles,
  integrationExceptions,
  publish,
  syncLedger,
  tenantId,
} from '../commons/adapters';
import { lazy } from '../commons/clients';

/** approval-decision: the approvals, the audit trail, the roles and the bus. */
export const decisionPorts = /* @__PURE__ */ lazy((): ApprovalDecisionPorts => ({
  book: approvalStore(),
  audit: approvalAuditTrail(),
  roles: approverRoles(),
  publish,
  now: () => new Date(),
  newId: () => crypto.randomUUID(),
  tenantId: tenantId(),
}));

/** pending-approvals: the approvals still waiting, and the roles that say who may decide them. */
export const pendingApprovalPorts = /* @__PURE__ */ lazy(() => ({
  book: approvalStore(),
  roles: approverRoles(),
}));

/** approval-audit: the audit trail. */
export const auditTrail = approvalAuditTrail;

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
