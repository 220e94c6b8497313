/**
 * Every minute: for each posted commitment not fully received, asks the ERP for its receipts and
 * announces each new posted receipt once as `receipt.posted` (idempotency key `receipt:<number>`,
 * published through the idempotency table, so overlapping runs cannot announce one twice). It also
 * keeps the supply store's received quantities (absolute, per order line: only the poller sees every
 * receipt of an order) and marks the commitment, so a fully received order is no longer polled.
 * Each ERP instance (business unit) is polled in its own run, with its own concurrency: a slow or
 * down instance holds up only its own commitments (ADR 0013).
 *
 * Environment: WORKFLOW_CORRELATION_TABLE_NAME, IDEMPOTENCY_TABLE_NAME, EVENT_BUS_NAME, TENANT_ID,
 * CIRCUIT_BREAKER_TABLE_NAME, ERP_BASE_URL, ERP_DATABASE, ERP_CREDENTIALS_SECRET_ARN (and ERP_INSTANCES
 * with each further instance's variables, application/erp-instances.ts).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { PostedCommitmentAwaitingReceipt } from '../../adapters/aws/commitments';
import type { ErpInstances } from '../../domain/business-units';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { SupplyStore } from '../../domain/ports/supply';
import { receiptEventKey, receiptsToAnnounce, receiptVersion } from '../../domain/receipts';
import { logger, metrics } from '../commons/powertools';
import { receiptPollerPorts } from './receipt-poller-ports';
import type { Context } from 'aws-lambda';
import type { RequisitionBook } from '../../domain/ports/requisitions';
import { beginInvocation } from '../commons/invocation';

/** A posted commitment as the poller reads it. */
export type PolledCommitment = PostedCommitmentAwaitingReceipt;

/** Where the poller finds commitments and records what it announced. */
export interface CommitmentsAwaitingReceipt {
  awaitingReceipt(): AsyncIterable<PolledCommitment>;
  markAnnounced(
    poNumber: string,
    receiptNumbers: readonly string[],
    fullyReceivedAt: string | null,
  ): Promise<void>;
}

export interface ReceiptPollerPorts {
  commitments: CommitmentsAwaitingReceipt;
  /** The ERP instances: a commitment's receipts are in the instance of its warehouse. */
  erps: Pick<ErpInstances, 'forWarehouse' | 'instanceFor' | 'primary'>;
  /** Publishes an event unless one with its idempotency key was published before. */
  publishOnce(event: CanonicalEvent): Promise<{ duplicate: boolean }>;
  supply?: Pick<SupplyStore, 'openLines' | 'recordLines'>;
  /** The path of the purchase requisitions the orders were committed for. */
  requisitions?: Pick<RequisitionBook, 'record'>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  tenantId: string;
  now(): Date;
  newId(): string;
}

export interface ReceiptPollReport {
  commitments: number;
  announced: number;
  completed: number;
  failed: number;
}

/**
 * One pass over the commitments awaiting receipt, `concurrency` at a time per ERP instance; a
 * failing order is logged and skipped. Only an instance's own orders wait for a free slot of its
 * run, so one instance's slowness does not hold up another's receipts.
 */
export async function pollErpReceipts(
  ports: ReceiptPollerPorts,
  concurrency = 4,
): Promise<ReceiptPollReport> {
  const report: ReceiptPollReport = { commitments: 0, announced: 0, completed: 0, failed: 0 };
  const queues = new Map<string, PolledCommitment[]>();
  for await (const commitment of ports.commitments.awaitingReceipt()) {
    report.commitments++;
    const instance = ports.erps.instanceFor(commitment.warehouseCode);
    queues.set(instance, [...(queues.get(instance) ?? []), commitment]);
  }
  await Promise.all([...queues.values()].map((queue) => pollInstance(queue, ports, report, concurrency)));
  return report;
}

