/**
 * The reconciliation-run consumer (bulk lane): a run asked for through the API
 * (`reconciliation-run.requested`) is started as an execution of the run's state machine, AWS
 * mocked at the SDK boundary.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stateMachineEnvVar } from '../../../application/resources';
import { buildEvent } from '../../../canonical/envelope';
import type * as Consumer from '../../../functions/consumers/reconciliation-run';

const sfn = mockClient(SFNClient);
const MACHINE =
  'arn:aws:states:us-east-1:000000000000:stateMachine:supplyline-test-purchase-order-reconciliation';
let runRequested: typeof Consumer.runRequested;
const logger = { info: () => undefined };

beforeAll(async () => {
  process.env[stateMachineEnvVar('purchase-order-reconciliation')] = MACHINE;
  ({ runRequested } = await import('../../../functions/consumers/reconciliation-run'));
});

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

beforeEach(() => sfn.reset());

describe('the reconciliation-run consumer', () => {
  it('starts the run’s state machine with the run, named after it', async () => {
    sfn.on(StartExecutionCommand).resolves({});
    await runRequested(canonical, logger);
    const [start] = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(start?.stateMachineArn).toBe(MACHINE);
    expect(start?.name).toMatch(/^reconciliation-run-asked-/);
    expect(JSON.parse(start!.input!)).toEqual({ runId: 'run-asked', requestedBy: 'ops-person' });
  });

  it('a redelivered request whose execution exists starts nothing more and is not retried', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(runRequested(canonical, logger)).resolves.toBeUndefined();
  });

  it('a start Step Functions refuses otherwise is the lane’s to retry', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('throttled'));
    await expect(runRequested(canonical, logger)).rejects.toThrow('throttled');
  });
});
