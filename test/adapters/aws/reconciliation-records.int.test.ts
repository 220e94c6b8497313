/**
 * Supplyline's records as reconciliation reads them, in dynalite: the posted commitment, the
 * confirmation as received (latest kept) and the ERP revision of the middleware's last change.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitmentKey, DynamoDbCommitmentRegistry } from '../../../adapters/aws/commitments';
import { DynamoDbRecordedOrders } from '../../../adapters/aws/reconciliation-records';
import { postingDayPartitions } from '../../../domain/reconciliation/partitioned';
import { SyncLedger } from '../../../adapters/aws/sync-ledger';
import type { PostedPurchaseOrder } from '../../../domain/commitment/types';
import type { ReconciliationWindow } from '../../../domain/ports/reconciliation';
import type { RecordedOrder } from '../../../domain/reconciliation/types';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { backfillPostedDays } from '../../../scripts/backfill/posted-day';

let dynamo: LocalDynamo;
let docs: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'reconciliation-records' });
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

/** The reconciliation reader over this dynalite's tables (`pageSize` items a page when given). */
const recordsReader = (pageSize?: number) =>
  new DynamoDbRecordedOrders(
    docs,
    { commitments: dynamo.tableNames.workflowCorrelation, ledger: dynamo.tableNames.syncLedger },
    pageSize,
  );

/** The references of the window's orders, in the order its pages yield them. */
async function pagedReferences(records: DynamoDbRecordedOrders, window: ReconciliationWindow) {
  const refs: string[] = [];
  for await (const page of records.pages(window)) refs.push(...page.map((order) => order.externalRef));
  return refs;
}

