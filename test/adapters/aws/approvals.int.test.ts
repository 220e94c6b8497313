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
import type { ApprovalDecisionRecord, ApprovalRequest } from '../../../canonical/generated/types';
import { ContractViolation, TransientFailure } from '../../../domain/failures';
import { decisionRecord } from '../../domain/approval/fixtures';
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
    requestedBy: 'system:supplyline',
    ...overrides,
  };
}

/** A decision by `approver` at the test clock. */
function decision(overrides: Partial<ApprovalDecisionRecord> = {}): ApprovalDecisionRecord {
  return decisionRecord({
    approvalId,
    commitmentId: 'SL-PO-0001',
    approver: 'cfo.dana',
    totalValue: '62500.00',
    decidedAt: clock.toISOString(),
    ...overrides,
  });
}

const register = (taskToken = 'token-1', commitmentKey = `APR-SR-${n}-v1`, overrides = {}) =>
  store.registerApproval({ commitmentKey, taskToken, request: request(overrides) });

const stored = async (id = approvalId) =>
  (
    await docs.send(
      new GetCommand({ TableName: dynamo.tableNames.workflowCorrelation, Key: approvalKey(id) }),
    )
  ).Item;

describe('approval task tokens on the local DynamoDB', () => {
  it('keeps the token with no TTL (decisions outlive the request), outside the byExternalRef index', async () => {
    await register();
    const item = await stored();
    expect(item).toMatchObject({ pk: `APPROVAL#${approvalId}`, sk: 'TASK_TOKEN', taskToken: 'token-1' });
    expect(item).not.toHaveProperty('expiresAt');
    expect(item).not.toHaveProperty('externalRef');
  });

  it("a retried wait finds the commitment's approval id again and replaces only the token", async () => {
    const first = await register('token-1', 'APR-SR-RETRY-v1');
    const again = await store.registerApproval({
      commitmentKey: 'APR-SR-RETRY-v1',
      taskToken: 'token-2',
      request: request({ approvalId: 'APR-ANOTHERCANDIDATE' }),
    });
    expect(again.approvalId).toBe(first.approvalId);
    expect(await stored('APR-ANOTHERCANDIDATE')).toBeUndefined();
    expect(await stored(first.approvalId)).toMatchObject({ taskToken: 'token-2' });
  });

  it('an approval resumes the workflow once with the decision; a second decision is refused', async () => {
    await register();
    await store.recordDecision(decision());
    expect(sent).toEqual([
      {
        token: 'token-1',
        output: { decision: 'approve', approver: 'cfo.dana', decidedAt: '2026-11-27T12:00:00.000Z' },
      },
    ]);
    const again = store.recordDecision(decision({ decision: 'reject', approver: 'cfo.eve', reason: 'no' }));
    await expect(again).rejects.toMatchObject({ name: 'ApprovalClosed', reason: 'already-decided' });
    expect(sent).toHaveLength(1);
    expect(await store.find(approvalId)).toEqual({
      request: request(),
      state: 'decided',
      decision: decision(),
    });
  });

  it('a rejection carries its reason to the workflow', async () => {
    await register('token-r');
    await store.recordDecision(decision({ decision: 'reject', verdict: 'rejected', reason: 'over budget' }));
    expect(sent[0]?.output).toEqual({
      decision: 'reject',
      approver: 'cfo.dana',
      reason: 'over budget',
      decidedAt: '2026-11-27T12:00:00.000Z',
    });
  });

  it('two concurrent decisions: exactly one is recorded and reaches the workflow', async () => {
    await register();
    const outcomes = await Promise.allSettled([
      store.recordDecision(decision({ approver: 'a' })),
      store.recordDecision(decision({ approver: 'b' })),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      ApprovalClosed,
    );
    expect(sent).toHaveLength(1);
    expect((await store.find(approvalId))?.decision?.approver).toBe(sent[0]!.output.approver);
  });

  it('a workflow that stopped waiting makes the approval expired for good', async () => {
    await register();
    failNext = new ApprovalTaskGone('TaskTimedOut');
    await expect(store.recordDecision(decision())).rejects.toMatchObject({ reason: 'expired' });
    expect(await store.find(approvalId)).toMatchObject({ state: 'expired' });
    await expect(store.recordDecision(decision())).rejects.toBeInstanceOf(ApprovalClosed);
    expect(sent).toEqual([]);
  });

  it('releases the claim when the workflow could not be reached, so the decision can be sent again', async () => {
    await register();
    failNext = new TransientFailure('throttled', 'stepfunctions');
    await expect(store.recordDecision(decision())).rejects.toBeInstanceOf(TransientFailure);
    expect(await stored()).not.toHaveProperty('outcome');
    expect(await stored()).toMatchObject({ pendingApproval: 'PENDING' });
    await store.recordDecision(decision());
    expect(sent).toHaveLength(1);
  });

  it('an unknown approval is not found', async () => {
    await expect(store.recordDecision(decision({ approvalId: 'APR-NONE' }))).rejects.toBeInstanceOf(
      ApprovalNotFound,
    );
    expect(await store.find('APR-NONE')).toBeNull();
  });

  it('after a decision, registering again is refused', async () => {
    await register('token-1', 'APR-SR-CLOSED-v1');
    await store.recordDecision(decision());
    await expect(register('token-3', 'APR-SR-CLOSED-v1')).rejects.toBeInstanceOf(ApprovalClosed);
  });

  it('refuses to register a request that breaks the contract', async () => {
    await expect(register('t', 'APR-SR-BAD-v1', { totalValue: '1e5' })).rejects.toBeInstanceOf(
      ContractViolation,
    );
  });

  it('lists the approvals still waiting, soonest deadline first, page by page; decided and expired ones drop out', async () => {
    const ids: string[] = [];
    for (const [i, hours] of [30, 10, 20, 1].entries()) {
      approvalId = `APR-PENDING${n}X${i}`;
      ids.push(approvalId);
      await register(`t${i}`, `APR-SR-P${n}-${i}-v1`, {
        expiresAt: new Date(clock.getTime() + hours * 3600_000).toISOString(),
      });
    }
    approvalId = ids[2]!;
    await store.recordDecision(decision());
    const later = new Date(clock.getTime() + 2 * 3600_000);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.pending({ now: later, limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.approvals.map((approval) => approval.approvalId));
      cursor = page.nextCursor;
    } while (cursor);
    // Other tests' approvals wait too; these are in deadline order, without the decided (20 h) and expired (1 h) ones.
    expect(seen.filter((id) => ids.includes(id))).toEqual([ids[1], ids[0]]);
    await expect(store.pending({ now: later, limit: 1, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      ContractViolation,
    );
  });
});

describe('approval decision rules', () => {
  it('lists every schema error and requires a reason to reject', () => {
    expect(approvalDecisionErrors({ decision: 'approve', approver: 'a' })).toEqual([]);
    // ApprovalDecision 1.1: the approver comes from the token, the body need not name one.
    expect(approvalDecisionErrors({ decision: 'approve' })).toEqual([]);
    expect(approvalDecisionErrors({ decision: 'reject', approver: 'a', reason: 'late' })).toEqual([]);
    expect(approvalDecisionErrors({ decision: 'reject', approver: 'a', reason: '  ' })).toEqual([
      { pointer: '/reason', message: 'a rejection must give a reason' },
    ]);
    const errors = approvalDecisionErrors({ decision: 'maybe', extra: 1 });
    expect(errors.map((error) => error.pointer).sort()).toEqual(['/decision', '/extra']);
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

describe('withdrawing an approval (its requisition was cancelled)', () => {
  const withdrawal = () => ({
    by: 'rita.requester',
    at: clock.toISOString(),
    reason: 'requisition PR-1 cancelled',
  });
  const listed = async () =>
    (await store.pending({ now: clock, limit: 50 })).approvals.map((approval) => approval.approvalId);

  it('closes a waiting approval as withdrawn and ends its workflow with `withdraw`; nobody can decide it after', async () => {
    await register('token-w');
    expect(await listed()).toContain(approvalId);
    expect(await store.withdraw(approvalId, withdrawal())).toBe(true);
    expect(sent).toEqual([
      {
        token: 'token-w',
        output: {
          decision: 'withdraw',
          approver: 'rita.requester',
          reason: 'requisition PR-1 cancelled',
          decidedAt: clock.toISOString(),
        },
      },
    ]);
    expect((await store.find(approvalId))?.state).toBe('withdrawn');
    expect(await listed()).not.toContain(approvalId);
    await expect(store.recordDecision(decision())).rejects.toBeInstanceOf(ApprovalClosed);
    // Again: nothing to withdraw, the workflow is not told twice.
    expect(await store.withdraw(approvalId, withdrawal())).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it('leaves a decided approval as decided', async () => {
    await register('token-d');
    await store.recordDecision(decision());
    sent = [];
    expect(await store.withdraw(approvalId, withdrawal())).toBe(false);
    expect(sent).toEqual([]);
    expect((await store.find(approvalId))?.state).toBe('decided');
  });

  it('releases the claim when the workflow could not be told, so the cancellation sent again withdraws it', async () => {
    await register('token-t');
    failNext = new TransientFailure('Step Functions unreachable', 'stepfunctions');
    await expect(store.withdraw(approvalId, withdrawal())).rejects.toBeInstanceOf(TransientFailure);
    expect((await store.find(approvalId))?.state).toBe('waiting');
    expect(await listed()).toContain(approvalId);
    expect(await store.withdraw(approvalId, withdrawal())).toBe(true);
    expect(sent.map((s) => s.output.decision)).toEqual(['withdraw']);
  });

  it('counts a workflow that no longer waits as withdrawn', async () => {
    await register('token-g');
    failNext = new ApprovalTaskGone('the workflow no longer waits: TaskTimedOut');
    expect(await store.withdraw(approvalId, withdrawal())).toBe(true);
    expect((await store.find(approvalId))?.state).toBe('withdrawn');
  });
});
