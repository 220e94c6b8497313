/** The on-demand reconciliation runs (domain/reconciliation/on-demand.ts): their status, their hand-off. */
import type { ReconciliationWindow } from './reconciliation';
import type { DifferenceClass } from '../reconciliation/types';

/** Where an on-demand run is: asked for, running, finished with its summary, or failed with a reason. */
export type ReconciliationRunState = 'requested' | 'running' | 'finished' | 'failed';

/** The counts of a finished run (the report holds each difference). */
export interface ReconciliationRunCounts {
  window: ReconciliationWindow;
  orders: number;
  differences: Record<DifferenceClass, number>;
  repaired: number;
  exceptionsRaised: number;
  repairFailures: number;
  committedValueDifferences: number;
}

/** An on-demand run as the person who asked for it sees it. */
export interface ReconciliationRunStatus {
  runId: string;
  status: ReconciliationRunState;
  /** The verified caller (token subject) who asked. */
  requestedBy: string;
  requestedAt: string;
  /** The window start asked for; absent: the contract's window. */
  since?: string;
  startedAt?: string;
  finishedAt?: string;
  summary?: ReconciliationRunCounts;
  /** Where the run's report is (JSON and CSV). */
  reports?: readonly string[];
  /** Why a run failed. */
  reason?: string;
}

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
