/**
 * GET /v1/approvals?status=pending&limit=&cursor=: the approvals waiting that the caller may
 * decide (an approver role whose limit covers the value, not the commitment's requester), soonest
 * deadline first. The rules filter each page, so a page may hold fewer than `limit`: follow
 * `nextCursor` until it is absent.
 */
import { json, problem } from '../../adapters/webhooks/problem';
import { decidableBy } from '../../domain/approval/decision';
import { ContractViolation } from '../../domain/failures';
import { pendingApprovalPorts } from './composition';
import { apiHandler, pageQuery, requireCaller } from './http';

export const handler = apiHandler('pending-approvals', async (request) => {
  const { instance } = request;
  const identified = requireCaller(request);
  if (!identified.ok) return identified.response;
  const query = request.event.queryStringParameters ?? {};
  if ((query.status ?? 'pending') !== 'pending')
    return problem(
      400,
      'invalid-query',
      'status must be pending (decided approvals are on the audit trail).',
      {
        instance,
      },
    );
  const page = pageQuery(request);
  if (!page.ok) return page.response;
  const { book, roles } = pendingApprovalPorts();
  try {
    const found = await book.pending({ now: new Date(), ...page.value });
    return json(200, {
      items: decidableBy(found.approvals, identified.caller, roles),
      ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
    });
  } catch (error) {
    if (error instanceof ContractViolation) return problem(400, 'invalid-query', error.message, { instance });
    throw error;
  }
});
