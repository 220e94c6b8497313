/**
 * Supplyline's own record of the orders in a reconciliation window, a page of one posting day's
 * Query (the byPostedDay index) at a time: the posted commitment (`COMMITMENT#<po>`/`POSTED`,
 * adapters/aws/commitments.ts), the supplier's confirmation as received (`COMMITMENT#<po>`/
 * `ACKNOWLEDGEMENT`, `confirmation`) and the ERP revision of the middleware's last change (the sync
 * ledger's `STATE#erp`). Memory holds one page.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runBounded } from '../../domain/concurrency';
import type { PostedPurchaseOrder } from '../../domain/commitment/types';
import type { RecordedOrderPages, ReconciliationWindow } from '../../domain/ports/reconciliation';
import type { RecordedOrder } from '../../domain/reconciliation/types';
import { postingDayPartitions } from '../../domain/reconciliation/partitioned';
import { commitmentKey, postedItemsWithExternalRef } from './commitments';

/** Items read at once. */
const READERS = 16;

/** Whether the instant is in the window `[since, until)` (ISO 8601 UTC strings order as instants). */
const within = (window: ReconciliationWindow, at: string) => window.since <= at && at < window.until;

/** The tables the records live in. */
export interface RecordTables {
  /** TABLES.workflowCorrelation: posted commitments and acknowledgements. */
  commitments: string;
  /** TABLES.syncLedger: the state each system last confirmed. */
  ledger: string;
}

/** Posted commitments of the window, with their confirmation and the ERP revision last written. */
export class DynamoDbRecordedOrders implements RecordedOrderPages {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: RecordTables,
    /** Items a query page reads. */
    private readonly pageSize = 500,
  ) {}

  /** One Query of the byPostedDay index per UTC day of the window (a partition is one day). */
  async *pages(window: ReconciliationWindow): AsyncGenerator<RecordedOrder[]> {
    for (const day of postingDayPartitions(window)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tables.commitments,
            IndexName: 'byPostedDay',
            KeyConditionExpression: 'postedDay = :day AND postedAt BETWEEN :since AND :until',
            ExpressionAttributeValues: {
              ':day': day.since.slice(0, 10),
              ':since': day.since,
              ':until': day.until,
            },
            Limit: this.pageSize,
            ExclusiveStartKey: startKey,
          }),
        );
        const posted = (page.Items ?? [])
          // BETWEEN includes its end, which the window does not (a key is no filter's to test).
          .filter((item) => within(day, item.postedAt as string))
          .map((item) => item.purchaseOrder as PostedPurchaseOrder | undefined)
          .filter((po): po is PostedPurchaseOrder => po !== undefined);
        if (posted.length > 0) yield await this.complete(posted);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
  }

  /** One Query of the `byExternalRef` index per reference, a few at a time (a page is 100). */
  async recordedAmong(
    externalRefs: readonly string[],
    window: ReconciliationWindow,
  ): Promise<ReadonlySet<string>> {
    const recorded = new Set<string>();
    await runBounded(externalRefs, READERS, async (externalRef) => {
      const posted = await postedItemsWithExternalRef(this.client, this.tables.commitments, externalRef);
      // The orders `pages` yields: a posted commitment recorded in the window.
      const inWindow = posted.some((item) => {
        const postedAt = (item.purchaseOrder as PostedPurchaseOrder | undefined)?.postedAt;
        return postedAt !== undefined && within(window, postedAt);
      });
      if (inWindow) recorded.add(externalRef);
    });
    return recorded;
  }

  private async complete(posted: readonly PostedPurchaseOrder[]): Promise<RecordedOrder[]> {
    const [acknowledgements, states] = await Promise.all([
      this.getEach(
        this.tables.commitments,
        posted.map((po) => commitmentKey(po.poNumber, 'ACKNOWLEDGEMENT')),
      ),
      this.getEach(
        this.tables.ledger,
        posted.map((po) => ({ pk: `PurchaseOrder#${po.externalRef}`, sk: 'STATE#erp' })),
      ),
    ]);
    return posted.map((po) => {
      const confirmation = acknowledgements.get(commitmentKey(po.poNumber, 'ACKNOWLEDGEMENT').pk)
        ?.confirmation as RecordedOrder['confirmation'] | undefined;
      const erpState = states.get(`PurchaseOrder#${po.externalRef}`);
      return {
        externalRef: po.externalRef,
        poNumber: po.poNumber,
        erpNumber: po.erpNumber,
        supplierNumber: po.supplierNumber,
        warehouseCode: po.warehouseCode,
        currency: po.currency,
        totalValue: po.totalValue,
        recordedAt: po.postedAt,
        lines: po.lines,
        erpRevisionWritten: typeof erpState?.version === 'number' ? erpState.version : null,
        confirmation: confirmation ?? null,
      };
    });
  }

  /**
   * The items found, by partition key (each key names one item per partition here). GetItem a few
   * at a time rather than BatchGetItem: the function catalog grants item operations, and a page is
   * small.
   */
  private async getEach(
    tableName: string,
    keys: readonly { pk: string; sk: string }[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    await runBounded(keys, READERS, async (key) => {
      const { Item } = await this.client.send(new GetCommand({ TableName: tableName, Key: key }));
      if (Item) found.set(key.pk, Item);
    });
    return found;
  }
}
