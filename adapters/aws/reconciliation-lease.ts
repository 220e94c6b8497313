/**
 * The reconciliation run lease in DynamoDB: one item (`endpoint = lease#purchase-order-reconciliation`)
 * of the circuit-breaker table, the table of the state callers share to coordinate (breakers,
 * request budgets). `expiresAt` (epoch seconds) is both the lease's end and the table's TTL, so a
 * forgotten lease also disappears on its own.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeaseOutcome, ReconciliationRunLease } from '../../domain/ports/reconciliation-lease';
import { isConditionFailure } from './sdk-errors';

const KEY = { endpoint: 'lease#purchase-order-reconciliation' };

export class DynamoDbReconciliationLease implements ReconciliationRunLease {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** @inheritdoc */
  async acquire(runId: string, until: string): Promise<LeaseOutcome> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: 'SET heldBy = :run, expiresAt = :until',
          // TTL deletes late: an expired item still in the table is free to take. The holder may take
          // it again: an on-demand run's lease is taken when it is asked for, again when it starts.
          ConditionExpression: 'attribute_not_exists(heldBy) OR expiresAt <= :now OR heldBy = :run',
          ExpressionAttributeValues: {
            ':run': runId,
            ':until': Math.ceil(Date.parse(until) / 1000),
            ':now': Math.floor(this.now().getTime() / 1000),
          },
        }),
      );
      return { acquired: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: KEY, ConsistentRead: true }),
      );
      return {
        acquired: false,
        heldBy: String(Item?.heldBy ?? 'unknown'),
        until: new Date(Number(Item?.expiresAt ?? 0) * 1000).toISOString(),
      };
    }
  }

  /** @inheritdoc */
  async release(runId: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: 'REMOVE heldBy, expiresAt',
          ConditionExpression: 'heldBy = :run',
          ExpressionAttributeValues: { ':run': runId },
        }),
      );
    } catch (error) {
      // Its lease ran out and another run holds it now: that one is not ours to end.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
