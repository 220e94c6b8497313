/**
 * The reconciliation-run consumer (bulk lane), running runs asked for through the API
 * (`reconciliation-run.requested`), AWS mocked at the SDK boundary.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TABLES } from '../../../application/resources';
import { buildEvent } from '../../../canonical/envelope';
import type * as Consumer from '../../../functions/consumers/reconciliation-run';

const documents = mockClient(DynamoDBDocumentClient);
let runRequested: typeof Consumer.runRequested;
const logger = { info: () => undefined };

beforeAll(async () => {
  process.env[TABLES.circuitBreaker.envVar] = 'circuit-breaker';
  ({ runRequested } = await import('../../../functions/consumers/reconciliation-run'));
});

const requested = {
  runId: 'run-asked',
  status: 'requested',
  requestedBy: 'ops-person',
  requestedAt: '2026-12-05T06:00:00.000Z',
};

const canonical = buildEvent(
  'reconciliation-run.requested',
  { runId: 'run-asked', requestedBy: 'ops-person' },
  {
    sourceObjectId: 'run-asked',
    sourceVersion: 1,
    occurredAt: '2026-12-05T06:00:00.000Z',
    correlationId: 'run-asked',
    idempotencyKey: 'reconciliation-run:run-asked:requested',
    tenantId: 'acme',
  },
  { now: () => new Date('2026-12-05T06:00:00Z'), newId: () => '7b0f1a64-2a5c-4a43-9f0e-0c1d2e3f4a5b' },
);

const saved = () =>
  documents
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input.Item?.run as { status: string; reason?: string });

beforeEach(() => {
  documents.reset();
  documents.on(PutCommand).resolves({});
  documents
    .on(GetCommand, { Key: { endpoint: 'reconciliation-run#run-asked' } })
    .resolves({ Item: { run: requested } });
});

describe('the reconciliation-run consumer', () => {
  it('records the run failed with the holder when another run took the lease meanwhile; not retried', async () => {
    documents
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    documents
      .on(GetCommand, { Key: { endpoint: 'lease#purchase-order-reconciliation' } })
      .resolves({ Item: { heldBy: 'scheduled-run', expiresAt: 1_796_443_200 } });
    await runRequested(canonical, logger);
    expect(saved().map((run) => run.status)).toEqual(['running', 'failed']);
    expect(saved()[1]!.reason).toContain('scheduled-run');
    expect(documents.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('does not run a run already finished again (a redelivered request)', async () => {
    documents
      .on(GetCommand, { Key: { endpoint: 'reconciliation-run#run-asked' } })
      .resolves({ Item: { run: { ...requested, status: 'finished' } } });
    await runRequested(canonical, logger);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
  });
});
