/**
 * The local API Gateway runs a method's Lambda REQUEST authorizer as API Gateway does: 401 without
 * the identity source or on `Unauthorized`, the policy evaluated per method (403 on deny), the
 * context passed on as requestContext.authorizer, the answer cached per Authorization header.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent } from 'aws-lambda';
import { startApiGateway, type ApiGatewayServer } from '../../../local/apigateway/proxy';
import type { InvocationResult } from '../../../local/lambda/functions';
import type { ApiRouteModel, AuthorizerModel, RestApiModel } from '../../../assembly';

const AUTHORIZER: AuthorizerModel = {
  logicalId: 'Authorizer',
  type: 'REQUEST',
  functionName: 'authorizer',
  identitySources: ['method.request.header.Authorization'],
  resultTtlSeconds: 300,
};

const route = (resourcePath: string, httpMethod: string): ApiRouteModel => ({
  resourcePath,
  resourceId: resourcePath,
  httpMethod,
  apiKeyRequired: true,
  authorizationType: 'CUSTOM',
  authorizer: AUTHORIZER,
  integration: { type: 'AWS_PROXY', functionName: 'governed' },
});

const problem = (status: number, title: string) => ({
  statusCode: status,
  headers: { 'Content-Type': 'application/problem+json' },
  template: `{"type":"about:blank","title":"${title}","status":${status},"detail":$context.error.messageString,"instance":"$context.path"}`,
});

const REST: RestApiModel = {
  logicalId: 'Api',
  id: 'restapi0001',
  name: 'Test',
  stageNames: ['dev'],
  binaryMediaTypes: [],
  routes: [route('/v1/orders/{id}', 'GET'), route('/v1/approvals/{id}/decision', 'POST')],
  gatewayResponses: {
    UNAUTHORIZED: problem(401, 'Access token missing or invalid'),
    ACCESS_DENIED: problem(403, 'Access denied'),
    DEFAULT_5XX: problem(500, 'Internal error'),
  },
};

const ARN = 'arn:aws:execute-api:eu-west-1:000000000000:restapi0001/dev';
let authorizerCalls: { headers: Record<string, string>; methodArn: string }[] = [];
let governed: APIGatewayProxyEvent[] = [];
let server: ApiGatewayServer;

/** The authorizer: `good` may read orders, `broken` fails, anything else is Unauthorized. */
async function invoke(functionName: string, event: unknown): Promise<InvocationResult> {
  const base = { requestId: 'r', durationMs: 1, coldStart: false };
  if (functionName === 'governed') {
    governed.push(event as APIGatewayProxyEvent);
    return { ...base, ok: true, payload: { statusCode: 200, body: '{}' } };
  }
  const request = event as { headers: Record<string, string>; methodArn: string };
  authorizerCalls.push(request);
  const token = request.headers.Authorization;
  if (token === 'Bearer broken')
    return { ...base, ok: false, error: { errorType: 'Error', errorMessage: 'boom' } };
  if (token !== 'Bearer good')
    return { ...base, ok: false, error: { errorType: 'Error', errorMessage: 'Unauthorized' } };
  const result: APIGatewayAuthorizerResult = {
    principalId: 'wms',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${ARN}/GET/v1/orders/*`] }],
    },
    context: { subject: 'wms', scopes: 'supplyline/purchase-orders.read', callerKind: 'application' },
  };
  return { ...base, ok: true, payload: result };
}

beforeAll(async () => {
  server = await startApiGateway({
    api: REST,
    invoke,
    apiKey: 'key',
    accountId: '000000000000',
    region: 'eu-west-1',
  });
});
afterAll(() => server?.close());
beforeEach(() => {
  authorizerCalls = [];
  governed = [];
});

const call = (path: string, headers: Record<string, string>, method = 'GET') =>
  fetch(`${server.url}${path}`, { method, headers: { 'x-api-key': 'key', ...headers } });

describe('local API Gateway: Lambda REQUEST authorizers', () => {
  it('answers 401 problem+json without an Authorization header, without calling the authorizer', async () => {
    const response = await call('/v1/orders/1', {});
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 401, title: 'Access token missing or invalid' });
    expect(authorizerCalls).toEqual([]);
    expect(governed).toEqual([]);
  });

  it('answers 401 problem+json when the authorizer says Unauthorized', async () => {
    const response = await call('/v1/orders/1', { Authorization: 'Bearer forged' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(governed).toEqual([]);
  });

  it('passes an allowed request on with the authorizer context, and reuses the cached answer', async () => {
    const first = await call('/v1/orders/1', { Authorization: 'Bearer good' });
    const second = await call('/dev/v1/orders/2', { Authorization: 'Bearer good' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(authorizerCalls).toHaveLength(1);
    expect(authorizerCalls[0]!.methodArn).toBe(`${ARN}/GET/v1/orders/1`);
    expect(governed[0]!.requestContext.authorizer).toEqual({
      principalId: 'wms',
      subject: 'wms',
      scopes: 'supplyline/purchase-orders.read',
      callerKind: 'application',
    });
  });

  it('answers 403 problem+json on a method the (cached) policy does not allow', async () => {
    const response = await call('/v1/approvals/A-1/decision', { Authorization: 'Bearer good' }, 'POST');
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(governed).toEqual([]);
  });

  it('answers 500 when the authorizer fails, and caches nothing', async () => {
    const response = await call('/v1/orders/1', { Authorization: 'Bearer broken' });
    expect(response.status).toBe(500);
    await call('/v1/orders/1', { Authorization: 'Bearer broken' });
    expect(authorizerCalls).toHaveLength(2);
    expect(governed).toEqual([]);
  });
});
