/**
 * The steps of the purchase-commitment workflow. Each is called by one Task state and returns the
 * value its ResultPath stores; failures are thrown as the project's failure classes so the state
 * machine's Retry (transient only) and Catch (business rejection -> compensate) can tell them apart.
 */
import { erpSyncSystem, systemPair } from '../sync-lag';
import type { ForecastException as CanonicalForecastException } from '../../canonical/generated/types';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import { BusinessRejection, ContractViolation, TransientFailure } from '../failures';
import { Decimal } from '../decimal';
import { approvalRequired } from '../procurement/approval';
import { compensationFor, type AppliedSourcingChange } from '../procurement/compensation';
import { checkErpPolicies } from '../procurement/erp-policy';
import { lookUpPolicyFacts } from './policy-check';
import type { ForecastException as PolicyException, Severity } from '../procurement/types';
import type { SourcingRequest } from '../ports/procurement';
import { recordRequisitionStep, requisitionOf, sourcingNeedOf } from './need';
import type {
  CommitmentPorts,
  CommitmentState,
  PolicyOutcome,
  PostedPurchaseOrder,
  SourcingOutcome,
} from './types';

/** The policy rules' view of a canonical exception: quantities are already eaches, so the unit is EA. */
export function toPolicyException(exception: CanonicalForecastException): PolicyException {
  return {
    planId: exception.planId,
    planVersion: exception.planVersion,
    exceptionId: exception.exceptionId,
    kind: exception.kind,
    severity: exception.severity.toLowerCase() as Severity,
    itemCode: exception.itemCode,
    site: exception.site,
    uom: 'EA',
    packSize: exception.packSize,
    bucket: { start: exception.bucket.start, end: exception.bucket.end },
    baselineQty: exception.baselineQuantityEa,
    forecastQty: exception.forecastQuantityEa,
    projectedOnHand: exception.projectedOnHandEa,
    safetyStock: exception.safetyStockEa,
    velocityClass: exception.velocityClass,
  };
}

/** Our reference for the sourcing request of an exception version (procurement `external_ref`). */
export function sourcingRef(exception: CanonicalForecastException): string {
  return `SL-${exception.planId}-${exception.exceptionId}-v${exception.planVersion}`;
}

/**
 * Our reference for the purchase order awarded from a sourcing request: procurement and ERP share it,
 * and the ERP finds an earlier posting by it (idempotent posting). Request ids restart when a
 * procurement sandbox is reset (SR-000001 again) and repeat on another procurement instance, so
 * the reference joins the instance's tag ({@link procurementInstanceTag}), the request's id and its
 * creation time: `SL-PO-<tag>-<id>-<created at>`. Commitments started before a format keep theirs,
 * so a retried posting still finds its ERP order: a state without the instance gives
 * `SL-PO-<id>-<created at>`, one without a creation time `SL-PO-<id>`.
 */
