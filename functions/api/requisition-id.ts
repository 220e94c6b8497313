/** The requisition id of a requisition route's path, checked against its schema. */
import { problem, type HttpResponse } from '../../adapters/webhooks/problem';
import { validatePurchaseRequisitionRequest } from '../../canonical/generated/validators';
import { pathParameter, type ApiRequest } from './http';

/** The path's requisition id, or the 400 problem answering a malformed one. */
export function requisitionIdOf(
  request: ApiRequest,
): { ok: true; value: string } | { ok: false; response: HttpResponse } {
  const given = pathParameter(request.event, 'requisitionId');
  const checked = validatePurchaseRequisitionRequest(given === undefined ? {} : { requisitionId: given });
  if (checked.ok) return { ok: true, value: checked.value.requisitionId };
  return {
    ok: false,
    response: problem(400, 'invalid-parameter', 'The path must name a requisition (PR-…).', {
      instance: request.instance,
      errors: checked.errors.map((error) => ({ pointer: error.pointer, detail: error.message })),
    }),
  };
}
