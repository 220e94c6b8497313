/**
 * The Lambda proxy events of the local API Gateway: the REST (v1) proxy event and the HTTP API's
 * payload format 1.0 event, built from the request with the same header, query and body rules.
 */
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiRouteModel, HttpApiModel, HttpRouteModel, RestApiModel } from '../../assembly';

const TEXT_TYPES = [/^text\//, /json/, /xml/, /^application\/x-www-form-urlencoded/, /javascript/];

/** What the server knows of a request once it has matched a route. */
interface RequestContext {
  stage: string;
  path: string;
  url: URL;
  body: Buffer;
  requestId: string;
  accountId: string;
  pathParameters: Record<string, string>;
}

/** The REST API proxy event (payload format 1.0) of a request to `route`. */
export function proxyEvent(
  req: IncomingMessage,
  context: RequestContext & {
    api: RestApiModel;
    route: ApiRouteModel;
    apiKey: string | undefined;
    /** The Lambda authorizer's context and principalId, when the method has one. */
    authorizer?: Record<string, unknown> | undefined;
  },
): APIGatewayProxyEvent {
  // Header names as the client sent them.
  const request = proxyRequest(req, context, {
    lowerCaseNames: false,
    binaryMediaTypes: context.api.binaryMediaTypes,
  });
  const now = new Date();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    resource: context.route.resourcePath,
    path: context.path,
    httpMethod: context.route.httpMethod === 'ANY' ? (req.method ?? 'GET') : context.route.httpMethod,
    ...request,
    requestContext: {
      accountId: context.accountId,
      apiId: context.api.id,
      authorizer: context.authorizer,
      domainName: headerValue(req, 'host') ?? 'localhost',
      domainPrefix: context.api.id,
      extendedRequestId: context.requestId,
      httpMethod: req.method ?? 'GET',
      identity: {
        ...anonymousIdentity(req, sourceIp),
        apiKey: context.apiKey ?? null,
        apiKeyId: context.apiKey ? 'local' : null,
        clientCert: null,
      },
      path: `/${context.stage}${context.path}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: context.requestId,
      requestTime: formatRequestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: context.route.resourceId,
      resourcePath: context.route.resourcePath,
      stage: context.stage,
    },
  } as APIGatewayProxyEvent;
}

/**
 * The event an HTTP API sends a Lambda integration with payload format 1.0: the REST proxy shape
 * plus `version: "1.0"`, header names in lower case, the route key as `resourceId`, the stage
 * (`$default` or its name) in the paths, and no API key or resource id of a REST resource tree.
 */
export function httpApiV1Event(
  req: IncomingMessage,
  context: RequestContext & { api: HttpApiModel; route: HttpRouteModel },
): APIGatewayProxyEvent {
  // Payload 1.0 of an HTTP API: header names arrive lower-cased; no binary media types to configure.
  const request = proxyRequest(req, context, { lowerCaseNames: true, binaryMediaTypes: [] });
  const now = new Date();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  // A named stage is part of the path the integration sees; `$default` is not.
  const path = context.stage === '$default' ? context.path : `/${context.stage}${context.path}`;
  const httpMethod = (req.method ?? 'GET').toUpperCase();
  return {
    version: '1.0',
    resource: context.route.routeKey === '$default' ? '$default' : context.route.path,
    path,
    httpMethod,
    ...request,
    requestContext: {
      accountId: context.accountId,
      apiId: context.api.id,
      authorizer: { claims: null, scopes: null },
      domainName: headerValue(req, 'host') ?? 'localhost',
      domainPrefix: context.api.id,
      extendedRequestId: context.requestId,
      httpMethod,
      identity: anonymousIdentity(req, sourceIp),
      path,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: context.requestId,
      requestTime: formatRequestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: context.route.routeKey,
      resourcePath: context.route.routeKey === '$default' ? '$default' : context.route.path,
      stage: context.stage,
    },
  } as unknown as APIGatewayProxyEvent;
}

function mediaTypeMatches(pattern: string, contentType: string): boolean {
  if (pattern === '*/*') return true;
  const [type, subtype] = pattern.toLowerCase().split('/');
  const [ctype, csub] = contentType.split(';')[0]!.trim().split('/');
  return (type === '*' || type === ctype) && (subtype === '*' || subtype === csub);
}

function isUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

/** `27/Nov/2026:08:15:03 +0000` */
function formatRequestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * The request part of a proxy event, the same in both payloads: headers and query string as single-
 * (last value wins) and multi-value maps, path parameters, and the body (base64 when binary).
 */
function proxyRequest(
  req: IncomingMessage,
  context: { url: URL; body: Buffer; pathParameters: Record<string, string> },
  options: { lowerCaseNames: boolean; binaryMediaTypes: readonly string[] },
) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const raw = req.rawHeaders[i]!;
    const name = options.lowerCaseNames ? raw.toLowerCase() : raw;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of context.url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const contentType = (headerValue(req, 'content-type') ?? '').toLowerCase();
  const binary =
    options.binaryMediaTypes.some((type) => mediaTypeMatches(type, contentType)) ||
    (contentType !== '' && !TEXT_TYPES.some((pattern) => pattern.test(contentType))) ||
    !isUtf8(context.body);
  const { body, pathParameters } = context;
  return {
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    body: body.length === 0 ? null : body.toString(binary ? 'base64' : 'utf8'),
    isBase64Encoded: body.length > 0 && binary,
  };
}

/** The last value of a request header. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

/** The caller identity of a request signed by neither IAM nor Cognito: its source IP and user agent. */
function anonymousIdentity(req: IncomingMessage, sourceIp: string) {
  return {
    accessKey: null,
    accountId: null,
    caller: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent: headerValue(req, 'user-agent') ?? null,
    userArn: null,
  };
}
