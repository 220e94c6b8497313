import { describe, expect, it, vi } from 'vitest';
import { BusinessRejection } from '../../../domain/failures';
import { CommittedValueTally } from '../../../domain/reconciliation/committed-value';
import { agreeing } from './fixtures';

const WINDOW = { since: '2026-09-06T12:00:00.000Z', until: '2026-12-05T12:00:00.000Z' };

describe('committed value per warehouse and month, ERP against Supplyline', () => {
  it('values each order at its confirmed quantity where the supplier confirmed, and reports a difference without repairing it', async () => {
    const tally = new CommittedValueTally(WINDOW);
    tally.add(agreeing(1).recorded); // 480 x 3.10 = 1488.00
    const confirmed = agreeing(2).recorded;
    confirmed.confirmation = {
      receivedAt: '2026-12-02T00:00:00Z',
      lines: [{ lineNo: 1, confirmedQtyEa: '450', confirmedDate: '2026-12-09' }],
    };
    tally.add(confirmed); // 450 x 3.10 = 1395.00
    const west = agreeing(3).recorded;
    west.warehouseCode = 'WH-WEST';
    west.recordedAt = '2026-11-15T08:00:00.000Z';
    tally.add(west);

    const erpValue = vi.fn(async (warehouse: string) => (warehouse === 'WH-EAST' ? '3883.00' : '1488.00'));
    expect(await tally.compare(erpValue)).toEqual([
      {
        warehouseCode: 'WH-EAST',
        month: '2026-12',
        erp: '3883.00',
        supplyline: '2883.00',
        difference: '1000.00',
      },
      {
        warehouseCode: 'WH-WEST',
        month: '2026-11',
        erp: '1488.00',
        supplyline: '1488.00',
        difference: '0.00',
      },
    ]);
    expect(erpValue.mock.calls).toEqual([
      ['WH-EAST', '2026-12'],
      ['WH-WEST', '2026-11'],
    ]);
  });

  it('leaves out the month the window cuts: the ERP sums whole months', async () => {
    const tally = new CommittedValueTally(WINDOW);
    const early = agreeing(4).recorded;
    early.recordedAt = '2026-09-10T08:00:00.000Z';
    tally.add(early);
    expect(await tally.compare(async () => '99.00')).toEqual([]);
  });

  it('lists a warehouse and month where only the ERP committed, and leaves out those where neither did', async () => {
    const tally = new CommittedValueTally(WINDOW);
    tally.add(agreeing(1).recorded); // WH-EAST 2026-12: 1488.00
    // A person entered an order for WH-WEST in November directly in the ERP.
    const erpValue = vi.fn(async (warehouse: string, month: string) =>
      warehouse === 'WH-EAST' && month === '2026-12'
        ? '1488.00'
        : warehouse === 'WH-WEST' && month === '2026-11'
          ? '250.00'
          : '0',
    );
    expect(await tally.compare(erpValue, ['WH-EAST', 'WH-WEST', 'WH-EAST'])).toEqual([
      {
        warehouseCode: 'WH-EAST',
        month: '2026-12',
        erp: '1488.00',
        supplyline: '1488.00',
        difference: '0.00',
      },
      { warehouseCode: 'WH-WEST', month: '2026-11', erp: '250.00', supplyline: '0.00', difference: '250.00' },
    ]);
    // Whole months of the window only (it starts on 6 September): October to December, per warehouse.
    expect(new Set(erpValue.mock.calls.map(([warehouse, month]) => `${warehouse} ${month}`))).toEqual(
      new Set([
        'WH-EAST 2026-10',
        'WH-EAST 2026-11',
        'WH-EAST 2026-12',
        'WH-WEST 2026-10',
        'WH-WEST 2026-11',
        'WH-WEST 2026-12',
      ]),
    );
  });

  it('skips a mapped warehouse its ERP does not have where Supplyline committed nothing, but not one it committed in', async () => {
    const unknown = async (warehouse: string) => {
      if (warehouse === 'WH-SOUTH') throw new BusinessRejection('WAREHOUSE_UNKNOWN', 'not in the ERP', 'erp');
      return '1488.00';
    };
    const tally = new CommittedValueTally(WINDOW);
    tally.add(agreeing(1).recorded); // WH-EAST 2026-12
    expect((await tally.compare(unknown, ['WH-EAST', 'WH-SOUTH'])).map((c) => c.warehouseCode)).toEqual([
      'WH-EAST',
      'WH-EAST',
      'WH-EAST',
    ]);
    const south = agreeing(2).recorded;
    south.warehouseCode = 'WH-SOUTH';
    tally.add(south);
    await expect(tally.compare(unknown, ['WH-EAST'])).rejects.toThrow(BusinessRejection);
  });
});
