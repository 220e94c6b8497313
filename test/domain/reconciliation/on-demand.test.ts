import { describe, expect, it } from 'vitest';
import type {
  ReconciliationRunRequest,
  ReconciliationRunStatus,
} from '../../../domain/ports/reconciliation-runs';
import { ReconciliationRunInProgress } from '../../../domain/reconciliation/lease';
import { requestReconciliationRun } from '../../../domain/reconciliation/on-demand';
import { memoryLease } from './memory-lease';

const NOW = new Date('2026-12-05T06:00:00Z');

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
