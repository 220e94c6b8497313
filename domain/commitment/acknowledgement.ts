/**
 * Supplier acknowledgements: applied to the ERP purchase order as they arrive (partial and late
 * ones too, even after the workflow's deadline), then the waiting workflow is released.
 */
import { buildEvent } from '../../canonical/envelope';
import type { PurchaseOrderAcknowledgedV1 } from '../../canonical/generated/types';
import { NotYetKnown } from '../failures';
import { evaluateAcknowledgement } from '../procurement/acknowledgement';
import { erpSyncSystem, systemPair } from '../sync-lag';
import { recordRequisitionStep } from './need';
import type { AcknowledgementResult, CommitmentPorts } from './types';

/**
 * How long an acknowledgement that overtook its purchase order's posting waits before it is looked
 * for again: a posting takes seconds, so the wait is short and repeated (bounded by the consumer).
 */
export const ACKNOWLEDGEMENT_PARKING_SECONDS = 10;

export interface AcknowledgementPorts extends Pick<
  CommitmentPorts,
  | 'erps'
  | 'publish'
  | 'ledger'
  | 'supply'
  | 'commitments'
  | 'tenantId'
  | 'now'
  | 'newId'
  | 'metric'
  | 'requisitions'
> {
  sendTaskSuccess(taskToken: string, output: AcknowledgementResult): Promise<void>;
}

