/**
 * Every minute: for each posted commitment not fully received, asks the ERP for its receipts and
 * announces each new posted receipt once as `receipt.posted` (idempotency key `receipt:<number>`,
 * published through the idempotency table, so overlapping runs cannot announce one twice). It also
 * keeps the supply store's received quantities (absolute, per order line: only the poller sees every
 * receipt of an order) and marks the commitment, so a fully received order is no longer polled.
 *
 * Environment: WORKFLOW_CORRELATION_TABLE_NAME, IDEMPOTENCY_TABLE_NAME, EVENT_BUS_NAME, TENANT_ID,
 * CIRCUIT_BREAKER_TABLE_NAME, ERP_BASE_URL, ERP_DATABASE, ERP_CREDENTIALS_SECRET_ARN.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { commitmentKey } from '../../adapters/aws/commitments';
import { EventBridgePublisher } from '../../adapters/aws/event-publisher';
import { idempotentPublisher } from '../../adapters/aws/idempotent-publisher';
import type { ErpPort } from '../../domain/ports/erp';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { PostedPurchaseOrder } from '../../domain/commitment/types';
import type { SupplyStore } from '../../domain/ports/supply';
import {
  receiptEventKey,
  receiptsToAnnounce,
  receiptVersion,
  type CommitmentAwaitingReceipt,
} from '../../domain/receipts';
import { EVENT_BUS_ENV_VAR, TABLES, TENANT_ID_ENV_VAR } from '../../application/resources';
import { documents, dynamo, env, eventBridge } from '../commons/clients';
import { commitmentPorts } from '../commons/ports';
import { logger, metrics } from '../commons/powertools';

/** A posted commitment as the poller reads it. */
export interface PolledCommitment extends CommitmentAwaitingReceipt {
  site: string;
  /** The posted lines (used when the ERP order cannot be read back). */
  lines: PostedPurchaseOrder['lines'];
}

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
  erp: Pick<ErpPort, 'listReceipts' | 'findPurchaseOrder'>;
  /** Publishes an event unless one with its idempotency key was published before. */
  publishOnce(event: CanonicalEvent): Promise<{ duplicate: boolean }>;
  supply?: Pick<SupplyStore, 'openLines' | 'recordLines'>;
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

/** One pass over the commitments awaiting receipt; a failing order is logged and skipped. */
export async function pollErpReceipts(
  ports: ReceiptPollerPorts,
  concurrency = 4,
): Promise<ReceiptPollReport> {
  const report: ReceiptPollReport = { commitments: 0, announced: 0, completed: 0, failed: 0 };
  const running = new Set<Promise<void>>();
  for await (const commitment of ports.commitments.awaitingReceipt()) {
    report.commitments++;
    const task = pollOne(commitment, ports, report)
      .catch((error: unknown) => {
        report.failed++;
        ports.logger.error('could not poll the receipts of a commitment', {
          poNumber: commitment.poNumber,
          externalRef: commitment.externalRef,
          error: error as Error,
        });
      })
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= concurrency) await Promise.race(running);
  }
  await Promise.all(running);
  return report;
}

async function pollOne(commitment: PolledCommitment, ports: ReceiptPollerPorts, report: ReceiptPollReport) {
  const receipts = await ports.erp.listReceipts(commitment.externalRef);
  const announced = new Set(commitment.announcedReceipts);
  const unseen = receipts.filter(
    (receipt) =>
      (receipt.state === 'received' || receipt.state === 'done') && !announced.has(receipt.receiptNumber),
  );
  if (unseen.length === 0) return;
  // The ERP order's current quantities: a partial confirmation may have amended them.
  const order = await ports.erp.findPurchaseOrder(commitment.externalRef);
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
        idempotencyKey: receiptEventKey(receipt.receiptNumber),
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

/**
 * Posted commitments (`COMMITMENT#<poNumber>` / `POSTED`, written by DynamoDbCommitmentRegistry)
 * with the poller's own attributes `announcedReceipts` (string set) and `fullyReceivedAt`.
 *
 * NOTE: a filtered Scan. Good enough while the table is small; the table needs a sparse index
 * (e.g. `awaitingReceipt` set by recordPosted, removed here) before volumes grow. This class belongs
 * in adapters/aws/commitments.ts; it lives here until that file's owner takes it.
 */
export class PostedCommitmentScan implements CommitmentsAwaitingReceipt {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *posted(filter = ''): AsyncGenerator<{ po: PostedPurchaseOrder; item: Record<string, unknown> }> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: `sk = :posted AND begins_with(pk, :commitment)${filter}`,
          ExpressionAttributeValues: { ':posted': 'POSTED', ':commitment': 'COMMITMENT#' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const po = item.purchaseOrder as PostedPurchaseOrder | undefined;
        if (po) yield { po, item };
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async *awaitingReceipt(): AsyncGenerator<PolledCommitment> {
    for await (const { po, item } of this.posted(' AND attribute_not_exists(fullyReceivedAt)')) {
      const announced = item.announcedReceipts as Set<string> | undefined;
      yield {
        poNumber: po.poNumber,
        externalRef: po.externalRef,
        erpNumber: po.erpNumber,
        warehouseCode: po.warehouseCode,
        site: po.site,
        lines: po.lines,
        announcedReceipts: announced ? [...announced] : [],
      };
    }
  }

  async markAnnounced(poNumber: string, receiptNumbers: readonly string[], fullyReceivedAt: string | null) {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: commitmentKey(poNumber, 'POSTED'),
        UpdateExpression: `ADD announcedReceipts :numbers${fullyReceivedAt ? ' SET fullyReceivedAt = :at' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':numbers': new Set(receiptNumbers),
          ...(fullyReceivedAt ? { ':at': fullyReceivedAt } : {}),
        },
      }),
    );
  }
}

let ports: ReceiptPollerPorts | undefined;
function lambdaPorts(): ReceiptPollerPorts {
  const shared = commitmentPorts();
  const publisher = new EventBridgePublisher(eventBridge(), env(EVENT_BUS_ENV_VAR));
  return {
    commitments: new PostedCommitmentScan(documents(), env(TABLES.workflowCorrelation.envVar)),
    get erp() {
      return shared.erp;
    },
    get supply() {
      return shared.supply;
    },
    publishOnce: idempotentPublisher((event) => publisher.publish([event]), {
      client: dynamo(),
      tableName: env(TABLES.idempotency.envVar),
      onDuplicate: () => metrics.addMetric('DuplicatesSuppressed', MetricUnit.Count, 1),
    }),
    logger,
    tenantId: env(TENANT_ID_ENV_VAR),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
  };
}

/** Schedule target (every minute). */
export const handler = async (): Promise<ReceiptPollReport> => {
  ports ??= lambdaPorts();
  try {
    const report = await pollErpReceipts(ports);
    metrics.addMetric('ReceiptsAnnounced', MetricUnit.Count, report.announced);
    metrics.addMetric('ReceiptPollFailures', MetricUnit.Count, report.failed);
    logger.info('ERP receipts polled', { ...report });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
};
