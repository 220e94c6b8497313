/**
 * Checkpoints of reconciliation runs made in posting-day partitions (ADR 0011, "Scale"): one item
 * per run (`endpoint = reconciliation-checkpoint#<runId>`) of the circuit-breaker table, beside the
 * run lease and status it goes with. A save only moves a run forward: a retried or duplicated
 * invocation cannot set it back to fewer partitions done. `expiresAt` (the table's TTL) keeps it as
 * long as the run's report (90 days).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BUCKETS } from '../../application/resources';
import type { ReconciliationCheckpoint, ReconciliationCheckpoints } from '../../domain/ports/reconciliation';
import { isConditionFailure } from './sdk-errors';

/** As long as the run's report (the reports bucket's lifecycle on `runs/`). */
const RETENTION_SECONDS = BUCKETS.reconciliationReports.expiringPrefixes['runs/'] * 86_400;
const keyOf = (runId: string) => ({ endpoint: `reconciliation-checkpoint#${runId}` });

/** Another invocation of the run saved as far or further: this one repeats work and must stop. */
export class ReconciliationCheckpointBehind extends Error {
  override readonly name = 'ReconciliationCheckpointBehind';
}

export class DynamoDbReconciliationCheckpoints implements ReconciliationCheckpoints {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** @inheritdoc */
  async load(runId: string): Promise<ReconciliationCheckpoint | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(runId), ConsistentRead: true }),
    );
    return Item?.checkpoint as ReconciliationCheckpoint | undefined;
  }

  /**
   * @inheritdoc
   * @throws ReconciliationCheckpointBehind when the stored checkpoint has as many partitions done.
   */
  async save(checkpoint: ReconciliationCheckpoint): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keyOf(checkpoint.runId),
            partitionsDone: checkpoint.partitionsDone,
            checkpoint,
            expiresAt: Math.ceil(Date.parse(checkpoint.startedAt) / 1000) + RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(endpoint) OR partitionsDone < :done',
          ExpressionAttributeValues: { ':done': checkpoint.partitionsDone },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ReconciliationCheckpointBehind(
        `run ${checkpoint.runId} already has ${checkpoint.partitionsDone} or more partitions done`,
        { cause: error },
      );
    }
  }
}
