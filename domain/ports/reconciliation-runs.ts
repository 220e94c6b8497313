/** The on-demand reconciliation runs (domain/reconciliation/on-demand.ts): their status, their hand-off. */
import type { ReconciliationRun, ReconciliationRunCounts } from '../../canonical/generated/types';

/**
 * An on-demand run as the person who asked for it sees it, and its counts once finished: the API's
 * own model (canonical/schemas), so the record and the answer cannot drift apart.
 */
export type ReconciliationRunStatus = ReconciliationRun;
export type { ReconciliationRunCounts };

/** The runs' status records. */
export interface ReconciliationRunRecords {
  save(status: ReconciliationRunStatus): Promise<void>;
  get(runId: string): Promise<ReconciliationRunStatus | undefined>;
}

/** What the reconciliation function receives to start a run that was asked for. */
export interface ReconciliationRunRequest {
  runId: string;
  requestedBy: string;
  since?: string;
}

/** Hands an asked-for run to the reconciliation function (the bulk lane). */
export interface ReconciliationRunHandOff {
  handOver(request: ReconciliationRunRequest): Promise<void>;
}