/** Drains one instance's commitments, `concurrency` at a time. */
async function pollInstance(
  queue: PolledCommitment[],
  ports: ReceiptPollerPorts,
  report: ReceiptPollReport,
  concurrency: number,
): Promise<void> {
  const worker = async () => {
    for (let commitment = queue.shift(); commitment; commitment = queue.shift())
      await pollOne(commitment, ports, report).catch((error: unknown) => {
        report.failed++;
        ports.logger.error('could not poll the receipts of a commitment', {
          poNumber: commitment!.poNumber,
          externalRef: commitment!.externalRef,
          error: error as Error,
        });
      });
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function pollOne(commitment: PolledCommitment, ports: ReceiptPollerPorts, report: ReceiptPollReport) {
  const instance = ports.erps.instanceFor(commitment.warehouseCode);
  const erp = ports.erps.forWarehouse(commitment.warehouseCode);
  const receipts = await erp.listReceipts(commitment.externalRef);
  const announced = new Set(commitment.announcedReceipts);
  const unseen = receipts.filter(
    (receipt) =>
      (receipt.state === 'received' || receipt.state === 'done') && !announced.has(receipt.receiptNumber),
  );
  if (unseen.length === 0) return;
  // The ERP order's current quantities: a partial confirmation may have amended them.
  const order = await erp.findPurchaseOrder(commitment.externalRef);
  const ordered = order?.lines ?? commitment.lines;
  const detectedAt = ports.now().toISOString();
  const toAnnounce = receiptsToAnnounce(commitment, ordered, receipts, detectedAt);
  for (const { receipt } of toAnnounce) {
    const event = buildEvent(
      'receipt.posted',
      receipt,
      {
        sourceObjectId: receipt.receiptNumber,
        sourceVersion: receiptVersion(detectedAt),
        occurredAt: detectedAt,
        correlationId: commitment.externalRef,
        idempotencyKey: receiptEventKey(
          receipt.receiptNumber,
          instance === ports.erps.primary ? undefined : instance,
        ),
        tenantId: ports.tenantId,
      },
      ports,
    );
    const { duplicate } = await ports.publishOnce(event);
    if (!duplicate) report.announced++;
    ports.logger.info('ERP receipt announced', {
      poNumber: commitment.poNumber,
      receiptNumber: receipt.receiptNumber,
      complete: receipt.complete,
      duplicate,
    });
  }
  const last = toAnnounce.at(-1);
  if (!last) return;
  if (ports.supply) await updateSupply(commitment, last.receivedByLine, last.receipt.complete, ports.supply);
  await ports.commitments.markAnnounced(
    commitment.poNumber,
    toAnnounce.map(({ receipt }) => receipt.receiptNumber),
    last.receipt.complete ? detectedAt : null,
  );
  if (last.receipt.complete) report.completed++;
  if (commitment.requisitionId && ports.requisitions) {
    for (const { receipt } of toAnnounce)
      await ports.requisitions.record(
        commitment.requisitionId,
        {
          step: 'receipt',
          at: detectedAt,
          outcome: `ERP receipt ${receipt.receiptNumber}: ${receipt.complete ? 'fully received' : 'partly received'}`,
        },
        {
          references: { receipt: receipt.receiptNumber },
          ...(receipt.complete ? { status: 'received' as const } : {}),
        },
      );
  }
}

/** Sets each line's received quantity (absolute, so a repeat is harmless) and its status. */
async function updateSupply(
  commitment: PolledCommitment,
  receivedByLine: ReadonlyMap<number, string>,
  complete: boolean,
  supply: Pick<SupplyStore, 'openLines' | 'recordLines'>,
): Promise<void> {
  const items = [...new Set(commitment.lines.map((line) => line.itemCode))];
  const open = (await Promise.all(items.map((item) => supply.openLines(item, commitment.site)))).flat();
  const mine = open.filter(
    (line) => line.poNumber === commitment.poNumber && receivedByLine.has(line.lineNo),
  );
  if (mine.length === 0) return;
  await supply.recordLines(
    mine.map((line) => ({
      ...line,
      receivedQtyEa: receivedByLine.get(line.lineNo)!,
      status: complete ? 'received' : 'partially_received',
    })),
  );
}

/** Schedule target (every minute). */
export const handler = async (_event?: unknown, context?: Context): Promise<ReceiptPollReport> => {
  beginInvocation(context);
  try {
    const report = await pollErpReceipts(receiptPollerPorts());
    metrics.addMetric('ReceiptsAnnounced', MetricUnit.Count, report.announced);
    metrics.addMetric('ReceiptPollFailures', MetricUnit.Count, report.failed);
    logger.info('ERP receipts polled', { ...report });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
};
