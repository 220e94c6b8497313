/**
 * An on-demand reconciliation run (issue #20): a person or the operations CLI asks for it, the
 * reconciliation function runs it later in the bulk lane. The lease (lease.ts) is taken when it is
 * asked for, so a second request while one runs is refused at once and nothing is started; the run
 * takes the same lease again when it starts.
 */
import type { ReconciliationRunLease } from '../ports/reconciliation-lease';
import type { ReconciliationSummary } from '../ports/reconciliation';
import type {
  ReconciliationRunHandOff,
  ReconciliationRunRecords,
  ReconciliationRunStatus,
} from '../ports/reconciliation-runs';
import { ReconciliationRunInProgress } from './lease';

/** How long an asked-for run holds the lease before it starts: its wait in the lane and a whole run. */
export const ASKED_RUN_LEASE_MS = 30 * 60_000;

/** What asking for a run needs. */
export interface RunRequestPorts {
  lease: ReconciliationRunLease;
  runs: ReconciliationRunRecords;
  handOff: ReconciliationRunHandOff;
  now(): Date;
}

/**
 * Asks for a run over the window from `since` (the contract's window when absent).
 * @throws RangeError when `since` is not before now; ReconciliationRunInProgress when a run holds
 * the lease. Either way nothing is recorded or started.
 */
export async function requestReconciliationRun(
  ports: RunRequestPorts,
  ask: { runId: string; requestedBy: string; since?: Date },
): Promise<ReconciliationRunStatus> {
  const now = ports.now();
  if (ask.since && !(ask.since.getTime() < now.getTime()))
    throw new RangeError(`the window start ${ask.since.toISOString()} is not before ${now.toISOString()}`);
  const since = ask.since?.toISOString();
  const until = new Date(now.getTime() + ASKED_RUN_LEASE_MS).toISOString();
  const taken = await ports.lease.acquire(ask.runId, until);
  if (!taken.acquired) throw new ReconciliationRunInProgress(taken.heldBy, taken.until);
  const status: ReconciliationRunStatus = {
    runId: ask.runId,
    status: 'requested',
    requestedBy: ask.requestedBy,
    requestedAt: now.toISOString(),
    ...(since ? { since } : {}),
  };
  try {
    await ports.runs.save(status);
    await ports.handOff.handOver({
      runId: ask.runId,
      requestedBy: ask.requestedBy,
      ...(since ? { since } : {}),
    });
  } catch (error) {
    // Not handed over: nobody will run it, so it must not keep others from asking.
    await ports.lease.release(ask.runId);
    await ports.runs.save({ ...status, status: 'failed', reason: `not handed over: ${String(error)}` });
    throw error;
  }
  return status;
}

/** A run's status once finished: its counts and report keys. */
export function finishedStatus(
  running: ReconciliationRunStatus,
  summary: ReconciliationSummary,
  reportKeys: readonly string[],
): ReconciliationRunStatus {
  return {
    ...running,
    status: 'finished',
    finishedAt: summary.finishedAt,
    summary: {
      window: summary.window,
      orders: summary.orders,
      differences: summary.differences,
      repaired: summary.repaired,
      exceptionsRaised: summary.exceptionsRaised,
      repairFailures: summary.repairFailures,
      committedValueDifferences: summary.committedValueDifferences,
    },
    reports: [...reportKeys],
  };
}
