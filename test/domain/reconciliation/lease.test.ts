import { describe, expect, it } from 'vitest';
import { exclusively, ReconciliationRunInProgress } from '../../../domain/reconciliation/lease';
import type { ReconciliationRunLease } from '../../../domain/ports/reconciliation-lease';

/** A lease held in memory, its expiry ignored (the adapter's test covers it). */
function memoryLease(): ReconciliationRunLease & { holder?: string } {
  const lease: ReconciliationRunLease & { holder?: string } = {
    acquire: async (runId, until) => {
      if (lease.holder) return { acquired: false, heldBy: lease.holder, until };
      lease.holder = runId;
      return { acquired: true };
    },
    release: async (runId) => {
      if (lease.holder === runId) delete lease.holder;
    },
  };
  return lease;
}

const UNTIL = new Date('2026-12-05T03:15:00Z');

describe('one reconciliation run at a time', () => {
  it('a second run while the first holds the lease is refused before it starts', async () => {
    const lease = memoryLease();
    let release!: () => void;
    const first = exclusively(
      lease,
      'run-1',
      UNTIL,
      () => new Promise<string>((done) => (release = () => done('first'))),
    );
    let secondStarted = false;
    await expect(
      exclusively(lease, 'run-2', UNTIL, async () => {
        secondStarted = true;
      }),
    ).rejects.toThrow(new ReconciliationRunInProgress('run-1', UNTIL.toISOString()));
    expect(secondStarted).toBe(false);
    release();
    expect(await first).toBe('first');
  });

  it('frees the lease when the run ends, and when it fails', async () => {
    const lease = memoryLease();
    await exclusively(lease, 'run-1', UNTIL, async () => 'done');
    expect(lease.holder).toBeUndefined();
    await expect(
      exclusively(lease, 'run-2', UNTIL, async () => {
        throw new Error('ERP unavailable');
      }),
    ).rejects.toThrow('ERP unavailable');
    expect(lease.holder).toBeUndefined();
    expect(await exclusively(lease, 'run-3', UNTIL, async () => 'next')).toBe('next');
  });
});