describe('Supplyline’s records for reconciliation (dynalite)', () => {
  it('reads the window’s commitments in pages, with the latest confirmation and the ERP revision last written', async () => {
    const registry = new DynamoDbCommitmentRegistry(docs, dynamo.tableNames.workflowCorrelation);
    const ledger = new SyncLedger(docs, dynamo.tableNames.syncLedger);
    for (let n = 1; n <= 5; n++) await registry.recordPosted(posted(n, `2026-11-2${n}T12:00:00.000Z`));
    await registry.recordPosted(posted(9, '2026-08-01T12:00:00.000Z')); // before the window
    await ledger.recordState(
      { objectType: 'PurchaseOrder', objectId: 'SL-PO-SR-2' },
      {
        system: 'erp',
        reference: 'P2',
        state: 'processing',
        version: 1,
        confirmedAt: '2026-11-23T00:00:00Z',
      },
    );
    const latest = {
      receivedAt: '2026-11-24T09:00:00Z',
      lines: [{ lineNo: 1, confirmedQtyEa: '450', confirmedDate: '2026-12-16' }],
    };
    await registry.recordConfirmationReceived('PO-2', latest);
    // An older confirmation delivered late does not replace the latest.
    await registry.recordConfirmationReceived('PO-2', {
      receivedAt: '2026-11-23T09:00:00Z',
      lines: [{ lineNo: 1, confirmedQtyEa: '480', confirmedDate: '2026-12-14' }],
    });
    // The acknowledgement rendezvous still works beside the confirmation.
    expect(await registry.registerAcknowledgementWait('PO-2', 'token-2')).toBeUndefined();

    const records = recordsReader(2);
    const pages: RecordedOrder[][] = [];
    for await (const page of records.pages({
      since: '2026-09-06T00:00:00.000Z',
      until: '2026-12-05T00:00:00.000Z',
    }))
      pages.push([...page]);

    const all = pages.flat();
    expect(all.map((order) => order.poNumber).sort()).toEqual(['PO-1', 'PO-2', 'PO-3', 'PO-4', 'PO-5']);
    expect(pages.every((page) => page.length <= 2)).toBe(true);
    expect(all.find((order) => order.poNumber === 'PO-2')).toEqual({
      externalRef: 'SL-PO-SR-2',
      poNumber: 'PO-2',
      erpNumber: 'P2',
      supplierNumber: 'S-100',
      warehouseCode: 'WH-EAST',
      currency: 'USD',
      totalValue: '1488.00',
      recordedAt: '2026-11-22T12:00:00.000Z',
      lines: posted(2, '').lines,
      erpRevisionWritten: 1,
      confirmation: latest,
    });
    expect(all.find((order) => order.poNumber === 'PO-1')).toMatchObject({
      erpRevisionWritten: null,
      confirmation: null,
    });
  });

  it('looks references up: those recorded in the window, as its pages would hold them', async () => {
    const registry = new DynamoDbCommitmentRegistry(docs, dynamo.tableNames.workflowCorrelation);
    await registry.recordPosted(posted(11, '2026-11-20T00:00:00.000Z')); // the window's first instant
    await registry.recordPosted(posted(12, '2026-09-05T23:59:59.999Z')); // just before the window
    await registry.recordPosted(posted(13, '2026-12-05T00:00:00.000Z')); // the window's end: after it
    await registry.recordConfirmationReceived('PO-11', {
      receivedAt: '2026-11-21T09:00:00Z',
      lines: [{ lineNo: 1, confirmedQtyEa: '480', confirmedDate: '2026-12-14' }],
    });
    const records = recordsReader();
    const window = { since: '2026-11-20T00:00:00.000Z', until: '2026-12-05T00:00:00.000Z' };
    const refs = ['SL-PO-SR-11', 'SL-PO-SR-12', 'SL-PO-SR-13', 'SL-PO-SR-NEVER'];
    const recorded = await records.recordedAmong(refs, window);
    expect([...recorded]).toEqual(['SL-PO-SR-11']);
    // The same answer as the window's pages.
    const paged = await pagedReferences(records, window);
    expect(refs.filter((ref) => paged.includes(ref))).toEqual(['SL-PO-SR-11']);
  });

  it('reads a posting day with a Query of its index: each partition its own day, together the whole window', async () => {
    const registry = new DynamoDbCommitmentRegistry(docs, dynamo.tableNames.workflowCorrelation);
    const at = [
      '2026-10-01T00:00:00.000Z', // a midnight: the day it begins
      '2026-10-01T23:59:59.999Z',
      '2026-10-02T00:00:00.000Z',
      '2026-10-02T12:00:00.000Z', // the window's end: outside it
      '2026-10-02T13:00:00.000Z', // after the window
    ];
    for (const [n, postedAt] of at.entries()) await registry.recordPosted(posted(31 + n, postedAt));
    const records = recordsReader(1);
    const read = (window: ReconciliationWindow) => pagedReferences(records, window);
    const window = { since: '2026-09-30T18:00:00.000Z', until: '2026-10-02T12:00:00.000Z' };
    const whole = await read(window);
    expect(whole).toEqual(['SL-PO-SR-31', 'SL-PO-SR-32', 'SL-PO-SR-33']);
    const byPartition = [];
    for (const partition of postingDayPartitions(window)) byPartition.push(await read(partition));
    expect(byPartition).toEqual([[], ['SL-PO-SR-31', 'SL-PO-SR-32'], ['SL-PO-SR-33']]);
  });

  it('the index’s backfill gives commitments recorded before it their posting day, once; the run then reads them', async () => {
    const table = dynamo.tableNames.workflowCorrelation;
    // As recordPosted wrote them before the index: no postedDay.
    for (const n of [41, 42])
      await docs.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...commitmentKey(`PO-${n}`, 'POSTED'),
            externalRef: `SL-PO-SR-${n}`,
            purchaseOrder: posted(n, `2026-07-0${n - 40}T12:00:00.000Z`),
          },
        }),
      );
    await new DynamoDbCommitmentRegistry(docs, table).recordPosted(posted(43, '2026-07-03T12:00:00.000Z'));
    const records = recordsReader();
    const window = { since: '2026-07-01T00:00:00.000Z', until: '2026-07-10T00:00:00.000Z' };
    const read = () => pagedReferences(records, window);
    expect(await read()).toEqual(['SL-PO-SR-43']);

    expect(await backfillPostedDays(docs, table)).toBe(2);
    expect(await read()).toEqual(['SL-PO-SR-41', 'SL-PO-SR-42', 'SL-PO-SR-43']);
    expect(await backfillPostedDays(docs, table)).toBe(0);
  });
});
