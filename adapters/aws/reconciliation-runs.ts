/**
 * On-demand reconciliation runs' status in DynamoDB: one item per run
 * (`endpoint = reconciliation-run#<runId>`) of the circuit-breaker table, beside the run lease it
 * goes with. `expiresAt` (the table's TTL) keeps a status as long as its report (90 days).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BUCKETS } from '../../application/resources';
import type {
  ReconciliationRunRecords,
  ReconciliationRunStatus,
} from '../../domain/ports/reconciliation-runs';

/** As long as the run's report (the reports bucket's lifecycle on `runs/`). */
const RETENTION_SECONDS = BUCKETS.reconciliationReports.expiringPrefixes['runs/'] * 86_400;
const keyOf = (runId: string) => ({ endpoint: `reconciliation-run#${runId}` });

export class DynamoDbReconciliationRuns implements ReconciliationRunRecords {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** @inheritdoc */
  async save(status: ReconciliationRunStatus): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keyOf(status.runId),
          run: status,
          expiresAt: Math.ceil(Date.parse(status.requestedAt) / 1000) + RETENTION_SECONDS,
        },
      }),
    );
  }

  /** @inheritdoc */
  async get(runId: string): Promise<ReconciliationRunStatus | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(runId), ConsistentRead: true }),
    );
    return Item?.run as ReconciliationRunStatus | undefined;
  }
}
