/**
 * The local API Gateway checks every answer of a documented operation against the OpenAPI document
 * when asked to (the test suite always asks: test/support/answer-contract.ts fails the test), and
 * records what is wrong: a deliberately wrong answer is caught, a documented one is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRouteModel, RestApiModel } from '../../../assembly';
import openApi from '../../../canonical/generated/openapi.json';
import { answerChecker, takeAnswerViolations } from '../../../local/apigateway/answer-contract';
import { startApiGateways, type LocalApiGateway } from '../../../local/apigateway/start';
import type { InvocationResult } from '../../../local/lambda/functions';

const SYNC = '/v1/purchase-orders/{poId}/sync';
const documented = {
  objectType: 'PurchaseOrder',
  objectId: 'PO-1',
  systems: [],
  lags: [],
  history: [],
  openExceptions: [],
};

const route: ApiRouteModel = {
  resourcePath: SYNC,
  resourceId: 'sync',
  httpMethod: 'GET',
  apiKeyRequired: false,
  authorizationType: 'NONE',
  integration: { type: 'AWS_PROXY', functionName: 'sync-status' },
};
const api: RestApiModel = {
  logicalId: 'Api',
  id: 'restapi0001',
  name: 'Test',
  stageNames: ['dev'],
  binaryMediaTypes: [],
  routes: [route],
  gatewayResponses: {},
};

let gateway: LocalApiGateway;
let answerWith: unknown = documented;

beforeAll(async () => {
  gateway = await startApiGateways(
    { apis: [api], httpApis: [], account: '000000000000', region: 'us-east-1' },
    {
      host: '127.0.0.1',
      apiKey: 'key',
      checkAnswers: true,
      invoke: async (): Promise<InvocationResult> => ({
        requestId: 'r',
        durationMs: 1,
        coldStart: false,
        ok: true,
        payload: {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(answerWith),
        },
      }),
      onRequest: () => undefined,
      log: () => undefined,
    },
  );
});
afterAll(async () => gateway?.stop());

describe('answers checked against the OpenAPI document', () => {
  it('records nothing for a documented answer', async () => {
    answerWith = documented;
    expect((await fetch(`${gateway.baseUrl}/v1/purchase-orders/PO-1/sync`)).status).toBe(200);
    expect(takeAnswerViolations()).toEqual([]);
  });

  it('records a deliberately wrong answer, naming the operation and what is wrong', async () => {
    const { history: _dropped, ...wrong } = documented;
    answerWith = { ...wrong, surprise: true };
    expect((await fetch(`${gateway.baseUrl}/v1/purchase-orders/PO-1/sync`)).status).toBe(200);
    // Taken here, so the harness does not fail this test for the violation it provoked.
    const violations = takeAnswerViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ method: 'GET', resourcePath: SYNC, status: 200 });
    expect(violations[0]!.problems.join('\n')).toMatch(/must have required property 'history'/);
    expect(violations[0]!.problems.join('\n')).toMatch(/must NOT have additional properties/);
  });

  it('refuses a status, a media type or an operation the document does not have', () => {
    const check = answerChecker(openApi);
    const answer = {
      method: 'GET',
      resourcePath: SYNC,
      status: 200,
      contentType: 'application/json',
      body: documented,
    };
    expect(check(answer)).toEqual([]);
    expect(check({ ...answer, status: 418 })).toEqual([`GET ${SYNC} does not document 418`]);
    expect(check({ ...answer, contentType: 'text/html' })).toEqual([
      `GET ${SYNC} 200 does not document text/html`,
    ]);
    expect(check({ ...answer, resourcePath: '/v1/nothing' })).toEqual([
      'GET /v1/nothing is not in the OpenAPI document',
    ]);
  });

  it('takes a documented 304 without content whatever its Content-Type, and refuses one with a body', () => {
    const check = answerChecker(openApi);
    const notModified = {
      method: 'GET',
      resourcePath: '/v1/items/{itemCode}',
      status: 304,
      contentType: 'application/json',
      body: undefined,
    };
    expect(check(notModified)).toEqual([]);
    expect(check({ ...notModified, body: { itemCode: 'SKU-1' } })).toEqual([
      'GET /v1/items/{itemCode} 304 does not document application/json',
    ]);
  });

  it('accepts the gateway’s own documented refusals and refuses an untyped one', () => {
    const check = answerChecker(openApi);
    const refusal = (type: string) => ({
      method: 'GET',
      resourcePath: SYNC,
      status: 429,
      contentType: 'application/problem+json',
      body: {
        type,
        title: 'Too many requests',
        status: 429,
        detail: 'Too Many Requests',
        instance: '/dev/x',
        requestId: 'r',
      },
    });
    expect(check(refusal('urn:supplyline:problem:throttled'))).toEqual([]);
    expect(check(refusal('about:blank')).join('\n')).toMatch(
      /type must be equal to one of the allowed values/,
    );
  });
});
