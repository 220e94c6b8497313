/**
 * One iteration of a reconciliation run looped by its state machine
 * (state-machines/purchase-order-reconciliation.asl.json; ADR 0011, "Scale"): compares whole
 * posting-day partitions from the run's checkpoint on while the invocation has time for another,
 * and answers whether the run is complete; the state machine invokes it again until it is. A small
 * window is one iteration. The lease is held across iterations: each takes it again (the holder may)
 * to the end of its invocation plus the state machine's longest wait between two, and only the
 * iteration that completes (or the failure's record) releases it. An asked-for run's status follows.
 */
import type { ReconciliationRunLease } from '../ports/reconciliation-lease';
import type { ReconciliationRunRecords, ReconciliationRunStatus } from '../ports/reconciliation-runs';
import { ReconciliationRunInProgress } from './lease';
import { finishedStatus } from './on-demand';
import type { PartitionedRunResult } from './partitioned';

/** What the state machine hands each iteration (and gets back, with `complete`). */
export interface RunIteration {
  runId: string;
  /** The window's start (ISO 8601) when asked for; the contract's window otherwise. */
  since?: string;
  /** Who asked for the run: an on-demand run, whose status record follows it. */
  requestedBy?: string;
}

/** The state machine's longest wait between two iterations (a Retry on a spent request budget). */
export const BETWEEN_ITERATIONS_MS = 15 * 60_000;

/** What an iteration needs besides the run itself. */
export interface IterationPorts {
  lease: ReconciliationRunLease;
  runs: ReconciliationRunRecords;
  now(): Date;
}

/** Where an iteration left the run. */
export type IterationResult =
  | { complete: false }
  | ({ complete: true } & (
      | Extract<PartitionedRunResult, { complete: true }>
      | { skipped: string; heldBy: string; until: string }
      | { status: ReconciliationRunStatus }
    ));

/**
 * Runs one iteration: `run` compares partitions until `shouldStop`.
 * @param remainingMs the invocation's time left (Lambda's `getRemainingTimeInMillis`)
 * @param reserveMs no partition is started with less time left than this
 */
export async function reconcileIteration(
  ports: IterationPorts,
  request: RunIteration,
  time: { remainingMs(): number; reserveMs: number },
  run: (shouldStop: () => boolean) => Promise<PartitionedRunResult>,
): Promise<IterationResult> {
  const known = request.requestedBy ? await ports.runs.get(request.runId) : undefined;
  // A redelivered or repeated iteration of a finished run changes nothing.
  if (known?.status === 'finished' || known?.status === 'failed') return { complete: true, status: known };
  const until = new Date(ports.now().getTime() + time.remainingMs() + BETWEEN_ITERATIONS_MS);
  const taken = await ports.lease.acquire(request.runId, until.toISOString());
  if (!taken.acquired) {
    const busy = new ReconciliationRunInProgress(taken.heldBy, taken.until);
    // The schedule's run stands down: the run in progress compares the same window.
    if (!request.requestedBy) return { complete: true, skipped: busy.message, ...taken };
    // An asked-for run whose lease another took cannot succeed: failed, with the holder.
    return { complete: true, status: await recordFailure(ports, request, busy.message, known) };
  }
  // An asked-for run's record as running: the one read above, or saved now as this iteration starts it.
  let running = known?.status === 'running' ? known : undefined;
  if (request.requestedBy && !running) {
    running = runningStatus(ports.now(), request, known);
    await ports.runs.save(running);
  }
  const result = await run(() => time.remainingMs() < time.reserveMs);
  if (!result.complete) return { complete: false };
  if (running) {
    const { reportKeys, ...summary } = result.summary;
    await ports.runs.save(finishedStatus(running, summary, reportKeys));
  }
  await ports.lease.release(request.runId);
  return result;
}

/**
 * A run the state machine gave up on (a failure retrying cannot cure): its lease released, and an
 * asked-for run recorded failed with the reason.
 */
export async function reconciliationRunFailed(
  ports: IterationPorts,
  request: RunIteration,
  reason: string,
): Promise<ReconciliationRunStatus | undefined> {
  await ports.lease.release(request.runId);
  if (!request.requestedBy) return undefined;
  return recordFailure(ports, request, reason, await ports.runs.get(request.runId));
}

function runningStatus(
  now: Date,
  request: RunIteration,
  known?: ReconciliationRunStatus,
): ReconciliationRunStatus {
  const status: ReconciliationRunStatus = {
    ...(known ?? {
      runId: request.runId,
      requestedBy: request.requestedBy ?? 'schedule',
      requestedAt: now.toISOString(),
      ...(request.since ? { since: request.since } : {}),
    }),
    status: 'running',
    startedAt: now.toISOString(),
  };
  delete status.reason;
  return status;
}

async function recordFailure(
  ports: IterationPorts,
  request: RunIteration,
  reason: string,
  known: ReconciliationRunStatus | undefined,
): Promise<ReconciliationRunStatus> {
  const failed: ReconciliationRunStatus = {
    ...runningStatus(ports.now(), request, known),
    ...(known?.startedAt ? { startedAt: known.startedAt } : {}),
    status: 'failed',
    finishedAt: ports.now().toISOString(),
    reason,
  };
  await ports.runs.save(failed);
  return failed;
}
