/**
 * The purchase requisition API handlers with the requisition book on dynalite and Step Functions
 * mocked at the SDK boundary: 202 with Location, the Idempotency-Key's replay and reuse, the status
 * resource, and the cancellation's refusals. Every answer is checked against the OpenAPI document;
 * bad and hostile input is a problem+json that records and starts nothing.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRequisitionBook } from '../../../adapters/aws/requisitions';
import { ENVIRONMENTS } from '../../../application/environments';
import { BUSINESS_RULES_ENV_VAR, stateMachineEnvVar } from '../../../application/resources';
import type { PurchaseRequisition } from '../../../canonical/generated/types';
import type { CommitmentState } from '../../../domain/commitment/types';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { expectDocumentedAnswer } from '../../support/openapi';
import {
  apiEvent,
  expectJson,
  expectProblem,
  personContext,
  startApiEnvironment,
  type ApiHandler,
} from './support';

const sfn = mockClient(SFNClient);
let dynamo: LocalDynamo;
let book: DynamoDbRequisitionBook;
let submitHandler: ApiHandler;
let statusHandler: ApiHandler;
let cancelHandler: ApiHandler;
let keys = 0;

const SUBMIT = '/v1/purchase-requisitions';
const STATUS = '/v1/purchase-requisitions/{requisitionId}';
const CANCEL = '/v1/purchase-requisitions/{requisitionId}/cancellation';

beforeAll(async () => {
  dynamo = await startApiEnvironment('requisition-api');
  process.env[BUSINESS_RULES_ENV_VAR] = JSON.stringify(ENVIRONMENTS.dev.business);
  process.env[stateMachineEnvVar('purchase-commitment')] =
    'arn:aws:states:us-east-1:111122223333:stateMachine:purchase-commitment';
  book = new DynamoDbRequisitionBook(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.workflowCorrelation,
  );
  ({ handler: submitHandler } = await import('../../../functions/api/purchase-requisition-submission'));
  ({ handler: statusHandler } = await import('../../../functions/api/purchase-requisition-status'));
  ({ handler: cancelHandler } = await import('../../../functions/api/purchase-requisition-cancellation'));
});
afterAll(async () => dynamo?.stop());
beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution', startDate: new Date() });
});

const caller = (subject: string) =>
  personContext(subject, 'buyer', 'supplyline/requisitions.submit supplyline/requisitions.read');

const body = (overrides: Record<string, unknown> = {}) => ({
  itemCode: 'SKU-10442',
  site: 'DC-EAST-02',
  quantityEa: '480',
  needBy: '2026-12-20',
  justification: 'Holiday promotion',
  ...overrides,
});

function call(
  handler: ApiHandler,
  request: Parameters<typeof apiEvent>[0] & { headers?: Record<string, string>; as?: string | null },
): Promise<APIGatewayProxyResult> {
  const event = apiEvent(request);
  return handler({
    ...event,
    headers: { ...event.headers, ...request.headers },
    requestContext: {
      ...event.requestContext,
      authorizer: request.as === null ? undefined : caller(request.as ?? 'rita.requester'),
    },
  });
}

const submit = (payload: unknown, key: string | null = `key-${++keys}`, as?: string) =>
  call(submitHandler, {
    method: 'POST',
    path: SUBMIT,
    body: payload,
    ...(key === null ? {} : { headers: { 'Idempotency-Key': key } }),
    ...(as ? { as } : {}),
  });
const status = (id: string) =>
  call(statusHandler, {
    method: 'GET',
    path: `/v1/purchase-requisitions/${id}`,
    pathParameters: { requisitionId: id },
  });
const cancel = (id: string, as?: string) =>
  call(cancelHandler, {
    method: 'POST',
    path: `/v1/purchase-requisitions/${id}/cancellation`,
    pathParameters: { requisitionId: id },
    ...(as ? { as } : {}),
  });

const documented = (method: 'GET' | 'POST', path: string, response: APIGatewayProxyResult) =>
  expectDocumentedAnswer(method, path, {
    status: response.statusCode,
    contentType: String(response.headers?.['content-type'] ?? ''),
    body: JSON.parse(response.body) as unknown,
  });

const stored = async () =>
  (
    await DynamoDBDocumentClient.from(dynamo.client).send(
      new ScanCommand({ TableName: dynamo.tableNames.workflowCorrelation }),
    )
  ).Items ?? [];

describe('POST /v1/purchase-requisitions', () => {
  it('answers 202 with its Location, records the requester and starts the commitment once per key', async () => {
    const first = await submit(body(), 'rita-001');
    const accepted = expectJson<PurchaseRequisition>(first, 202);
    documented('POST', SUBMIT, first);
    expect(first.headers).toMatchObject({ location: `/v1/purchase-requisitions/${accepted.requisitionId}` });
    expect(accepted).toMatchObject({ status: 'submitted', requestedBy: 'rita.requester', quantityEa: '480' });

    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    const input = JSON.parse(starts[0]!.args[0].input.input!) as CommitmentState;
    expect(input).toMatchObject({
      exception: null,
      action: { kind: 'create', quantityEa: '480', needBy: '2026-12-20' },
      event: { requisition: { requisitionId: accepted.requisitionId, requestedBy: 'rita.requester' } },
    });

    // The same key and body: the same answer, nothing started again.
    const replay = await submit(body(), 'rita-001');
    expect(expectJson(replay, 202)).toEqual(accepted);
    expect(replay.headers).toMatchObject({ location: first.headers!.location });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('refuses the same key with another body with 422, changing nothing', async () => {
    await submit(body(), 'rita-002');
    const before = await stored();
    const reused = await submit(body({ quantityEa: '960' }), 'rita-002');
    expectProblem(reused, 422, 'idempotency-key-reused');
    documented('POST', SUBMIT, reused);
    expect(await stored()).toEqual(before);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('answers bad and hostile input with problem+json, recording and starting nothing', async () => {
    const before = await stored();
    const cases: [APIGatewayProxyResult, number, string][] = [
      [await submit(body(), null), 400, 'idempotency-key-missing'],
      [await submit(body(), 'a key with spaces'), 400, 'idempotency-key-missing'],
      [await submit(body(), 'k'.repeat(201)), 400, 'idempotency-key-missing'],
      [await submit('{"itemCode":'), 400, 'malformed-json'],
      [await submit(body({ quantityEa: '-5', needBy: 'soon' })), 422, 'validation-failed'],
      [await submit(body({ itemCode: "SKU'; DROP TABLE--", extra: true })), 422, 'validation-failed'],
      [await submit(body({ justification: 'x'.repeat(1001) })), 422, 'validation-failed'],
      [await submit([body()]), 422, 'validation-failed'],
    ];
    for (const [response, statusCode, kind] of cases) {
      expectProblem(response, statusCode, kind);
      documented('POST', SUBMIT, response);
    }
    expect(await call(submitHandler, { method: 'POST', path: SUBMIT, body: body(), as: null })).toMatchObject(
      {
        statusCode: 401,
      },
    );
    expect(await stored()).toEqual(before);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('GET /v1/purchase-requisitions/{requisitionId}', () => {
  it('answers the status resource, 404 for an unknown one and 400 for a malformed id', async () => {
    const { requisitionId } = expectJson<PurchaseRequisition>(await submit(body()), 202);
    await book.record(
      requisitionId,
      { step: 'sourcing', at: '2026-12-05T06:00:01.000Z', outcome: 'sourcing request SR-000042 created' },
      { status: 'sourced', references: { sourcingRequest: 'SR-000042' } },
    );
    const found = await status(requisitionId);
    documented('GET', STATUS, found);
    expect(expectJson<PurchaseRequisition>(found, 200)).toMatchObject({
      status: 'sourced',
      path: [{ step: 'submission' }, { step: 'sourcing', outcome: 'sourcing request SR-000042 created' }],
      references: { sourcingRequest: 'SR-000042', purchaseOrder: null, erpOrder: null },
    });
    const missing = await status('PR-AAAAAAAAAAAAAAAAAAAAAAAAAA');
    expectProblem(missing, 404, 'requisition-not-found');
    documented('GET', STATUS, missing);
    for (const id of ['PR-1', '..%2F..%2Fetc', "PR-' OR 1=1"]) {
      const bad = await status(id);
      expectProblem(bad, 400, 'invalid-parameter');
      documented('GET', STATUS, bad);
    }
  });
});

describe('POST /v1/purchase-requisitions/{requisitionId}/cancellation', () => {
  it('cancels a requisition with nothing committed, and answers the same again', async () => {
    const { requisitionId } = expectJson<PurchaseRequisition>(await submit(body()), 202);
    const cancelled = await cancel(requisitionId);
    documented('POST', CANCEL, cancelled);
    expect(expectJson<PurchaseRequisition>(cancelled, 200)).toMatchObject({
      status: 'cancelled',
      path: [{ step: 'submission' }, { step: 'cancellation', outcome: 'cancelled by rita.requester' }],
    });
    expect(expectJson(await cancel(requisitionId), 200)).toEqual(JSON.parse(cancelled.body));
    // The workflow can no longer commit it.
    expect(await book.claimCommitment(requisitionId, new Date().toISOString())).toBe(false);
  });

  it('refuses another caller (403) and a committed requisition (409), changing nothing', async () => {
    const { requisitionId } = expectJson<PurchaseRequisition>(await submit(body()), 202);
    const before = await book.get(requisitionId);
    const stranger = await cancel(requisitionId, 'sam.senior');
    expectProblem(stranger, 403, 'not-requester');
    documented('POST', CANCEL, stranger);
    expect(await book.get(requisitionId)).toEqual(before);

    expect(await book.claimCommitment(requisitionId, '2026-12-05T06:00:02.000Z')).toBe(true);
    const committed = await book.get(requisitionId);
    const refused = await cancel(requisitionId);
    expectProblem(refused, 409, 'requisition-committed');
    documented('POST', CANCEL, refused);
    expect(await book.get(requisitionId)).toEqual(committed);

    const unknown = await cancel('PR-AAAAAAAAAAAAAAAAAAAAAAAAAA');
    expectProblem(unknown, 404, 'requisition-not-found');
    expectProblem(await cancel('not-an-id'), 400, 'invalid-parameter');
  });
});
