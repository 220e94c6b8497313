/**
 * POST /v1/purchase-requisitions/{requisitionId}/cancellation: the requester cancels their
 * requisition while nothing is committed (before the award and ERP posting); its sourcing request
 * is cancelled and its workflow ends as cancelled at the posting step. After the commitment (or a
 * rejection) it is 409 and nothing changes. Cancelling again answers the same 200.
 */
import { json, problem } from '../../adapters/webhooks/problem';
import { cancelRequisition, statusOf } from '../../domain/requisition/requisition';
import { apiHandler, requireCaller } from './http';
import { requisitionIdOf } from './requisition-id';
import { cancellationPorts } from './requisition-ports';

export const handler = apiHandler('purchase-requisition-cancellation', async (request) => {
  const { instance } = request;
  const identified = requireCaller(request);
  if (!identified.ok) return identified.response;
  const id = requisitionIdOf(request);
  if (!id.ok) return id.response;
  const outcome = await cancelRequisition(id.value, identified.caller.subject, cancellationPorts());
  switch (outcome.kind) {
    case 'not-found':
      return problem(404, 'requisition-not-found', `No requisition ${id.value}.`, { instance });
    case 'not-requester':
      return problem(403, 'not-requester', 'Only the requester may cancel a requisition.', { instance });
    case 'refused':
      return outcome.requisition.status === 'rejected' || outcome.requisition.status === 'failed'
        ? problem(
            409,
            'requisition-closed',
            `The requisition is ${outcome.requisition.status}; nothing to cancel.`,
            {
              instance,
            },
          )
        : problem(
            409,
            'requisition-committed',
            'The purchase order is already committed (awarded and posted); the requisition cannot be cancelled.',
            { instance },
          );
    case 'cancelled':
      return json(200, statusOf(outcome.requisition));
  }
});
