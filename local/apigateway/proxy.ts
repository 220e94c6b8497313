/**
 * API Gateway on one machine: one HTTP server (one port) serving the template's REST API and its
 * HTTP APIs side by side, as `<url>/v1/...` (and `<url>/<stage>/v1/...`).
 * - REST API (v1): routes resource paths and methods to their AWS_PROXY functions with a REST proxy
 *   event, runs the method's Lambda authorizer (authorizer.ts) and passes its context as
 *   `requestContext.authorizer`, checks the API key where the method requires one, answers unknown routes with the
 *   template's own gateway responses (problem+json here).
 * - HTTP API (v2): routes route keys (`POST /v1/webhooks/planning`, `$default`) to their Lambda
 *   integrations with the payload format 1.0 event (the REST-style event API Gateway sends HTTP API
 *   integrations with PayloadFormatVersion 1.0), and answers errors as HTTP APIs do
 *   (`{"message":"Internal Server Error"}`...).
 * Both return the function's statusCode/headers/body. In AWS the two APIs have their own hosts;
 * locally a path+method both declare is refused at start.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LocalAuthorizers } from './authorizer';
import { MethodThrottles } from './throttle';
import { watchAnswer, type Answer } from './answer-contract';
import { serveApiDocs } from './api-docs';
import { headerValue, httpApiV1Event, proxyEvent } from './events';
import { listen, readBody, type ListeningServer } from '../http/server';
import type { InvocationResult } from '../lambda/functions';
import type {
  ApiRouteModel,
  GatewayResponseModel,
  HttpApiModel,
  HttpRouteModel,
  RestApiModel,
} from '../../assembly';

/** Configuration of the proxy. */
export interface ApiGatewayOptions {
  /** The REST API; its gateway responses also answer paths no API serves. */
  api?: RestApiModel;
  /** HTTP APIs served from the same port. */
  httpApis?: readonly HttpApiModel[];
  invoke: (functionName: string, event: APIGatewayProxyEvent) => Promise<InvocationResult>;
  /** The value `x-api-key` must carry on methods with ApiKeyRequired. */
  apiKey: string;
  accountId: string;
  /** For the method ARNs authorizers receive. @default us-east-1 */
  region?: string;
  port?: number;
  host?: string;
  /** Integration timeout. @default 29 s (REST), the integration's TimeoutInMillis or 30 s (HTTP API) */
  integrationTimeoutMs?: number;
  /** Called for every request (access log). */
  onRequest?: (entry: AccessLogEntry) => void;
  /** The clock of the REST API's method throttling (throttle.ts). @default Date.now */
  clock?: () => number;
  /** Called with every answer of a route either API serves (answer-contract.ts checks them). */
  onAnswer?: (answer: Answer) => void;
  /** The OpenAPI document, rendered as a browsable page at `/_docs/` (api-docs.ts). */
  apiDocument?: object;
}

/** One line of the access log. */
export interface AccessLogEntry {
  requestId: string;
  httpMethod: string;
  path: string;
  resourcePath?: string;
  /** HTTP API routes: the route key (`POST /v1/webhooks/planning`). */
  routeKey?: string;
  status: number;
  latencyMs: number;
  errorType?: string;
}

/** A running proxy. */
/** Routes are `<url>/v1/...`. */
export type ApiGatewayServer = ListeningServer;

/** What {@link matchRoute} matches against: a path pattern and a method. */
export interface RoutePattern {
  resourcePath: string;
  httpMethod: string;
}

interface Match<R extends RoutePattern> {
  route?: R;
  pathParameters: Record<string, string>;
  allowed: string[];
}

/** A route of either API, as the one local server sees it. */
interface ServedRoute extends RoutePattern {
  rest?: ApiRouteModel;
  http?: { api: HttpApiModel; route: HttpRouteModel };
}

