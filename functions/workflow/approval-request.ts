/**
 * `Wait for approval` (commitment-approval, waitForTaskToken): keeps the task token under the
 * commitment's approval id (random, unguessable; a retried wait finds the same one through the
 * commitment's key, the workflow's `approvalId` input) and announces
 * `purchase-order.approval-requested` with it.
 */
import { buildEvent } from '../../canonical/envelope';
import type { ApprovalRequest, ForecastException } from '../../canonical/generated/types';
import { SYSTEM_REQUESTER } from '../../domain/approval/authority';
import { newApprovalId } from '../../domain/approval/ids';
import { recordRequisitionStep, sourcingNeedOf } from '../../domain/commitment/need';
import { purchaseOrderRef } from '../../domain/commitment/steps';
import type {
  FlowEvent,
  PolicyOutcome,
  SourcingOutcome,
  WorkflowSettings,
} from '../../domain/commitment/types';
import { ContractViolation } from '../../domain/failures';
import { approvalRequestPorts, type ApprovalRequestPorts } from './composition';
import { workflowTask } from './task';

/** The task's payload (state-machines/commitment-approval.asl.json). */
export interface ApprovalRequestInput {
  taskToken: string;
  /** The commitment's approval key (request and plan version): names the workflow, never shown to people. */
  approvalId: string;
  policy: PolicyOutcome;
  /** The forecast exception; null for a requisition (on `event`). */
  exception: ForecastException | null;
  event: FlowEvent;
  settings: WorkflowSettings;
  /** The sourcing outcome, when the workflow passes it on. */
  sourcing?: SourcingOutcome;
}

/** `APR-<requestId>-v<planVersion>`, as the policy check keys a commitment's approval. */
const APPROVAL_ID = /^APR-(.+)-v\d+$/;

/** The sourcing request being approved: from the input, else read back from the platform. */
async function sourcingOf(
  input: ApprovalRequestInput,
  ports: ApprovalRequestPorts,
): Promise<{ requestId: string; createdAt?: string; instance?: string; supplierNumber: string }> {
  if (input.sourcing?.supplierNumber)
    return { ...input.sourcing, supplierNumber: input.sourcing.supplierNumber };
  const requestId = input.sourcing?.requestId ?? APPROVAL_ID.exec(input.approvalId)?.[1];
  const request = requestId ? await ports.procurement.getSourcingRequest(requestId) : null;
  if (!requestId || !request?.supplierNumber) {
    throw new ContractViolation(
      `approval ${input.approvalId}: no sourcing request with a supplier to approve`,
      'supplyline',
      { approvalId: input.approvalId, requestId },
    );
  }
  return {
    requestId,
    createdAt: request.createdAt,
    ...(request.instance ? { instance: request.instance } : {}),
    supplierNumber: request.supplierNumber,
  };
}

export const handler = workflowTask('approval-request', async (input: ApprovalRequestInput) => {
  const ports = approvalRequestPorts();
  const sourcing = await sourcingOf(input, ports);
  const need = sourcingNeedOf(input);
  const now = ports.now();
  const candidate: ApprovalRequest = {
    approvalId: newApprovalId(),
    externalRef: purchaseOrderRef(sourcing),
    supplierNumber: sourcing.supplierNumber,
    site: need.site,
    totalValue: input.policy.totalValue,
    currency: input.policy.currency,
    limit: ports.policy.approvalLimit.toMoneyString(),
    expiresAt: new Date(now.getTime() + input.settings.approvalTimeoutSeconds * 1000).toISOString(),
    // A forecast exception's commitment is Supplyline's own: no person requested it. A
    // requisition's requester may not approve it (domain/approval/authority.ts).
    requestedBy: need.requestedBy ?? SYSTEM_REQUESTER,
  };
  const request = await ports.registerApproval({
    commitmentKey: input.approvalId,
    taskToken: input.taskToken,
    request: candidate,
  });
  await ports.publish([
    buildEvent(
      'purchase-order.approval-requested',
      request,
      {
        sourceObjectId: request.approvalId,
        sourceVersion: need.version,
        occurredAt: now,
        correlationId: input.event.correlationId,
        causationId: input.event.eventId,
        // A retried wait registers a new token and announces again: downstream sees one request.
        idempotencyKey: `approval-requested:${request.approvalId}`,
        tenantId: ports.tenantId,
      },
      ports,
    ),
  ]);
  await recordRequisitionStep(
    input.event.requisition?.requisitionId,
    ports,
    'approval',
    `approval ${request.approvalId} requested from someone other than ${request.requestedBy ?? SYSTEM_REQUESTER}`,
    { references: { approval: request.approvalId } },
  );
});
