/**
 * Purchase requisitions (issue #17): a buyer or an application asks for an item at a site, and the
 * commitment workflow runs the requisition as it runs a forecast exception (sourcing, policy
 * checks, approval by someone else than the requester, ERP posting, supplier acknowledgement,
 * receipt). The requisition keeps the path it took and each system's reference.
 *
 * A submission is idempotent on the caller's `Idempotency-Key`: the requisition id is derived from
 * the requester and the key, so a retried submission finds the same requisition and starts nothing
 * again; the same key with another body is refused.
 */
import { createHash } from 'node:crypto';
import type { PurchaseRequisition } from '../../canonical/generated/types';
import type { REQUISITION_STATUSES, REQUISITION_STEPS } from '../../canonical/codes/requisitions';
import type { CommitmentState, WorkflowSettings } from '../commitment/types';
import type { Clock } from '../ports/clock';
import type { ApprovalWithdrawal } from '../ports/approvals';
import type { ProcurementPort } from '../ports/procurement';
import type { RequisitionBook } from '../ports/requisitions';

/** Where a requisition stands (canonical/codes/requisitions.ts). */
export type RequisitionStatus = (typeof REQUISITION_STATUSES)[number];

/** A step of a requisition's path. */
export interface RequisitionStep {
  step: (typeof REQUISITION_STEPS)[number];
  at: string;
  outcome: string;
}

/** Each system's reference of a requisition; null: not there (yet). */
export type RequisitionReferences = PurchaseRequisition['references'];

/** What was asked for (the validated PurchaseRequisitionSubmission). */
export interface RequisitionSubmission {
  itemCode: string;
  site: string;
  quantityEa: string;
  needBy: string;
  justification: string;
}

/** A requisition as it is kept: the status resource, and what its idempotency needs. */
export interface Requisition extends PurchaseRequisition {
  /** Digest of the submitted body: the same key with another body is refused. */
  fingerprint: string;
  /** Its workflow was started. */
  started: boolean;
  /** When its purchase order was committed (awarded and posted); it can no longer be cancelled. */
  committedAt?: string;
}

/** What the commitment workflow carries of a requisition (its state's `requisition`). */
export interface RequisitionNeed {
  requisitionId: string;
  requestedBy: string;
  itemCode: string;
  site: string;
  quantityEa: string;
  needBy: string;
  justification: string;
  submittedAt: string;
}

