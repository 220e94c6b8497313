/**
 * Approval task tokens in DynamoDB (TABLES.workflowCorrelation). The purchase-commitment workflow
 * waits for a person's decision on a task token; one item per approval holds it:
 *
 *   pk APPROVAL#<approvalId>, sk TASK_TOKEN
 *     taskToken, request (ApprovalRequest, a map), registeredAt, expiresAt (TTL, epoch seconds)
 *     once closed: outcome (DECIDED | EXPIRED), decision, approver, reason?, decidedAt
 *
 * The request is kept as a nested map, not flattened, so its `externalRef` does not enter the
 * `byExternalRef` index that other correlations (acknowledgements) are looked up by.
 * Deciding claims the item with a conditional write before the workflow is told, so two decisions
 * can never both reach it; the claim is released when the workflow could not be told for a reason
 * a retry can fix.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalDecision, ApprovalRequest } from '../../canonical/generated/types';
import { validateApprovalDecision, validateApprovalRequest } from '../../canonical/generated/validators';
import { ContractViolation } from '../../domain/failures';
import { ApprovalTaskGone } from './workflows';

/** A decided approval stays readable this long after it expired, for the audit trail. */
const RETENTION_SECONDS = 30 * 24 * 3600;

/** What the waiting workflow receives as the task's output. */
export interface ApprovalOutput {
  decision: ApprovalDecision['decision'];
  approver: string;
  reason?: string;
  decidedAt: string;
}

/** Hands the decision to the waiting workflow (SendTaskSuccess in AWS). */
export type SendTaskSuccess = (taskToken: string, output: ApprovalOutput) => Promise<void>;

/** No approval is waiting under that id. */
export class ApprovalNotFound extends Error {
  override readonly name = 'ApprovalNotFound';
  constructor(readonly approvalId: string) {
    super(`No approval ${approvalId} is waiting for a decision.`);
  }
}

/** The approval can no longer be decided: it was decided already, or it expired. */
export class ApprovalClosed extends Error {
  override readonly name = 'ApprovalClosed';
  constructor(
    readonly approvalId: string,
    readonly reason: 'already-decided' | 'expired',
  ) {
    super(
      reason === 'expired'
        ? `Approval ${approvalId} expired; the commitment was escalated without this decision.`
        : `Approval ${approvalId} was already decided.`,
    );
  }
}

/** Where an approval's item lives. */
export function approvalKey(approvalId: string): { pk: string; sk: string } {
  return { pk: `APPROVAL#${approvalId}`, sk: 'TASK_TOKEN' };
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

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

export class ApprovalStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sendTaskSuccess: SendTaskSuccess,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Keeps the task token the workflow waits on. Registering again before a decision replaces the
   * token (a retried workflow state waits on a new one).
   * @throws ContractViolation for a request that breaks the ApprovalRequest schema or whose id differs.
   * @throws ApprovalClosed when the approval was already decided.
   */
  async registerApproval(registration: {
    approvalId: string;
    taskToken: string;
    request: ApprovalRequest;
  }): Promise<void> {
    const { approvalId, taskToken, request } = registration;
    const checked = validateApprovalRequest(request);
    if (!checked.ok || request.approvalId !== approvalId || taskToken.length === 0) {
      throw new ContractViolation(`approval ${approvalId} cannot be registered`, 'supplyline', {
        errors: checked.ok ? [] : checked.errors,
      });
    }
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...approvalKey(approvalId),
            approvalId,
            taskToken,
            request,
            registeredAt: this.now().toISOString(),
            expiresAt: Math.floor(Date.parse(request.expiresAt) / 1000) + RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(outcome)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ApprovalClosed(approvalId, 'already-decided');
      throw error;
    }
  }

  /**
   * Records the person's decision and resumes the workflow with it; returns the request decided.
   * @throws ContractViolation for a decision {@link approvalDecisionErrors} refuses.
   * @throws ApprovalNotFound | ApprovalClosed (decided already, past its `expiresAt`, or the
   * workflow stopped waiting); TransientFailure when Step Functions could not be reached (the
   * decision is not recorded, so it can be sent again).
   */
  async decide(approvalId: string, decision: ApprovalDecision): Promise<ApprovalRequest> {
    const invalid = approvalDecisionErrors(decision);
    if (invalid.length > 0)
      throw new ContractViolation(`not an acceptable decision for ${approvalId}`, 'supplyline', { invalid });
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: approvalKey(approvalId), ConsistentRead: true }),
    );
    if (!Item) throw new ApprovalNotFound(approvalId);
    if (Item.outcome !== undefined)
      throw new ApprovalClosed(approvalId, Item.outcome === 'EXPIRED' ? 'expired' : 'already-decided');
    const request = Item.request as ApprovalRequest;
    const now = this.now();
    if (now.getTime() > Date.parse(request.expiresAt)) throw new ApprovalClosed(approvalId, 'expired');

    const output: ApprovalOutput = {
      decision: decision.decision,
      approver: decision.approver,
      ...(decision.reason === undefined ? {} : { reason: decision.reason }),
      decidedAt: now.toISOString(),
    };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: approvalKey(approvalId),
          UpdateExpression: `SET outcome = :decided, decision = :decision, approver = :approver, decidedAt = :at${
            output.reason === undefined ? '' : ', reason = :reason'
          }`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(outcome)',
          ExpressionAttributeValues: {
            ':decided': 'DECIDED',
            ':decision': output.decision,
            ':approver': output.approver,
            ':at': output.decidedAt,
            ...(output.reason === undefined ? {} : { ':reason': output.reason }),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ApprovalClosed(approvalId, 'already-decided');
      throw error;
    }

    try {
      await this.sendTaskSuccess(Item.taskToken as string, output);
    } catch (error) {
      if (error instanceof ApprovalTaskGone) {
        await this.closeClaim(approvalId, output.decidedAt, 'SET outcome = :expired', {
          ':expired': 'EXPIRED',
        });
        throw new ApprovalClosed(approvalId, 'expired');
      }
      await this.closeClaim(
        approvalId,
        output.decidedAt,
        'REMOVE outcome, decision, approver, reason, decidedAt',
      );
      throw error;
    }
    return request;
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