export function purchaseOrderRef(request: {
  requestId: string;
  createdAt?: string;
  instance?: string;
}): string {
  if (!request.createdAt) return `SL-PO-${request.requestId}`;
  const at = new Date(request.createdAt);
  // 2026-12-04T21:05:33.123Z -> 20261204T210533123Z: the same instant whatever offset the vendor wrote.
  const stamp = (Number.isNaN(at.getTime()) ? request.createdAt : at.toISOString()).replace(
    /[^0-9A-Za-z]/g,
    '',
  );
  return request.instance
    ? `SL-PO-${request.instance}-${request.requestId}-${stamp}`
    : `SL-PO-${request.requestId}-${stamp}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A short stable tag of one procurement instance as the middleware reaches it: 6 base32
 * characters (30 bits of FNV-1a) of its base URL (trailing slashes and case aside) and our client
 * id there. Two instances, or two clients of one, get different tags; the same configuration
 * always the same one. Not a secret and not a security measure: only a namespace for request ids.
 */
export function procurementInstanceTag(baseUrl: string, clientId: string): string {
  const text = `${baseUrl.trim().replace(/\/+$/, '').toLowerCase()}\n${clientId}`;
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  let tag = '';
  for (let shift = 27; shift >= 0; shift -= 5) tag += BASE32[(hash >>> shift) & 31];
  return tag;
}

function eventFacts(
  state: Pick<CommitmentState, 'event'>,
  objectId: string,
  version: number,
  key: string,
  ports: CommitmentPorts,
) {
  return {
    sourceObjectId: objectId,
    sourceVersion: version,
    occurredAt: ports.now(),
    correlationId: state.event.correlationId,
    causationId: state.event.eventId,
    idempotencyKey: key,
    tenantId: ports.tenantId,
  };
}

/** `Source the need`: create, amend or cancel the sourcing request, and report what was done. */
export async function sourceTheNeed(
  state: CommitmentState,
  ports: CommitmentPorts,
): Promise<SourcingOutcome> {
  const { action } = state;
  const need = sourcingNeedOf(state);
  const { version } = need;
  let eventType: 'sourcing-request.created' | 'sourcing-request.amended' | 'sourcing-request.cancelled';
  let request: SourcingRequest;
  if (action.kind === 'create') {
    const externalRef = need.sourcingRef;
    request = await ports.procurement.createSourcingRequest(
      {
        externalRef,
        itemCode: need.itemCode,
        site: need.site,
        quantityEa: action.quantityEa,
        needBy: action.needBy,
        justification: need.justification,
      },
      { idempotencyKey: `sr-create:${externalRef}` },
    );
    eventType = 'sourcing-request.created';
  } else if (action.kind === 'amend') {
    request = await ports.procurement.amendSourcingRequest(
      action.requestId,
      { quantityEa: action.toQuantityEa, needBy: action.needBy },
      { idempotencyKey: `sr-amend:${action.requestId}:${need.sourcingRef}` },
    );
    eventType = 'sourcing-request.amended';
  } else {
    request = await ports.procurement.cancelSourcingRequest(action.requestId, {
      idempotencyKey: `sr-cancel:${action.requestId}`,
    });
    eventType = 'sourcing-request.cancelled';
  }
  const outcome: SourcingOutcome = {
    applied: action.kind === 'create' ? 'created' : action.kind === 'amend' ? 'amended' : 'cancelled',
    requestId: request.requestId,
    ...(request.createdAt ? { createdAt: request.createdAt } : {}),
    ...(request.instance ? { instance: request.instance } : {}),
    quantityEa: request.quantityEa,
    needBy: request.needBy,
    ...(action.kind === 'amend'
      ? { previousQuantityEa: action.fromQuantityEa, previousNeedBy: action.previousNeedBy }
      : {}),
    supplierNumber: request.supplierNumber,
    unitPrice: request.unitPrice,
    currency: request.currency,
  };
  await ports.publish([
    buildEvent(
      eventType,
      {
        requestId: outcome.requestId,
        externalRef: need.sourcingRef,
        status: outcome.applied === 'cancelled' ? 'CANCELLED' : 'OPEN',
        itemCode: need.itemCode,
        site: need.site,
        quantityEa: outcome.quantityEa,
        ...(outcome.previousQuantityEa ? { previousQuantityEa: outcome.previousQuantityEa } : {}),
        needBy: outcome.needBy,
        supplierNumber: outcome.supplierNumber,
        unitPrice: outcome.unitPrice,
        currency: outcome.currency,
        forecastExceptionKey: state.event.idempotencyKey,
      },
      eventFacts(
        state,
        outcome.requestId,
        version,
        `sourcing-request:${outcome.requestId}:${outcome.applied}:v${version}`,
        ports,
      ),
      ports,
    ),
  ]);
  await recordRequisitionStep(
    requisitionOf(state)?.requisitionId,
    ports,
    'sourcing',
    `sourcing request ${outcome.requestId} ${outcome.applied}`,
    {
      status: 'sourced',
      references: { sourcingRequest: outcome.requestId },
    },
  );
  return outcome;
}

/** `Check ERP policies`: the business rules' checks in their order, and whether approval is needed. */
export async function checkCommitmentPolicies(
  state: CommitmentState,
  ports: CommitmentPorts,
): Promise<PolicyOutcome> {
  const need = sourcingNeedOf(state);
  const sourcing = state.sourcing;
  if (!sourcing) throw new ContractViolation('policy check without a sourcing outcome', 'supplyline');
  if (!sourcing.supplierNumber || !sourcing.unitPrice) {
    throw new ContractViolation(
      `sourcing request ${sourcing.requestId} has no supplier or price`,
      'procurement',
    );
  }
  const { facts, warehouseCode } = await lookUpPolicyFacts(
    {
      itemCode: need.itemCode,
      site: need.site,
      supplierNumber: sourcing.supplierNumber,
      quantityEa: sourcing.quantityEa,
      unitPrice: sourcing.unitPrice,
      currency: sourcing.currency ?? 'USD',
    },
    ports,
  );
  const totalValue = Decimal.of(sourcing.quantityEa).mul(sourcing.unitPrice);
  const { currency } = facts;
  const verdict = checkErpPolicies(facts, ports.policy);
  const outcome: PolicyOutcome = {
    ok: verdict.ok,
    ...(verdict.ok
      ? {}
      : {
          violation: {
            code: verdict.violation.code,
            message: verdict.violation.message,
            system: verdict.violation.system,
          },
        }),
    approvalRequired: verdict.ok && approvalRequired(totalValue, ports.policy.approvalLimit),
    approvalId: `APR-${sourcing.requestId}-v${need.version}`,
    warehouseCode,
    totalValue: totalValue.toMoneyString('half-up'),
    currency,
  };
  // A refused check's path is recorded by the rejection that follows it.
  if (outcome.ok)
    await recordRequisitionStep(
      requisitionOf(state)?.requisitionId,
      ports,
      'policy-check',
      outcome.approvalRequired
        ? `passed; ${outcome.totalValue} ${currency} needs a person's approval`
        : `passed; ${outcome.totalValue} ${currency} within the approval limit`,
      outcome.approvalRequired ? { status: 'awaiting-approval' } : {},
    );
  return outcome;
}

