/** Shared by the API handler tests: API Gateway events, problem+json checks, local tables. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { expect } from 'vitest';
import type { Problem } from '../../../canonical/generated/types';
import { validateProblem } from '../../../canonical/generated/validators';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

export type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** dynalite with the application's tables, and the environment the function catalog would set. */
export async function startApiEnvironment(prefix: string): Promise<LocalDynamo> {
  const dynamo = await startLocalDynamo({ prefix });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    EVENT_BUS_NAME: 'supplyline-test',
    TENANT_ID: 'acme',
    SYNC_LEDGER_TABLE_NAME: dynamo.tableNames.syncLedger,
    INTEGRATION_EXCEPTIONS_TABLE_NAME: dynamo.tableNames.integrationExceptions,
    WORKFLOW_CORRELATION_TABLE_NAME: dynamo.tableNames.workflowCorrelation,
    IDEMPOTENCY_TABLE_NAME: dynamo.tableNames.idempotency,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  return dynamo;
}

/** An API Gateway REST proxy event. */
export function apiEvent(request: {
  method?: 'GET' | 'POST';
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}): APIGatewayProxyEvent {
  return {
    httpMethod: request.method ?? 'GET',
    path: request.path ?? '/',
    pathParameters: request.pathParameters ?? null,
    queryStringParameters: request.query ?? null,
    headers: { 'Content-Type': 'application/json' },
    body:
      request.body === undefined
        ? null
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1' },
  } as unknown as APIGatewayProxyEvent;
}

/** Asserts a problem+json answer of `status` and returns its body. */
export function expectProblem(response: APIGatewayProxyResult, status: number, kind?: string): Problem {
  expect(response.statusCode).toBe(status);
  expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json' });
  const body = JSON.parse(response.body) as Problem;
  expect(validateProblem(body)).toMatchObject({ ok: true });
  expect(body).toMatchObject({ status, instance: 'urn:supplyline:request:req-1' });
  if (kind) expect(body.type).toBe(`urn:supplyline:problem:${kind}`);
  // Never a stack trace.
  expect(response.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  return body;
}

/** Asserts a JSON answer of `status` and returns its body. */
export function expectJson<T = unknown>(response: APIGatewayProxyResult, status: number): T {
  expect(response.statusCode).toBe(status);
  expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
  return JSON.parse(response.body) as T;
}

/** The authorizer's context of a person (API Gateway passes every value as a string). */
export function personContext(subject: string, groups: string, scopes: string): Record<string, string> {
  return {
    subject,
    issuer: 'https://idp.example.com',
    tokenId: `jti-${subject}`,
    clientId: 'buyers-ui',
    scopes,
    groups,
    callerKind: 'person',
  };
}
