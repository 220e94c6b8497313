import { describe, expect, it } from 'vitest';
import {
  procurementStatusUpdate,
  receiptEventKey,
  receiptsToAnnounce,
  type CommitmentAwaitingReceipt,
  type ErpReceiptView,
} from '../../domain/receipts';

const commitment = (announced: string[] = []): CommitmentAwaitingReceipt => ({
  poNumber: 'PO-2026-004411',
  externalRef: 'SL-PO-SR-000123',
  erpNumber: 'P0042',
  warehouseCode: 'WH-EAST',
  announcedReceipts: announced,
});
const ordered = [
  { lineNo: 1, itemCode: 'SKU-1', quantityEa: '480' },
  { lineNo: 2, itemCode: 'SKU-2', quantityEa: '10.5' },
];
const receipt = (number: string, lines: [string, string][], state = 'done'): ErpReceiptView => ({
  receiptNumber: number,
  state,
  receivedAt: '2026-12-07',
  lines: lines.map(([itemCode, quantityEa]) => ({ itemCode, quantityEa })),
});
const AT = '2026-12-07T10:00:00.000Z';

describe('receiptsToAnnounce', () => {
  it('announces posted receipts oldest first, complete once every line is received', () => {
    const result = receiptsToAnnounce(
      commitment(),
      ordered,
      [
        receipt('IS-1', [['SKU-1', '200']]),
        receipt('IS-2', [
          ['SKU-1', '280'],
          ['SKU-2', '10.50'],
        ]),
      ],
      AT,
    );
    expect(result.map(({ receipt: r }) => [r.receiptNumber, r.complete])).toEqual([
      ['IS-1', false],
      ['IS-2', true],
    ]);
    expect(result[1]!.receipt).toMatchObject({
      externalRef: 'SL-PO-SR-000123',
      erpNumber: 'P0042',
      warehouseCode: 'WH-EAST',
      receivedAt: AT,
      lines: [
        { itemCode: 'SKU-1', quantityEa: '280', lineNo: 1 },
        { itemCode: 'SKU-2', quantityEa: '10.5', lineNo: 2 },
      ],
    });
    expect([...result[1]!.receivedByLine]).toEqual([
      [1, '480'],
      [2, '10.5'],
    ]);
  });

  it('skips announced, draft, cancelled and empty receipts but counts announced ones towards completion', () => {
    const result = receiptsToAnnounce(
      commitment(['IS-1']),
      ordered,
      [
        receipt('IS-1', [['SKU-1', '480']]),
        receipt('IS-2', [['SKU-2', '5']], 'draft'),
        receipt('IS-3', [['SKU-2', '5']], 'cancelled'),
        receipt('IS-4', []),
        receipt('IS-5', [['SKU-2', '10.5']], 'received'),
      ],
      AT,
    );
    expect(result.map(({ receipt: r }) => [r.receiptNumber, r.complete])).toEqual([['IS-5', true]]);
  });

  it('judges completeness against the amended (ERP) quantities, exactly', () => {
    const amended = [{ lineNo: 1, itemCode: 'SKU-1', quantityEa: '450' }];
    const [partial] = receiptsToAnnounce(
      commitment(),
      amended,
      [receipt('IS-1', [['SKU-1', '449.999']])],
      AT,
    );
    const [full] = receiptsToAnnounce(commitment(), amended, [receipt('IS-1', [['SKU-1', '450.000']])], AT);
    expect(partial!.receipt.complete).toBe(false);
    expect(full!.receipt.complete).toBe(true);
  });

  it('names no order line for an item on several lines, and fills them in line order', () => {
    const twoLines = [
      { lineNo: 1, itemCode: 'SKU-1', quantityEa: '100' },
      { lineNo: 2, itemCode: 'SKU-1', quantityEa: '50' },
    ];
    const [result] = receiptsToAnnounce(commitment(), twoLines, [receipt('IS-1', [['SKU-1', '120']])], AT);
    expect(result!.receipt.lines[0]!.lineNo).toBeNull();
    expect([...result!.receivedByLine]).toEqual([
      [1, '100'],
      [2, '20'],
    ]);
    expect(result!.receipt.complete).toBe(false);
  });
});

describe('procurementStatusUpdate', () => {
  it('maps completeness to the status, with the ERP number and one key per receipt', () => {
    expect(
      procurementStatusUpdate('PO-1', { receiptNumber: 'IS-7', erpNumber: 'P9', complete: false }),
    ).toEqual({
      body: { status: 'partially_received', erp_reference: 'P9' },
      idempotencyKey: 'po-status:PO-1:receipt:IS-7',
    });
    expect(
      procurementStatusUpdate('PO-1', { receiptNumber: 'IS-8', erpNumber: 'P9', complete: true }).body.status,
    ).toBe('received');
    expect(receiptEventKey('IS-7')).toBe('receipt:IS-7');
  });
});
