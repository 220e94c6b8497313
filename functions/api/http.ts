/**
 * What every governed API handler shares: the request id as the problem `instance`, JSON bodies,
 * validation problems, and the last line of defence that turns any failure into problem+json
 * (503 with Retry-After when a retry can fix it, 500 otherwise), never a stack trace.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { problem, type HttpResponse } from '../../adapters/webhooks/problem';
import { declaredRoute, deprecationHeaders } from '../../application/api-governance';
import { TransientFailure } from '../../domain/failures';
import { logger, metrics } from '../commons/powertools';

/**
 * Who is calling, as the governed API's authorizer verified it from the bearer access token
 * (its context arrives as `requestContext.authorizer`, every value a string).
 */
export interface Caller {
  /** The token's `sub`: the person (or the application's client) accountable for the call. */
  subject: string;
  issuer: string;
  /** The token's `jti`; '' when it has none. */
  tokenId: string;
  clientId: string;
  scopes: string[];
  groups: string[];
  kind: 'person' | 'application';
}

/** One API request as the handlers see it. */
export interface ApiRequest {
  event: APIGatewayProxyEvent;
  requestId: string;
  /** `instance` of any problem answered for this request. */
  instance: string;
  /** The verified caller; undefined when no authorizer vouched for one. */
  caller: Caller | undefined;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown, separator: RegExp): string[] =>
  text(value)
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');

/**
 * The caller from the authorizer's context; undefined without a subject and an issuer, since
 * nobody could then be held to account for the call.
 */
export function callerOf(event: APIGatewayProxyEvent): Caller | undefined {
  const context = (event.requestContext?.authorizer ?? null) as Record<string, unknown> | null;
  if (!context) return undefined;
  const subject = text(context.subject);
  const issuer = text(context.issuer);
  if (subject === '' || issuer === '') return undefined;
  return {
    subject,
    issuer,
    tokenId: text(context.tokenId),
    clientId: text(context.clientId),
    scopes: list(context.scopes, /\s+/),
    groups: list(context.groups, /,/),
    // Only an explicit 'person' is one: an application cannot pass for a person by omission.
    kind: text(context.callerKind) === 'person' ? 'person' : 'application',
  };
}

/** The verified caller, or the 401 problem answering a request that changes something without one. */
export function requireCaller(
  request: ApiRequest,
): { ok: true; caller: Caller } | { ok: false; response: HttpResponse } {
  if (request.caller) return { ok: true, caller: request.caller };
  return {
    ok: false,
    response: problem(
      401,
      'unauthenticated',
      'This operation needs a verified caller (a bearer access token).',
      {
        instance: request.instance,
        headers: { 'www-authenticate': 'Bearer' },
      },
    ),
  };
}

/**
 * Wraps an API operation: builds nothing per call, answers problem+json for anything it throws, and
 * adds what the route's declaration says every answer carries (a deprecated route's Deprecation,
 * Sunset and Link headers), so AWS and the local runtime answer them from the same code.
 */
export function apiHandler(
  operation: string,
  handle: (request: ApiRequest) => Promise<HttpResponse>,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const answer = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const response = await operate(event);
    const declared = deprecationHeaders(declaredRoute(event.resource, event.httpMethod));
    return { ...response, headers: { ...response.headers, ...declared } };
  };
  const operate = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const requestId = event.requestContext?.requestId ?? crypto.randomUUID();
    const instance = `urn:supplyline:request:${requestId}`;
    try {
      return await handle({ event, requestId, instance, caller: callerOf(event) });
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
  return answer;
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

/** Largest page a list answers. */
export const MAX_LIST_PAGE = 100;

/** `limit` (1..100, default 25) and `cursor` of a list, or the 400 problem answering bad ones. */
export function pageQuery(
  request: ApiRequest,
): { ok: true; value: { limit: number; cursor?: string } } | { ok: false; response: HttpResponse } {
  const query = request.event.queryStringParameters ?? {};
  const limit = query.limit === undefined || query.limit === null ? 25 : Number(query.limit);
  if (!/^[0-9]{1,3}$/.test(query.limit ?? '25') || limit < 1 || limit > MAX_LIST_PAGE) {
    return {
      ok: false,
      response: problem(400, 'invalid-query', `limit must be an integer from 1 to ${MAX_LIST_PAGE}.`, {
        instance: request.instance,
      }),
    };
  }
  return { ok: true, value: { limit, ...(query.cursor ? { cursor: query.cursor } : {}) } };
}
