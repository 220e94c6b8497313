/**
 * The composition root of the workflow tasks: the procurement steps' ports
 * (functions/commons/commitment-ports.ts) and what the waiting tasks add to them, the approval
 * store and the answer to a task token (functions/commons/adapters.ts).
 */
import type { ApprovalStore } from '../../adapters/aws/approvals';
import type { AcknowledgementPorts } from '../../domain/commitment/acknowledgement';
import { approvalStore, commitmentRegistry, sendTaskSuccess } from '../commons/adapters';
import { commitmentPorts, withPorts, type FunctionPorts } from '../commons/commitment-ports';
import { lazy } from '../commons/clients';

/** The ports of the purchase-commitment steps (sourcing, policy check, posting, rejection). */
export const stepPorts: () => FunctionPorts = commitmentPorts;

/** `Wait for approval`: the steps' ports and where the approval's task token is kept. */
export interface ApprovalRequestPorts extends FunctionPorts {
  registerApproval: ApprovalStore['registerApproval'];
}

/** The ports of `Wait for approval`. */
export const approvalRequestPorts = /* @__PURE__ */ lazy((): ApprovalRequestPorts =>
  withPorts<Pick<ApprovalRequestPorts, 'registerApproval'>>({
    registerApproval: (registration) => approvalStore().registerApproval(registration),
  }),
);

/** The ports of `Wait for supplier acknowledgement`. */
export const acknowledgementWaitPorts = /* @__PURE__ */ lazy(
  (): Pick<AcknowledgementPorts, 'commitments' | 'sendTaskSuccess'> => ({
    get commitments() {
      return commitmentRegistry();
    },
    sendTaskSuccess,
  }),
);
