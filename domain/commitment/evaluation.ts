/**
 * Evaluating a forecast exception: the high-volume first step. Most exceptions stop here, so it runs
 * in a queue consumer, not in a workflow; only an actionable one starts the purchase-commitment
 * workflow, with the sourcing action already decided.
 */
import { buildEvent } from '../../canonical/envelope';
import type { ForecastExceptionRaisedV1 } from '../../canonical/generated/types';
import { decidedWithoutSupply, evaluateException } from '../procurement/exception-policy';
import { sourcingActionFor } from '../procurement/sourcing-decision';
import type { SourcingRequestSnapshot } from '../procurement/types';
import { purchaseOrderRef, sourcingRef, toPolicyException } from './steps';
import { Decimal } from '../decimal';
import type { CommitmentPorts, CommitmentState, SourcingActionInput, WorkflowSettings } from './types';

export interface EvaluationPorts extends Pick<
  CommitmentPorts,
  'procurement' | 'supply' | 'policy' | 'publish' | 'tenantId' | 'now' | 'newId' | 'metric'
> {
  settings: WorkflowSettings;
  /** Starts the purchase-commitment workflow (Express) with this input. */
  startCommitment(input: CommitmentState): Promise<void>;
}

export type EvaluationOutcome = 'NO_ACTION' | 'CREATE' | 'AMEND' | 'CANCEL' | 'STALE' | 'DUPLICATE';

export async function evaluateForecastException(
  event: ForecastExceptionRaisedV1,
  ports: EvaluationPorts,
): Promise<{ outcome: EvaluationOutcome; action?: SourcingActionInput }> {
  const exception = toPolicyException(event.data);
  if (decidedWithoutSupply(exception, ports.policy)) {
    // Recorded without a call to procurement: the vendor's 10 requests/s are for actionable work.
    ports.metric?.('ForecastExceptionsWithoutAction', 1, 'Count', { Reason: 'BELOW_THRESHOLD' });
    return { outcome: 'NO_ACTION' };
  }
  const openRequests = await ports.procurement.listSourcingRequests(
    { itemCode: exception.itemCode, site: exception.site, status: 'open' },
    { lane: 'critical' },
  );
  const sourcingRequests: SourcingRequestSnapshot[] = openRequests.map((request) => ({
    requestId: request.requestId,
    itemCode: request.itemCode,
    site: request.site,
    status: request.status,
    quantityEa: request.quantityEa,
    needBy: request.needBy,
  }));
  const purchaseOrderLines = await ports.supply.openLines(exception.itemCode, exception.site);
  const decision = evaluateException(exception, {
    sourcingRequests,
    purchaseOrderLines,
    policy: ports.policy,
  });
  let action = sourcingActionFor(decision, exception);
  // This very exception version already created its request, and its commitment stopped before
  // the purchase order (a redelivery, a replay, a workflow that failed): resume it. Creating is
  // idempotent on the request's external reference, and posting on the order's.
  const own = openRequests.find((request) => request.externalRef === sourcingRef(event.data));
  if (action.kind === 'none' && action.reason === 'UNCHANGED' && own) {
    ports.metric?.('CommitmentsResumed', 1, 'Count');
    action = { kind: 'create', quantityEa: Decimal.of(own.quantityEa), needBy: own.needBy };
  }

  if (action.kind === 'none') {
    // Recorded as a metric and a log line, not an event: most exceptions end here.
    ports.metric?.('ForecastExceptionsWithoutAction', 1, 'Count', { Reason: action.reason });
    return {
      outcome:
        action.reason === 'STALE' ? 'STALE' : action.reason === 'DUPLICATE' ? 'DUPLICATE' : 'NO_ACTION',
    };
  }
  const actionInput: SourcingActionInput =
    action.kind === 'create'
      ? { kind: 'create', quantityEa: action.quantityEa.toString(), needBy: action.needBy }
      : action.kind === 'amend'
        ? {
            kind: 'amend',
            requestId: action.requestId,
            fromQuantityEa: action.fromQuantityEa.toString(),
            toQuantityEa: action.toQuantityEa.toString(),
            needBy: action.needBy,
            previousNeedBy: action.previousNeedBy,
          }
        : { kind: 'cancel', requestId: action.requestId };
  const outcome = action.kind.toUpperCase() as 'CREATE' | 'AMEND' | 'CANCEL';
  const need =
    decision.outcome === 'act' || decision.outcome === 'record' ? decision.assessment.need : undefined;
  await ports.publish([
    buildEvent(
      'forecast-exception.evaluated',
      {
        exceptionKey: event.idempotencyKey,
        outcome,
        reason:
          decision.outcome === 'act'
            ? `Triggered by ${decision.trigger}`
            : 'Demand change on an open request',
        needEa: need?.needEa.toString() ?? '0',
        orderQuantityEa: need?.orderQuantityEa.toString() ?? '0',
      },
      {
        sourceObjectId: event.sourceObjectId,
        sourceVersion: event.sourceVersion,
        occurredAt: ports.now(),
        correlationId: event.correlationId,
        causationId: event.eventId,
        idempotencyKey: `evaluation:${event.idempotencyKey}`,
        tenantId: ports.tenantId,
      },
      ports,
    ),
  ]);
  await ports.startCommitment(commitmentInput(event, actionInput, ports.settings));
  return { outcome, action: actionInput };
}

