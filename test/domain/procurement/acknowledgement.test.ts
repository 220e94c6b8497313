import { describe, expect, it } from 'vitest';
import { ContractViolation } from '../../../domain/failures';
import {
  evaluateAcknowledgement,
  type ConfirmationLine,
  type PostedPurchaseOrderLine,
} from '../../../domain/procurement';

const posted: PostedPurchaseOrderLine[] = [{ lineNo: 1, quantityEa: '480', needBy: '2026-12-07' }];

/** Classification, amendment and issue codes, with decimals as strings. */
function outcome(lines: ConfirmationLine[], postedLines = posted) {
  const result = evaluateAcknowledgement(postedLines, lines);
  return JSON.parse(
    JSON.stringify({
      classification: result.classification,
      amendment: result.amendment,
      issues: result.issues.map((i) => `${i.code}:${i.lineNo}`),
    }),
  ) as unknown;
}

describe('acknowledgement evaluation', () => {
  it.each([
    ['full: exact quantity on the need-by date needs no amendment', '480', '2026-12-07', 'full', null],
    ['full and early needs no amendment', '480', '2026-12-05', 'full', null],
    [
      'partial: less than ordered amends quantity and date',
      '450',
      '2026-12-07',
      'partial',
      { lines: [{ lineNo: 1, quantityEa: '450', deliveryDate: '2026-12-07' }] },
    ],
    [
      'late: a day after need-by amends the delivery date',
      '480',
      '2026-12-08',
      'late',
      { lines: [{ lineNo: 1, quantityEa: '480', deliveryDate: '2026-12-08' }] },
    ],
    [
      'partial and late (the contract example)',
      '450',
      '2026-12-09',
      'partial-late',
      { lines: [{ lineNo: 1, quantityEa: '450', deliveryDate: '2026-12-09' }] },
    ],
    [
      'nothing confirmed is partial down to 0',
      '0',
      '2026-12-07',
      'partial',
      { lines: [{ lineNo: 1, quantityEa: '0', deliveryDate: '2026-12-07' }] },
    ],
  ] as const)('%s', (_name, qty, date, classification, amendment) => {
    expect(outcome([{ lineNo: 1, confirmedQtyEa: qty, confirmedDate: date }])).toEqual({
      classification,
      amendment,
      issues: [],
    });
  });

  it('never raises the quantity on an over-confirmation, and flags it', () => {
    expect(outcome([{ lineNo: 1, confirmedQtyEa: 500, confirmedDate: '2026-12-07' }])).toEqual({
      classification: 'full',
      amendment: null,
      issues: ['OVER_CONFIRMED:1'],
    });
    expect(outcome([{ lineNo: 1, confirmedQtyEa: 500, confirmedDate: '2026-12-10' }])).toEqual({
      classification: 'late',
      amendment: { lines: [{ lineNo: 1, quantityEa: '480', deliveryDate: '2026-12-10' }] },
      issues: ['OVER_CONFIRMED:1'],
    });
  });

  it('amends only the lines confirmed partially or late, and reports lines it cannot match', () => {
    const lines: PostedPurchaseOrderLine[] = [
      { lineNo: 1, quantityEa: 480, needBy: '2026-12-07' },
      { lineNo: 2, quantityEa: 96, needBy: '2026-12-07' },
      { lineNo: 3, quantityEa: 12, needBy: '2026-12-07' },
      { lineNo: 4, quantityEa: 24, needBy: '2026-12-08' },
    ];
    expect(
      outcome(
        [
          { lineNo: 1, confirmedQtyEa: 480, confirmedDate: '2026-12-07' },
          { lineNo: 2, confirmedQtyEa: 90, confirmedDate: '2026-12-07' },
          { lineNo: 4, confirmedQtyEa: 24, confirmedDate: '2026-12-09' },
          { lineNo: 4, confirmedQtyEa: 1, confirmedDate: '2026-12-07' },
          { lineNo: 9, confirmedQtyEa: 1, confirmedDate: '2026-12-07' },
        ],
        lines,
      ),
    ).toEqual({
      classification: 'partial-late',
      amendment: {
        lines: [
          { lineNo: 2, quantityEa: '90', deliveryDate: '2026-12-07' },
          { lineNo: 4, quantityEa: '24', deliveryDate: '2026-12-09' },
        ],
      },
      issues: ['DUPLICATE_LINE:4', 'UNKNOWN_LINE:9', 'LINE_NOT_CONFIRMED:3'],
    });
  });

  it('keeps the per-line view', () => {
    const result = evaluateAcknowledgement(posted, [
      { lineNo: 1, confirmedQtyEa: 450, confirmedDate: '2026-12-09' },
    ]);
    expect(result.lines[0]).toMatchObject({ lineNo: 1, quantity: 'partial', late: true });
    expect(result.lines[0]?.orderedQtyEa.toString()).toBe('480');
  });

  it.each([
    ['a negative confirmed quantity', { lineNo: 1, confirmedQtyEa: -1, confirmedDate: '2026-12-07' }],
    ['a malformed confirmed date', { lineNo: 1, confirmedQtyEa: 1, confirmedDate: '2026-12-07T00:00:00Z' }],
  ])('rejects %s as a contract violation', (_name, line) => {
    expect(() => evaluateAcknowledgement(posted, [line])).toThrow(ContractViolation);
  });
});
