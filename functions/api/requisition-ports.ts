/**
 * The ports of the purchase requisition API (issue #17): the requisition book and, for a
 * submission, the commitment workflow's start; for a cancellation, procurement (behind the shared
 * breaker, functions/commons/commitment-ports.ts), kept out of the other handlers' bundles.
 */
import type { CancellationPorts, SubmissionPorts } from '../../domain/requisition/requisition';
import { approvalStore, requisitionBook, startRequisitionCommitment } from '../commons/adapters';
import { lazy } from '../commons/clients';
import { commitmentPorts } from '../commons/commitment-ports';

/** purchase-requisition-submission: the book and the workflow's start. */
export const submissionPorts = /* @__PURE__ */ lazy((): SubmissionPorts => ({
  book: requisitionBook(),
  startCommitment: startRequisitionCommitment,
  now: () => new Date(),
}));

/**
 * purchase-requisition-cancellation: the book, procurement to withdraw the sourcing request, and
 * the approvals to withdraw the one it awaits.
 */
export const cancellationPorts = /* @__PURE__ */ lazy((): CancellationPorts => ({
  book: requisitionBook(),
  get procurement() {
    return commitmentPorts().procurement;
  },
  get approvals() {
    return approvalStore();
  },
  now: () => new Date(),
}));
