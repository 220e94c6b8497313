import {
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ApprovalClosed,
  ApprovalNotFound,
  ApprovalStore,
  approvalDecisionErrors,
  approvalKey,
  type ApprovalOutput,
} from '../../../adapters/aws/approvals';
import { ApprovalTaskGone, sfnTaskSuccess } from '../../../adapters/aws/workflows';
import type { ApprovalRequest } from '../../../canonical/generated/types';
import { ContractViolation, TransientFailure } from '../../../domain/failures';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

let dynamo: LocalDynamo;
let docs: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'approvals-store' });
  docs = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => dynamo.stop());

let clock: Date;
let sent: { token: string; output: ApprovalOutput }[];
let failNext: Error | undefined;
let store: ApprovalStore;
let n = 0;
let approvalId: string;

beforeEach(() => {
  clock = new Date('2026-11-27T12:00:00.000Z');
  sent = [];
  failNext = undefined;
  approvalId = `APR-${++n}`;
  store = new ApprovalStore(
    docs,
    dynamo.tableNames.workflowCorrelation,
    async (token, output) => {
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      sent.push({ token, output });
    },
    () => clock,
  );
});

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    approvalId,
    externalRef: 'SL-PO-0001',
    supplierNumber: 'S-100',
    site: 'DAL',
    totalValue: '62500.00',
    currency: 'USD',
    limit: '50000.00',
    expiresAt: '2026-11-28T10:00:00Z',
    ...overrides,
  };
}

const stored = async (id = approvalId) =>
  (
    await docs.send(
      new GetCommand({ TableName: dynamo.tableNames.workflowCorrelation, Key: approvalKey(id) }),
    )
  ).Item;

describe('approval task tokens on the local DynamoDB', () => {
  it('keeps the token with a TTL after the request expires, outside the byExternalRef index', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-1', request: request() });
    const item = await stored();
    expect(item).toMatchObject({ pk: `APPROVAL#${approvalId}`, sk: 'TASK_TOKEN', taskToken: 'token-1' });
    expect(item?.expiresAt).toBeGreaterThan(Date.parse('2026-11-28T10:00:00Z') / 1000);
    expect(item).not.toHaveProperty('externalRef');
  });

  it('an approval resumes the workflow once with the decision; a second decision is refused', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-1', request: request() });
    const approved = await store.decide(approvalId, { decision: 'approve', approver: 'cfo.dana' });
    expect(approved).toEqual(request());
    expect(sent).toEqual([
      {
        token: 'token-1',
        output: { decision: 'approve', approver: 'cfo.dana', decidedAt: '2026-11-27T12:00:00.000Z' },
      },
    ]);
    const again = store.decide(approvalId, { decision: 'reject', approver: 'cfo.eve', reason: 'no' });
    await expect(again).rejects.toMatchObject({ name: 'ApprovalClosed', reason: 'already-decided' });
    expect(sent).toHaveLength(1);
    expect(await stored()).toMatchObject({ outcome: 'DECIDED', decision: 'approve', approver: 'cfo.dana' });
  });

  it('a rejection carries its reason to the workflow', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-r', request: request() });
    await store.decide(approvalId, { decision: 'reject', approver: 'cfo.dana', reason: 'over budget' });
    expect(sent[0]?.output).toEqual({
      decision: 'reject',
      approver: 'cfo.dana',
      reason: 'over budget',
      decidedAt: '2026-11-27T12:00:00.000Z',
    });
    await expect(store.decide(approvalId, { decision: 'reject', approver: 'x' })).rejects.toBeInstanceOf(
      ContractViolation,
    );
  });

  it('two concurrent decisions: one reaches the workflow, the other is refused', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-1', request: request() });
    const outcomes = await Promise.allSettled([
      store.decide(approvalId, { decision: 'approve', approver: 'a' }),
      store.decide(approvalId, { decision: 'approve', approver: 'b' }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      ApprovalClosed,
    );
    expect(sent).toHaveLength(1);
  });

  it('refuses a decision after expiresAt by the clock, without telling the workflow', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-1', request: request() });
    clock = new Date('2026-11-28T10:00:00.001Z');
    await expect(store.decide(approvalId, { decision: 'approve', approver: 'a' })).rejects.toMatchObject({
      reason: 'expired',
    });
    expect(sent).toEqual([]);
  });

  it('a decision at exactly expiresAt is in time', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-1', request: request() });
    clock = new Date('2026-11-28T10:00:00.000Z');
    await store.decide(approvalId, { decision: 'approve', approver: 'a' });
    expect(sent).toHaveLength(1);
  });

  it('a workflow that stopped waiting makes the approval expired for good', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-1', request: request() });
    failNext = new ApprovalTaskGone('TaskTimedOut');
    await expect(store.decide(approvalId, { decision: 'approve', approver: 'a' })).rejects.toMatchObject({
      reason: 'expired',
    });
    expect(await stored()).toMatchObject({ outcome: 'EXPIRED', approver: 'a' });
    await expect(store.decide(approvalId, { decision: 'approve', approver: 'a' })).rejects.toMatchObject({
      reason: 'expired',
    });
    expect(sent).toEqual([]);
  });

  it('releases the claim when the workflow could not be reached, so the decision can be sent again', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-1', request: request() });
    failNext = new TransientFailure('throttled', 'stepfunctions');
    await expect(store.decide(approvalId, { decision: 'approve', approver: 'a' })).rejects.toBeInstanceOf(
      TransientFailure,
    );
    expect(await stored()).not.toHaveProperty('outcome');
    await store.decide(approvalId, { decision: 'approve', approver: 'a' });
    expect(sent).toHaveLength(1);
  });

  it('an unknown approval is not found', async () => {
    await expect(store.decide('APR-NONE', { decision: 'approve', approver: 'a' })).rejects.toBeInstanceOf(
      ApprovalNotFound,
    );
  });

  it('re-registering before a decision replaces the token; after a decision it is refused', async () => {
    await store.registerApproval({ approvalId, taskToken: 'token-1', request: request() });
    await store.registerApproval({ approvalId, taskToken: 'token-2', request: request() });
    await store.decide(approvalId, { decision: 'approve', approver: 'a' });
    expect(sent.map((call) => call.token)).toEqual(['token-2']);
    await expect(
      store.registerApproval({ approvalId, taskToken: 'token-3', request: request() }),
    ).rejects.toBeInstanceOf(ApprovalClosed);
  });

  it('refuses to register a request that breaks the contract', async () => {
    await expect(
      store.registerApproval({ approvalId, taskToken: 't', request: request({ totalValue: '1e5' }) }),
    ).rejects.toBeInstanceOf(ContractViolation);
    await expect(
      store.registerApproval({ approvalId, taskToken: 't', request: request({ approvalId: 'OTHER' }) }),
    ).rejects.toBeInstanceOf(ContractViolation);
  });
});

