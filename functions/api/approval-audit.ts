/**
 * GET /v1/commitments/{commitmentId}/approval-audit?limit=&cursor=: every decision on a
 * commitment (approved, rejected and refused), oldest first, from the write-once audit trail.
 */
import { json, problem } from '../../adapters/webhooks/problem';
import { auditTrail } from './composition';
import { apiHandler, pageQuery, pathParameter, requireCaller } from './http';

export const handler = apiHandler('approval-audit', async (request) => {
  const { instance } = request;
  const identified = requireCaller(request);
  if (!identified.ok) return identified.response;
  const commitmentId = pathParameter(request.event, 'commitmentId');
  if (!commitmentId) return problem(400, 'missing-parameter', 'The path names no commitment.', { instance });
  const page = pageQuery(request);
  if (!page.ok) return page.response;
  const found = await auditTrail().listFor(commitmentId, page.value);
  return json(200, {
    items: found.decisions,
    ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
  });
});
