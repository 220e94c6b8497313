import { describe, expect, it } from 'vitest';
import type { ReconciliationRunLease } from '../../../domain/ports/reconciliation-lease';
import type { ReconciliationSummary } from '../../../domain/ports/reconciliation';
import type {
  ReconciliationRunRequest,
  ReconciliationRunStatus,
} from '../../../domain/ports/reconciliation-runs';
import { ReconciliationRunInProgress } from '../../../domain/reconciliation/lease';
import { requestReconciliationRun, runAskedReconciliation } from '../../../domain/reconciliation/on-demand';
import { DIFFERENCE_CLASSES } from '../../../domain/reconciliation/types';

const NOW = new Date('2026-12-05T06:00:00Z');

/** One lease in memory, with the adapter's rules (its holder may take it again). */
function memoryLease(): ReconciliationRunLease & { holder?: string } {
  const lease: ReconciliationRunLease & { holder?: string; until?: string } = {
    async acquire(runId, until) {
      if (lease.holder && lease.holder !== runId)
        return { acquired: false, heldBy: lease.holder, until: lease.until! };
      lease.holder = runId;
      lease.until = until;
      return { acquired: true };
    },
    async release(runId) {
      if (lease.holder === runId) delete lease.holder;
    },
  };
  return lease;
}

function world() {
  const saved = new Map<string, ReconciliationRunStatus>();
  const handedOver: ReconciliationRunRequest[] = [];
  const lease = memoryLease();
  return {
    saved,
    handedOver,
    lease,
    ports: {
      lease,
      runs: {
        save: async (status: ReconciliationRunStatus) =>
          void saved.set(status.runId, structuredClone(status)),
        get: async (runId: string) => saved.get(runId),
      },
      handOff: { handOver: async (request: ReconciliationRunRequest) => void handedOver.push(request) },
      now: () => NOW,
    },
  };
}

const summary = (runId: string): ReconciliationSummary & { reportKeys: readonly string[] } => ({
  runId,
  startedAt: NOW.toISOString(),
  finishedAt: '2026-12-05T06:05:00.000Z',
  window: { since: '2026-11-01T00:00:00.000Z', until: NOW.toISOString() },
  orders: 12,
  differences: Object.fromEntries(
    DIFFERENCE_CLASSES.map((name) => [name, name === 'status_lag' ? 2 : 0]),
  ) as ReconciliationSummary['differences'],
  repaired: 2,
  exceptionsRaised: 0,
  repairFailures: 0,
  committedValues: [],
  committedValueDifferences: 0,
  reportKeys: [`runs/2026-12-05/${runId}.json`, `runs/2026-12-05/${runId}.csv`],
});

describe('asking for an on-demand reconciliation run', () => {
  it('takes the lease, records the run as requested by whom, and hands it over', async () => {
    const { ports, saved, handedOver, lease } = world();
    const status = await requestReconciliationRun(ports, {
      runId: 'run-1',
      requestedBy: 'ops-person',
      since: new Date('2026-11-01T00:00:00Z'),
    });
    expect(status).toEqual({
      runId: 'run-1',
      status: 'requested',
      requestedBy: 'ops-person',
      requestedAt: NOW.toISOString(),
      since: '2026-11-01T00:00:00.000Z',
    });
    expect(saved.get('run-1')).toEqual(status);
    expect(handedOver).toEqual([
      { runId: 'run-1', requestedBy: 'ops-person', since: '2026-11-01T00:00:00.000Z' },
    ]);
    expect(lease.holder).toBe('run-1');
  });

  it('is refused while another run holds the lease, naming it; nothing is recorded or handed over', async () => {
    const { ports, saved, handedOver } = world();
    await requestReconciliationRun(ports, { runId: 'run-1', requestedBy: 'a' });
    const second = requestReconciliationRun(ports, { runId: 'run-2', requestedBy: 'b' });
    await expect(second).rejects.toBeInstanceOf(ReconciliationRunInProgress);
    await expect(second).rejects.toMatchObject({ heldBy: 'run-1' });
    expect([...saved.keys()]).toEqual(['run-1']);
    expect(handedOver.map((request) => request.runId)).toEqual(['run-1']);
  });

  it('refuses a window start that is not before now, before taking anything', async () => {
    const { ports, saved, lease } = world();
    await expect(
      requestReconciliationRun(ports, { runId: 'run-1', requestedBy: 'a', since: NOW }),
    ).rejects.toBeInstanceOf(RangeError);
    expect(saved.size).toBe(0);
    expect(lease.holder).toBeUndefined();
  });

  it('a run that could not be handed over frees the lease and is recorded failed with why', async () => {
    const { ports, saved, lease } = world();
    ports.handOff.handOver = async () => {
      throw new Error('bus refused');
    };
    await expect(requestReconciliationRun(ports, { runId: 'run-1', requestedBy: 'a' })).rejects.toThrow(
      'bus refused',
    );
    expect(lease.holder).toBeUndefined();
    expect(saved.get('run-1')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('bus refused'),
    });
  });
});

describe('running an asked-for run', () => {
  it('runs it under its own lease and records it finished with its counts and reports, then frees the lease', async () => {
    const { ports, saved, lease } = world();
    await requestReconciliationRun(ports, { runId: 'run-1', requestedBy: 'a' });
    const finished = await runAskedReconciliation(
      ports,
      { runId: 'run-1', requestedBy: 'a' },
      new Date('2026-12-05T06:15:00Z'),
      async () => {
        expect(saved.get('run-1')?.status).toBe('running');
        return summary('run-1');
      },
    );
    expect(finished).toMatchObject({
      status: 'finished',
      requestedBy: 'a',
      finishedAt: '2026-12-05T06:05:00.000Z',
      summary: { orders: 12, repaired: 2, differences: { status_lag: 2 } },
      reports: ['runs/2026-12-05/run-1.json', 'runs/2026-12-05/run-1.csv'],
    });
    expect(saved.get('run-1')).toEqual(finished);
    expect(lease.holder).toBeUndefined();
  });

  it('does not run a finished run again (a redelivered request)', async () => {
    const { ports } = world();
    await runAskedReconciliation(ports, { runId: 'run-1', requestedBy: 'a' }, NOW, async () =>
      summary('run-1'),
    );
    let ran = false;
    const again = await runAskedReconciliation(ports, { runId: 'run-1', requestedBy: 'a' }, NOW, async () => {
      ran = true;
      return summary('run-1');
    });
    expect(ran).toBe(false);
    expect(again.status).toBe('finished');
  });

  it('fails, without throwing, when another run took the lease meanwhile (it cannot succeed)', async () => {
    const { ports, saved, lease } = world();
    await lease.acquire('scheduled-run', '2026-12-05T07:00:00.000Z');
    const outcome = await runAskedReconciliation(ports, { runId: 'run-1', requestedBy: 'a' }, NOW, async () =>
      summary('run-1'),
    );
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('scheduled-run') });
    expect(saved.get('run-1')?.status).toBe('failed');
  });

  it('records a failing run failed with its reason and throws, for the lane to retry', async () => {
    const { ports, saved } = world();
    await expect(
      runAskedReconciliation(ports, { runId: 'run-1', requestedBy: 'a' }, NOW, async () => {
        throw new Error('ERP down');
      }),
    ).rejects.toThrow('ERP down');
    expect(saved.get('run-1')).toMatchObject({ status: 'failed', reason: 'ERP down' });
  });
});
