import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbReconciliationLease } from '../../../adapters/aws/reconciliation-lease';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

let dynamo: LocalDynamo;
let clock = new Date('2026-12-05T03:00:00Z');
let lease: DynamoDbReconciliationLease;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'reconciliation-lease' });
  lease = new DynamoDbReconciliationLease(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.circuitBreaker,
    () => clock,
  );
});
afterAll(async () => dynamo.stop());

describe('the reconciliation run lease on the local DynamoDB', () => {
  it('is one run’s at a time; the other learns who holds it and until when; released, it is free', async () => {
    expect(await lease.acquire('run-1', '2026-12-05T03:15:00.000Z')).toEqual({ acquired: true });
    expect(await lease.acquire('run-2', '2026-12-05T03:16:00.000Z')).toEqual({
      acquired: false,
      heldBy: 'run-1',
      until: '2026-12-05T03:15:00.000Z',
    });
    // Only its holder releases it.
    await lease.release('run-2');
    expect((await lease.acquire('run-2', '2026-12-05T03:16:00.000Z')).acquired).toBe(false);
    await lease.release('run-1');
    expect(await lease.acquire('run-2', '2026-12-05T03:16:00.000Z')).toEqual({ acquired: true });
    await lease.release('run-2');
  });

  it('is taken again by its holder, to a new end (an on-demand run asked for, then started)', async () => {
    clock = new Date('2026-12-05T04:00:00Z');
    expect((await lease.acquire('run-asked', '2026-12-05T04:30:00.000Z')).acquired).toBe(true);
    expect(await lease.acquire('run-asked', '2026-12-05T04:45:00.000Z')).toEqual({ acquired: true });
    expect(await lease.acquire('run-other', '2026-12-05T04:50:00.000Z')).toEqual({
      acquired: false,
      heldBy: 'run-asked',
      until: '2026-12-05T04:45:00.000Z',
    });
    await lease.release('run-asked');
  });

  it('frees itself when its holder ran out of time (a run killed by its timeout)', async () => {
    clock = new Date('2026-12-05T03:00:00Z');
    expect((await lease.acquire('run-dead', '2026-12-05T03:15:00.000Z')).acquired).toBe(true);
    clock = new Date('2026-12-05T03:14:59Z');
    expect((await lease.acquire('run-next', '2026-12-05T03:30:00.000Z')).acquired).toBe(false);
    clock = new Date('2026-12-05T03:15:00Z');
    expect(await lease.acquire('run-next', '2026-12-05T03:30:00.000Z')).toEqual({ acquired: true });
    // The dead run's late release does not end the next one's lease.
    await lease.release('run-dead');
    expect((await lease.acquire('run-other', '2026-12-05T03:31:00.000Z')).acquired).toBe(false);
  });
});