export async function applyAcknowledgement(
  event: PurchaseOrderAcknowledgedV1,
  ports: AcknowledgementPorts,
): Promise<AcknowledgementResult> {
  const ack = event.data;
  const posted = await ports.commitments.findByPoNumber(ack.poNumber);
  if (!posted) {
    // The platform can deliver the acknowledgement before our ERP posting has recorded the order:
    // wait for it, and only after the consumer's bounded wait call it a PO we did not post.
    throw new NotYetKnown(
      `Acknowledgement for ${ack.poNumber}, which Supplyline has not recorded as posted (yet)`,
      'procurement',
      ACKNOWLEDGEMENT_PARKING_SECONDS,
      'PURCHASE_ORDER_UNKNOWN',
      { poNumber: ack.poNumber, revision: ack.revision },
    );
  }
  // Kept before the ERP is touched: should applying it fail for good, reconciliation still knows it.
  await ports.commitments.recordConfirmationReceived(ack.poNumber, {
    receivedAt: ack.acknowledgedAt,
    lines: ack.lines.map((line) => ({
      lineNo: line.lineNo,
      confirmedQtyEa: line.confirmedQuantityEa,
      confirmedDate: line.confirmedDate,
    })),
  });
  const evaluation = evaluateAcknowledgement(
    posted.lines,
    ack.lines.map((line) => ({
      lineNo: line.lineNo,
      confirmedQtyEa: line.confirmedQuantityEa,
      confirmedDate: line.confirmedDate,
    })),
  );
  const ref = { objectType: 'PurchaseOrder', objectId: posted.externalRef };
  let amended = false;
  if (evaluation.amendment) {
    const order = await ports.erps.forWarehouse(posted.warehouseCode).amendPurchaseOrder(posted.externalRef, {
      lines: evaluation.amendment.lines.map((line) => ({
        lineNo: line.lineNo,
        quantityEa: line.quantityEa.toString(),
        deliveryDate: line.deliveryDate,
      })),
    });
    amended = true;
    const amendedEvent = buildEvent(
      'purchase-order.amended',
      {
        externalRef: posted.externalRef,
        poNumber: posted.poNumber,
        erpNumber: order.number,
        revision: ack.revision,
        status: 'ACKNOWLEDGED',
        supplierNumber: posted.supplierNumber,
        site: posted.site,
        warehouseCode: posted.warehouseCode,
        currency: posted.currency,
        totalValue: posted.totalValue,
        sourcingRequestId: posted.sourcingRequestId,
        lines: posted.lines.map((line) => {
          const confirmed = evaluation.lines.find((l) => l.lineNo === line.lineNo);
          return {
            ...line,
            confirmedQuantityEa: confirmed ? confirmed.confirmedQtyEa.toString() : null,
            confirmedDate: confirmed ? confirmed.confirmedDate : null,
          };
        }),
        updatedAt: ports.now().toISOString(),
      },
      {
        sourceObjectId: posted.externalRef,
        sourceVersion: order.revision,
        occurredAt: ports.now(),
        correlationId: event.correlationId,
        causationId: event.eventId,
        idempotencyKey: `purchase-order:${posted.externalRef}:erp-r${order.revision}`,
        tenantId: ports.tenantId,
      },
      ports,
    );
    await ports.publish([amendedEvent]);
    await ports.ledger.recordEvent(ref, amendedEvent);
    await ports.ledger.recordState(ref, {
      system: 'erp',
      reference: order.number,
      state: order.state,
      version: order.revision,
      confirmedAt: ports.now().toISOString(),
    });
  }
  const confirmedAt = ports.now().toISOString();
  // Each instance's lag is its own pair, so one slow business unit's ERP shows (and alarms) alone.
  const erp = erpSyncSystem(ports.erps.instanceFor(posted.warehouseCode), ports.erps.primary);
  await ports.ledger.recordSourceChange(ref, {
    from: 'procurement',
    to: erp,
    version: ack.revision,
    sourceEventAt: ack.acknowledgedAt,
    correlationId: event.correlationId,
  });
  const lag = await ports.ledger.recordConfirmation(ref, {
    from: 'procurement',
    to: erp,
    version: ack.revision,
    confirmedAt,
  });
  if (lag !== undefined) {
    ports.metric?.('SyncLagSeconds', lag, 'Seconds', {
      ObjectType: 'purchase-order-acknowledgement',
      SystemPair: systemPair('procurement', erp),
    });
  }
  await ports.ledger.recordState(ref, {
    system: 'procurement',
    reference: posted.poNumber,
    state: 'acknowledged',
    version: ack.revision,
    confirmedAt,
  });
  await ports.supply.recordLines(
    evaluation.lines.map((line) => ({
      poNumber: posted.poNumber,
      lineNo: line.lineNo,
      itemCode: posted.lines.find((l) => l.lineNo === line.lineNo)?.itemCode ?? '',
      site: posted.site,
      status: 'acknowledged' as const,
      orderedQtyEa: line.orderedQtyEa.toString(),
      confirmedQtyEa: line.confirmedQtyEa.toString(),
      receivedQtyEa: null,
      needBy: line.needBy,
    })),
  );
  const result: AcknowledgementResult = {
    classification: evaluation.classification,
    amended,
    acknowledgedAt: ack.acknowledgedAt,
  };
  const taskToken = await ports.commitments.recordAcknowledged(ack.poNumber, result);
  if (taskToken) await ports.sendTaskSuccess(taskToken, result);
  if (posted.requisitionId)
    await recordRequisitionStep(
      posted.requisitionId,
      ports,
      'supplier-acknowledgement',
      `${result.classification} acknowledgement of ${posted.poNumber}${amended ? ', ERP order amended' : ''}`,
      { status: 'acknowledged', references: { acknowledgement: ack.acknowledgedAt } },
    );
  return result;
}

/** The acknowledgement workflow's wait: register the token, or answer at once if the supplier was faster. */
export async function registerAcknowledgementWait(
  input: { taskToken: string; purchaseOrder: { poNumber: string } },
  ports: Pick<AcknowledgementPorts, 'commitments' | 'sendTaskSuccess'>,
): Promise<void> {
  const already = await ports.commitments.registerAcknowledgementWait(
    input.purchaseOrder.poNumber,
    input.taskToken,
  );
  if (already) await ports.sendTaskSuccess(input.taskToken, already);
}
