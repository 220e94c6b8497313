/**
 * The sourcing need a commitment is for: a forecast exception (the evaluation starts the workflow
 * with it) or a purchase requisition (the requisition API does). The steps read the need through
 * {@link sourcingNeedOf}, so both run the same states; what differs is named here once.
 */
import { ContractViolation } from '../failures';
import type { RequisitionBook } from '../ports/requisitions';
import type { RequisitionNeed, RequisitionStatus, RequisitionStep } from '../requisition/requisition';
import { postPurchaseOrder, sourcingRef } from './steps';
import type {
  CancelledBeforeCommitment,
  CommitmentPorts,
  CommitmentState,
  PostedPurchaseOrder,
} from './types';

/** What the steps need to know of the need, whatever it came from. */
export interface SourcingNeed {
  itemCode: string;
  site: string;
  /** The need's version: the plan version of an exception; a requisition has one (1). */
  version: number;
  /** Our reference of its sourcing request (procurement `external_ref`). */
  sourcingRef: string;
  justification: string;
  /** The business object an integration exception about it names. */
  objectType: 'ForecastException' | 'PurchaseRequisition';
  objectId: string;
  /** Who asked for it, when a person or an application did (a requisition's requester). */
  requestedBy?: string;
}

/** The requisition a workflow state is for; undefined for a forecast exception. */
export function requisitionOf(state: {
  event?: Pick<CommitmentState['event'], 'requisition'>;
}): RequisitionNeed | undefined {
  return state.event?.requisition ?? undefined;
}

/** The need of a workflow state; a state with neither is our bug. */
export function sourcingNeedOf(state: Partial<Pick<CommitmentState, 'exception' | 'event'>>): SourcingNeed {
  const { exception } = state;
  const requisition = requisitionOf(state);
  if (exception) {
    return {
      itemCode: exception.itemCode,
      site: exception.site,
      version: exception.planVersion,
      sourcingRef: sourcingRef(exception),
      justification: `Forecast exception ${exception.exceptionId} (${exception.kind}) in plan ${exception.planId} v${exception.planVersion}`,
      objectType: 'ForecastException',
      objectId: `${exception.planId}/${exception.exceptionId}`,
    };
  }
  if (requisition) {
    return {
      itemCode: requisition.itemCode,
      site: requisition.site,
      version: 1,
      sourcingRef: `SL-${requisition.requisitionId}`,
      justification:
        `Purchase requisition ${requisition.requisitionId} by ${requisition.requestedBy}: ${requisition.justification}`.slice(
          0,
          1000,
        ),
      objectType: 'PurchaseRequisition',
      objectId: requisition.requisitionId,
      requestedBy: requisition.requestedBy,
    };
  }
  throw new ContractViolation('a commitment without a forecast exception or a requisition', 'supplyline');
}

/** The requisition book for a requisition; undefined for a forecast exception (no id). */
export function requisitionBookOf(
  requisitionId: string | undefined,
  ports: Pick<CommitmentPorts, 'requisitions'>,
): { requisitionId: string; book: Pick<RequisitionBook, 'record' | 'claimCommitment'> } | undefined {
  if (!requisitionId) return undefined;
  if (!ports.requisitions)
    throw new ContractViolation('a requisition’s commitment without the requisition book', 'supplyline');
  return { requisitionId, book: ports.requisitions };
}

/** Adds a step to a requisition's path (nothing for a forecast exception: no id). */
export async function recordRequisitionStep(
  requisitionId: string | undefined,
  ports: Pick<CommitmentPorts, 'requisitions' | 'now'>,
  step: RequisitionStep['step'],
  outcome: string,
  change: Parameters<RequisitionBook['record']>[2] & { status?: RequisitionStatus } = {},
): Promise<void> {
  const target = requisitionBookOf(requisitionId, ports);
  if (!target) return;
  await target.book.record(
    target.requisitionId,
    { step, at: ports.now().toISOString(), outcome: outcome.slice(0, 200) },
    change,
  );
}

/**
 * `Post purchase order` for any need: a requisition is first claimed for commitment, and one
 * cancelled before that is not committed (its sourcing request is withdrawn and the workflow ends
 * as cancelled); a forecast exception's order is posted as it always was.
 */
export async function postCommitment(
  state: CommitmentState,
  ports: CommitmentPorts,
): Promise<PostedPurchaseOrder | CancelledBeforeCommitment> {
  const requisition = requisitionBookOf(requisitionOf(state)?.requisitionId, ports);
  if (requisition && state.sourcing) {
    if (state.approval)
      await recordRequisitionStep(
        requisition.requisitionId,
        ports,
        'approval',
        `${state.approval.decision}d by ${state.approval.approver}`,
      );
    const claimed = await requisition.book.claimCommitment(
      requisition.requisitionId,
      ports.now().toISOString(),
    );
    if (!claimed) {
      const { requestId } = state.sourcing;
      await ports.procurement.cancelSourcingRequest(requestId, { idempotencyKey: `sr-cancel:${requestId}` });
      return { cancelled: { requisitionId: requisition.requisitionId, sourcingRequestId: requestId } };
    }
  }
  return postPurchaseOrder(state, ports);
}
