/**
 * Posted commitments and the supply they add, in DynamoDB (TABLES.workflowCorrelation):
 *
 *   pk SUPPLY#<itemCode>#<site>, sk PO#<poNumber>#<lineNo>   one open purchase order line (SupplyStore)
 *   pk COMMITMENT#<poNumber>,    sk POSTED                   the posted purchase order; `externalRef`
 *                                                             feeds the byExternalRef index,
 *                                                             `postedDay`/`postedAt` byPostedDay
 *   pk COMMITMENT#<poNumber>,    sk ACKNOWLEDGEMENT          where the supplier acknowledgement and the
 *                                                             acknowledgement workflow's task token meet
 *
 * The acknowledgement may arrive before the workflow registers its wait, or after: each side first
 * writes its half only if the other half is absent (then the other side will answer), and otherwise
 * claims the answer with a second conditional write. Writes to one item are serialised, so for a
 * given task token exactly one side wins the claim and sends the task success.
 */
import { isConditionFailure } from './sdk-errors';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AcknowledgementResult, PostedPurchaseOrder } from '../../domain/commitment/types';
import type { CommitmentRegistry, PostedCommitmentErpOrders } from '../../domain/ports/commitments';
import type { SupplyStore } from '../../domain/ports/supply';
import { OPEN_PURCHASE_ORDER_STATUSES } from '../../domain/procurement/need';
import type { PurchaseOrderLineSnapshot } from '../../domain/procurement/types';
import type { CommitmentAwaitingReceipt } from '../../domain/receipts';
import type { ConfirmedLine } from '../../domain/reconciliation/types';

/** Kept well past any delivery date and month-end reconciliation; DynamoDB TTL removes them after. */
const RETENTION_SECONDS = 400 * 24 * 3600;

/** Key of an open purchase order line in the supply partition of its item and site. */
export function supplyKey(
  line: Pick<PurchaseOrderLineSnapshot, 'itemCode' | 'site' | 'poNumber' | 'lineNo'>,
) {
  return { pk: `SUPPLY#${line.itemCode}#${line.site}`, sk: `PO#${line.poNumber}#${line.lineNo}` };
}

/** Keys of a commitment's items. */
export function commitmentKey(poNumber: string, item: 'POSTED' | 'ACKNOWLEDGEMENT') {
  return { pk: `COMMITMENT#${poNumber}`, sk: item };
}

/**
 * The byPostedDay index's attributes of a posted commitment (UTC day, instant). Items recorded
 * before the index existed lack them until backfilled (ADR 0011, "Scale": a one-off update that
 * sets both from `purchaseOrder.postedAt`).
 */
