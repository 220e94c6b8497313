/**
 * POST /v1/reconciliation-runs: asks for a reconciliation run now (optional body `{ "since" }`),
 * answered 202 with its status and Location; the reconciliation function runs it in the bulk lane
 * (domain/reconciliation/on-demand.ts). A run in progress: 409 naming it, nothing started.
 * GET /v1/reconciliation-runs/{runId}: the run's status, with its counts and reports once finished.
 */
import { json, problem } from '../../adapters/webhooks/problem';
import { ReconciliationRunInProgress } from '../../domain/reconciliation/lease';
import { requestReconciliationRun } from '../../domain/reconciliation/on-demand';
import {
  apiHandler,
  jsonBody,
  pathParameter,
  requireCaller,
  validationProblem,
  type ApiRequest,
} from './http';
import { newRunId, reconciliationRuns, runRequestPorts } from './reconciliation-run-ports';

const RUNS_PATH = '/v1/reconciliation-runs';
const RUN_ID = /^[A-Za-z0-9-]{1,64}$/;

/** The window start of the body, or the 4xx answering a body that is not `{}` or `{ since }`. */
function windowStartOf(request: ApiRequest) {
  if ((request.event.body ?? '').trim() === '') return { ok: true as const, since: undefined };
  const body = jsonBody(request);
  if (!body.ok) return body;
  const value = body.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return refused(request, [{ pointer: '', message: 'must be an object' }]);
  const errors = Object.keys(value)
    .filter((name) => name !== 'since')
    .map((name) => ({ pointer: `/${name}`, message: 'is not a property of a run request' }));
  const { since } = value as { since?: unknown };
  const start = typeof since === 'string' && /^\d{4}-\d\d-\d\dT/.test(since) ? new Date(since) : undefined;
  if (since !== undefined && (!start || Number.isNaN(start.getTime())))
    errors.push({ pointer: '/since', message: 'must be an ISO 8601 date-time' });
  if (errors.length > 0) return refused(request, errors);
  return { ok: true as const, since: start };
}

function refused(request: ApiRequest, errors: { pointer: string; message: string }[]) {
  return {
    ok: false as const,
    response: validationProblem(request, 'The run request is not acceptable.', errors),
  };
}

export const handler = apiHandler('reconciliation-runs', async (request) => {
  const { instance } = request;
  if (request.event.httpMethod === 'GET') {
    const runId = pathParameter(request.event, 'runId');
    if (!runId || !RUN_ID.test(runId))
      return problem(400, 'invalid-parameter', 'The path names no reconciliation run.', { instance });
    const run = await reconciliationRuns().get(runId);
    if (!run)
      return problem(404, 'reconciliation-run-not-found', `No reconciliation run ${runId}.`, { instance });
    return json(200, run);
  }
  const identified = requireCaller(request);
  if (!identified.ok) return identified.response;
  const asked = windowStartOf(request);
  if (!asked.ok) return asked.response;
  const runId = newRunId(new Date());
  try {
    const run = await requestReconciliationRun(runRequestPorts(), {
      runId,
      requestedBy: identified.caller.subject,
      ...(asked.since ? { since: asked.since } : {}),
    });
    const answer = json(202, run);
    return { ...answer, headers: { ...answer.headers, location: `${RUNS_PATH}/${runId}` } };
  } catch (error) {
    if (error instanceof ReconciliationRunInProgress)
      return problem(409, 'reconciliation-run-in-progress', error.message, {
        instance,
        headers: { location: `${RUNS_PATH}/${error.heldBy}` },
      });
    if (error instanceof RangeError)
      return validationProblem(request, 'The run request is not acceptable.', [
        { pointer: '/since', message: error.message },
      ]);
    throw error;
  }
});
