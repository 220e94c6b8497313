/**
 * POST /v1/approvals/{approvalId}/decision: a person approves or rejects a commitment above the
 * approval limit. The approver is the verified caller (the access token's subject); a body's
 * `approver` (ApprovalDecision 1.0) is ignored. A decision the rules refuse is 403 naming the
 * rule (`urn:supplyline:problem:<rule>`), kept on the audit trail, and the commitment keeps
 * waiting. The same person's decision sent again answers 200 as the first time did.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { approvalDecisionErrors } from '../../adapters/aws/approvals';
import { json, problem } from '../../adapters/webhooks/problem';
import type { ApprovalDecision } from '../../canonical/generated/types';
import { decideApproval } from '../../domain/approval/decision';
import { ApprovalClosed, ApprovalNotFound } from '../../domain/approval/errors';
import { metrics } from '../commons/powertools';
import { decisionPorts } from './composition';
import { apiHandler, jsonBody, pathParameter, requireCaller, validationProblem } from './http';

export const handler = apiHandler('approval-decision', async (request) => {
  const { instance } = request;
  const identified = requireCaller(request);
  if (!identified.ok) return identified.response;
  const approvalId = pathParameter(request.event, 'approvalId');
  if (!approvalId) return problem(400, 'missing-parameter', 'The path names no approval.', { instance });
  const body = jsonBody(request);
  if (!body.ok) return body.response;
  const errors = approvalDecisionErrors(body.value);
  if (errors.length > 0) return validationProblem(request, 'The decision is not acceptable.', errors);
  const { decision, reason } = body.value as ApprovalDecision;

  try {
    const outcome = await decideApproval(
      approvalId,
      { decision, ...(reason === undefined ? {} : { reason }) },
      identified.caller,
      decisionPorts(),
    );
    metrics.addMetric(
      outcome.kind === 'refused' ? 'ApprovalDecisionsRefused' : 'ApprovalsDecided',
      MetricUnit.Count,
      1,
    );
    if (outcome.kind === 'refused') return problem(403, outcome.record.rule!, outcome.detail, { instance });
    return json(200, { ...outcome.approval.request, decision: outcome.record });
  } catch (error) {
    if (error instanceof ApprovalNotFound)
      return problem(404, 'approval-not-found', error.message, { instance });
    if (error instanceof ApprovalClosed)
      return problem(409, `approval-${error.reason}`, error.message, { instance });
    throw error;
  }
});
