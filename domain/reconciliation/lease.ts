/**
 * At most one reconciliation run at a time (issue #20): two runs over the same window would read
 * every system twice and race on the same repairs. A run holds a lease for as long as a run may
 * last; a run that dies without releasing it frees it when the lease runs out.
 */
import type { ReconciliationRunLease } from '../ports/reconciliation-lease';

/** Another run holds the lease. */
export class ReconciliationRunInProgress extends Error {
  override readonly name = 'ReconciliationRunInProgress';
  constructor(
    readonly heldBy: string,
    readonly until: string,
  ) {
    super(`Reconciliation run ${heldBy} is in progress (its lease runs until ${until}); try again after it.`);
  }
}

/**
 * Runs `run` holding the lease for `runId` until `until`, and releases it however the run ends.
 * @throws ReconciliationRunInProgress when another run holds it; `run` is then not started.
 */
export async function exclusively<T>(
  lease: ReconciliationRunLease,
  runId: string,
  until: Date,
  run: () => Promise<T>,
): Promise<T> {
  const taken = await lease.acquire(runId, until.toISOString());
  if (!taken.acquired) throw new ReconciliationRunInProgress(taken.heldBy, taken.until);
  try {
    return await run();
  } finally {
    await lease.release(runId);
  }
}