/** Starts the proxy. */
export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGatewayServer> {
  const { api } = options;
  const httpApis = options.httpApis ?? [];
  const served: ServedRoute[] = [
    ...(api?.routes ?? []).map((route) => ({
      resourcePath: route.resourcePath,
      httpMethod: route.httpMethod,
      rest: route,
    })),
    ...httpApis.flatMap((httpApi) =>
      httpApi.routes
        .filter((route) => route.routeKey !== '$default')
        .map((route) => ({
          resourcePath: route.path,
          httpMethod: route.method,
          http: { api: httpApi, route },
        })),
    ),
  ];
  const defaultRoute = httpApis
    .flatMap((httpApi) => httpApi.routes.map((route) => ({ api: httpApi, route })))
    .find(({ route }) => route.routeKey === '$default');
  refuseCollisions(served);
  const gatewayResponses = api?.gatewayResponses ?? {};
  const stageNames = new Set([
    ...(api?.stageNames ?? []),
    ...httpApis.flatMap((httpApi) => httpApi.stageNames.filter((name) => name !== '$default')),
  ]);

  const throttles = new MethodThrottles(api?.throttles ?? {}, options.clock);
  const authorizers = new LocalAuthorizers((fn, event) => options.invoke(fn, event as APIGatewayProxyEvent));

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    let stage: string | undefined;
    let path = decodeURIComponentSafe(url.pathname);
    const first = path.split('/')[1];
    if (first && stageNames.has(first)) {
      stage = first;
      path = path.slice(first.length + 1) || '/';
    }
    const restStage = stage && api?.stageNames.includes(stage) ? stage : (api?.stageNames[0] ?? 'local');
    const log = (status: number, route?: { resourcePath?: string; routeKey?: string }, errorType?: string) =>
      options.onRequest?.({
        requestId,
        httpMethod: method,
        path,
        ...(route?.resourcePath ? { resourcePath: route.resourcePath } : {}),
        ...(route?.routeKey ? { routeKey: route.routeKey } : {}),
        status,
        latencyMs: Date.now() - started,
        ...(errorType ? { errorType } : {}),
      });
    const gateway = (
      type: string,
      fallbackStatus: number,
      message: string,
      extraHeaders: Record<string, string> = {},
    ) => {
      const status = gatewayResponse(
        res,
        gatewayResponses,
        type,
        fallbackStatus,
        { message, path: `/${restStage}${path}`, requestId },
        extraHeaders,
      );
      log(status, undefined, type);
    };

    try {
      if (options.apiDocument && (await serveApiDocs(req, res, path, options.apiDocument))) return;
      const match = matchRoute(served, path, method);
      const routePath = match.route?.resourcePath;
      if (routePath && options.onAnswer)
        watchAnswer(res, (answer) => options.onAnswer!({ method, resourcePath: routePath, ...answer }));
      if (!match.route && defaultRoute && match.allowed.length === 0) {
        await serveHttpRoute(req, res, {
          ...defaultRoute,
          stage,
          path,
          url,
          requestId,
          pathParameters: {},
          log,
        });
        return;
      }
      if (!match.route) {
        if (match.allowed.length > 0) {
          // AWS answers a known path with an unknown method like an unknown path; 405 is kinder locally.
          gateway('METHOD_NOT_ALLOWED', 405, `Method ${method} not allowed on ${path}`, {
            allow: [...new Set(match.allowed)].join(', '),
          });
        } else {
          gateway('MISSING_AUTHENTICATION_TOKEN', 404, 'Missing Authentication Token');
        }
        return;
      }
      if (match.route.http) {
        await serveHttpRoute(req, res, {
          ...match.route.http,
          stage,
          path,
          url,
          requestId,
          pathParameters: match.pathParameters,
          log,
        });
        return;
      }
      const route = match.route.rest!;
      if (!throttles.admit(method, route.resourcePath)) return gateway('THROTTLED', 429, 'Too Many Requests');
      let authorizer: Record<string, unknown> | undefined;
      if (route.authorizationType === 'CUSTOM' && route.authorizer) {
        const decision = await authorizers.decide({
          req,
          url,
          route: { ...route, authorizer: route.authorizer },
          path,
          methodArn: `arn:aws:execute-api:${options.region ?? 'us-east-1'}:${options.accountId}:${api!.id}/${restStage}/${method}${path}`,
          pathParameters: match.pathParameters,
          requestContext: {
            requestId,
            stage: restStage,
            resourcePath: route.resourcePath,
            httpMethod: method,
          },
        });
        if (decision.outcome === 'unauthorized') return gateway('UNAUTHORIZED', 401, 'Unauthorized');
        if (decision.outcome === 'denied')
          return gateway('ACCESS_DENIED', 403, 'User is not authorized to access this resource');
        if (decision.outcome === 'failure') {
          console.error(`[api-gateway] authorizer: ${decision.message}`);
          return gateway(
            decision.type,
            500,
            decision.type === 'AUTHORIZER_FAILURE' ? 'Authorizer error' : 'Authorizer configuration error',
          );
        }
        authorizer = decision.context;
      }
      const apiKey = headerValue(req, 'x-api-key');
      if (route.apiKeyRequired && apiKey !== options.apiKey) {
        gateway('INVALID_API_KEY', 403, 'Forbidden');
        return;
      }
      if (route.integration.type !== 'AWS_PROXY' || !route.integration.functionName) {
        gateway('DEFAULT_5XX', 500, `Integration ${route.integration.type} is not supported locally`);
        return;
      }
      const body = await readBody(req);
      const event = proxyEvent(req, {
        api: api!,
        route,
        stage: restStage,
        path,
        url,
        body,
        requestId,
        accountId: options.accountId,
        pathParameters: match.pathParameters,
        apiKey,
        authorizer,
      });
      const result = await invokeWithTimeout(
        route.integration.functionName,
        event,
        options.integrationTimeoutMs ?? 29_000,
      );
      if (result === 'timeout') {
        gateway('INTEGRATION_TIMEOUT', 504, 'Endpoint request timed out');
        return;
      }
      if (!result.ok) {
        gateway('DEFAULT_5XX', 502, 'Internal server error');
        return;
      }
      const statusCode = writeProxyResponse(res, result.payload, requestId);
      if (statusCode === undefined) {
        gateway('DEFAULT_5XX', 502, 'Malformed Lambda proxy response');
        return;
      }
      log(statusCode, route);
    } catch (error) {
      console.error('[api-gateway] internal error', error);
      if (!res.headersSent) gateway('DEFAULT_5XX', 500, 'Internal server error');
    }
  }

  /** An HTTP API route: its Lambda integration with the payload format 1.0 event; HTTP API error bodies. */
  async function serveHttpRoute(
    req: IncomingMessage,
    res: ServerResponse,
    context: {
      api: HttpApiModel;
      route: HttpRouteModel;
      stage: string | undefined;
      path: string;
      url: URL;
      requestId: string;
      pathParameters: Record<string, string>;
      log: (status: number, route?: { resourcePath?: string; routeKey?: string }, errorType?: string) => void;
    },
  ): Promise<void> {
    const { route, requestId } = context;
    const stage =
      context.stage && context.api.stageNames.includes(context.stage)
        ? context.stage
        : (context.api.stageNames.find((name) => name !== '$default') ?? '$default');
    const answer = (status: number, message: string, errorType: string) => {
      const text = JSON.stringify({ message });
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'apigw-requestid': requestId,
      });
      res.end(text);
      context.log(status, { routeKey: route.routeKey }, errorType);
    };
    const functionName = route.integration.functionName;
    if (route.integration.type !== 'AWS_PROXY' || !functionName) {
      answer(
        500,
        `Integration ${route.integration.type} is not supported locally`,
        'INTEGRATION_UNSUPPORTED',
      );
      return;
    }
    if (route.integration.payloadFormatVersion !== '1.0') {
      answer(
        500,
        `Payload format ${route.integration.payloadFormatVersion} is not supported locally (1.0 is)`,
        'INTEGRATION_UNSUPPORTED',
      );
      return;
    }
    const body = await readBody(req);
    const event = httpApiV1Event(req, { ...context, stage, body, accountId: options.accountId });
    const result = await invokeWithTimeout(
      functionName,
      event,
      options.integrationTimeoutMs ?? route.integration.timeoutMs,
    );
    if (result === 'timeout') {
      answer(503, 'Service Unavailable', 'INTEGRATION_TIMEOUT');
      return;
    }
    if (!result.ok) {
      answer(500, 'Internal Server Error', 'INTEGRATION_FAILURE');
      return;
    }
    const statusCode = writeProxyResponse(res, result.payload, requestId);
    if (statusCode === undefined) {
      answer(500, 'Internal Server Error', 'INTEGRATION_FAILURE');
      return;
    }
    context.log(statusCode, { resourcePath: route.path, routeKey: route.routeKey });
  }

  async function invokeWithTimeout(
    functionName: string,
    event: APIGatewayProxyEvent,
    timeoutMs: number,
  ): Promise<InvocationResult | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      options.invoke(functionName, event),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  return listen(server, options.port, options.host);
}

