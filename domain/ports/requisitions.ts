import type {
  Requisition,
  RequisitionReferences,
  RequisitionStatus,
  RequisitionStep,
} from '../requisition/requisition';

/** What {@link RequisitionBook.cancel} found. */
export type CancelOutcome =
  | { kind: 'cancelled'; requisition: Requisition }
  | { kind: 'not-found' }
  /** Its purchase order is committed (or it ended rejected or failed): nothing was changed. */
  | { kind: 'refused'; requisition: Requisition };

/**
 * Purchase requisitions, each with the path it took and each system's reference. Committing (the
 * award and ERP posting) and cancelling exclude each other: whichever is recorded first wins.
 */
export interface RequisitionBook {
  /** Records a new requisition; when its id exists already, answers the one recorded. */
  create(requisition: Requisition): Promise<{ created: true } | { created: false; existing: Requisition }>;
  get(requisitionId: string): Promise<Requisition | undefined>;
  /** Notes that its workflow was started (a replayed submission then starts nothing). */
  markStarted(requisitionId: string): Promise<void>;
  /**
   * Adds a step to its path, merges references and moves its status, unless it was cancelled
   * meanwhile: then only the step and the references are kept.
   */
  record(
    requisitionId: string,
    step: RequisitionStep,
    change: { status?: RequisitionStatus; references?: Partial<RequisitionReferences> },
  ): Promise<void>;
  /** Marks it committed unless it was cancelled; false: it was cancelled, commit nothing. */
  claimCommitment(requisitionId: string, at: string): Promise<boolean>;
  /** Cancels it unless it is committed or closed (rejected, failed). */
  cancel(requisitionId: string, step: RequisitionStep): Promise<CancelOutcome>;
}
