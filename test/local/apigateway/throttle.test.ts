/**
 * The local API Gateway throttles each REST method with the numbers of the template's stage method
 * settings (a token bucket of `burstLimit`, refilled at `rateLimit` per second), answering the
 * template's THROTTLED gateway response (429 problem+json) and never calling the function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { startApiGateway, type ApiGatewayServer } from '../../../local/apigateway/proxy';
import type { InvocationResult } from '../../../local/lambda/functions';
import type { ApiRouteModel, RestApiModel } from '../../../assembly';

const route = (resourcePath: string): ApiRouteModel => ({
  resourcePath,
  resourceId: resourcePath,
  httpMethod: 'GET',
  apiKeyRequired: false,
  authorizationType: 'NONE',
  integration: { type: 'AWS_PROXY', functionName: 'things' },
});

const REST: RestApiModel = {
  logicalId: 'Api',
  id: 'restapi0001',
  name: 'Test',
  stageNames: ['dev'],
  binaryMediaTypes: [],
  routes: [route('/v1/slow'), route('/v1/other'), route('/v1/another')],
  gatewayResponses: {
    THROTTLED: {
      statusCode: 429,
      headers: { 'Content-Type': 'application/problem+json' },
      template: '{"type":"urn:supplyline:problem:throttled","title":"Too many requests","status":429}',
    },
  },
  throttles: { '* /*': { rateLimit: 100, burstLimit: 4 }, 'GET /v1/slow': { rateLimit: 1, burstLimit: 2 } },
};

let server: ApiGatewayServer;
let now = 1_000_000;
let invocations = 0;

beforeAll(async () => {
  server = await startApiGateway({
    api: REST,
    invoke: async (_fn: string, _event: APIGatewayProxyEvent): Promise<InvocationResult> => {
      invocations += 1;
      return {
        requestId: 'r',
        durationMs: 1,
        coldStart: false,
        ok: true,
        payload: { statusCode: 200, body: '{}' },
      };
    },
    apiKey: 'key',
    accountId: '000000000000',
    clock: () => now,
  });
});
afterAll(async () => server?.close());

const get = (path: string) => fetch(`${server.url}${path}`);

describe('method throttling', () => {
  it('admits the burst, then answers 429 throttled problem+json without calling the function', async () => {
    invocations = 0;
    expect((await get('/v1/slow')).status).toBe(200);
    expect((await get('/v1/slow')).status).toBe(200);
    const refused = await get('/v1/slow');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ type: 'urn:supplyline:problem:throttled', status: 429 });
    expect(invocations).toBe(2);
  });

  it('admits again at the declared rate', async () => {
    now += 1000;
    expect((await get('/v1/slow')).status).toBe(200);
    expect((await get('/v1/slow')).status).toBe(429);
  });

  it('lets methods without their own setting share the stage default', async () => {
    const statuses = [];
    for (const path of ['/v1/other', '/v1/another', '/v1/other', '/v1/another', '/v1/other'])
      statuses.push((await get(path)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });
});
