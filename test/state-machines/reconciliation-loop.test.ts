/**
 * The reconciliation run's state machine (the ASL CDK deploys) in the local Step Functions
 * interpreter, looping the run's iteration (domain/reconciliation/loop.ts) over a window of ten
 * posting days and then the ERP's referenced orders. A time reserve above what an invocation has
 * left (a setting, not a sleep) makes every iteration stop after one step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReconciliationRunStatus } from '../../domain/ports/reconciliation-runs';
import {
  reconcileIteration,
  reconciliationRunFailed,
  type RunIteration,
} from '../../domain/reconciliation/loop';
import { reconcileInPartitions } from '../../domain/reconciliation/partitioned';
import { reconcile } from '../../domain/reconciliation/run';
import { LocalStepFunctions, StepFunctionsError } from '../../local/stepfunctions/engine';
import { NOW, SETTINGS } from '../domain/reconciliation/fixtures';
import { memoryLease } from '../domain/reconciliation/memory-lease';
import { world } from '../domain/reconciliation/partition-world';

const NAME = 'supplyline-test-purchase-order-reconciliation';
const ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${NAME}`;
const definition = readFileSync(
  join(import.meta.dirname, '..', '..', 'state-machines', 'purchase-order-reconciliation.asl.json'),
  'utf8',
);
const since = new Date('2026-11-26T00:00:00Z');

function loop(options: { budgetSpentOnce?: boolean } = {}) {
  // The ERP has an order with the middleware's reference that Supplyline never recorded.
  const sides = world(true);
  const lease = memoryLease();
  const statuses = new Map<string, ReconciliationRunStatus>();
  const runs = {
    save: async (status: ReconciliationRunStatus) => void statuses.set(status.runId, structuredClone(status)),
    get: async (runId: string) => structuredClone(statuses.get(runId)),
  };
  const iterations: { complete: boolean; leaseHolder: string | undefined }[] = [];
  let budget = options.budgetSpentOnce ? 1 : 0;
  const engine = new LocalStepFunctions({
    stateMachines: [{ name: NAME, definition, type: 'STANDARD' }],
    substitutions: {
      PurchaseOrderReconciliationFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:po-rec',
    },
    retryIntervalScale: 0,
    invoke: async (_arn, payload) => {
      const { failure, ...run } = payload as RunIteration & { failure?: { Error: string } };
      const ports = { lease, runs, now: () => NOW };
      if (failure) {
        await reconciliationRunFailed(ports, run, failure.Error);
        return { ...run, complete: true };
      }
      if (budget-- > 0) throw new StepFunctionsError('RequestBudgetExhausted', 'the bulk lane is spent');
      const result = await reconcileIteration(
        ports,
        run,
        // 60 s left, 900 s reserved: no second partition in any invocation.
        { remainingMs: () => 60_000, reserveMs: 900_000 },
        (shouldStop) =>
          reconcileInPartitions(sides.ports(), { ...SETTINGS, partitionTimeReserveSeconds: 900 }, run.runId, {
            ...(run.since ? { since: new Date(run.since) } : {}),
            shouldStop,
          }),
      );
      iterations.push({ complete: result.complete, leaseHolder: lease.holder });
      return { ...run, complete: result.complete };
    },
  });
  return { sides, lease, statuses, iterations, engine };
}

describe('the reconciliation run state machine (local interpreter, real ASL)', () => {
  it('loops one step per iteration to the end: the uninterrupted run’s summary and report, nothing twice', async () => {
    const whole = world(true);
    const uninterrupted = await reconcile(whole.ports(), SETTINGS, 'run-loop', since);

    const { sides, lease, statuses, iterations, engine } = loop();
    const request = { runId: 'run-loop', requestedBy: 'ops-person', since: since.toISOString() };
    statuses.set('run-loop', { ...request, status: 'requested', requestedAt: NOW.toISOString() });
    const execution = await engine.startExecution(ARN, request).done;

    expect(execution.status).toBe('SUCCEEDED');
    // Ten posting days, then the ERP's 41 referenced orders in 6 pages: 16 iterations, the lease
    // held by the run from the first to the last.
    expect(iterations.map((i) => i.complete)).toEqual([...Array(15).fill(false), true]);
    expect(iterations.slice(0, -1).every((i) => i.leaseHolder === 'run-loop')).toBe(true);
    expect(lease.holder).toBeUndefined();
    // Each order read once, each difference reported and raised once, as the uninterrupted run did.
    expect(sides.reads.toSorted()).toEqual(whole.reads.toSorted());
    expect(sides.reported).toEqual(whole.reported);
    expect(sides.raised.map((e) => e.exceptionId)).toEqual(whole.raised.map((e) => e.exceptionId));
    expect(sides.parts).toEqual([...Array(16).keys()]);
    // The order Supplyline never recorded, raised once by the resumed phase, as uninterrupted.
    expect(sides.raised.filter((e) => e.objectId === 'SL-PO-SR-UNKNOWN')).toHaveLength(1);
    const { reportKeys, ...summary } = uninterrupted;
    expect(statuses.get('run-loop')).toMatchObject({
      status: 'finished',
      summary: { orders: summary.orders, differences: summary.differences, repaired: summary.repaired },
      reports: reportKeys,
    });
    expect(sides.saved.at(-1)?.summary).toMatchObject({ orders: summary.orders, repaired: summary.repaired });
  });

  it('waits out a spent request budget (a Retry, not a failure), then goes on', async () => {
    const { engine, iterations } = loop({ budgetSpentOnce: true });
    const execution = await engine.startExecution(ARN, { runId: 'run-wait', since: since.toISOString() })
      .done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.retries['Reconcile partitions']).toBe(1);
    expect(iterations).toHaveLength(16);
  });

  it('the schedule’s run stands down while another holds the lease, reading nothing', async () => {
    const { engine, lease, sides } = loop();
    await lease.acquire('run-other', '2026-12-05T04:00:00.000Z');
    const execution = await engine.startExecution(ARN, { runId: 'run-daily' }).done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(sides.reads).toEqual([]);
    expect(lease.holder).toBe('run-other');
  });

  it('an asked-for run whose lease another took is recorded failed with the holder; nothing read', async () => {
    const { engine, lease, sides, statuses } = loop();
    await lease.acquire('run-other', '2026-12-05T04:00:00.000Z');
    const execution = await engine.startExecution(ARN, { runId: 'run-asked', requestedBy: 'ops-person' })
      .done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(statuses.get('run-asked')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('run-other'),
    });
    expect(sides.reads).toEqual([]);
  });

  it('a finished run started again (a redelivered request) reads and repairs nothing', async () => {
    const { engine, sides, statuses } = loop();
    const request = { runId: 'run-done', requestedBy: 'ops-person' };
    statuses.set('run-done', { ...request, status: 'finished', requestedAt: NOW.toISOString() });
    const execution = await engine.startExecution(ARN, request).done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(sides.reads).toEqual([]);
    expect(statuses.get('run-done')?.status).toBe('finished');
  });
});
