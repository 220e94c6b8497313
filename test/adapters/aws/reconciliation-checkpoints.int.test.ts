import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbReconciliationCheckpoints,
  ReconciliationCheckpointBehind,
} from '../../../adapters/aws/reconciliation-checkpoints';
import type { ReconciliationCheckpoint } from '../../../domain/ports/reconciliation';
import { emptySummary } from '../../../domain/reconciliation/run';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

let dynamo: LocalDynamo;
let checkpoints: DynamoDbReconciliationCheckpoints;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'reconciliation-checkpoints' });
  checkpoints = new DynamoDbReconciliationCheckpoints(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.circuitBreaker,
  );
});
afterAll(async () => dynamo.stop());

function checkpoint(runId: string, partitionsDone: number): ReconciliationCheckpoint {
  const window = { since: '2026-11-26T00:00:00.000Z', until: '2026-12-05T03:00:00.000Z' };
  const summary = emptySummary(runId, window, new Date('2026-12-05T03:00:00Z'));
  summary.orders = partitionsDone * 4;
  summary.differences.quantity_mismatch = partitionsDone;
  return {
    runId,
    startedAt: '2026-12-05T03:00:00.000Z',
    window,
    partitionsDone,
    summary,
    committed: { 'DC-EAST-02|2026-11': `${partitionsDone}00.25` },
  };
}

describe('reconciliation checkpoints on the local DynamoDB', () => {
  it('keeps each run’s latest checkpoint as saved; a run never saved has none', async () => {
    expect(await checkpoints.load('run-a')).toBeUndefined();
    await checkpoints.save(checkpoint('run-a', 1));
    await checkpoints.save(checkpoint('run-a', 2));
    await checkpoints.save(checkpoint('run-b', 5));
    expect(await checkpoints.load('run-a')).toEqual(checkpoint('run-a', 2));
    expect(await checkpoints.load('run-b')).toEqual(checkpoint('run-b', 5));
  });

  it('refuses to go backwards or repeat: a retried invocation’s stale save changes nothing', async () => {
    await checkpoints.save(checkpoint('run-c', 3));
    await expect(checkpoints.save(checkpoint('run-c', 2))).rejects.toBeInstanceOf(
      ReconciliationCheckpointBehind,
    );
    await expect(checkpoints.save(checkpoint('run-c', 3))).rejects.toBeInstanceOf(
      ReconciliationCheckpointBehind,
    );
    expect(await checkpoints.load('run-c')).toEqual(checkpoint('run-c', 3));
  });
});
