import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DynamoDbCommitmentRegistry,
  DynamoDbSupplyStore,
  PostedCommitmentScan,
  commitmentKey,
  supplyKey,
} from '../../../adapters/aws/commitments';
import type { AcknowledgementResult, PostedPurchaseOrder } from '../../../domain/commitment/types';
import type { PurchaseOrderLineSnapshot } from '../../../domain/procurement/types';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

let dynamo: LocalDynamo;
let docs: DynamoDBDocumentClient;
let table: string;
const clock = () => new Date('2026-11-27T12:00:00.000Z');

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'commitments' });
  docs = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  table = dynamo.tableNames.workflowCorrelation;
});
afterAll(async () => dynamo.stop());

let n = 0;
let poNumber: string;
beforeEach(() => {
  poNumber = `PO-${++n}`;
});

function line(overrides: Partial<PurchaseOrderLineSnapshot> = {}): PurchaseOrderLineSnapshot {
  return {
    poNumber,
    lineNo: 1,
    itemCode: `ITEM-${n}`,
    site: 'DC-EAST-02',
    status: 'issued',
    orderedQtyEa: '480',
    confirmedQtyEa: null,
    receivedQtyEa: null,
    needBy: '2026-12-14',
    ...overrides,
  };
}

function posted(): PostedPurchaseOrder {
  return {
    externalRef: `SL-PO-SR-${n}`,
    poNumber,
    erpNumber: `P${n}`,
    supplierNumber: 'S-100',
    site: 'DC-EAST-02',
    warehouseCode: 'WH-EAST',
    currency: 'USD',
    totalValue: '1488.00',
    sourcingRequestId: `SR-${n}`,
    lines: [{ lineNo: 1, itemCode: 'ITEM-1', quantityEa: '480', unitPrice: '3.10', needBy: '2026-12-14' }],
    postedAt: '2026-11-27T12:00:00.000Z',
  };
}

const ack: AcknowledgementResult = {
  classification: 'full',
  amended: false,
  acknowledgedAt: '2026-11-27T13:00:00Z',
};

describe('DynamoDbSupplyStore', () => {
  it('stores lines under SUPPLY#<item>#<site> / PO#<po>#<line> with exact decimal strings', async () => {
    const store = new DynamoDbSupplyStore(docs, table, clock);
    await store.recordLines([line(), line({ lineNo: 2, orderedQtyEa: '12.5', needBy: '2026-12-21' })]);
    const { Item } = await docs.send(
      new GetCommand({ TableName: table, Key: supplyKey(line({ lineNo: 2 })) }),
    );
    expect(Item).toMatchObject({
      pk: `SUPPLY#ITEM-${n}#DC-EAST-02`,
      sk: `PO#${poNumber}#2`,
      orderedQtyEa: '12.5',
      expiresAt: expect.any(Number),
    });
    expect(await store.openLines(`ITEM-${n}`, 'DC-EAST-02')).toEqual([
      line(),
      line({ lineNo: 2, orderedQtyEa: '12.5', needBy: '2026-12-21' }),
    ]);
  });

  it('returns only lines that still bring goods, for that item and site only', async () => {
    const store = new DynamoDbSupplyStore(docs, table, clock);
    await store.recordLines([
      line({ lineNo: 1, status: 'acknowledged', confirmedQtyEa: '400' }),
      line({ lineNo: 2, status: 'received', receivedQtyEa: '480' }),
      line({ lineNo: 3, status: 'cancelled' }),
      line({ lineNo: 4, site: 'DC-WEST-01' }),
    ]);
    const open = await store.openLines(`ITEM-${n}`, 'DC-EAST-02');
    expect(open.map((l) => [l.lineNo, l.status, l.confirmedQtyEa])).toEqual([[1, 'acknowledged', '400']]);
  });

  it('replaces a line with its newer state', async () => {
    const store = new DynamoDbSupplyStore(docs, table, clock);
    await store.recordLines([line()]);
    await store.recordLines([line({ status: 'acknowledged', confirmedQtyEa: '400' })]);
    expect(await store.openLines(`ITEM-${n}`, 'DC-EAST-02')).toEqual([
      line({ status: 'acknowledged', confirmedQtyEa: '400' }),
    ]);
  });
});

describe('DynamoDbCommitmentRegistry', () => {
  const registry = () => new DynamoDbCommitmentRegistry(docs, table, clock);

  it('finds a posted purchase order by PO number and indexes its external reference', async () => {
    await registry().recordPosted(posted());
    expect(await registry().findByPoNumber(poNumber)).toEqual(posted());
    expect(await registry().findByPoNumber('PO-unknown')).toBeUndefined();
    const { Item } = await docs.send(
      new GetCommand({ TableName: table, Key: commitmentKey(poNumber, 'POSTED') }),
    );
    expect(Item?.externalRef).toBe(posted().externalRef);
  });

  it('records the new ERP number of a posted commitment, keeping its announced receipts; none recorded, none made', async () => {
    await registry().recordPosted(posted());
    await new PostedCommitmentScan(docs, table).markAnnounced(poNumber, ['IS-1'], null);
    await registry().recordErpNumber(poNumber, 'P-NEW');
    expect(await registry().findByPoNumber(poNumber)).toEqual({ ...posted(), erpNumber: 'P-NEW' });
    const { Item } = await docs.send(
      new GetCommand({ TableName: table, Key: commitmentKey(poNumber, 'POSTED') }),
    );
    expect(Item?.announcedReceipts).toEqual(new Set(['IS-1']));

    await registry().recordErpNumber('PO-never-posted', 'P-NEW');
    expect(await registry().findByPoNumber('PO-never-posted')).toBeUndefined();
  });

  it('wait first: the acknowledgement answers the token, once', async () => {
    expect(await registry().registerAcknowledgementWait(poNumber, 'token-1')).toBeUndefined();
    expect(await registry().recordAcknowledged(poNumber, ack)).toBe('token-1');
    // A redelivered acknowledgement must not answer again.
    expect(await registry().recordAcknowledged(poNumber, ack)).toBeUndefined();
  });

  it('acknowledgement first: the wait answers its own token with it, once per token', async () => {
    expect(await registry().recordAcknowledged(poNumber, ack)).toBeUndefined();
    expect(await registry().registerAcknowledgementWait(poNumber, 'token-1')).toEqual(ack);
    expect(await registry().registerAcknowledgementWait(poNumber, 'token-1')).toBeUndefined();
    // A retried wait state waits on a new token: that one is answered too.
    expect(await registry().registerAcknowledgementWait(poNumber, 'token-2')).toEqual(ack);
  });

  it('a wait retried after the acknowledgement answered its first token still gets an answer', async () => {
    await registry().registerAcknowledgementWait(poNumber, 'token-1');
    expect(await registry().recordAcknowledged(poNumber, ack)).toBe('token-1');
    expect(await registry().registerAcknowledgementWait(poNumber, 'token-2')).toEqual(ack);
  });

  it('when both arrive at the same time, exactly one side answers the token', async () => {
    for (let round = 0; round < 25; round++) {
      const po = `${poNumber}-race-${round}`;
      // Separate instances, like two Lambda environments.
      const [waited, acknowledged] = await Promise.all([
        registry().registerAcknowledgementWait(po, `token-${round}`),
        registry().recordAcknowledged(po, ack),
      ]);
      const answers = [waited !== undefined, acknowledged !== undefined].filter(Boolean);
      expect(answers, `round ${round}`).toHaveLength(1);
      if (waited) expect(waited).toEqual(ack);
      if (acknowledged) expect(acknowledged).toBe(`token-${round}`);
    }
  });
});
