/**
 * Approval task tokens in DynamoDB (TABLES.workflowCorrelation). The purchase-commitment workflow
 * waits for a person's decision on a task token; one item per approval holds it:
 *
 *   pk APPROVAL#<approvalId>, sk TASK_TOKEN
 *     taskToken, request (ApprovalRequest, a map), registeredAt, expiresAt (TTL, epoch seconds)
 *     once closed: outcome (DECIDED | EXPIRED | WITHDRAWN), decision, approver, reason?, decidedAt
 *
 * The request is kept as a nested map, not flattened, so its `externalRef` does not enter the
 * `byExternalRef` index that other correlations (acknowledgements) are looked up by.
 * Deciding claims the item with a conditional write before the workflow is told, so two decisions
 * can never both reach it; the claim is released when the workflow could not be told for a reason
 * a retry can fix.
 */
import { isConditionFailure } from './sdk-errors';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  ApprovalDecision,
  ApprovalDecisionRecord,
  ApprovalRequest,
} from '../../canonical/generated/types';
import { validateApprovalDecision, validateApprovalRequest } from '../../canonical/generated/validators';
import { ApprovalClosed, ApprovalNotFound } from '../../domain/approval/errors';
import { ContractViolation } from '../../domain/failures';
import type {
  ApprovalBook,
  ApprovalWithdrawal,
  PendingApprovalsPage,
  RecordedApproval,
} from '../../domain/ports/approvals';
import { ApprovalTaskGone } from './workflows';

/** What the waiting workflow receives as the task's output. */
export interface ApprovalOutput {
  /** `withdraw`: the requisition was cancelled; the workflow ends without a decision. */
  decision: ApprovalDecision['decision'] | 'withdraw';
  approver: string;
  reason?: string;
  decidedAt: string;
}

/** Hands the decision to the waiting workflow (SendTaskSuccess in AWS). */
export type SendTaskSuccess = (taskToken: string, output: ApprovalOutput) => Promise<void>;

export { ApprovalClosed, ApprovalNotFound };

/** The sparse index of approvals still waiting (TABLES.workflowCorrelation). */
const PENDING_INDEX = 'pendingApprovals';
const PENDING = 'PENDING';

/** Where an approval's item lives. */
export function approvalKey(approvalId: string): { pk: string; sk: string } {
  return { pk: `APPROVAL#${approvalId}`, sk: 'TASK_TOKEN' };
}

/** Where the approval id of a commitment's approval (one per request and plan version) lives. */
export function commitmentApprovalKey(commitmentKey: string): { pk: string; sk: string } {
  return { pk: `APPROVAL-OF#${commitmentKey}`, sk: 'APPROVAL_ID' };
}

/**
 * Every reason `data` is not an acceptable decision: the ApprovalDecision schema, and the rule
 * that a rejection says why (a blank reason counts as none).
 */
export function approvalDecisionErrors(data: unknown): { pointer: string; message: string }[] {
  const result = validateApprovalDecision(data);
  const errors = result.ok ? [] : result.errors.map(({ pointer, message }) => ({ pointer, message }));
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const reason = body.reason;
  if (body.decision === 'reject' && (typeof reason !== 'string' || reason.trim() === '')) {
    if (!errors.some((error) => error.pointer === '/reason'))
      errors.push({ pointer: '/reason', message: 'a rejection must give a reason' });
  }
  return errors;
}

export class ApprovalStore implements ApprovalBook, ApprovalWithdrawal {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sendTaskSuccess: SendTaskSuccess,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Keeps the task token the workflow waits on, under the commitment's approval id: the first
   * registration for `commitmentKey` keeps `request.approvalId` (random, unguessable); a retried
   * wait finds it again and replaces only the token. Returns the request as registered.
   * @throws ContractViolation for a request that breaks the ApprovalRequest schema.
   * @throws ApprovalClosed when the approval was already decided.
   */
  async registerApproval(registration: {
    commitmentKey: string;
    taskToken: string;
    request: ApprovalRequest;
  }): Promise<ApprovalRequest> {
    const { commitmentKey, taskToken } = registration;
    const checked = validateApprovalRequest(registration.request);
    if (!checked.ok || taskToken.length === 0 || commitmentKey.length === 0) {
      throw new ContractViolation(`approval of ${commitmentKey} cannot be registered`, 'supplyline', {
        errors: checked.ok ? [] : checked.errors,
      });
    }
    const approvalId = await this.approvalIdOf(commitmentKey, registration.request.approvalId);
    const request = { ...registration.request, approvalId };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // No TTL: the record answers replays and audits as long as the table lives.
          Item: {
            ...approvalKey(approvalId),
            approvalId,
            commitmentKey,
            taskToken,
            request,
            registeredAt: this.now().toISOString(),
            pendingApproval: PENDING,
            // One ISO form, so the index sorts and compares deadlines as instants.
            decideBy: new Date(request.expiresAt).toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(outcome)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ApprovalClosed(approvalId, 'already-decided');
      throw error;
    }
    return request;
  }