/** Statuses in which nothing is committed: the requisition may still be cancelled. */
export const CANCELLABLE: readonly RequisitionStatus[] = ['submitted', 'sourced', 'awaiting-approval'];

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `PR-` and 26 base32 characters (130 bits) of the requester and their key: one per caller's key. */
export function requisitionIdFor(requestedBy: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${requestedBy}\n${idempotencyKey}`).digest();
  let id = '';
  for (let bit = 0; bit < 130; bit += 5) {
    const byte = bit >> 3;
    const value = ((digest[byte]! << 8) | (digest[byte + 1] ?? 0)) >> (11 - (bit & 7));
    id += BASE32[value & 31];
  }
  return `PR-${id}`;
}

/** Digest of a submission, independent of the order its fields were written in. */
export function fingerprintOf(submission: RequisitionSubmission): string {
  const { itemCode, site, quantityEa, needBy, justification } = submission;
  return createHash('sha256')
    .update(JSON.stringify([itemCode, site, quantityEa, needBy, justification]))
    .digest('hex');
}

/** An `Idempotency-Key` a client may send: 1 to 200 printable ASCII characters. */
export function isIdempotencyKey(value: string | undefined): value is string {
  return value !== undefined && /^[\x21-\x7e]{1,200}$/.test(value);
}

/** The status resource of a requisition (what the API answers). */
export function statusOf(requisition: Requisition): PurchaseRequisition {
  const {
    fingerprint: _fingerprint,
    started: _started,
    committedAt: _committedAt,
    ...resource
  } = requisition;
  return resource;
}

/** What the workflow carries of a requisition. */
export function needOf(requisition: Requisition): RequisitionNeed {
  const { requisitionId, requestedBy, itemCode, site, quantityEa, needBy, justification, submittedAt } =
    requisition;
  return { requisitionId, requestedBy, itemCode, site, quantityEa, needBy, justification, submittedAt };
}

/**
 * The purchase-commitment workflow's input for a requisition: a sourcing request to create for its
 * quantity and need-by date; the requisition rides on the flow event, so it passes through every
 * workflow the commitment hands over to (approval, acknowledgement).
 */
export function requisitionCommitmentInput(
  requisition: Requisition,
  settings: WorkflowSettings,
): CommitmentState {
  return {
    exception: null,
    event: {
      eventId: requisition.requisitionId,
      correlationId: requisition.requisitionId,
      idempotencyKey: `requisition:${requisition.requisitionId}`,
      occurredAt: requisition.submittedAt,
      requisition: needOf(requisition),
    },
    action: { kind: 'create', quantityEa: requisition.quantityEa, needBy: requisition.needBy },
    settings,
  };
}

/** The ports of a submission. */
export interface SubmissionPorts extends Clock {
  book: Pick<RequisitionBook, 'create' | 'markStarted'>;
  /** Starts the commitment workflow for the requisition (named after it: started once). */
  startCommitment(requisition: Requisition): Promise<void>;
}

/** What a submission came to. */
export type SubmissionOutcome =
  | { kind: 'accepted'; requisition: Requisition; replayed: boolean }
  /** The key was used for another body: nothing was changed. */
  | { kind: 'key-reused'; requisitionId: string };

const NO_REFERENCES: RequisitionReferences = {
  sourcingRequest: null,
  purchaseOrder: null,
  procurementPurchaseOrder: null,
  erpOrder: null,
  approval: null,
  acknowledgement: null,
  receipt: null,
  integrationException: null,
};

/**
 * Records the requisition and starts its commitment workflow. A replay (same key, same body)
 * answers the recorded requisition, and starts its workflow only when the first attempt stopped
 * before starting it.
 */
export async function submitRequisition(
  submission: RequisitionSubmission,
  request: { idempotencyKey: string; requestedBy: string },
  ports: SubmissionPorts,
): Promise<SubmissionOutcome> {
  const requisitionId = requisitionIdFor(request.requestedBy, request.idempotencyKey);
  const fingerprint = fingerprintOf(submission);
  const submittedAt = ports.now().toISOString();
  const candidate: Requisition = {
    requisitionId,
    status: 'submitted',
    requestedBy: request.requestedBy,
    submittedAt,
    ...submission,
    path: [{ step: 'submission', at: submittedAt, outcome: `submitted by ${request.requestedBy}` }],
    references: NO_REFERENCES,
    fingerprint,
    started: false,
  };
  const created = await ports.book.create(candidate);
  const requisition = created.created ? candidate : created.existing;
  if (requisition.fingerprint !== fingerprint) return { kind: 'key-reused', requisitionId };
  if (!requisition.started) {
    await ports.startCommitment(requisition);
    await ports.book.markStarted(requisitionId);
  }
  return { kind: 'accepted', requisition, replayed: !created.created };
}

/** The ports of a cancellation. */
export interface CancellationPorts extends Clock {
  book: Pick<RequisitionBook, 'get' | 'cancel'>;
  procurement: Pick<ProcurementPort, 'cancelSourcingRequest'>;
  approvals: ApprovalWithdrawal;
}

/** What a cancellation came to. */
export type CancellationOutcome =
  | { kind: 'cancelled'; requisition: Requisition }
  | { kind: 'not-found' }
  | { kind: 'not-requester' }
  /** Committed, rejected or failed: nothing was changed. */
  | { kind: 'refused'; requisition: Requisition };

/**
 * Cancels a requisition while nothing is committed, then its sourcing request. Recording the
 * cancellation first means the workflow cannot commit afterwards (the posting step claims the
 * requisition, and a cancelled one refuses the claim); cancelling again answers the same.
 */
export async function cancelRequisition(
  requisitionId: string,
  caller: string,
  ports: CancellationPorts,
): Promise<CancellationOutcome> {
  const found = await ports.book.get(requisitionId);
  if (!found) return { kind: 'not-found' };
  if (found.requestedBy !== caller) return { kind: 'not-requester' };
  let requisition = found;
  if (found.status !== 'cancelled') {
    const outcome = await ports.book.cancel(requisitionId, {
      step: 'cancellation',
      at: ports.now().toISOString(),
      outcome: `cancelled by ${caller}`,
    });
    if (outcome.kind === 'not-found') return outcome;
    if (outcome.kind === 'refused') return outcome;
    requisition = outcome.requisition;
  }
  // Again on a repeated cancellation: the first may have stopped before procurement or the
  // approval workflow answered. The approval ends withdrawn, so nobody decides it and no
  // rejection or time-out raises an integration exception for a cancelled requisition.
  const approvalId = requisition.references.approval;
  if (approvalId)
    await ports.approvals.withdraw(approvalId, {
      by: caller,
      at: ports.now().toISOString(),
      reason: `requisition ${requisitionId} cancelled`,
    });
  const requestId = requisition.references.sourcingRequest;
  if (requestId)
    await ports.procurement.cancelSourcingRequest(requestId, { idempotencyKey: `sr-cancel:${requestId}` });
  return { kind: 'cancelled', requisition };
}
