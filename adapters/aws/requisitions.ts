/**
 * Purchase requisitions in DynamoDB (TABLES.workflowCorrelation), one item each:
 *
 *   pk REQUISITION#<requisitionId>, sk REQUISITION   the requisition, its path and references
 *
 * Committing and cancelling are conditional writes on the one item, so they exclude each other:
 * the claim sets `committedAt` only while the status is not `cancelled`, and the cancellation sets
 * `cancelled` only while there is no `committedAt`.
 *
 * Throttling and server faults are TransientFailure, so the workflow step writing the path after
 * posting retries instead of compensating an order that was posted.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientFailure } from '../../domain/failures';
import type { CancelOutcome, RequisitionBook } from '../../domain/ports/requisitions';
import {
  CANCELLABLE,
  type Requisition,
  type RequisitionReferences,
  type RequisitionStatus,
  type RequisitionStep,
} from '../../domain/requisition/requisition';
import { isConditionFailure, isTransientSdkError } from './sdk-errors';

/** As long as a posted commitment is kept (adapters/aws/commitments.ts). */
const RETENTION_SECONDS = 400 * 24 * 3600;

const key = (requisitionId: string) => ({ pk: `REQUISITION#${requisitionId}`, sk: 'REQUISITION' });

/** The requisition book on the workflow correlation table. */
export class DynamoDbRequisitionBook implements RequisitionBook {
  private readonly client: Pick<DynamoDBDocumentClient, 'send'>;

  constructor(
    client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.client = {
      send: (command: Parameters<DynamoDBDocumentClient['send']>[0]) => sendClassified(client, command),
    } as Pick<DynamoDBDocumentClient, 'send'>;
  }

  async create(
    requisition: Requisition,
  ): Promise<{ created: true } | { created: false; existing: Requisition }> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(requisition.requisitionId),
            ...requisition,
            expiresAt: Math.floor(this.now().getTime() / 1000) + RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(requisition.requisitionId);
      if (!existing) throw error;
      return { created: false, existing };
    }
  }

  async get(requisitionId: string): Promise<Requisition | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key(requisitionId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...requisition } = Item;
    return requisition as Requisition;
  }

  async markStarted(requisitionId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(requisitionId),
        UpdateExpression: 'SET started = :started',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':started': true },
      }),
    );
  }

  async record(
    requisitionId: string,
    step: RequisitionStep,
    change: { status?: RequisitionStatus; references?: Partial<RequisitionReferences> },
  ): Promise<void> {
    const references = Object.entries(change.references ?? {});
    const names: Record<string, string> = {
      '#path': 'path',
      ...(references.length > 0 ? { '#references': 'references' } : {}),
    };
    const values: Record<string, unknown> = { ':step': [step] };
    const sets = ['#path = list_append(#path, :step)'];
    references.forEach(([name, value], i) => {
      names[`#r${i}`] = name;
      values[`:r${i}`] = value;
      sets.push(`#references.#r${i} = :r${i}`);
    });
    const update = (status: RequisitionStatus | undefined) =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(requisitionId),
          UpdateExpression: `SET ${[...sets, ...(status ? ['#status = :status'] : [])].join(', ')}`,
          // A cancelled requisition stays cancelled; its path still shows what the workflow did.
          ConditionExpression: status
            ? 'attribute_exists(pk) AND #status <> :cancelled'
            : 'attribute_exists(pk)',
          ExpressionAttributeNames: { ...names, ...(status ? { '#status': 'status' } : {}) },
          ExpressionAttributeValues: {
            ...values,
            ...(status ? { ':status': status, ':cancelled': 'cancelled' } : {}),
          },
        }),
      );
    try {
      await update(change.status);
    } catch (error) {
      if (!change.status || !isConditionFailure(error)) throw error;
      await update(undefined);
    }
  }

  async claimCommitment(requisitionId: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(requisitionId),
          UpdateExpression: 'SET committedAt = if_not_exists(committedAt, :at)',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :cancelled',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':cancelled': 'cancelled' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async cancel(requisitionId: string, step: RequisitionStep): Promise<CancelOutcome> {
    const cancellable = Object.fromEntries(CANCELLABLE.map((status, i) => [`:c${i}`, status]));
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(requisitionId),
          UpdateExpression: 'SET #status = :cancelled, #path = list_append(#path, :step)',
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(committedAt) AND #status IN (${Object.keys(cancellable).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status', '#path': 'path' },
          ExpressionAttributeValues: { ':cancelled': 'cancelled', ':step': [step], ...cancellable },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...requisition } = Attributes ?? {};
      return { kind: 'cancelled', requisition: requisition as Requisition };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const requisition = await this.get(requisitionId);
      if (!requisition) return { kind: 'not-found' };
      // Cancelled meanwhile by another request: the same answer as the first cancellation.
      if (requisition.status === 'cancelled') return { kind: 'cancelled', requisition };
      return { kind: 'refused', requisition };
    }
  }
}

/** One DynamoDB call with an outage (throttling, 5xx) turned into a TransientFailure. */
async function sendClassified(
  client: DynamoDBDocumentClient,
  command: Parameters<DynamoDBDocumentClient['send']>[0],
): Promise<unknown> {
  try {
    return await client.send(command);
  } catch (error) {
    if (!isTransientSdkError(error)) throw error;
    throw new TransientFailure(
      `requisition book unavailable: ${(error as Error).message}`,
      'dynamodb',
      undefined,
      { cause: error },
    );
  }
}
