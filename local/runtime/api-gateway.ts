/**
 * API Gateway (REST API, v1) on one machine: an HTTP server that routes the template's resource
 * paths and methods to their AWS_PROXY functions with a REST proxy event, checks the API key where
 * the method requires one, answers unknown routes with the template's own gateway responses
 * (problem+json here), and returns the function's statusCode/headers/body.
 * Paths are served with and without the stage prefix (`/v1/...` and `/<stage>/v1/...`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { readBody } from './aws-json';
import type { InvocationResult } from './lambda';
import type { ApiRouteModel, GatewayResponseModel, RestApiModel } from './template';

/** Configuration of the proxy. */
export interface ApiGatewayOptions {
  api: RestApiModel;
  invoke: (functionName: string, event: APIGatewayProxyEvent) => Promise<InvocationResult>;
  /** The value `x-api-key` must carry on methods with ApiKeyRequired. */
  apiKey: string;
  accountId: string;
  port?: number;
  host?: string;
  /** API Gateway's integration timeout. @default 29 s */
  integrationTimeoutMs?: number;
  /** Called for every request (access log). */
  onRequest?: (entry: AccessLogEntry) => void;
}

/** One line of the access log. */
export interface AccessLogEntry {
  requestId: string;
  httpMethod: string;
  path: string;
  resourcePath?: string;
  status: number;
  latencyMs: number;
  errorType?: string;
}

/** A running proxy. */
export interface ApiGatewayServer {
  /** `http://127.0.0.1:<port>`: routes are `<url>/v1/...`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Match {
  route?: ApiRouteModel;
  pathParameters: Record<string, string>;
  allowed: string[];
}

/** Starts the proxy. */
export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGatewayServer> {
  const { api } = options;
  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    let stage = api.stageNames[0] ?? 'local';
    let path = decodeURIComponentSafe(url.pathname);
    const first = path.split('/')[1];
    if (first && api.stageNames.includes(first)) {
      stage = first;
      path = path.slice(first.length + 1) || '/';
    }
    const log = (status: number, resourcePath?: string, errorType?: string) =>
      options.onRequest?.({
        requestId,
        httpMethod: method,
        path,
        ...(resourcePath ? { resourcePath } : {}),
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
        api,
        type,
        fallbackStatus,
        { message, path: `/${stage}${path}`, requestId },
        extraHeaders,
      );
      log(status, undefined, type);
    };

    try {
      const match = matchRoute(api.routes, path, method);
      if (!match.route) {
        if (match.allowed.length > 0) {
          // AWS answers a known path with an unknown method like an unknown path; 405 is kinder locally.
          gateway('METHOD_NOT_ALLOWED', 405, `Method ${method} not allowed on ${path}`, {
            allow: match.allowed.join(', '),
          });
        } else {
          gateway('MISSING_AUTHENTICATION_TOKEN', 404, 'Missing Authentication Token');
        }
        return;
      }
      const route = match.route;
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
        api,
        route,
        stage,
        path,
        url,
        body,
        requestId,
        accountId: options.accountId,
        pathParameters: match.pathParameters,
        apiKey,
      });
      const timeoutMs = options.integrationTimeoutMs ?? 29_000;
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        options.invoke(route.integration.functionName, event),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      if (result === 'timeout') {
        gateway('INTEGRATION_TIMEOUT', 504, 'Endpoint request timed out');
        return;
      }
      if (!result.ok) {
        gateway('DEFAULT_5XX', 502, 'Internal server error');
        return;
      }
      const response = result.payload as {
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
        gateway('DEFAULT_5XX', 502, 'Malformed Lambda proxy response');
        return;
      }
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(response.headers ?? {}))
        headers[name.toLowerCase()] = String(value);
      for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
        headers[name.toLowerCase()] = (values ?? []).map(String);
      }
      const payload =
        response.body === undefined || response.body === null
          ? Buffer.alloc(0)
          : Buffer.from(String(response.body), response.isBase64Encoded ? 'base64' : 'utf8');
      headers['x-amzn-requestid'] = requestId;
      headers['content-length'] = String(payload.length);
      headers['content-type'] ??= 'application/json';
      res.writeHead(statusCode, headers);
      res.end(payload);
      log(statusCode, route.resourcePath);
    } catch (error) {
      console.error('[api-gateway] internal error', error);
      if (!res.headersSent) gateway('DEFAULT_5XX', 500, 'Internal server error');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Finds the route: literal segments win over `{param}`, `{param+}` takes the rest of the path. */
export function matchRoute(routes: readonly ApiRouteModel[], path: string, method: string): Match {
  const segments = path.split('/').filter((s) => s !== '');
  let best: { routes: ApiRouteModel[]; params: Record<string, string>; score: number } | undefined;
  const byResource = new Map<string, ApiRouteModel[]>();
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

const TEXT_TYPES = [/^text\//, /json/, /xml/, /^application\/x-www-form-urlencoded/, /javascript/];

function proxyEvent(
  req: IncomingMessage,
  context: {
    api: RestApiModel;
    route: ApiRouteModel;
    stage: string;
    path: string;
    url: URL;
    body: Buffer;
    requestId: string;
    accountId: string;
    pathParameters: Record<string, string>;
    apiKey: string | undefined;
  },
): APIGatewayProxyEvent {
  // Header names as the client sent them; `headers` keeps the last value, `multiValueHeaders` all.
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
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
    context.api.binaryMediaTypes.some((type) => mediaTypeMatches(type, contentType)) ||
    (contentType !== '' && !TEXT_TYPES.some((pattern) => pattern.test(contentType))) ||
    !isUtf8(context.body);
  const now = new Date();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    resource: context.route.resourcePath,
    path: context.path,
    httpMethod: context.route.httpMethod === 'ANY' ? (req.method ?? 'GET') : context.route.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: Object.keys(context.pathParameters).length ? context.pathParameters : null,
    stageVariables: null,
    body: context.body.length === 0 ? null : context.body.toString(binary ? 'base64' : 'utf8'),
    isBase64Encoded: context.body.length > 0 && binary,
    requestContext: {
      accountId: context.accountId,
      apiId: context.api.id,
      authorizer: undefined,
      domainName: headerValue(req, 'host') ?? 'localhost',
      domainPrefix: context.api.id,
      extendedRequestId: context.requestId,
      httpMethod: req.method ?? 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: context.apiKey ?? null,
        apiKeyId: context.apiKey ? 'local' : null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: headerValue(req, 'user-agent') ?? null,
        userArn: null,
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

/** Answers with the template's gateway response of `type` (or DEFAULT_4XX/5XX), filling `$context` variables. */
function gatewayResponse(
  res: ServerResponse,
  api: RestApiModel,
  type: string,
  fallbackStatus: number,
  context: { message: string; path: string; requestId: string },
  extraHeaders: Record<string, string>,
): number {
  const family = fallbackStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const configured: GatewayResponseModel | undefined =
    api.gatewayResponses[type] ?? api.gatewayResponses[family];
  const status = api.gatewayResponses[type]?.statusCode ?? fallbackStatus;
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

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.at(-1) : value;
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

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** `27/Nov/2026:08:15:03 +0000` */
function formatRequestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
