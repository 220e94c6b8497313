import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
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
import type { ApprovalDecisionRecord, ApprovalRequest } from '../../../canonical/generated/types';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { apiEvent, expectJson, expectProblem, startApiEnvironment, type ApiHandler } from './support';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const eventBridge = mockClient(EventBridgeClient);
let dynamo: LocalDynamo;
let approvals: ApprovalStore;
let handler: ApiHandler;
let n = 0;
let approvalId: string;
/** The objects the audit trail wrote, by key, as S3 would keep them (write-once). */
let audit: Map<string, ApprovalDecisionRecord>;
let auditDown: boolean;

beforeAll(async () => {
  dynamo = await startApiEnvironment('approval-api');
  process.env.APPROVAL_AUDIT_BUCKET_NAME = 'approval-audit';
  process.env.IDENTITY_ROLES = JSON.stringify({
    approver: { approvalLimitUsd: '100000.00' },
    'senior-approver': { approvalLimitUsd: null },
  });
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
  s3.reset();
  audit = new Map();
  auditDown = false;
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string; IfNoneMatch?: string }) => {
    if (auditDown) {
      auditDown = false;
      throw new S3ServiceException({
        name: 'SlowDown',
        $fault: 'server',
        $metadata: { httpStatusCode: 503 },
      });
    }
    if (input.IfNoneMatch === '*' && audit.has(input.Key))
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
      });
    audit.set(input.Key, JSON.parse(input.Body) as ApprovalDecisionRecord);
    return {};
  });
  eventBridge.reset();
  eventBridge
    .on(PutEventsCommand)
    .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
  approvalId = `APR-${++n}`;
});
afterEach(() => vi.useRealTimers());

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    approvalId,
    externalRef: `SL-PO-000${n}`,
    supplierNumber: 'S-100',
    site: 'DAL',
    totalValue: '62500.00',
    currency: 'USD',
    limit: '25000.00',
    expiresAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
    requestedBy: 'system:supplyline',
    ...overrides,
  };
}

async function waitingApproval(overrides: Partial<ApprovalRequest> = {}): Promise<ApprovalRequest> {
  return approvals.registerApproval({
    commitmentKey: `APR-SR-${n}-v1`,
    taskToken: `token-${approvalId}`,
    request: request(overrides),
  });
}

/** The authorizer's context for a person (API Gateway passes every value as a string). */
const person = (subject: string, groups: string, extra: Record<string, string> = {}) => ({
  subject,
  issuer: 'https://idp.example.com',
  tokenId: `jti-${subject}`,
  clientId: 'approvals-ui',
  scopes: 'supplyline/approvals.decide supplyline/approvals.read',
  groups,
  callerKind: 'person',
  ...extra,
});
const dana = person('cfo.dana', 'senior-approver');

const decide = (body: unknown, id = approvalId, authorizer: Record<string, string> | null = dana) => {
  const event = apiEvent({
    method: 'POST',
    path: `/v1/approvals/${id}/decision`,
    pathParameters: { approvalId: id },
    body,
  });
  return handler({
    ...event,
    requestContext: { ...event.requestContext, authorizer: authorizer ?? undefined },
  });
};

const auditRecords = () => [...audit.values()];
const busEvents = () =>
  eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => ({ type: entry.DetailType, detail: JSON.parse(entry.Detail!) as { data: unknown } }));

describe('POST /v1/approvals/{approvalId}/decision', () => {
  it('200: resumes the workflow with the verified caller as approver, whatever the body says', async () => {
    const waiting = await waitingApproval();
    // ApprovalDecision 1.0 bodies still name an approver: ignored, the token decides who.
    const response = await decide({ decision: 'approve', approver: 'somebody.else' });
    expect(expectJson(response, 200)).toMatchObject({
      ...waiting,
      decision: { approver: 'cfo.dana', role: 'senior-approver', verdict: 'approved' },
    });
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
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual(['/colour', '/decision']);
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

  it('401 without a verified caller, and nothing is decided', async () => {
    await waitingApproval();
    const response = await decide({ decision: 'approve', approver: 'cfo.dana' }, approvalId, null);
    expectProblem(response, 401, 'unauthenticated');
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer' });
    // A context without a subject vouches for nobody.
    expectProblem(await decide({ decision: 'approve' }, approvalId, { issuer: 'x' }), 401, 'unauthenticated');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(auditRecords()).toEqual([]);
  });

  it("403 approval-limit above an approver's limit: kept on the audit trail, still waiting; a senior approver completes it", async () => {
    await waitingApproval({ totalValue: '150000.00' });
    const refused = await decide({ decision: 'approve' }, approvalId, person('buyer.bo', 'approver'));
    expect(expectProblem(refused, 403, 'approval-limit').detail).toContain('100000.00');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);

    expectJson(await decide({ decision: 'approve' }, approvalId, dana), 200);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(auditRecords().map((r) => [r.approver, r.role, r.verdict, r.rule, r.tokenId])).toEqual([
      ['buyer.bo', 'approver', 'refused', 'approval-limit', 'jti-buyer.bo'],
      ['cfo.dana', 'senior-approver', 'approved', null, 'jti-cfo.dana'],
    ]);
    expect(busEvents().map((event) => event.type)).toEqual(['approval.decided', 'approval.decided']);
  });

  it('403 separation-of-duties for the requester of the commitment', async () => {
    await waitingApproval({ requestedBy: 'cfo.dana' });
    expectProblem(await decide({ decision: 'approve' }), 403, 'separation-of-duties');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('403 person-required for an application token, approver-role for a person without one', async () => {
    await waitingApproval();
    const application = person('wms', 'senior-approver', { callerKind: 'application' });
    expectProblem(await decide({ decision: 'approve' }, approvalId, application), 403, 'person-required');
    expectProblem(
      await decide({ decision: 'approve' }, approvalId, person('bo', 'buyers')),
      403,
      'approver-role',
    );
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('a decision replayed answers 200 again: the workflow resumed once, one audit record', async () => {
    await waitingApproval();
    const first = expectJson(await decide({ decision: 'reject', reason: 'over budget' }), 200);
    const again = expectJson(await decide({ decision: 'reject', reason: 'over budget' }), 200);
    expect(again).toEqual(first);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(auditRecords()).toHaveLength(1);
  });

  it('two approvers deciding at once: exactly one decision', async () => {
    await waitingApproval();
    const answers = await Promise.all([
      decide({ decision: 'approve' }, approvalId, dana),
      decide({ decision: 'reject', reason: 'no' }, approvalId, person('cfo.eve', 'senior-approver')),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(auditRecords()).toHaveLength(1);
  });

  it('503 when the audit trail cannot be written after the decision took effect; the replay completes it', async () => {
    await waitingApproval();
    auditDown = true;
    expect((await decide({ decision: 'approve' })).statusCode).toBeGreaterThanOrEqual(500);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expectJson(await decide({ decision: 'approve' }), 200);
    expect(auditRecords()).toHaveLength(1);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });
});
