import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbReconciliationLease } from '../../../adapters/aws/reconciliation-lease';
import type { ReconciliationRun } from '../../../canonical/generated/types';
import { validateReconciliationRunRequestedV1 } from '../../../canonical/generated/validators';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { expectDocumentedAnswer } from '../../support/openapi';
import { apiEvent, expectJson, expectProblem, startApiEnvironment, type ApiHandler } from './support';

const eventBridge = mockClient(EventBridgeClient);
let dynamo: LocalDynamo;
let documents: DynamoDBDocumentClient;
let lease: DynamoDbReconciliationLease;
let handler: ApiHandler;

beforeAll(async () => {
  dynamo = await startApiEnvironment('reconciliation-runs-api');
  process.env.CIRCUIT_BREAKER_TABLE_NAME = dynamo.tableNames.circuitBreaker;
  documents = DynamoDBDocumentClient.from(dynamo.client);
  lease = new DynamoDbReconciliationLease(documents, dynamo.tableNames.circuitBreaker);
  ({ handler } = await import('../../../functions/api/reconciliation-runs'));
});
afterAll(async () => dynamo.stop());

/** Every run status and the lease, as stored. */
async function stored() {
  const { Items = [] } = await documents.send(
    new ScanCommand({ TableName: dynamo.tableNames.circuitBreaker }),
  );
  return Items.map((item) => item.endpoint as string).sort();
}

async function freeTheLease() {
  const { Items = [] } = await documents.send(
    new ScanCommand({ TableName: dynamo.tableNames.circuitBreaker }),
  );
  for (const item of Items) if (item.heldBy) await lease.release(item.heldBy as string);
}

const signedIn = (event: APIGatewayProxyEvent): APIGatewayProxyEvent => ({
  ...event,
  requestContext: {
    ...event.requestContext,
    authorizer: {
      subject: 'ops-person',
      issuer: 'https://idp.test',
      scopes: 'supplyline/reconciliation.run',
    },
  } as APIGatewayProxyEvent['requestContext'],
});
const start = (body?: unknown) =>
  handler(signedIn(apiEvent({ method: 'POST', path: '/v1/reconciliation-runs', body })));
const status = (runId: string) =>
  handler(
    signedIn(
      apiEvent({ method: 'GET', path: `/v1/reconciliation-runs/${runId}`, pathParameters: { runId } }),
    ),
  );

beforeEach(async () => {
  eventBridge.reset();
  eventBridge
    .on(PutEventsCommand)
    .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
  await freeTheLease();
});

describe('POST /v1/reconciliation-runs', () => {
  it('answers 202 with the run requested by the caller and its Location, and hands it to the bulk lane', async () => {
    const response = await start({ since: '2026-11-01T00:00:00Z' });
    const run = expectJson<ReconciliationRun>(response, 202);
    expectDocumentedAnswer('POST', '/v1/reconciliation-runs', {
      status: 202,
      contentType: response.headers!['content-type'] as string,
      body: run,
    });
    expect(run).toMatchObject({
      status: 'requested',
      requestedBy: 'ops-person',
      since: '2026-11-01T00:00:00.000Z',
    });
    expect(response.headers).toMatchObject({ location: `/v1/reconciliation-runs/${run.runId}` });
    const entries = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries.map((entry) => entry.DetailType)).toEqual(['reconciliation-run.requested']);
    const detail = JSON.parse(entries[0]!.Detail!) as unknown;
    expect(validateReconciliationRunRequestedV1(detail)).toMatchObject({ ok: true });
    expect(detail).toMatchObject({ data: { runId: run.runId, requestedBy: 'ops-person', since: run.since } });

    const read = await status(run.runId);
    expect(expectJson(read, 200)).toEqual(run);
    expectDocumentedAnswer('GET', '/v1/reconciliation-runs/{runId}', {
      status: 200,
      contentType: read.headers!['content-type'] as string,
      body: run,
    });
  });

  it('answers 409 naming the run in progress, and starts nothing', async () => {
    const first = expectJson<ReconciliationRun>(await start(), 202);
    const before = await stored();
    eventBridge.resetHistory();
    const response = await start();
    const refusal = expectProblem(response, 409, 'reconciliation-run-in-progress');
    expect(refusal.detail).toContain(first.runId);
    expect(response.headers).toMatchObject({ location: `/v1/reconciliation-runs/${first.runId}` });
    expectDocumentedAnswer('POST', '/v1/reconciliation-runs', {
      status: 409,
      contentType: 'application/problem+json',
      body: refusal,
    });
    expect(await stored()).toEqual(before);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it.each([
    ['not JSON', '{since:', 400, 'malformed-json'],
    ['an array', [], 422, 'validation-failed'],
    ['another property', { since: '2026-11-01T00:00:00Z', runId: 'mine' }, 422, 'validation-failed'],
    ['a since that is no time', { since: 'yesterday' }, 422, 'validation-failed'],
    ['a since that is a number', { since: 1_700_000_000 }, 422, 'validation-failed'],
    ['a since in the future', { since: '2999-01-01T00:00:00Z' }, 422, 'validation-failed'],
    ['a hostile since', { since: "2026-11-01T00:00:00Z'; DROP TABLE runs; --" }, 422, 'validation-failed'],
  ])('refuses %s with problem+json; nothing is recorded or started', async (_, body, code, kind) => {
    const before = await stored();
    const refusal = expectProblem(await start(body), code, kind);
    expectDocumentedAnswer('POST', '/v1/reconciliation-runs', {
      status: code,
      contentType: 'application/problem+json',
      body: refusal,
    });
    expect(await stored()).toEqual(before);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('refuses a caller no authorizer vouched for (401)', async () => {
    expectProblem(await handler(apiEvent({ method: 'POST', path: '/v1/reconciliation-runs' })), 401);
  });

  it('a run the bus refused is not left holding the lease: 503, recorded failed, the next ask is accepted', async () => {
    eventBridge.reset();
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const refused = await start();
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    eventBridge.reset();
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
    expectJson(await start(), 202);
  });
});

describe('GET /v1/reconciliation-runs/{runId}', () => {
  it('answers 404 problem+json for a run it does not know, 400 for a malformed id', async () => {
    expectProblem(await status('20261205T000000000Z-unknown'), 404, 'reconciliation-run-not-found');
    expectProblem(await status('../../etc'), 400, 'invalid-parameter');
  });
});