/** `Post purchase order`: award in procurement, post to the ERP, emit, record lag and supply. */
export async function postPurchaseOrder(
  state: CommitmentState,
  ports: CommitmentPorts,
): Promise<PostedPurchaseOrder> {
  const { sourcing, policy } = state;
  if (!sourcing || !policy?.warehouseCode)
    throw new ContractViolation('posting without sourcing and policy outcomes', 'supplyline');
  const need = sourcingNeedOf(state);
  const requisition = requisitionOf(state);
  const externalRef = purchaseOrderRef(sourcing);
  const po = await ports.procurement.awardPurchaseOrder(
    { sourcingRequestId: sourcing.requestId, externalRef },
    { idempotencyKey: `po-create:${sourcing.requestId}` },
  );
  const lines = po.lines.map((line) => ({
    lineNo: line.lineNo,
    itemCode: line.itemCode,
    quantityEa: line.quantityEa,
    unitPrice: line.unitPrice,
    needBy: line.needBy,
  }));
  const now = ports.now();
  const erpOrder = await ports.erps.forWarehouse(policy.warehouseCode).postPurchaseOrder({
    externalRef,
    supplierNumber: po.supplierNumber,
    warehouseCode: policy.warehouseCode,
    purchaseDate: now.toISOString().slice(0, 10),
    currency: po.currency,
    lines: lines.map((line) => ({
      itemCode: line.itemCode,
      quantityEa: line.quantityEa,
      unitPrice: line.unitPrice,
      deliveryDate: line.needBy,
    })),
  });
  const posted: PostedPurchaseOrder = {
    externalRef,
    poNumber: po.poNumber,
    erpNumber: erpOrder.number,
    supplierNumber: po.supplierNumber,
    site: need.site,
    warehouseCode: policy.warehouseCode,
    currency: po.currency,
    totalValue: Decimal.sum(
      lines.map((line) => Decimal.of(line.quantityEa).mul(line.unitPrice)),
    ).toMoneyString('half-up'),
    sourcingRequestId: sourcing.requestId,
    lines,
    postedAt: now.toISOString(),
    ...(requisition ? { requisitionId: requisition.requisitionId } : {}),
  };

  const ref = { objectType: 'PurchaseOrder', objectId: externalRef };
  const postedEvent = buildEvent(
    'purchase-order.posted',
    {
      externalRef,
      poNumber: posted.poNumber,
      erpNumber: posted.erpNumber,
      revision: po.revision,
      status: 'ISSUED',
      supplierNumber: posted.supplierNumber,
      site: posted.site,
      warehouseCode: posted.warehouseCode,
      currency: posted.currency,
      totalValue: posted.totalValue,
      sourcingRequestId: sourcing.requestId,
      lines: lines.map((line) => ({ ...line, confirmedQuantityEa: null, confirmedDate: null })),
      updatedAt: posted.postedAt,
    },
    eventFacts(state, externalRef, po.revision, `purchase-order:${externalRef}:posted`, ports),
    ports,
  );
  await ports.publish([postedEvent]);
  // Each instance's posting lag is its own pair, as the acknowledgement's is (domain/sync-lag.ts).
  const erp = erpSyncSystem(ports.erps.instanceFor(policy.warehouseCode), ports.erps.primary);
  await ports.ledger.recordSourceChange(ref, {
    from: 'planning',
    to: erp,
    version: need.version,
    sourceEventAt: state.event.occurredAt,
    correlationId: state.event.correlationId,
  });
  const lag = await ports.ledger.recordConfirmation(ref, {
    from: 'planning',
    to: erp,
    version: need.version,
    confirmedAt: posted.postedAt,
  });
  await Promise.all([
    ports.ledger.recordState(ref, {
      system: 'procurement',
      reference: posted.poNumber,
      state: po.status,
      version: po.revision,
      confirmedAt: posted.postedAt,
    }),
    ports.ledger.recordState(ref, {
      system: 'erp',
      reference: posted.erpNumber,
      state: erpOrder.state,
      version: erpOrder.revision,
      confirmedAt: posted.postedAt,
    }),
    ports.ledger.recordEvent(ref, postedEvent),
    ports.commitments.recordPosted(posted),
    ports.supply.recordLines(
      lines.map((line) => ({
        poNumber: posted.poNumber,
        lineNo: line.lineNo,
        itemCode: line.itemCode,
        site: posted.site,
        status: 'issued' as const,
        orderedQtyEa: line.quantityEa,
        confirmedQtyEa: null,
        receivedQtyEa: null,
        needBy: line.needBy,
      })),
    ),
  ]);
  await recordRequisitionStep(
    requisition?.requisitionId,
    ports,
    'erp-posting',
    `purchase order ${posted.poNumber} awarded, ERP order ${posted.erpNumber} posted`,
    {
      status: 'ordered',
      references: {
        purchaseOrder: externalRef,
        procurementPurchaseOrder: posted.poNumber,
        erpOrder: posted.erpNumber,
      },
    },
  );
  if (lag !== undefined) {
    // Forecast-to-order is measured for forecast exceptions; a requisition's sync lag still is.
    if (!requisition) ports.metric?.('ForecastToOrderSeconds', lag, 'Seconds');
    ports.metric?.('SyncLagSeconds', lag, 'Seconds', {
      ObjectType: 'purchase-order',
      SystemPair: systemPair('planning', erp),
    });
  }
  return posted;
}