describe('approval decision rules', () => {
  it('lists every schema error and requires a reason to reject', () => {
    expect(approvalDecisionErrors({ decision: 'approve', approver: 'a' })).toEqual([]);
    expect(approvalDecisionErrors({ decision: 'reject', approver: 'a', reason: 'late' })).toEqual([]);
    expect(approvalDecisionErrors({ decision: 'reject', approver: 'a', reason: '  ' })).toEqual([
      { pointer: '/reason', message: 'a rejection must give a reason' },
    ]);
    const errors = approvalDecisionErrors({ decision: 'maybe', extra: 1 });
    expect(errors.map((error) => error.pointer).sort()).toEqual(['/approver', '/decision', '/extra']);
  });
});

describe('Step Functions task success port', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => sfn.reset());
  const output: ApprovalOutput = { decision: 'approve', approver: 'a', decidedAt: '2026-11-27T12:00:00Z' };

  it('sends the token and the decision as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await sfnTaskSuccess(new SFNClient({ region: 'us-east-1' }))('token-1', output);
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token-1',
      output: JSON.stringify(output),
    });
  });

  it('reads TaskTimedOut and TaskDoesNotExist as a workflow that stopped waiting', async () => {
    const send = sfnTaskSuccess(new SFNClient({ region: 'us-east-1' }));
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    await expect(send('t', output)).rejects.toBeInstanceOf(ApprovalTaskGone);
    sfn.on(SendTaskSuccessCommand).rejects(new TaskDoesNotExist({ message: 'gone', $metadata: {} }));
    await expect(send('t', output)).rejects.toBeInstanceOf(ApprovalTaskGone);
  });

  it('keeps our own bugs apart from failures a retry can fix', async () => {
    const send = sfnTaskSuccess(new SFNClient({ region: 'us-east-1' }));
    sfn.on(SendTaskSuccessCommand).rejects(new InvalidToken({ message: 'bad token', $metadata: {} }));
    await expect(send('t', output)).rejects.toBeInstanceOf(InvalidToken);
    sfn.on(SendTaskSuccessCommand).rejects(
      new SFNServiceException({
        name: 'ServiceUnavailable',
        $fault: 'server',
        message: 'down',
        $metadata: {},
      }),
    );
    await expect(send('t', output)).rejects.toBeInstanceOf(TransientFailure);
  });
});
