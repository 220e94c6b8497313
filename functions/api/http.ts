/**
 * What every governed API handler shares: the request id as the problem `instance`, JSON bodies,
 * validation problems, and the last line of defence that turns any failure into problem+json
 * (503 with Retry-After when a retry can fix it, 500 otherwise), never a stack trace.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { problem, type HttpResponse } from '../../adapters/webhooks/problem';
import { TransientFailure } from '../../domain/failures';
import { logger, metrics } from '../commons/powertools';

/** One API request as the handlers see it. */
export interface ApiRequest {
  event: APIGatewayProxyEvent;
  requestId: string;
  /** `instance` of any problem answered for this request. */
  instance: string;
}

/** Wraps an API operation: builds nothing per call, answers problem+json for anything it throws. */
export function apiHandler(
  operation: string,
  handle: (request: ApiRequest) => Promise<HttpResponse>,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    const requestId = event.requestContext?.requestId ?? crypto.randomUUID();
    const instance = `urn:supplyline:request:${requestId}`;
    try {
      return await handle({ event, requestId, instance });
    } catch (error) {
      const retryable = error instanceof TransientFailure;
      logger.error('API request failed', { operation, requestId, error: error as Error });
      return retryable
        ? problem(503, 'try-again', 'A system we depend on is not answering; send the request again.', {
            instance,
            headers: { 'retry-after': '5' },
          })
        : problem(500, 'internal-error', 'The request could not be completed.', { instance });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** A path parameter; API Gateway always supplies declared ones, so absence means a wrong route. */
export function pathParameter(event: APIGatewayProxyEvent, name: string): string | undefined {
  const value = event.pathParameters?.[name];
  return value === undefined || value === null || value === '' ? undefined : value;
}

/** The parsed JSON body, or the 400 problem answering a body that is not JSON. */
export function jsonBody(
  request: ApiRequest,
): { ok: true; value: unknown } | { ok: false; response: HttpResponse } {
  const { event } = request;
  const text = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      response: problem(400, 'malformed-json', `Body is not valid JSON: ${(error as Error).message}`, {
        instance: request.instance,
      }),
    };
  }
}

/** 422 listing every error found in the body. */
export function validationProblem(
  request: ApiRequest,
  detail: string,
  errors: readonly { pointer: string; message: string }[],
): HttpResponse {
  return problem(422, 'validation-failed', detail, {
    instance: request.instance,
    errors: errors.map((error) => ({ pointer: error.pointer, detail: error.message })),
  });
}