/** Input of the rejection step (every Catch of the workflows leads to it). */
export interface RejectionInput {
  category: 'BUSINESS' | 'TECHNICAL';
  /** An explicit reason (approval rejected, timed out, acknowledgement overdue). */
  violation?: { code: string; message?: string };
  /** False when nothing may be undone (the PO is already posted). @default true */
  compensate?: boolean;
  event: CommitmentState['event'];
  /** The workflow state when the rejection happened. */
  context: Partial<CommitmentState>;
}

export interface RejectionOutcome {
  /** `pending`/`not-possible`: the sourcing request still needs a person (see the exception). */
  compensation: 'none' | 'cancelled' | 'restored' | 'pending' | 'not-possible';
  integrationExceptionId: string;
  code: string;
}

function reasonOf(input: RejectionInput): { code: string; message: string; system: string } {
  const { context } = input;
  if (input.violation) {
    const message =
      input.violation.message ??
      (input.violation.code === 'APPROVAL_REJECTED'
        ? `The approver ${context.approval?.approver ?? ''} rejected the commitment: ${context.approval?.reason ?? 'no reason given'}`
        : input.violation.code === 'APPROVAL_TIMEOUT'
          ? 'No approval decision before the deadline; the commitment was not posted.'
          : 'The supplier did not acknowledge the purchase order before the deadline.');
    return {
      code: input.violation.code,
      message,
      system: input.violation.code.startsWith('ACK') ? 'procurement' : 'supplyline',
    };
  }
  if (context.policy && !context.policy.ok && context.policy.violation) return context.policy.violation;
  const failure = context.failure ?? {};
  let cause = failure.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; code?: string };
    cause = parsed.errorMessage ?? cause;
  } catch {
    // A Cause that is not JSON is already the message.
  }
  return {
    code: input.category === 'BUSINESS' ? (failure.Error ?? 'BUSINESS_REJECTION') : 'SYSTEM_UNAVAILABLE',
    message: cause || `${failure.Error ?? 'Unknown error'} after retries`,
    system: 'supplyline',
  };
}