/** One local port cannot tell two APIs' routes apart: a path+method declared by both is an error. */
function refuseCollisions(routes: readonly ServedRoute[]): void {
  const apiOf = (route: ServedRoute) => (route.rest ? 'REST' : route.http!.api.logicalId);
  const owner = (route: ServedRoute) =>
    route.rest ? 'the REST API' : `HTTP API ${route.http!.api.name} (${route.http!.route.routeKey})`;
  const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
  for (const [index, route] of routes.entries()) {
    const other = routes
      .slice(0, index)
      .find(
        (earlier) =>
          apiOf(earlier) !== apiOf(route) &&
          shape(earlier.resourcePath) === shape(route.resourcePath) &&
          (earlier.httpMethod === route.httpMethod || [earlier.httpMethod, route.httpMethod].includes('ANY')),
      );
    if (other) {
      throw new Error(
        `${route.httpMethod} ${route.resourcePath} is served by both ${owner(other)} and ${owner(route)}: ` +
          'one local port cannot serve both',
      );
    }
  }
}

/** Writes a Lambda proxy response (payload format 1.0); undefined when it is malformed (nothing written). */
function writeProxyResponse(res: ServerResponse, payload: unknown, requestId: string): number | undefined {
  const response = payload as {
    statusCode?: unknown;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
    body?: unknown;
    isBase64Encoded?: boolean;
  } | null;
  const statusCode = Number(response?.statusCode);
  if (
    !response ||
    typeof response !== 'object' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = (values ?? []).map(String);
  }
  const body =
    response.body === undefined || response.body === null
      ? Buffer.alloc(0)
      : Buffer.from(String(response.body), response.isBase64Encoded ? 'base64' : 'utf8');
  headers['x-amzn-requestid'] = requestId;
  headers['content-length'] = String(body.length);
  headers['content-type'] ??= 'application/json';
  res.writeHead(statusCode, headers);
  res.end(body);
  return statusCode;
}

