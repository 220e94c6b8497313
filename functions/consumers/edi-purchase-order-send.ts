/**
 * Consumer of `purchase-order.posted` and `purchase-order.amended` (ERP): a supplier with an EDI
 * trading partner profile gets the order as an X12 850 in its outbound mailbox, once per revision
 * (domain/edi/purchase-order-transmission.ts); other suppliers use the procurement portal and are
 * let go.
 *
 * Environment: EDI_TRADING_PARTNERS, EDI_LEDGER_TABLE_NAME, EDI_MAILBOX_BUCKET_NAME, and the
 * consumer framework's (DEAD_LETTER_QUEUE_URL, IDEMPOTENCY_TABLE_NAME, EVENT_BUS_NAME, MAX_RECEIVE_COUNT).
 */
import type { PurchaseOrderAmendedV1, PurchaseOrderPostedV1 } from '../../canonical/generated/types';
import {
  validatePurchaseOrderAmendedV1,
  validatePurchaseOrderPostedV1,
} from '../../canonical/generated/validators';
import { transmitPurchaseOrder, type TransmissionPorts } from '../../domain/edi/purchase-order-transmission';
import { canonicalValidators, type ConsumerContext } from '../commons/consumer';
import { ediPorts } from '../commons/edi';
import { emitMetric } from '../commons/powertools';
import { consumerHandler } from './composition';

/** Sends one posted or amended order to its EDI partner, if its supplier has one. */
export async function sendPurchaseOrder(
  event: PurchaseOrderPostedV1 | PurchaseOrderAmendedV1,
  ctx: Pick<ConsumerContext, 'logger'>,
  ports: TransmissionPorts & { metric(name: string, dimensions: Record<string, string>): void },
): Promise<void> {
  const result = await transmitPurchaseOrder(event.data, ports);
  if (result.outcome === 'not-an-edi-supplier') return;
  if (result.outcome === 'stale') {
    ctx.logger.info('older revision than the 850 already sent: not sent', {
      poNumber: event.data.poNumber,
      revision: event.data.revision,
      latestRevision: result.latestRevision,
    });
    return;
  }
  const { transmission } = result;
  ports.metric(result.outcome === 'sent' ? 'EdiPurchaseOrdersSent' : 'EdiPurchaseOrdersSentAgain', {
    Partner: transmission.partnerId,
  });
  ctx.logger.info(`850 ${result.outcome}`, { ...transmission });
}

export const handler = consumerHandler({
  name: 'edi-purchase-order-send',
  validators: canonicalValidators({
    'purchase-order.posted': validatePurchaseOrderPostedV1,
    'purchase-order.amended': validatePurchaseOrderAmendedV1,
  }),
  process: async (event, ctx) => {
    await sendPurchaseOrder(event as PurchaseOrderPostedV1 | PurchaseOrderAmendedV1, ctx, {
      ...ediPorts(),
      now: () => new Date(),
      metric: (name, dimensions) => emitMetric(name, 1, 'Count', dimensions),
    });
  },
});
