/**
 * The local API Gateway on hand-written models: one port serving a REST API and an HTTP API, the
 * event each kind of route sends, and the error answers of each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { startApiGateway, type AccessLogEntry, type ApiGatewayServer } from '../../../local/apigateway/proxy';
import type { InvocationResult } from '../../../local/lambda/functions';
import type { HttpApiModel, HttpRouteModel, RestApiModel } from '../../../assembly';

const REST: RestApiModel = {
  logicalId: 'Api',
  id: 'restapi0001',
  name: 'Test',
  stageNames: ['dev'],
  binaryMediaTypes: [],
  routes: [
    {
      resourcePath: '/v1/things/{id}',
      resourceId: 'res1',
      httpMethod: 'GET',
      apiKeyRequired: true,
      authorizationType: 'NONE',
      integration: { type: 'AWS_PROXY', functionName: 'things' },
    },
  ],
  gatewayResponses: {
    MISSING_AUTHENTICATION_TOKEN: {
      statusCode: 404,
      headers: { 'Content-Type': 'application/problem+json' },
      template: '{"title":"No such resource","status":404,"instance":"$context.path"}',
    },
  },
};

function httpRoute(path: string, functionName: string, payloadFormatVersion = '1.0'): HttpRouteModel {
  return {
    routeKey: `POST ${path}`,
    method: 'POST',
    path,
    authorizationType: 'NONE',
    integration: { type: 'AWS_PROXY', payloadFormatVersion, functionName, timeoutMs: 30_000 },
  };
}

const HTTP: HttpApiModel = {
  logicalId: 'WebhookApi',
  id: 'httpapi001',
  name: 'Test-webhooks',
  stageNames: ['dev'],
  routes: [
    httpRoute('/v1/webhooks/planning', 'planning'),
    httpRoute('/v1/webhooks/failing', 'failing'),
    httpRoute('/v1/webhooks/v2', 'planning', '2.0'),
  ],
};

const events: { functionName: string; event: APIGatewayProxyEvent }[] = [];
const log: AccessLogEntry[] = [];
let server: ApiGatewayServer;

async function invoke(functionName: string, event: APIGatewayProxyEvent): Promise<InvocationResult> {
  events.push({ functionName, event });
  const base = { requestId: 'r', durationMs: 1, coldStart: false };
  if (functionName === 'failing')
    return { ...base, ok: false, error: { errorType: 'Error', errorMessage: 'boom' } };
  return {
    ...base,
    ok: true,
    payload: { statusCode: 202, headers: { 'Content-Type': 'application/json' }, body: '{"accepted":true}' },
  };
}

beforeAll(async () => {
  server = await startApiGateway({
    api: REST,
    httpApis: [HTTP],
    invoke,
    apiKey: 'key',
    accountId: '000000000000',
    onRequest: (entry) => log.push(entry),
  });
});
afterAll(() => server?.close());

const lastEvent = () => events.at(-1)!.event as APIGatewayProxyEvent & { version?: string };

describe('local API Gateway: REST and HTTP API routes on one port', () => {
  it('sends an HTTP API route the payload format 1.0 event, with and without the stage prefix', async () => {
    for (const [prefix, path] of [
      ['', '/dev/v1/webhooks/planning'],
      ['/dev', '/dev/v1/webhooks/planning'],
    ] as const) {
      const response = await fetch(`${server.url}${prefix}/v1/webhooks/planning?a=1&a=2`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Planning-Signature': 't=1,v1=abc' },
        body: '{"event":"forecast.exception"}',
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ accepted: true });
      expect(events.at(-1)!.functionName).toBe('planning');
      expect(lastEvent()).toMatchObject({
        version: '1.0',
        resource: '/v1/webhooks/planning',
        path,
        httpMethod: 'POST',
        headers: { 'content-type': 'application/json', 'x-planning-signature': 't=1,v1=abc' },
        multiValueHeaders: { 'x-planning-signature': ['t=1,v1=abc'] },
        queryStringParameters: { a: '2' },
        multiValueQueryStringParameters: { a: ['1', '2'] },
        pathParameters: null,
        body: '{"event":"forecast.exception"}',
        isBase64Encoded: false,
        requestContext: {
          apiId: 'httpapi001',
          resourceId: 'POST /v1/webhooks/planning',
          resourcePath: '/v1/webhooks/planning',
          httpMethod: 'POST',
          path,
          stage: 'dev',
        },
      });
      expect(lastEvent().requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(lastEvent().headers).not.toHaveProperty('X-Planning-Signature');
      expect(log.at(-1)).toMatchObject({ routeKey: 'POST /v1/webhooks/planning', status: 202 });
    }
  });

  it('passes a binary body base64-encoded', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0x10]);
    await fetch(`${server.url}/v1/webhooks/planning`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(lastEvent()).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
  });

  it('still serves the REST routes on the same port with the REST proxy event and the API key check', async () => {
    expect((await fetch(`${server.url}/v1/things/42`)).status).toBe(403);
    const response = await fetch(`${server.url}/v1/things/42`, { headers: { 'x-api-key': 'key' } });
    expect(response.status).toBe(202);
    expect(lastEvent()).toMatchObject({
      resource: '/v1/things/{id}',
      pathParameters: { id: '42' },
      requestContext: { apiId: 'restapi0001', stage: 'dev', path: '/dev/v1/things/42' },
    });
    expect(lastEvent().version).toBeUndefined();
  });

  it('answers like an HTTP API when its integration fails or is not supported locally', async () => {
    const failing = await fetch(`${server.url}/v1/webhooks/failing`, { method: 'POST', body: '{}' });
    expect(failing.status).toBe(500);
    expect(await failing.json()).toEqual({ message: 'Internal Server Error' });
    const v2 = await fetch(`${server.url}/v1/webhooks/v2`, { method: 'POST', body: '{}' });
    expect(v2.status).toBe(500);
    expect(((await v2.json()) as { message: string }).message).toMatch(
      /Payload format 2\.0 is not supported/,
    );
  });

  it('answers unknown paths with the REST gateway response and a wrong method with 405', async () => {
    const unknown = await fetch(`${server.url}/v1/nowhere`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    const wrongMethod = await fetch(`${server.url}/v1/webhooks/planning`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('refuses to start when a REST and an HTTP API route share a method and path', async () => {
    const clash: HttpApiModel = {
      ...HTTP,
      routes: [
        {
          ...httpRoute('/v1/things/{thingId}', 'things'),
          routeKey: 'GET /v1/things/{thingId}',
          method: 'GET',
        },
      ],
    };
    await expect(
      startApiGateway({ api: REST, httpApis: [clash], invoke, apiKey: 'key', accountId: '000000000000' }),
    ).rejects.toThrow(
      /GET \/v1\/things\/\{thingId\} is served by both the REST API and HTTP API Test-webhooks/,
    );
  });

  it('serves an HTTP API alone, $default route included', async () => {
    const alone = await startApiGateway({
      httpApis: [
        {
          ...HTTP,
          stageNames: ['$default'],
          routes: [{ ...httpRoute('/{proxy+}', 'planning'), routeKey: '$default', method: 'ANY' }],
        },
      ],
      invoke,
      apiKey: 'key',
      accountId: '000000000000',
    });
    try {
      const response = await fetch(`${alone.url}/anything/here`, { method: 'PUT', body: 'x' });
      expect(response.status).toBe(202);
      expect(lastEvent()).toMatchObject({
        version: '1.0',
        path: '/anything/here',
        httpMethod: 'PUT',
        requestContext: { stage: '$default', resourceId: '$default' },
      });
    } finally {
      await alone.close();
    }
  });
});
