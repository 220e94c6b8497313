/**
 * POST /v1/integration-exceptions/{id}/resolve: a person resolves an integration exception; the
 * resolution is announced as the canonical `integration-exception.resolved` event before it is
 * confirmed. The resolver recorded is the verified caller (the access token's subject: a person, or
 * an application's client id such as the ops CLI's); a body's `resolvedBy` (ExceptionResolution
 * 1.0) is ignored.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { json, problem } from '../../adapters/webhooks/problem';
import { validateExceptionResolution } from '../../canonical/generated/validators';
import {
  IntegrationExceptionAlreadyResolved,
  IntegrationExceptionNotFound,
  resolveIntegrationException,
} from '../../domain/integration-exceptions';
import type { BusinessMetricName } from '../../application/metrics';
import { logger, metrics } from '../commons/powertools';
import { resolutionPorts } from './composition';
import { apiHandler, jsonBody, pathParameter, requireCaller, validationProblem } from './http';

const OPEN_GAUGE: BusinessMetricName = 'IntegrationExceptionsOpen';
const AGE_GAUGE: BusinessMetricName = 'IntegrationExceptionAgeSeconds';

export const handler = apiHandler('integration-exception-resolve', async (request) => {
  const { instance } = request;
  const identified = requireCaller(request);
  if (!identified.ok) return identified.response;
  const ports = resolutionPorts();
  // The route declares `{id}`.
  const exceptionId = pathParameter(request.event, 'id') ?? pathParameter(request.event, 'exceptionId');
  if (!exceptionId) return problem(400, 'missing-parameter', 'The path names no exception.', { instance });
  const body = jsonBody(request);
  if (!body.ok) return body.response;
  const resolution = validateExceptionResolution(body.value);
  if (!resolution.ok)
    return validationProblem(request, 'The resolution is not acceptable.', resolution.errors);

  let resolved;
  try {
    const { reason } = resolution.value;
    const resolvedBy = identified.caller.subject;
    resolved = await resolveIntegrationException(exceptionId, { reason, resolvedBy }, ports, {
      causationId: request.requestId,
    });
  } catch (error) {
    if (error instanceof IntegrationExceptionNotFound)
      return problem(404, 'integration-exception-not-found', error.message, { instance });
    if (error instanceof IntegrationExceptionAlreadyResolved)
      return problem(409, 'integration-exception-already-resolved', error.message, { instance });
    throw error;
  }
  try {
    // The open count changed: refresh the dashboard gauges now rather than at the next schedule.
    const stats = await ports.store.openStats();
    metrics.addMetric(OPEN_GAUGE, MetricUnit.Count, stats.openCount);
    metrics.addMetric(AGE_GAUGE, MetricUnit.Seconds, stats.oldestAgeSeconds);
  } catch (error) {
    logger.warn('open exception gauges not refreshed', { error: error as Error });
  }
  return json(200, resolved);
});