export function postedDayOf(postedAt: string): { postedDay: string; postedAt: string } {
  const at = new Date(postedAt).toISOString();
  return { postedDay: at.slice(0, 10), postedAt: at };
}

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** Open purchase order lines per item and site: the supply the middleware has committed. */
export class DynamoDbSupplyStore implements SupplyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Lines of the item at the site whose status still brings goods (not received, closed, cancelled). */
  async openLines(itemCode: string, site: string): Promise<PurchaseOrderLineSnapshot[]> {
    const lines: PurchaseOrderLineSnapshot[] = [];
    const statuses = Object.fromEntries(OPEN_PURCHASE_ORDER_STATUSES.map((status, i) => [`:s${i}`, status]));
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :po)',
          FilterExpression: `#status IN (${Object.keys(statuses).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': supplyKey({ itemCode, site, poNumber: '', lineNo: 0 }).pk,
            ':po': 'PO#',
            ...statuses,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        lines.push({
          poNumber: item.poNumber as string,
          lineNo: item.lineNo as number,
          itemCode: item.itemCode as string,
          site: item.site as string,
          status: item.status as PurchaseOrderLineSnapshot['status'],
          orderedQtyEa: item.orderedQtyEa as string,
          confirmedQtyEa: (item.confirmedQtyEa as string | null | undefined) ?? null,
          receivedQtyEa: (item.receivedQtyEa as string | null | undefined) ?? null,
          needBy: item.needBy as string,
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return lines;
  }

  /** Stores each line as it now stands (quantities as exact decimal strings). */
  async recordLines(lines: readonly PurchaseOrderLineSnapshot[]): Promise<void> {
    const expiresAt = Math.floor(this.now().getTime() / 1000) + RETENTION_SECONDS;
    await Promise.all(
      lines.map((line) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...supplyKey(line),
              poNumber: line.poNumber,
              lineNo: line.lineNo,
              itemCode: line.itemCode,
              site: line.site,
              status: line.status,
              orderedQtyEa: String(line.orderedQtyEa),
              confirmedQtyEa: text(line.confirmedQtyEa),
              receivedQtyEa: text(line.receivedQtyEa),
              needBy: line.needBy,
              expiresAt,
            },
          }),
        ),
      ),
    );
  }
}

/** Posted commitments by procurement PO number, and the acknowledgement rendezvous. */
export class DynamoDbCommitmentRegistry implements CommitmentRegistry, PostedCommitmentErpOrders {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private expiresAt(): number {
    return Math.floor(this.now().getTime() / 1000) + RETENTION_SECONDS;
  }

  /** Stores the posted purchase order (a repeat of the same posting overwrites it with the same facts). */
  async recordPosted(po: PostedPurchaseOrder): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...commitmentKey(po.poNumber, 'POSTED'),
          externalRef: po.externalRef,
          // The byPostedDay index: reconciliation reads a posting day with one Query.
          ...postedDayOf(po.postedAt),
          purchaseOrder: po,
          expiresAt: this.expiresAt(),
        },
      }),
    );
  }

  async recordErpNumber(poNumber: string, erpNumber: string): Promise<void> {
    // Only the number changes: the receipts announced and the posting day stay as they are.
    await this.update({
      Key: commitmentKey(poNumber, 'POSTED'),
      UpdateExpression: 'SET purchaseOrder.erpNumber = :erpNumber',
      ConditionExpression: 'attribute_exists(purchaseOrder)',
      ExpressionAttributeValues: { ':erpNumber': erpNumber },
    });
  }

  async findByPoNumber(poNumber: string): Promise<PostedPurchaseOrder | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: commitmentKey(poNumber, 'POSTED'),
        ConsistentRead: true,
      }),
    );
    return Item?.purchaseOrder as PostedPurchaseOrder | undefined;
  }

  /**
   * Keeps the workflow's task token. Returns the acknowledgement when it arrived first and this
   * call won the right to answer the token; undefined when the acknowledgement side will answer
   * (or already answered this token).
   */
  async registerAcknowledgementWait(
    poNumber: string,
    taskToken: string,
  ): Promise<AcknowledgementResult | undefined> {
    const key = commitmentKey(poNumber, 'ACKNOWLEDGEMENT');
    const at = this.now().toISOString();
    if (
      await this.update({
        Key: key,
        UpdateExpression: 'SET taskToken = :token, waitingSince = :at, expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(acknowledgement)',
        ExpressionAttributeValues: { ':token': taskToken, ':at': at, ':exp': this.expiresAt() },
      })
    ) {
      return undefined;
    }
    // The acknowledgement is there: claim the answer of this token, unless it was answered already.
    const claimed = await this.update({
      Key: key,
      UpdateExpression: 'SET taskToken = :token, answeredToken = :token, answeredAt = :at',
      ConditionExpression:
        'attribute_exists(acknowledgement) AND (attribute_not_exists(answeredToken) OR answeredToken <> :token)',
      ExpressionAttributeValues: { ':token': taskToken, ':at': at },
      ReturnValues: 'ALL_NEW',
    });
    return claimed ? (claimed.acknowledgement as AcknowledgementResult) : undefined;
  }

  /** Keeps the latest confirmation (by receipt time) in the `confirmation` attribute of the rendezvous item. */
  async recordConfirmationReceived(
    poNumber: string,
    confirmation: { receivedAt: string; lines: ConfirmedLine[] },
  ): Promise<void> {
    await this.update({
      Key: commitmentKey(poNumber, 'ACKNOWLEDGEMENT'),
      UpdateExpression: 'SET confirmation = :confirmation, expiresAt = :exp',
      ConditionExpression: 'attribute_not_exists(confirmation) OR confirmation.receivedAt <= :at',
      ExpressionAttributeValues: {
        ':confirmation': confirmation,
        ':at': confirmation.receivedAt,
        ':exp': this.expiresAt(),
      },
    });
  }

  /**
   * Keeps the acknowledgement. Returns the waiting task token when the wait was registered first
   * and this call won the right to answer it; undefined when the wait side will answer (or the
   * token was answered already, e.g. a redelivered acknowledgement).
   */
  async recordAcknowledged(poNumber: string, result: AcknowledgementResult): Promise<string | undefined> {
    const key = commitmentKey(poNumber, 'ACKNOWLEDGEMENT');
    const at = this.now().toISOString();
    if (
      await this.update({
        Key: key,
        UpdateExpression: 'SET acknowledgement = :result, acknowledgedAt = :at, expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(taskToken)',
        ExpressionAttributeValues: { ':result': result, ':at': at, ':exp': this.expiresAt() },
      })
    ) {
      return undefined;
    }
    // A wait is registered: claim the answer of its token, unless that token was answered already.
    const claimed = await this.update({
      Key: key,
      UpdateExpression:
        'SET acknowledgement = :result, acknowledgedAt = :at, answeredToken = taskToken, answeredAt = :at',
      ConditionExpression:
        'attribute_exists(taskToken) AND (attribute_not_exists(answeredToken) OR answeredToken <> taskToken)',
      ExpressionAttributeValues: { ':result': result, ':at': at },
      ReturnValues: 'ALL_NEW',
    });
    return claimed ? (claimed.taskToken as string) : undefined;
  }

  /** A conditional update: the new item (or `{}`) when it applied, undefined when its condition failed. */
  private async update(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.client.send(new UpdateCommand({ TableName: this.tableName, ...input }));
      return result.Attributes ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

/** A posted commitment awaiting receipt, as {@link PostedCommitmentScan} reads it. */
export interface PostedCommitmentAwaitingReceipt extends CommitmentAwaitingReceipt {
  site: string;
  /** The posted lines (used when the ERP order cannot be read back). */
  lines: PostedPurchaseOrder['lines'];
  /** The purchase requisition it was committed for, if any. */
  requisitionId?: string;
}

/**
 * Posted commitments (`COMMITMENT#<poNumber>` / `POSTED`, written by DynamoDbCommitmentRegistry)
 * with the poller's own attributes `announcedReceipts` (string set) and `fullyReceivedAt`.
 *
 * NOTE: a filtered Scan. Good enough while the table is small; the table needs a sparse index
 * (e.g. `awaitingReceipt` set by recordPosted, removed by markAnnounced) before volumes grow.
 */
