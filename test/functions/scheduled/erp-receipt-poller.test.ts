import { beforeEach, describe, expect, it } from 'vitest';
import type { ErpPort, ErpPurchaseOrder, ErpReceipt } from '../../../domain/ports/erp';
import { erpInstances, singleErp } from '../../../domain/business-units';
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
let erp: Pick<ErpPort, 'listReceipts' | 'findPurchaseOrder'>;
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
  erp = {
    listReceipts: async (ref) => {
      if (ref === 'BROKEN') throw new Error('ERP down');
      return receipts;
    },
    // A partial confirmation amended the ERP order to 450.
    findPurchaseOrder: async () =>
      ({
        lines: [{ lineNo: 1, itemCode: 'SKU-1', quantityEa: '450', unitPrice: '3.10', deliveryDate: null }],
      }) as unknown as ErpPurchaseOrder,
  };
  ports = {
    commitments: {
      awaitingReceipt: async function* () {
        yield commitment;
        yield { ...commitment, poNumber: 'PO-BROKEN', externalRef: 'BROKEN' };
      },
      markAnnounced: async (poNumber, numbers, fullyReceivedAt) =>
        void marked.push({ poNumber, numbers, fullyReceivedAt }),
    },
    erps: singleErp(erp as ErpPort),
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
    erp.findPurchaseOrder = async () => {
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

  it('polls each ERP instance in its own run: a hanging east holds up no west receipt; numbers stay apart', async () => {
    // Prepare: both instances number their first receipt IS-1; east answers only when told.
    const posted: ErpReceipt[] = [
      {
        receiptNumber: 'IS-1',
        state: 'done',
        receivedAt: '2026-12-07',
        lines: [{ itemCode: 'SKU-1', quantityEa: '450' }],
      },
    ];
    let releaseEast!: () => void;
    const eastAnswers = new Promise<void>((resolve) => (releaseEast = resolve));
    const instanceErp = (wait: Promise<void>) =>
      ({
        listReceipts: async () => (await wait, posted),
        findPurchaseOrder: async () => null,
      }) as unknown as ErpPort;
    const erps = erpInstances(
      [
        { name: 'east', warehouses: ['WH-EAST'] },
        { name: 'west', warehouses: ['WH-WEST'] },
      ],
      (instance) => instanceErp(instance === 'east' ? eastAnswers : Promise.resolve()),
    );
    const east = (n: number) => ({ ...commitment, poNumber: `PO-E${n}`, externalRef: `SL-E${n}` });
    const west = { ...commitment, poNumber: 'PO-W1', externalRef: 'SL-W1', warehouseCode: 'WH-WEST' };
    // Act: more east commitments than the run's concurrency, scanned before the west one.
    const run = pollErpReceipts(
      {
        ...ports,
        erps,
        commitments: {
          ...ports.commitments,
          awaitingReceipt: async function* () {
            for (let n = 1; n <= 3; n++) yield east(n);
            yield west;
          },
        },
      },
      2,
    );
    for (let i = 0; i < 100 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    // Assess: west announced while east still hangs; then east's, each under its own key.
    expect(published.map((event) => event.idempotencyKey)).toEqual(['receipt:west:IS-1']);
    releaseEast();
    expect(await run).toEqual({ commitments: 4, announced: 2, completed: 0, failed: 0 });
    expect(published.map((event) => event.idempotencyKey)).toEqual(['receipt:west:IS-1', 'receipt:IS-1']);
  });
});
