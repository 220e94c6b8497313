import { beforeEach, describe, expect, it } from 'vitest';
import type { ErpPurchaseOrder, ErpReceipt } from '../../../domain/ports/erp';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { validateReceiptPostedV1 } from '../../../canonical/generated/validators';
import type { PurchaseOrderLineSnapshot } from '../../../domain/procurement/types';
import {
  pollErpReceipts,
  type PolledCommitment,
  type ReceiptPollerPorts,
} from '../../../functions/scheduled/erp-receipt-poller';

const commitment: PolledCommitment = {
  poNumber: 'PO-1',
  externalRef: 'SL-PO-SR-1',
  erpNumber: 'P0001',
  warehouseCode: 'WH-EAST',
  site: 'DC-EAST-02',
  lines: [{ lineNo: 1, itemCode: 'SKU-1', quantityEa: '480', unitPrice: '3.10', needBy: '2026-12-07' }],
  announcedReceipts: [],
};

let receipts: ErpReceipt[];
let published: CanonicalEvent[];
let keys: Set<string>;
let marked: { poNumber: string; numbers: readonly string[]; fullyReceivedAt: string | null }[];
let supply: Map<string, PurchaseOrderLineSnapshot>;
let ports: ReceiptPollerPorts;
beforeEach(() => {
  receipts = [];
  published = [];
  keys = new Set();
  marked = [];
  supply = new Map([
    [
      'PO-1#1',
      {
        poNumber: 'PO-1',
        lineNo: 1,
        itemCode: 'SKU-1',
        site: 'DC-EAST-02',
        status: 'acknowledged',
        orderedQtyEa: '480',
        confirmedQtyEa: '450',
        receivedQtyEa: null,
        needBy: '2026-12-07',
      },
    ],
  ]);
  ports = {
    commitments: {
      awaitingReceipt: async function* () {
        yield commitment;
        yield { ...commitment, poNumber: 'PO-BROKEN', externalRef: 'BROKEN' };
      },
      markAnnounced: async (poNumber, numbers, fullyReceivedAt) =>
        void marked.push({ poNumber, numbers, fullyReceivedAt }),
    },
    erp: {
      listReceipts: async (ref) => {
        if (ref === 'BROKEN') throw new Error('ERP down');
        return receipts;
      },
      // A partial confirmation amended the ERP order to 450.
      findPurchaseOrder: async () =>
        ({
          lines: [{ lineNo: 1, itemCode: 'SKU-1', quantityEa: '450', unitPrice: '3.10', deliveryDate: null }],
        }) as unknown as ErpPurchaseOrder,
    },
    publishOnce: async (event) => {
      const duplicate = keys.has(event.idempotencyKey);
      keys.add(event.idempotencyKey);
      if (!duplicate) published.push(event);
      return { duplicate };
    },
    supply: {
      openLines: async () => [...supply.values()],
      recordLines: async (lines) => {
        for (const line of lines) supply.set(`${line.poNumber}#${line.lineNo}`, line);
      },
    },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    tenantId: 'acme',
    now: () => new Date('2026-12-07T10:00:00.000Z'),
    newId: () => crypto.randomUUID(),
  };
});

describe('pollErpReceipts', () => {
  it('announces each posted receipt once, keeps supply and marks the commitment; a failing order does not stop the rest', async () => {
    receipts = [
      {
        receiptNumber: 'IS-1',
        state: 'done',
        receivedAt: '2026-12-07',
        lines: [{ itemCode: 'SKU-1', quantityEa: '200' }],
      },
      { receiptNumber: 'IS-2', state: 'draft', lines: [{ itemCode: 'SKU-1', quantityEa: '250' }] },
    ];
    // Act
    const first = await pollErpReceipts(ports);
    receipts[1]!.state = 'received';
    const second = await pollErpReceipts({
      ...ports,
      commitments: {
        ...ports.commitments,
        awaitingReceipt: async function* () {
          yield { ...commitment, announcedReceipts: ['IS-1'] };
        },
      },
    });
    // Assess
    expect(first).toEqual({ commitments: 2, announced: 1, completed: 0, failed: 1 });
    expect(second).toEqual({ commitments: 1, announced: 1, completed: 1, failed: 0 });
    expect(
      published.map((event) => [event.idempotencyKey, (event.data as { complete: boolean }).complete]),
    ).toEqual([
      ['receipt:IS-1', false],
      ['receipt:IS-2', true],
    ]);
    for (const event of published) expect(validateReceiptPostedV1(event)).toMatchObject({ ok: true });
    expect(marked).toEqual([
      { poNumber: 'PO-1', numbers: ['IS-1'], fullyReceivedAt: null },
      { poNumber: 'PO-1', numbers: ['IS-2'], fullyReceivedAt: '2026-12-07T10:00:00.000Z' },
    ]);
    expect(supply.get('PO-1#1')).toMatchObject({ receivedQtyEa: '450', status: 'received' });
  });

  it('asks nothing more of the ERP when no new receipt is posted', async () => {
    let orderReads = 0;
    ports.erp.findPurchaseOrder = async () => {
      orderReads++;
      return null;
    };
    receipts = [{ receiptNumber: 'IS-1', state: 'draft', lines: [{ itemCode: 'SKU-1', quantityEa: '1' }] }];
    const report = await pollErpReceipts(ports);
    expect(report.announced).toBe(0);
    expect(orderReads).toBe(0);
    expect(marked).toEqual([]);
  });

  it('adds each receipt to the path of the requisition the order was committed for, received when complete', async () => {
    const recorded: unknown[] = [];
    ports.commitments.awaitingReceipt = async function* () {
      yield { ...commitment, requisitionId: 'PR-AAAAAAAAAAAAAAAAAAAAAAAAAA' };
    };
    ports.requisitions = { record: async (...args) => void recorded.push(args) };
    receipts = [
      { receiptNumber: 'IS-1', state: 'done', lines: [{ itemCode: 'SKU-1', quantityEa: '200' }] },
      { receiptNumber: 'IS-2', state: 'done', lines: [{ itemCode: 'SKU-1', quantityEa: '250' }] },
    ];
    await pollErpReceipts(ports);
    expect(recorded).toEqual([
      [
        'PR-AAAAAAAAAAAAAAAAAAAAAAAAAA',
        { step: 'receipt', at: '2026-12-07T10:00:00.000Z', outcome: 'ERP receipt IS-1: partly received' },
        { references: { receipt: 'IS-1' } },
      ],
      [
        'PR-AAAAAAAAAAAAAAAAAAAAAAAAAA',
        { step: 'receipt', at: '2026-12-07T10:00:00.000Z', outcome: 'ERP receipt IS-2: fully received' },
        { references: { receipt: 'IS-2' }, status: 'received' },
      ],
    ]);
  });
});
