/** Bulk forecast synchronisation: the public surface (see README.md). */
export {
  syncForecastExport,
  ExportChecksumMismatch,
  DEFAULT_TUNING,
  type ForecastExport,
  type ForecastSyncOptions,
  type ForecastSyncProgress,
  type ForecastSyncSummary,
  type ForecastSyncTuning,
} from './sync-forecast-export';
export {
  DEFAULT_BATCH_LIMITS,
  type BatchLimits,
  type BatchSink,
  type ChangeBatch,
  type ChangeEntry,
} from './change-batcher';
export {
  DEFAULT_CHANGE_POLICY,
  CompiledChangePolicy,
  formatMilli,
  type ChangePolicy,
  type ChangeKind,
} from './change-policy';
export { EXPORT_HEADER, REJECT_REASONS, MAX_ROW_EACHES, QTY_DECIMALS, type RejectReason } from './export-row';
export type { SnapshotManifest, SnapshotStore } from '../ports/snapshot-store';
export {
  candidateLines,
  exceptionEventFor,
  bulkExceptionId,
  DEFAULT_BULK_EVALUATION_SETTINGS,
  type BulkEvaluationSettings,
  type CandidateLine,
  type SkipReason,
} from './change-exceptions';
