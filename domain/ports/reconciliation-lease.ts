/** The lease that keeps reconciliation runs one at a time (domain/reconciliation/lease.ts). */

/** What acquiring found: the lease is this run's, or who holds it and until when. */
export type LeaseOutcome = { acquired: true } | { acquired: false; heldBy: string; until: string };

/** One lease for every reconciliation run of the deployment. */
export interface ReconciliationRunLease {
  /**
   * Takes the lease for `runId` until `until` (ISO 8601) if nobody holds it, the holder's ran out,
   * or `runId` holds it already (then its end moves to `until`).
   */
  acquire(runId: string, until: string): Promise<LeaseOutcome>;
  /** Gives the lease up if `runId` still holds it. */
  release(runId: string): Promise<void>;
}
