/**
 * Critical lane consumer of `receipt.posted`: sets the procurement purchase order to
 * `partially_received` or `received` (erp_reference = the ERP order number, one Idempotency-Key per
 * receipt) and records the erp -> procurement sync lag (SLO 5 min; metric SyncLagSeconds,
 * ObjectType=receipt, SystemPair=erp-procurement). Received quantities in the supply store are kept
 * by the poller, which sees every receipt of an order.
 *
 * A partial receipt that arrives after the order was already fully received (queues do not keep
 * order) is not applied: the status never goes back.
 *
 * Environment: WORKFLOW_CORRELATION_TABLE_NAME (PO number by external reference), SYNC_LEDGER_TABLE_NAME,
 * CIRCUIT_BREAKER_TABLE_NAME, PROCUREMENT_BASE_URL, PROCUREMENT_OAUTH_SECRET_ARN, and the consumer
 * framework's (DEAD_LETTER_QUEUE_URL, IDEMPOTENCY_TABLE_NAME, EVENT_BUS_NAME, MAX_RECEIVE_COUNT).
 */
import { validateReceiptPostedV1 } from '../../canonical/generated/validators';
import type { ProcurementClient } from '../../adapters/procurement/client';
import type { ReceiptPostedV1 } from '../../canonical/generated/types';
import type { LedgerPort } from '../../domain/ports/sync-ledger';
import { ContractViolation } from '../../domain/failures';
import { procurementStatusUpdate } from '../../domain/receipts';
import { canonicalValidators, type ConsumerContext } from '../commons/consumer';
import { consumerHandler, receiptSyncPorts } from './composition';

/** Statuses a receipt must not move an order away from. */
const FINAL_STATUSES: ReadonlySet<string> = new Set(['received', 'closed', 'cancelled']);

export interface ReceiptSyncPorts {
  /** The procurement PO number of a posted commitment, by its external reference. */
  findPoNumber(externalRef: string): Promise<string | undefined>;
  procurement: Pick<ProcurementClient, 'getPurchaseOrder' | 'updatePurchaseOrderStatus'>;
  ledger: Pick<LedgerPort, 'recordSourceChange' | 'recordConfirmation' | 'recordState' | 'recordEvent'>;
  metric(name: string, value: number, unit: 'Seconds' | 'Count', dimensions?: Record<string, string>): void;
  now(): Date;
}

/** Applies one ERP receipt to the procurement purchase order. */
export async function syncReceipt(
  event: ReceiptPostedV1,
  ctx: Pick<ConsumerContext, 'logger'>,
  ports: ReceiptSyncPorts,
): Promise<'applied' | 'superseded'> {
  const receipt = event.data;
  const poNumber = await ports.findPoNumber(receipt.externalRef);
  if (!poNumber)
    throw new ContractViolation(
      `no posted commitment with external reference ${receipt.externalRef}`,
      'erp',
      {
        externalRef: receipt.externalRef,
        receiptNumber: receipt.receiptNumber,
      },
    );
  const ref = { objectType: 'PurchaseOrder', objectId: receipt.externalRef };
  await ports.ledger.recordEvent(ref, event);

  if (!receipt.complete) {
    const current = await ports.procurement.getPurchaseOrder(poNumber, { lane: 'critical' });
    if (current && FINAL_STATUSES.has(current.status)) {
      ctx.logger.info('partial receipt after the order was closed or fully received: not applied', {
        poNumber,
        receiptNumber: receipt.receiptNumber,
        procurementStatus: current.status,
      });
      ports.metric('ReceiptsSuperseded', 1, 'Count');
      return 'superseded';
    }
  }
  await ports.ledger.recordSourceChange(ref, {
    from: 'erp',
    to: 'procurement',
    version: event.sourceVersion,
    sourceEventAt: receipt.receivedAt,
    correlationId: event.correlationId,
  });
  const update = procurementStatusUpdate(poNumber, receipt);
  const po = await ports.procurement.updatePurchaseOrderStatus(poNumber, update.body, {
    idempotencyKey: update.idempotencyKey,
    lane: 'critical',
  });
  const confirmedAt = ports.now().toISOString();
  const lag = await ports.ledger.recordConfirmation(ref, {
    from: 'erp',
    to: 'procurement',
    version: event.sourceVersion,
    confirmedAt,
  });
  await ports.ledger.recordState(ref, {
    system: 'procurement',
    reference: poNumber,
    state: po.status,
    version: po.revision,
    confirmedAt,
  });
  if (lag !== undefined)
    ports.metric('SyncLagSeconds', lag, 'Seconds', { ObjectType: 'receipt', SystemPair: 'erp-procurement' });
  ctx.logger.info('procurement purchase order updated from an ERP receipt', {
    poNumber,
    receiptNumber: receipt.receiptNumber,
    status: update.body.status,
    lagSeconds: lag,
  });
  return 'applied';
}

export const handler = consumerHandler({
  name: 'receipt-sync',
  validators: canonicalValidators({ 'receipt.posted': validateReceiptPostedV1 }),
  process: async (event, ctx) => {
    await syncReceipt(event as ReceiptPostedV1, ctx, receiptSyncPorts());
  },
});