/** What a resume found: the commitment started again, or nothing left to do. */
export type ResumeOutcome = 'RESUMED' | 'EVALUATED' | 'NOTHING_TO_RESUME';

/**
 * A replay of an exception that was already evaluated, after the runtime that ran its commitment
 * died (the recovery after a restart, docs/fault-drills.md drill 5). Its own sourcing request (by
 * `sourcingRef`) says how far the commitment got:
 * - none: it stopped before sourcing (or the evaluation decided no action): evaluate it again;
 * - open: it stopped before the award: start it again (creating returns the same request);
 * - awarded, with no posted commitment under its purchase order: it stopped between the award and
 *   the ERP post: start it again (the award answers the same order for its Idempotency-Key, the
 *   ERP post is idempotent on the order's reference);
 * - awarded and posted, or cancelled: it reached its outcome; nothing changes.
 */
export async function resumeCommitment(
  event: ForecastExceptionRaisedV1,
  ports: EvaluationPorts & {
    /** Posted commitments: a resumed commitment must not post twice. */
    commitments: Pick<CommitmentPorts['commitments'], 'findByPoNumber'>;
  },
): Promise<ResumeOutcome> {
  const exception = toPolicyException(event.data);
  if (decidedWithoutSupply(exception, ports.policy)) return 'NOTHING_TO_RESUME';
  const requests = await ports.procurement.listSourcingRequests(
    { itemCode: exception.itemCode, site: exception.site },
    { lane: 'critical' },
  );
  const own = requests.find((request) => request.externalRef === sourcingRef(event.data));
  if (!own) {
    const { outcome } = await evaluateForecastException(event, ports);
    return outcome === 'CREATE' || outcome === 'AMEND' || outcome === 'CANCEL'
      ? 'EVALUATED'
      : 'NOTHING_TO_RESUME';
  }
  if (own.status === 'cancelled') return 'NOTHING_TO_RESUME';
  if (own.status === 'awarded') {
    // The same key as the posting step's award: the platform answers the order it issued.
    const po = await ports.procurement.awardPurchaseOrder(
      { sourcingRequestId: own.requestId, externalRef: purchaseOrderRef(own) },
      { idempotencyKey: `po-create:${own.requestId}` },
    );
    if (await ports.commitments.findByPoNumber(po.poNumber)) return 'NOTHING_TO_RESUME';
  }
  ports.metric?.('CommitmentsResumed', 1, 'Count');
  await ports.startCommitment(
    commitmentInput(
      event,
      { kind: 'create', quantityEa: own.quantityEa, needBy: own.needBy },
      ports.settings,
    ),
  );
  return 'RESUMED';
}

/** The purchase-commitment workflow's input for an exception and its sourcing action. */
function commitmentInput(
  event: ForecastExceptionRaisedV1,
  action: SourcingActionInput,
  settings: WorkflowSettings,
): CommitmentState {
  return {
    exception: event.data,
    event: {
      eventId: event.eventId,
      correlationId: event.correlationId,
      idempotencyKey: event.idempotencyKey,
      occurredAt: event.occurredAt,
    },
    action,
    settings,
  };
}
