/**
 * The state the procurement workflows carry from step to step (state-machines/*.asl.json), and the
 * ports the steps use. Every step is a function of (input, ports): the same code runs as a Lambda
 * task in AWS, as a local task in the local runtime, and in tests.
 */
import type { CanonicalEvent } from '../../canonical/envelope';
import type { ForecastException } from '../../canonical/generated/types';
import type { ErpPort } from '../../adapters/erp/port';
import type { ProcurementClient } from '../../adapters/procurement/client';
import type { ProcurementPolicy } from '../procurement/policy';
import type { PurchaseOrderLineSnapshot } from '../procurement/types';
import type { SystemName } from '../sync-lag';

/** The event that started the flow: correlation and business identity travel with every step. */
export interface FlowEvent {
  eventId: string;
  correlationId: string;
  idempotencyKey: string;
  /** Source time of the forecast exception (UTC): forecast-to-order time is measured from it. */
  occurredAt: string;
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
}

/** The workflow state: what the evaluation started it with, plus each step's result. */
export interface CommitmentState {
  exception: ForecastException;
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

/** Supply the middleware has committed for an item at a site (open purchase order lines). */
export interface SupplyStore {
  openLines(itemCode: string, site: string): Promise<PurchaseOrderLineSnapshot[]>;
  recordLines(lines: readonly PurchaseOrderLineSnapshot[]): Promise<void>;
}

export interface LedgerPort {
  recordSourceChange(
    ref: { objectType: string; objectId: string },
    change: {
      from: SystemName;
      to: SystemName;
      version: number;
      sourceEventAt: string;
      correlationId: string;
    },
  ): Promise<void>;
  recordConfirmation(
    ref: { objectType: string; objectId: string },
    change: { from: SystemName; to: SystemName; version: number; confirmedAt: string },
  ): Promise<number | undefined>;
  recordState(
    ref: { objectType: string; objectId: string },
    state: {
      system: SystemName;
      reference: string | null;
      state: string | null;
      version: number | null;
      confirmedAt: string;
    },
  ): Promise<void>;
  recordEvent(ref: { objectType: string; objectId: string }, event: CanonicalEvent): Promise<void>;
}

/** What the supplier confirmed, as the acknowledgement workflow's task result. */
export interface AcknowledgementResult {
  classification: 'full' | 'partial' | 'late' | 'partial-late';
  amended: boolean;
  acknowledgedAt: string;
}

/**
 * Posted commitments by procurement PO number, and the acknowledgement workflow's task token: the
 * acknowledgement may arrive before the workflow registered its wait, so both sides check the other.
 */
export interface CommitmentRegistry {
  recordPosted(po: PostedPurchaseOrder): Promise<void>;
  findByPoNumber(poNumber: string): Promise<PostedPurchaseOrder | undefined>;
  /** Stores the token; returns the acknowledgement when it already arrived. */
  registerAcknowledgementWait(
    poNumber: string,
    taskToken: string,
  ): Promise<AcknowledgementResult | undefined>;
  /** Stores the acknowledgement; returns the waiting task token, if any. */
  recordAcknowledged(poNumber: string, result: AcknowledgementResult): Promise<string | undefined>;
}

/** The outside world of the procurement steps. */
export interface CommitmentPorts {
  procurement: Pick<
    ProcurementClient,
    | 'getSupplier'
    | 'createSourcingRequest'
    | 'amendSourcingRequest'
    | 'cancelSourcingRequest'
    | 'listSourcingRequests'
    | 'createPurchaseOrder'
  >;
  erp: ErpPort;
  /** Planning site -> ERP warehouse code (environment configuration). */
  warehouseForSite(site: string): string | undefined;
  publish(events: readonly CanonicalEvent[]): Promise<void>;
  ledger: LedgerPort;
  supply: SupplyStore;
  commitments: CommitmentRegistry;
  policy: ProcurementPolicy;
  tenantId: string;
  now(): Date;
  newId(): string;
  /** Business metrics (EMF in Lambda). */
  metric?(name: string, value: number, unit: 'Seconds' | 'Count', dimensions?: Record<string, string>): void;
}
