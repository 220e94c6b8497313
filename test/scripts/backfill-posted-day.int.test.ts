/** The byPostedDay index's backfill (ADR 0011, "Scale") in dynalite: old items become readable by day. */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitmentKey, DynamoDbCommitmentRegistry } from '../../adapters/aws/commitments';
import { DynamoDbRecordedOrders } from '../../adapters/aws/reconciliation-records';
import type { PostedPurchaseOrder } from '../../domain/commitment/types';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/tables';
import { backfillPostedDays } from '../../scripts/backfill/posted-day';

let dynamo: LocalDynamo;
let docs: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'backfill-posted-day' });
  docs = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(async () => dynamo.stop());

const posted = (n: number, postedAt: string): PostedPurchaseOrder => ({
  externalRef: `SL-PO-SR-${n}`,
  poNumber: `PO-${n}`,
  erpNumber: `P${n}`,
  supplierNumber: 'S-100',
  site: 'DC-EAST-02',
  warehouseCode: 'WH-EAST',
  currency: 'USD',
  totalValue: '1488.00',
  sourcingRequestId: `SR-${n}`,
  lines: [{ lineNo: 1, itemCode: 'ITEM-1', quantityEa: '480', unitPrice: '3.10', needBy: '2026-12-14' }],
  postedAt,
});

describe('backfillPostedDays (dynalite)', () => {
  it('gives commitments recorded before the index their posting day, once; the run then reads them', async () => {
    const table = dynamo.tableNames.workflowCorrelation;
    // As recordPosted wrote them before the index: no postedDay.
    for (const n of [1, 2])
      await docs.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...commitmentKey(`PO-${n}`, 'POSTED'),
            externalRef: `SL-PO-SR-${n}`,
            purchaseOrder: posted(n, `2026-11-2${n}T12:00:00.000Z`),
          },
        }),
      );
    await new DynamoDbCommitmentRegistry(docs, table).recordPosted(posted(3, '2026-11-23T12:00:00.000Z'));
    const records = new DynamoDbRecordedOrders(docs, {
      commitments: table,
      ledger: dynamo.tableNames.syncLedger,
    });
    const window = { since: '2026-11-20T00:00:00.000Z', until: '2026-11-30T00:00:00.000Z' };
    const read = async () => {
      const refs: string[] = [];
      for await (const page of records.pages(window)) refs.push(...page.map((order) => order.externalRef));
      return refs;
    };
    expect(await read()).toEqual(['SL-PO-SR-3']);

    expect(await backfillPostedDays(docs, table)).toBe(2);
    expect(await read()).toEqual(['SL-PO-SR-1', 'SL-PO-SR-2', 'SL-PO-SR-3']);
    expect(await backfillPostedDays(docs, table)).toBe(0);
  });
});
