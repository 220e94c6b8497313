/** One reconciliation run lease in memory, for the on-demand and loop tests. */
import type { ReconciliationRunLease } from '../../../domain/ports/reconciliation-lease';

/** One lease in memory, with the adapter's rules (its holder may take it again). */
export function memoryLease(): ReconciliationRunLease & { holder?: string } {
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
