/**
 * POST /v1/approvals/{approvalId}/decision: a person approves or rejects a commitment above the
 * approval limit, and the waiting purchase-commitment workflow resumes with the decision. Emits no
 * event itself: the workflow emits the milestones.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ApprovalClosed, ApprovalNotFound, approvalDecisionErrors } from '../../adapters/aws/approvals';
import { json, problem } from '../../adapters/webhooks/problem';
import type { ApprovalDecision } from '../../canonical/generated/types';
import { metrics } from '../commons/powertools';
import { approvals } from './composition';
import { apiHandler, jsonBody, pathParameter, validationProblem } from './http';

export const handler = apiHandler('approval-decision', async (request) => {
  const { instance } = request;
  const approvalId = pathParameter(request.event, 'approvalId');
  if (!approvalId) return problem(400, 'missing-parameter', 'The path names no approval.', { instance });
  const body = jsonBody(request);
  if (!body.ok) return body.response;
  const errors = approvalDecisionErrors(body.value);
  if (errors.length > 0) return validationProblem(request, 'The decision is not acceptable.', errors);

  try {
    const approval = await approvals().decide(approvalId, body.value as ApprovalDecision);
    metrics.addMetric('ApprovalsDecided', MetricUnit.Count, 1);
    return json(200, approval);
  } catch (error) {
    if (error instanceof ApprovalNotFound)
      return problem(404, 'approval-not-found', error.message, { instance });
    if (error instanceof ApprovalClosed)
      return problem(409, `approval-${error.reason}`, error.message, { instance });
    throw error;
  }
});
