/**
 * POST /v1/purchase-requisitions: a buyer or an application submits a purchase requisition; it is
 * recorded with its requester (the access token's subject) and runs through the commitment
 * workflow. 202 with its Location. The `Idempotency-Key` header is required: the same key and
 * body answer the same requisition again and start nothing twice; the same key with another body
 * is refused (422), changing nothing.
 */
import { json, problem } from '../../adapters/webhooks/problem';
import { validatePurchaseRequisitionSubmission } from '../../canonical/generated/validators';
import { isIdempotencyKey, statusOf, submitRequisition } from '../../domain/requisition/requisition';
import { apiHandler, jsonBody, requireCaller, validationProblem } from './http';
import { submissionPorts } from './requisition-ports';

export const handler = apiHandler('purchase-requisition-submission', async (request) => {
  const { instance, event } = request;
  const identified = requireCaller(request);
  if (!identified.ok) return identified.response;
  const header = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'idempotency-key',
  );
  const idempotencyKey = header?.[1]?.trim();
  if (!isIdempotencyKey(idempotencyKey))
    return problem(
      400,
      'idempotency-key-missing',
      'The Idempotency-Key header must name this submission (1 to 200 printable characters).',
      { instance },
    );
  const body = jsonBody(request);
  if (!body.ok) return body.response;
  const submission = validatePurchaseRequisitionSubmission(body.value);
  if (!submission.ok)
    return validationProblem(request, 'The requisition is not acceptable.', submission.errors);
  const outcome = await submitRequisition(
    submission.value,
    { idempotencyKey, requestedBy: identified.caller.subject },
    submissionPorts(),
  );
  if (outcome.kind === 'key-reused')
    return problem(
      422,
      'idempotency-key-reused',
      'This Idempotency-Key was used for another requisition; send a new key for a new requisition.',
      { instance },
    );
  const response = json(202, statusOf(outcome.requisition));
  response.headers = {
    ...response.headers,
    location: `/v1/purchase-requisitions/${outcome.requisition.requisitionId}`,
  };
  return response;
});
