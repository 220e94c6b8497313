/**
 * The reconciliation function while another run holds the lease, AWS mocked at the SDK boundary:
 * the schedule's run stands down, an on-demand run fails with the reason; neither reads a system.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TABLES } from '../../../application/resources';
import type * as Reconciliation from '../../../functions/scheduled/purchase-order-reconciliation';

const documents = mockClient(DynamoDBDocumentClient);
let handler: typeof Reconciliation.handler;

beforeAll(async () => {
  process.env[TABLES.circuitBreaker.envVar] = 'circuit-breaker';
  ({ handler } = await import('../../../functions/scheduled/purchase-order-reconciliation'));
});
beforeEach(() => {
  documents.reset();
  documents
    .on(UpdateCommand)
    .rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
  documents.on(GetCommand).resolves({
    Item: { endpoint: 'lease#purchase-order-reconciliation', heldBy: 'run-1', expiresAt: 1_796_443_200 },
  });
});

describe('purchase-order-reconciliation while another run holds the lease', () => {
  it('the schedule’s run stands down, reading nothing', async () => {
    const answer = await handler({ 'detail-type': 'Scheduled Event', time: '2026-12-05T03:00:00Z' });
    expect(answer).toMatchObject({ heldBy: 'run-1', until: '2026-12-05T04:00:00.000Z' });
    expect(documents.commandCalls(ScanCommand)).toHaveLength(0);
    const [take] = documents.commandCalls(UpdateCommand);
    expect(take!.args[0].input).toMatchObject({
      TableName: 'circuit-breaker',
      Key: { endpoint: 'lease#purchase-order-reconciliation' },
    });
  });

  it('an on-demand run fails with who holds the lease until when', async () => {
    await expect(handler({ since: '2026-11-01T00:00:00Z' })).rejects.toThrow(
      'Reconciliation run run-1 is in progress (its lease runs until 2026-12-05T04:00:00.000Z)',
    );
    expect(documents.commandCalls(ScanCommand)).toHaveLength(0);
  });
});