  /** The commitment's approval id: `candidate` when it has none yet (a conditional write). */
  private async approvalIdOf(commitmentKey: string, candidate: string): Promise<string> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...commitmentApprovalKey(commitmentKey), approvalId: candidate },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return candidate;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: commitmentApprovalKey(commitmentKey),
        ConsistentRead: true,
      }),
    );
    return String(Item!.approvalId);
  }

  /** The approval and its decision, read consistently. */
  async find(approvalId: string): Promise<RecordedApproval | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: approvalKey(approvalId), ConsistentRead: true }),
    );
    if (!Item) return null;
    const request = Item.request as ApprovalRequest;
    if (Item.outcome === 'EXPIRED') return { request, state: 'expired' };
    if (Item.outcome === 'WITHDRAWN') return { request, state: 'withdrawn' };
    if (Item.outcome === 'DECIDED')
      return { request, state: 'decided', decision: Item.decisionRecord as ApprovalDecisionRecord };
    return { request, state: 'waiting' };
  }

  /**
   * Claims the approval for `decision` with a conditional write, then resumes the workflow. The
   * claim is released when the workflow could not be told for a reason a retry can fix.
   * @throws ApprovalNotFound | ApprovalClosed; TransientFailure when Step Functions could not be
   * reached (nothing recorded, so it can be sent again).
   */
  async recordDecision(decision: ApprovalDecisionRecord): Promise<void> {
    const { approvalId } = decision;
    const taskToken = await this.claim(
      approvalId,
      'SET outcome = :decided, decisionRecord = :record, decidedAt = :at REMOVE pendingApproval',
      { ':decided': 'DECIDED', ':record': decision, ':at': decision.decidedAt },
    );
    if (taskToken === undefined) {
      if (!(await this.find(approvalId))) throw new ApprovalNotFound(approvalId);
      throw new ApprovalClosed(approvalId, 'already-decided');
    }
    const output: ApprovalOutput = {
      decision: decision.decision,
      approver: decision.approver,
      ...(decision.reason === null ? {} : { reason: decision.reason }),
      decidedAt: decision.decidedAt,
    };
    try {
      await this.sendTaskSuccess(taskToken, output);
    } catch (error) {
      if (error instanceof ApprovalTaskGone) {
        await this.closeClaim(approvalId, decision.decidedAt, 'SET outcome = :expired', {
          ':expired': 'EXPIRED',
        });
        throw new ApprovalClosed(approvalId, 'expired');
      }
      await this.closeClaim(
        approvalId,
        decision.decidedAt,
        'SET pendingApproval = :pending REMOVE outcome, decisionRecord, decidedAt',
        { ':pending': PENDING },
      );
      throw error;
    }
  }

  /**
   * Claims a still undecided approval as withdrawn (the same conditional write a decision makes, so
   * a decision and a withdrawal exclude each other), then ends the waiting workflow with `withdraw`.
   * A workflow that no longer waits is fine; a failure a retry can fix releases the claim.
   */
  async withdraw(
    approvalId: string,
    withdrawal: { by: string; at: string; reason: string },
  ): Promise<boolean> {
    const taskToken = await this.claim(
      approvalId,
      'SET outcome = :withdrawn, withdrawnBy = :by, withdrawalReason = :reason, decidedAt = :at REMOVE pendingApproval',
      { ':withdrawn': 'WITHDRAWN', ':by': withdrawal.by, ':reason': withdrawal.reason, ':at': withdrawal.at },
    );
    if (taskToken === undefined) return false;
    try {
      await this.sendTaskSuccess(taskToken, {
        decision: 'withdraw',
        approver: withdrawal.by,
        reason: withdrawal.reason,
        decidedAt: withdrawal.at,
      });
    } catch (error) {
      if (error instanceof ApprovalTaskGone) return true;
      await this.closeClaim(
        approvalId,
        withdrawal.at,
        'SET pendingApproval = :pending REMOVE outcome, withdrawnBy, withdrawalReason, decidedAt',
        { ':pending': PENDING },
      );
      throw error;
    }
    return true;
  }

  /** Approvals still waiting, soonest deadline first; `cursor` continues a previous page. */
  async pending(page: { now: Date; limit: number; cursor?: string }): Promise<PendingApprovalsPage> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: PENDING_INDEX,
        KeyConditionExpression: 'pendingApproval = :pending AND decideBy > :now',
        ExpressionAttributeValues: { ':pending': PENDING, ':now': page.now.toISOString() },
        Limit: page.limit,
        ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor) } : {}),
      }),
    );
    return {
      approvals: Items.map((item) => item.request as ApprovalRequest),
      ...(LastEvaluatedKey ? { nextCursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  /**
   * Closes a still open approval with `update` (a conditional write, so of a decision and a
   * withdrawal exactly one wins) and returns its task token; undefined when it was closed already.
   */
  private async claim(
    approvalId: string,
    update: string,
    values: Record<string, unknown>,
  ): Promise<string | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: approvalKey(approvalId),
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(outcome)',
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return String(Attributes!.taskToken);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Changes the claim made at `decidedAt`, and only that one. */
  private async closeClaim(
    approvalId: string,
    decidedAt: string,
    update: string,
    values: Record<string, unknown> = {},
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: approvalKey(approvalId),
          UpdateExpression: update,
          ConditionExpression: 'decidedAt = :claimedAt',
          ExpressionAttributeValues: { ':claimedAt': decidedAt, ...values },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

const encodeCursor = (key: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** The key a cursor names; a cursor that is not one of ours is a contract violation (400). */
export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof key === 'object' && key !== null && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ContractViolation('not a cursor of this list', 'supplyline', { cursor });
}
