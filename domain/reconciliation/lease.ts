/**
 * At most one reconciliation run at a time (issue #20): two runs over the same window would read
 * every system twice and race on the same repairs. A run holds a lease for as long as a run may
 * last; a run that dies without releasing it frees it when the lease runs out.
 */
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