/** Finds the route: literal segments win over `{param}`, `{param+}` takes the rest of the path. */
export function matchRoute<R extends RoutePattern>(
  routes: readonly R[],
  path: string,
  method: string,
): Match<R> {
  const segments = path.split('/').filter((s) => s !== '');
  let best: { routes: R[]; params: Record<string, string>; score: number } | undefined;
  const byResource = new Map<string, R[]>();
  for (const route of routes)
    byResource.set(route.resourcePath, [...(byResource.get(route.resourcePath) ?? []), route]);
  for (const [resourcePath, candidates] of byResource) {
    const pattern = resourcePath.split('/').filter((s) => s !== '');
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const part = pattern[i]!;
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy) {
        if (i >= segments.length) ok = false;
        else params[greedy[1]!] = segments.slice(i).join('/');
        break;
      }
      const segment = segments[i];
      if (segment === undefined) {
        ok = false;
        break;
      }
      const param = /^\{(.+)\}$/.exec(part);
      if (param) params[param[1]!] = segment;
      else if (part === segment) score += 2;
      else {
        ok = false;
        break;
      }
      score += 1;
    }
    const greedyLast = /\+\}$/.test(pattern.at(-1) ?? '');
    if (!ok || (!greedyLast && pattern.length !== segments.length)) continue;
    if (!best || score > best.score) best = { routes: candidates, params, score };
  }
  if (!best) return { pathParameters: {}, allowed: [] };
  const route = best.routes.find((r) => r.httpMethod === method || r.httpMethod === 'ANY');
  return {
    ...(route ? { route } : {}),
    pathParameters: best.params,
    allowed: best.routes.map((r) => r.httpMethod),
  };
}

/** Answers with the template's gateway response of `type` (or DEFAULT_4XX/5XX), filling `$context` variables. */
function gatewayResponse(
  res: ServerResponse,
  responses: Readonly<Record<string, GatewayResponseModel>>,
  type: string,
  fallbackStatus: number,
  context: { message: string; path: string; requestId: string },
  extraHeaders: Record<string, string>,
): number {
  const family = fallbackStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const configured: GatewayResponseModel | undefined = responses[type] ?? responses[family];
  const status = responses[type]?.statusCode ?? fallbackStatus;
  const variables: Record<string, string> = {
    'context.error.messageString': JSON.stringify(context.message),
    'context.error.message': context.message,
    'context.path': context.path,
    'context.requestId': context.requestId,
    'context.error.responseType': type,
    'context.error.validationErrorString': '',
  };
  const body =
    configured?.template !== undefined
      ? configured.template.replace(
          /\$(?:\{)?(context(?:\.[A-Za-z]+)+)\}?/g,
          (whole, name: string) => variables[name] ?? '',
        )
      : JSON.stringify({ message: context.message });
  const headers = {
    'content-type': 'application/json',
    ...Object.fromEntries(Object.entries(configured?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ...extraHeaders,
    'x-amzn-requestid': context.requestId,
    'x-amzn-errortype': type,
  };
  // A `status` field in the template follows the actual status (the 405 reuses the 4XX template).
  const text = body.replace(/"status":\s*\d+/, `"status":${status}`);
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return status;
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
