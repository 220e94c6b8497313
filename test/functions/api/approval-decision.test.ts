import {
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApprovalStore } from '../../../adapters/aws/approvals';
import type { ApprovalRequest } from '../../../canonical/generated/types';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { apiEvent, expectJson, expectProblem, startApiEnvironment, type ApiHandler } from './support';

const sfn = mockClient(SFNClient);
let dynamo: LocalDynamo;
let approvals: ApprovalStore;
let handler: ApiHandler;
let n = 0;
let approvalId: string;

beforeAll(async () => {
  dynamo = await startApiEnvironment('approval-api');
  approvals = new ApprovalStore(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.workflowCorrelation,
    async () => {
      throw new Error('the test registers only');
    },
  );
  ({ handler } = await import('../../../functions/api/approval-decision'));
});
afterAll(async () => dynamo.stop());
beforeEach(() => {
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
  approvalId = `APR-${++n}`;
});
afterEach(() => vi.useRealTimers());

function request(): ApprovalRequest {
  return {
    approvalId,
    externalRef: 'SL-PO-0001',
    supplierNumber: 'S-100',
    site: 'DAL',
    totalValue: '62500.00',
    currency: 'USD',
    limit: '50000.00',
    expiresAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
  };
}

async function waitingApproval(): Promise<ApprovalRequest> {
  const waiting = request();
  await approvals.registerApproval({ approvalId, taskToken: `token-${approvalId}`, request: waiting });
  return waiting;
}

const decide = (body: unknown, id = approvalId) =>
  handler(
    apiEvent({
      method: 'POST',
      path: `/v1/approvals/${id}/decision`,
      pathParameters: { approvalId: id },
      body,
    }),
  );

describe('POST /v1/approvals/{approvalId}/decision', () => {
  it('200: resumes the workflow with the decision and answers the approval request', async () => {
    const waiting = await waitingApproval();
    const response = await decide({ decision: 'approve', approver: 'cfo.dana' });
    expect(expectJson(response, 200)).toEqual(waiting);
    const calls = sfn.commandCalls(SendTaskSuccessCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.taskToken).toBe(`token-${approvalId}`);
    expect(JSON.parse(calls[0]!.args[0].input.output!)).toEqual({
      decision: 'approve',
      approver: 'cfo.dana',
      decidedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('409 for a second decision, and the workflow is resumed once', async () => {
    await waitingApproval();
    expectJson(await decide({ decision: 'reject', approver: 'cfo.dana', reason: 'over budget' }), 200);
    const second = await decide({ decision: 'approve', approver: 'cfo.eve' });
    expectProblem(second, 409, 'approval-already-decided');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('409 when Step Functions says the task timed out', async () => {
    await waitingApproval();
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    expectProblem(await decide({ decision: 'approve', approver: 'cfo.dana' }), 409, 'approval-expired');
    // Expired for good: a later decision is not even sent.
    expectProblem(await decide({ decision: 'approve', approver: 'cfo.dana' }), 409, 'approval-expired');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('409 after the request expired by the clock, without calling Step Functions', async () => {
    const waiting = await waitingApproval();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(waiting.expiresAt) + 1000);
    expectProblem(await decide({ decision: 'approve', approver: 'cfo.dana' }), 409, 'approval-expired');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('404 for an unknown approval', async () => {
    expectProblem(
      await decide({ decision: 'approve', approver: 'a' }, 'APR-UNKNOWN'),
      404,
      'approval-not-found',
    );
  });

  it('422 listing every error of the body', async () => {
    await waitingApproval();
    const problem = expectProblem(
      await decide({ decision: 'maybe', colour: 'red' }),
      422,
      'validation-failed',
    );
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual([
      '/approver',
      '/colour',
      '/decision',
    ]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('422 for a rejection without a reason', async () => {
    await waitingApproval();
    const problem = expectProblem(await decide({ decision: 'reject', approver: 'cfo.dana' }), 422);
    expect(problem.errors).toEqual([{ pointer: '/reason', detail: 'a rejection must give a reason' }]);
    // Nothing was recorded: a proper rejection still goes through.
    expectJson(await decide({ decision: 'reject', approver: 'cfo.dana', reason: 'over budget' }), 200);
  });

  it('400 for a body that is not JSON', async () => {
    await waitingApproval();
    expectProblem(await decide('{"decision": "approve"'), 400, 'malformed-json');
  });

  it('503 with Retry-After when Step Functions is unavailable; the retry then succeeds', async () => {
    await waitingApproval();
    sfn.on(SendTaskSuccessCommand).rejects(
      new SFNServiceException({
        name: 'ServiceUnavailable',
        $fault: 'server',
        message: 'down',
        $metadata: {},
      }),
    );
    const refused = await decide({ decision: 'approve', approver: 'cfo.dana' });
    expectProblem(refused, 503, 'try-again');
    expect(refused.headers).toMatchObject({ 'retry-after': '5' });
    sfn.on(SendTaskSuccessCommand).resolves({});
    expectJson(await decide({ decision: 'approve', approver: 'cfo.dana' }), 200);
  });

  it('500 problem+json, no stack trace, for a failure nobody can retry away', async () => {
    await waitingApproval();
    sfn.on(SendTaskSuccessCommand).rejects(new InvalidToken({ message: 'Invalid token', $metadata: {} }));
    const response = await decide({ decision: 'approve', approver: 'cfo.dana' });
    expect(expectProblem(response, 500, 'internal-error').detail).not.toContain('Invalid token');
  });
});