/** `Reject and compensate`: undo the sourcing change, then raise an integration exception for a person. */
export async function rejectCommitment(
  input: RejectionInput,
  ports: CommitmentPorts,
): Promise<RejectionOutcome> {
  const { context } = input;
  const reason = reasonOf(input);
  let compensation: RejectionOutcome['compensation'] = 'none';
  let compensationError: string | undefined;
  const sourcing = context.sourcing;
  if (input.compensate !== false && sourcing && sourcing.applied !== 'cancelled') {
    const applied: AppliedSourcingChange =
      sourcing.applied === 'created'
        ? { kind: 'create', requestId: sourcing.requestId }
        : {
            kind: 'amend',
            requestId: sourcing.requestId,
            fromQuantityEa: Decimal.of(sourcing.previousQuantityEa ?? sourcing.quantityEa),
            toQuantityEa: Decimal.of(sourcing.quantityEa),
            needBy: sourcing.needBy,
            previousNeedBy: sourcing.previousNeedBy ?? sourcing.needBy,
          };
    const undo = compensationFor(applied);
    try {
      if (undo.kind === 'cancel') {
        await ports.procurement.cancelSourcingRequest(undo.requestId, {
          idempotencyKey: `sr-cancel:${undo.requestId}`,
        });
        compensation = 'cancelled';
      } else if (undo.kind === 'amend') {
        await ports.procurement.amendSourcingRequest(
          undo.requestId,
          { quantityEa: undo.toQuantityEa.toString(), needBy: undo.needBy },
          { idempotencyKey: `sr-restore:${undo.requestId}:${input.event.idempotencyKey}` },
        );
        compensation = 'restored';
      }
    } catch (error) {
      // The exception must reach a person even when the undo cannot be done now (procurement
      // unavailable) or at all (the request was awarded meanwhile): it says what is left to undo.
      if (!(error instanceof BusinessRejection) && !(error instanceof TransientFailure)) throw error;
      compensation = error instanceof BusinessRejection ? 'not-possible' : 'pending';
      compensationError = `${undo.kind === 'cancel' ? 'Cancelling' : 'Restoring'} sourcing request ${sourcing.requestId} ${
        compensation === 'pending' ? 'could not be done now' : 'is not possible'
      }: ${error.message}`;
    }
  }
  const need =
    context.exception || requisitionOf(input)
      ? sourcingNeedOf({ ...context, event: input.event })
      : undefined;
  const objectType = context.purchaseOrder ? 'PurchaseOrder' : (need?.objectType ?? 'ForecastException');
  const objectId = context.purchaseOrder?.externalRef ?? need?.objectId ?? input.event.idempotencyKey;
  const integrationExceptionId = `IX-${reason.code}-${objectId}`
    .replace(/[^A-Za-z0-9_.:/#-]/g, '-')
    .slice(0, 128);
  const raisedAt = ports.now().toISOString();
  const events: CanonicalEvent[] = [
    buildEvent(
      'integration-exception.raised',
      {
        exceptionId: integrationExceptionId,
        category: input.category,
        code: reason.code,
        message: (compensationError ? `${reason.message} ${compensationError}.` : reason.message).slice(
          0,
          2000,
        ),
        status: 'OPEN',
        objectType,
        objectId: objectId.slice(0, 200),
        system: reason.system as 'planning' | 'procurement' | 'erp' | 'supplyline',
        raisedAt,
        details: JSON.stringify({
          compensation,
          compensationError: compensationError ?? null,
          sourcing: sourcing ?? null,
          failure: context.failure ?? null,
        }).slice(0, 16000),
      },
      eventFacts(
        input as unknown as CommitmentState,
        objectId.slice(0, 200),
        need?.version ?? 0,
        `integration-exception:${integrationExceptionId}`,
        ports,
      ),
      ports,
    ),
  ];
  if ((compensation === 'cancelled' || compensation === 'restored') && sourcing) {
    events.push(
      buildEvent(
        compensation === 'cancelled' ? 'sourcing-request.cancelled' : 'sourcing-request.amended',
        {
          requestId: sourcing.requestId,
          externalRef: need?.sourcingRef ?? sourcing.requestId,
          status: compensation === 'cancelled' ? 'CANCELLED' : 'OPEN',
          itemCode: need?.itemCode ?? 'unknown',
          site: need?.site ?? 'unknown',
          quantityEa:
            compensation === 'cancelled'
              ? sourcing.quantityEa
              : (sourcing.previousQuantityEa ?? sourcing.quantityEa),
          previousQuantityEa: sourcing.quantityEa,
          needBy:
            compensation === 'cancelled' ? sourcing.needBy : (sourcing.previousNeedBy ?? sourcing.needBy),
          forecastExceptionKey: input.event.idempotencyKey,
        },
        eventFacts(
          input as unknown as CommitmentState,
          sourcing.requestId,
          need?.version ?? 0,
          `sourcing-request:${sourcing.requestId}:compensated`,
          ports,
        ),
        ports,
      ),
    );
  }
  await ports.publish(events);
  ports.metric?.('IntegrationExceptionsRaised', 1, 'Count', { Code: reason.code });
  await recordRequisitionStep(
    requisitionOf(input)?.requisitionId,
    ports,
    reason.code === 'APPROVAL_REJECTED' ? 'approval' : 'rejection',
    `${reason.code}: ${reason.message}`,
    {
      status: input.category === 'BUSINESS' ? 'rejected' : 'failed',
      references: { integrationException: integrationExceptionId },
    },
  );
  return { compensation, integrationExceptionId, code: reason.code };
}
