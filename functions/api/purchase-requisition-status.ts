/**
 * GET /v1/purchase-requisitions/{requisitionId}: a requisition's status, the path it took through
 * the commitment workflow (each step, when and its outcome) and each system's reference.
 */
import { json, problem } from '../../adapters/webhooks/problem';
import { statusOf } from '../../domain/requisition/requisition';
import { requisitionBook } from '../commons/adapters';
import { apiHandler } from './http';
import { requisitionIdOf } from './requisition-id';

export const handler = apiHandler('purchase-requisition-status', async (request) => {
  const id = requisitionIdOf(request);
  if (!id.ok) return id.response;
  const requisition = await requisitionBook().get(id.value);
  if (!requisition)
    return problem(404, 'requisition-not-found', `No requisition ${id.value}.`, {
      instance: request.instance,
    });
  return json(200, statusOf(requisition));
});
