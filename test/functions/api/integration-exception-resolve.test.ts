import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationExceptionStore } from '../../../adapters/aws/integration-exceptions';
import type { IntegrationException } from '../../../canonical/generated/types';
import {
  validateIntegrationException,
  validateIntegrationExceptionResolvedV1,
} from '../../../canonical/generated/validators';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { apiEvent, expectJson, expectProblem, startApiEnvironment, type ApiHandler } from './support';

const eventBridge = mockClient(EventBridgeClient);
let dynamo: LocalDynamo;
let store: IntegrationExceptionStore;
let handler: ApiHandler;
let n = 0;
let exceptionId: string;

beforeAll(async () => {
  dynamo = await startApiEnvironment('exception-resolve-api');
  store = new IntegrationExceptionStore(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.integrationExceptions,
  );
  ({ handler } = await import('../../../functions/api/integration-exception-resolve'));
});
afterAll(async () => dynamo.stop());

const accepting = () =>
  eventBridge
    .on(PutEventsCommand)
    .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));

beforeEach(() => {
  eventBridge.reset();
  accepting();
  exceptionId = `IX-${++n}`;
});

async function openException(): Promise<IntegrationException> {
  const exception: IntegrationException = {
    exceptionId,
    category: 'BUSINESS',
    code: 'SUPPLIER_NOT_APPROVED',
    message: 'Supplier S-100 is on hold.',
    status: 'OPEN',
    objectType: 'PurchaseOrder',
    objectId: 'PO-1',
    system: 'procurement',
    raisedAt: '2026-11-27T11:00:00.000Z',
  };
  await store.record(exception, { correlationId: 'flow-7', tenantId: 'acme' });
  return exception;
}

/** The authorizer's context for a person (API Gateway passes every value as a string). */
const anna = {
  subject: 'ops.anna',
  issuer: 'https://idp.example.com',
  tokenId: 'jti-anna',
  clientId: 'ops-console',
  scopes: 'supplyline/exceptions.resolve',
  groups: '',
  callerKind: 'person',
};

const resolve = (body: unknown, id = exceptionId, authorizer: Record<string, string> | null = anna) => {
  const event = apiEvent({
    method: 'POST',
    path: `/v1/integration-exceptions/${id}/resolve`,
    pathParameters: { id },
    body,
  });
  return handler({
    ...event,
    requestContext: { ...event.requestContext, authorizer: authorizer ?? undefined },
  });
};

const publishedEntries = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('POST /v1/integration-exceptions/{id}/resolve', () => {
  it('200: resolves, publishes exactly one resolved event, answers the resolved exception', async () => {
    await openException();
    const body = expectJson<IntegrationException>(await resolve({ reason: 'supplier released' }), 200);
    expect(validateIntegrationException(body)).toMatchObject({ ok: true });
    expect(body).toMatchObject({ exceptionId, status: 'RESOLVED', resolution: 'supplier released' });

    const entries = publishedEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: 'supplyline-test',
      Source: 'supplyline.operations',
      DetailType: 'integration-exception.resolved',
    });
    const event = JSON.parse(entries[0]!.Detail!);
    expect(validateIntegrationExceptionResolvedV1(event)).toMatchObject({ ok: true });
    expect(event).toMatchObject({
      sourceObjectId: exceptionId,
      correlationId: 'flow-7',
      causationId: 'req-1',
      tenantId: 'acme',
      idempotencyKey: `integration-exception:${exceptionId}:resolved`,
      data: body,
    });
    expect((await store.getStored(exceptionId))?.resolvedBy).toBe('ops.anna');
  });

  it('records the verified caller as resolver, whatever the body says (ExceptionResolution 1.1)', async () => {
    await openException();
    expectJson(await resolve({ resolvedBy: 'mallory', reason: 'supplier released' }), 200);
    expect((await store.getStored(exceptionId))?.resolvedBy).toBe('ops.anna');
  });

  it('records an application caller by its subject (the client id)', async () => {
    await openException();
    const opsCli = { ...anna, subject: 'ops-cli', clientId: 'ops-cli', callerKind: 'application' };
    expectJson(await resolve({ reason: 'ERP back' }, exceptionId, opsCli), 200);
    expect((await store.getStored(exceptionId))?.resolvedBy).toBe('ops-cli');
  });

  it('401 without a verified caller, and nothing is resolved or published', async () => {
    await openException();
    const response = await resolve({ reason: 'fixed' }, exceptionId, null);
    expectProblem(response, 401, 'unauthenticated');
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer' });
    // A context without a subject vouches for nobody.
    expectProblem(await resolve({ reason: 'fixed' }, exceptionId, { issuer: 'x' }), 401, 'unauthenticated');
    expect((await store.get(exceptionId))?.status).toBe('OPEN');
    expect(publishedEntries()).toHaveLength(0);
  });

  it('409 for an exception already resolved, publishing nothing more', async () => {
    await openException();
    expectJson(await resolve({ reason: 'fixed' }), 200);
    const second = await resolve({ reason: 'fixed too' }, exceptionId, { ...anna, subject: 'ops.ben' });
    expectProblem(second, 409, 'integration-exception-already-resolved');
    expect(publishedEntries()).toHaveLength(1);
    expect((await store.get(exceptionId))?.resolution).toBe('fixed');
  });

  it('404 for an unknown exception', async () => {
    expectProblem(await resolve({ reason: 'x' }, 'IX-UNKNOWN'), 404);
    expect(publishedEntries()).toHaveLength(0);
  });

  it('422 listing every error of the body', async () => {
    await openException();
    // A 1.0 client's `resolvedBy` is still validated (ignored, not unchecked).
    const problem = expectProblem(await resolve({ resolvedBy: '', note: 'x' }), 422, 'validation-failed');
    expect([...new Set(problem.errors?.map((error) => error.pointer))].sort()).toEqual([
      '/note',
      '/reason',
      '/resolvedBy',
    ]);
    expect((await store.get(exceptionId))?.status).toBe('OPEN');
  });

  it('400 for a body that is not JSON', async () => {
    await openException();
    expectProblem(await resolve('reason=fixed'), 400, 'malformed-json');
  });

  it('503 and still OPEN when the bus does not take the event; the retry resolves it', async () => {
    await openException();
    eventBridge.on(PutEventsCommand).rejects(new Error('service unavailable'));
    const refused = await resolve({ reason: 'fixed' });
    expectProblem(refused, 503, 'try-again');
    expect((await store.get(exceptionId))?.status).toBe('OPEN');
    eventBridge.reset();
    accepting();
    expectJson(await resolve({ reason: 'fixed' }), 200);
    expect(publishedEntries()).toHaveLength(1);
  });
});
