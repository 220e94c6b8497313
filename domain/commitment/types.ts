/**
 * The state the procurement workflows carry from step to step (state-machines/*.asl.json), and the
 * ports the steps use. Every step is a function of (input, ports): the same code runs as a Lambda
 * task in AWS, as a local task in the local runtime, and in tests.
 */
import type { ForecastException } from '../../canonical/generated/types';
import type { Clock } from '../ports/clock';
import type { CommitmentRegistry } from '../ports/commitments';
import type { ErpInstances } from '../business-units';
import type { BusinessMetric, EventPublisher } from '../ports/events';
import type { IdSource } from '../ports/ids';
import type { ProcurementPort } from '../ports/procurement';
import type { SupplyStore } from '../ports/supply';
import type { LedgerPort } from '../ports/sync-ledger';
import type { ProcurementPolicy } from '../procurement/policy';
import type { RequisitionBook } from '../ports/requisitions';
import type { RequisitionNeed } from '../requisition/requisition';

/** The event that started the flow: correlation and business identity travel with every step. */
export interface FlowEvent {
  eventId: string;
  correlationId: string;
  idempotencyKey: string;
  /** Source time of the forecast exception (UTC): forecast-to-order time is measured from it. */
  occurredAt: string;
  /**
   * The purchase requisition whose submission started the flow (the state's `exception` is then
   * null). It travels here because every workflow passes the event on, through approval too.
   */
  requisition?: RequisitionNeed;
}

/** The sourcing action decided for the exception (quantities as decimal strings, in eaches). */
export type SourcingActionInput =
  | { kind: 'create'; quantityEa: string; needBy: string }
  | {
      kind: 'amend';
      requestId: string;
      fromQuantityEa: string;
      toQuantityEa: string;
      needBy: string;
      previousNeedBy: string;
    }
  | { kind: 'cancel'; requestId: string };

export interface WorkflowSettings {
  approvalTimeoutSeconds: number;
  acknowledgementTimeoutSeconds: number;
}

/** What `Source the need` did on the procurement platform. */
export interface SourcingOutcome {
  applied: 'created' | 'amended' | 'cancelled';
  requestId: string;
  /** When the platform created the request: part of the purchase order reference (`purchaseOrderRef`). */
  createdAt?: string;
  /** The procurement instance's tag: part of the purchase order reference (`purchaseOrderRef`). */
  instance?: string;
  quantityEa: string;
  needBy: string;
  previousQuantityEa?: string;
  previousNeedBy?: string;
  supplierNumber: string | null;
  unitPrice: string | null;
  currency: string | null;
}

export interface PolicyOutcome {
  ok: boolean;
  violation?: { code: string; message: string; system: string };
  approvalRequired: boolean;
  /** Also the approval workflow's execution name: one approval per request and plan version. */
  approvalId: string;
  warehouseCode: string | null;
  totalValue: string;
  currency: string;
}

export interface ApprovalOutcome {
  decision: 'approve' | 'reject';
  approver: string;
  reason?: string;
  decidedAt: string;
}

export interface PostedPurchaseOrderLine {
  lineNo: number;
  itemCode: string;
  quantityEa: string;
  unitPrice: string;
  needBy: string;
}

export interface PostedPurchaseOrder {
  externalRef: string;
  poNumber: string;
  erpNumber: string;
  supplierNumber: string;
  site: string;
  warehouseCode: string;
  currency: string;
  totalValue: string;
  sourcingRequestId: string;
  lines: PostedPurchaseOrderLine[];
  postedAt: string;
  /** The purchase requisition it was committed for (absent for a forecast exception's order). */
  requisitionId?: string;
}

/**
 * The workflow state: the sourcing need it was started for, plus each step's result. The need is a
 * forecast exception (the evaluation starts it) or a purchase requisition (the requisition API
 * does: `exception` null, the requisition on the event; domain/commitment/need.ts).
 */
export interface CommitmentState {
  exception: ForecastException | null;
  event: FlowEvent;
  action: SourcingActionInput;
  settings: WorkflowSettings;
  sourcing?: SourcingOutcome;
  policy?: PolicyOutcome;
  approval?: ApprovalOutcome;
  purchaseOrder?: PostedPurchaseOrder;
  /** Set by a Catch: the error name and cause of the step that failed. */
  failure?: { Error?: string; Cause?: string };
}

/** What `Post purchase order` answers for a requisition cancelled before it was committed. */
export interface CancelledBeforeCommitment {
  cancelled: { requisitionId: string; sourcingRequestId: string };
}

/** What the supplier confirmed, as the acknowledgement workflow's task result. */
export interface AcknowledgementResult {
  classification: 'full' | 'partial' | 'late' | 'partial-late';
  amended: boolean;
  acknowledgedAt: string;
}

/** The outside world of the procurement steps: every port is in domain/ports. */
export interface CommitmentPorts extends Clock, IdSource, EventPublisher {
  procurement: ProcurementPort;
  /** The ERP instances; a commitment's warehouse decides which one it goes to (domain/business-units.ts). */
  erps: ErpInstances;
  /** Planning site -> ERP warehouse code (environment configuration). */
  warehouseForSite(site: string): string | undefined;
  ledger: LedgerPort;
  supply: SupplyStore;
  commitments: CommitmentRegistry;
  policy: ProcurementPolicy;
  tenantId: string;
  /** Business metrics (EMF in Lambda). */
  metric?: BusinessMetric;
  /** Purchase requisitions: the steps record a requisition’s path (needed when the state has one). */
  requisitions?: Pick<RequisitionBook, 'record' | 'claimCommitment'>;
}