export class PostedCommitmentScan {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every posted commitment (and its stored item) matching the extra filter expression. */
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

  /** Posted commitments not fully received yet, with the receipts already announced. */
  async *awaitingReceipt(): AsyncGenerator<PostedCommitmentAwaitingReceipt> {
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
        ...(po.requisitionId ? { requisitionId: po.requisitionId } : {}),
      };
    }
  }

  /** Records the receipts announced for the order, and when it was fully received. */
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

  /** The procurement PO number of the posted commitment with this external reference (byExternalRef index). */
  async poNumberOf(externalRef: string): Promise<string | undefined> {
    const [posted] = await postedItemsWithExternalRef(this.client, this.tableName, externalRef);
    return (posted?.purchaseOrder as { poNumber?: string } | undefined)?.poNumber;
  }
}

/** The stored posted-commitment items (`POSTED`) with this external reference: one Query of byExternalRef. */
export async function postedItemsWithExternalRef(
  client: DynamoDBDocumentClient,
  tableName: string,
  externalRef: string,
): Promise<Record<string, unknown>[]> {
  const { Items } = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'byExternalRef',
      KeyConditionExpression: 'externalRef = :ref',
      ExpressionAttributeValues: { ':ref': externalRef },
    }),
  );
  return (Items ?? []).filter((item) => item.sk === 'POSTED');
}
