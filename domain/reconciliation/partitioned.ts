/**
 * A run too long for one invocation (ADR 0011, "Scale"): the platform has no list of orders and
 * answers 10 requests/s, so 100,000 open orders take hours of reads, beyond one 15-minute Lambda.
 * The window is cut into posting-day partitions; each invocation compares whole partitions, saves a
 * checkpoint after each, and stops at a partition boundary when told to (its time is running out).
 * The next invocation (a Step Functions loop) resumes after the last partition saved: no order is
 * read, repaired or reported twice, and the summary is the one an uninterrupted run would end with.
 * A last phase pages through the ERP's orders with the middleware's reference and raises those
 * Supplyline never recorded, checkpointed by its cursor like the partitions.
 */
import type {
  ErpOrderPosition,
  ReconciliationCheckpoint,
  ReconciliationCheckpoints,
  ReconciliationSummary,
  ReconciliationWindow,
} from '../ports/reconciliation';
import { CommittedValueTally } from './committed-value';
import {
  compareViews,
  emptySummary,
  finishRun,
  pagedViews,
  raiseUnrecorded,
  reconciliationWindow,
  type ReconciliationPorts,
} from './run';
import type { ReconciliationSettings } from './types';
import { wholeDaysOf } from './unrecorded';

const DAY_MS = 86_400_000;

/**
 * The window cut at each UTC midnight inside it: contiguous, disjoint, in order, each `[since,
 * until)` within one posting day, together exactly the window.
 */
export function postingDayPartitions(window: ReconciliationWindow): ReconciliationWindow[] {
  const until = Date.parse(window.until);
  const partitions: ReconciliationWindow[] = [];
  let since = Date.parse(window.since);
  while (since < until) {
    const nextDay = Math.min((Math.floor(since / DAY_MS) + 1) * DAY_MS, until);
    partitions.push({
      since: partitions.length === 0 ? window.since : new Date(since).toISOString(),
      until: nextDay === until ? window.until : new Date(nextDay).toISOString(),
    });
    since = nextDay;
  }
  return partitions;
}

/** Where an invocation left the run. */
export type PartitionedRunResult =
  | { complete: true; summary: ReconciliationSummary & { reportKeys: readonly string[] } }
  | { complete: false; checkpoint: ReconciliationCheckpoint };

/**
 * Compares the run's partitions from its checkpoint on (a new run when there is none), at least
 * one per invocation, stopping at a partition boundary once `shouldStop()` says so.
 */
export async function reconcileInPartitions(
  ports: ReconciliationPorts & { checkpoints: ReconciliationCheckpoints },
  settings: ReconciliationSettings,
  runId: string,
  options: { since?: Date; shouldStop(): boolean },
): Promise<PartitionedRunResult> {
  const checkpoint =
    (await ports.checkpoints.load(runId)) ?? newCheckpoint(ports.now(), settings, runId, options.since);
  const partitions = postingDayPartitions(checkpoint.window);
  const committed = new CommittedValueTally(checkpoint.window, checkpoint.committed);
  // At least one step per invocation, so a run always gets further.
  let stepped = 0;
  // One step done: its report part ended, then the checkpoint saved (with the ERP cursor, if any).
  const step = async (unrecordedAfter?: ErpOrderPosition) => {
    await ports.report.endPart?.(checkpoint.partitionsDone, checkpoint.summary);
    if (unrecordedAfter) checkpoint.unrecordedAfter = unrecordedAfter;
    checkpoint.partitionsDone++;
    checkpoint.committed = committed.sofar();
    await ports.checkpoints.save(checkpoint);
    stepped++;
  };
  for (let part = checkpoint.partitionsDone; part < partitions.length; part++) {
    if (stepped > 0 && options.shouldStop()) return { complete: false, checkpoint };
    await compareViews(pagedViews(ports, partitions[part]!), ports, settings, checkpoint.summary, committed);
    await step();
  }
  // Then the ERP's orders Supplyline never recorded, a page at a time, each looked up in its records
  // (the window's references would not fit a checkpoint); the cursor resumes the phase.
  const days = wholeDaysOf(checkpoint.window);
  if (days)
    for await (const page of ports.erp.referencedOrders(days, checkpoint.unrecordedAfter)) {
      if (stepped > 0 && options.shouldStop()) return { complete: false, checkpoint };
      const references = page.map((order) => order.externalRef);
      const recorded = await ports.orders.recordedAmong(references, checkpoint.window);
      await raiseUnrecorded(ports, page, recorded, checkpoint.summary);
      const { externalRef, instance } = page.at(-1) ?? {};
      await step(externalRef ? { externalRef, ...(instance ? { instance } : {}) } : undefined);
    }
  // An invocation that found nothing left to do still ends a part: `finish` joins the parts saved.
  if (stepped === 0) await ports.report.endPart?.(checkpoint.partitionsDone, checkpoint.summary);
  return { complete: true, summary: await finishRun(checkpoint.summary, committed, ports, settings) };
}

function newCheckpoint(
  now: Date,
  settings: ReconciliationSettings,
  runId: string,
  since?: Date,
): ReconciliationCheckpoint {
  const window = reconciliationWindow(now, settings.windowDays, since);
  return {
    runId,
    startedAt: now.toISOString(),
    window,
    partitionsDone: 0,
    summary: emptySummary(runId, window, now),
    committed: {},
  };
}
