import { describe, expect, it } from 'vitest';
import { compareOrder } from '../../../domain/reconciliation/compare';
import { agreeing, NOW, SETTINGS, views } from './fixtures';

const line1 = <Line>(v: { lines: Line[] }): Line => v.lines[0]!;

describe('compareOrder: the contract classes, each with both sides and its owner', () => {
  it('finds nothing when the three systems agree', () => {
    expect(compareOrder(agreeing(), SETTINGS, NOW)).toEqual({ differences: [], repairs: [] });
  });

  it('missing_in_procurement: the platform owns existence, so a person decides (never repaired)', () => {
    const { differences, repairs } = compareOrder(
      views((v) => void (v.procurement = null!)),
      SETTINGS,
      NOW,
    );
    expect(differences).toEqual([
      expect.objectContaining({
        class: 'missing_in_procurement',
        owner: 'procurement',
        expected: { system: 'procurement', value: null },
        found: { system: 'erp', value: 'P1' },
        resolution: expect.objectContaining({ kind: 'exception', code: 'ORDER_MISSING_IN_PROCUREMENT' }),
      }),
    ]);
    expect(repairs).toEqual([]);
  });

  it('missing_in_erp: an awarded order with no ERP order that needs no approval is posted again', () => {
    const { differences, repairs } = compareOrder(
      views((v) => void (v.erp = null!)),
      SETTINGS,
      NOW,
    );
    expect(differences).toEqual([
      expect.objectContaining({
        class: 'missing_in_erp',
        expected: { system: 'procurement', value: 'PO-2026-000001' },
        found: { system: 'erp', value: null },
        resolution: { kind: 'repair', action: 'post-missing-order' },
      }),
    ]);
    expect(repairs).toEqual([{ kind: 'post-missing-order' }]);
  });

  it('missing_in_erp above the approval limit needs a person (exactly the limit does not)', () => {
    const above = compareOrder(
      views((v) => {
        v.erp = null!;
        line1(v.procurement).quantityEa = '8065'; // 8065 x 3.10 = 25001.50
      }),
      SETTINGS,
      NOW,
    );
    expect(above.differences[0]?.resolution).toMatchObject({
      kind: 'exception',
      code: 'MISSING_ORDER_NEEDS_APPROVAL',
    });
    expect(above.repairs).toEqual([]);
    const atLimit = compareOrder(
      views((v) => {
        v.erp = null!;
        Object.assign(line1(v.procurement), { quantityEa: '10000', unitPrice: '2.50' });
      }),
      SETTINGS,
      NOW,
    );
    expect(atLimit.repairs).toEqual([{ kind: 'post-missing-order' }]);
  });

  it('missing_in_erp when a person cancelled the ERP order: never posted over their decision', () => {
    const { differences, repairs } = compareOrder(
      views((v) => void (v.erp.state = 'cancelled')),
      SETTINGS,
      NOW,
    );
    expect(differences[0]).toMatchObject({
      class: 'missing_in_erp',
      found: { system: 'erp', value: 'P1 (cancelled)' },
      resolution: { kind: 'exception', code: 'ERP_ORDER_CANCELLED' },
    });
    expect(repairs).toEqual([]);
  });

  it('quantity_mismatch: the awarded quantity is the owner; repaired by amendment when the middleware made the last ERP change', () => {
    const { differences, repairs } = compareOrder(
      views((v) => void (line1(v.procurement).quantityEa = '500')),
      SETTINGS,
      NOW,
    );
    expect(differences).toEqual([
      expect.objectContaining({
        class: 'quantity_mismatch',
        lineNo: 1,
        owner: 'procurement',
        expected: { system: 'procurement', value: '500' },
        found: { system: 'erp', value: '480' },
        resolution: { kind: 'repair', action: 'amend-erp-order' },
      }),
    ]);
    expect(repairs).toEqual([{ kind: 'amend-erp-order', lines: [{ lineNo: 1, quantityEa: '500' }] }]);
  });

  it('quantity_mismatch after a person amended the ERP order: an exception, the ERP order is left alone', () => {
    const { differences, repairs } = compareOrder(
      views((v) => {
        v.erp.revision = 1;
        line1(v.erp).quantityEa = '400';
      }),
      SETTINGS,
      NOW,
    );
    expect(differences).toEqual([
      expect.objectContaining({
        class: 'quantity_mismatch',
        expected: { system: 'procurement', value: '480' },
        found: { system: 'erp', value: '400' },
        resolution: expect.objectContaining({ kind: 'exception', code: 'ERP_CHANGED_BY_PERSON' }),
      }),
    ]);
    expect(repairs).toEqual([]);
  });

  it('an unclear owner of the last ERP change (none on record) is an exception too', () => {
    const { differences, repairs } = compareOrder(
      views((v) => {
        v.recorded.erpRevisionWritten = null;
        line1(v.erp).quantityEa = '400';
      }),
      SETTINGS,
      NOW,
    );
    expect(differences[0]?.resolution).toMatchObject({ kind: 'exception', code: 'ERP_LAST_CHANGE_UNKNOWN' });
    expect(repairs).toEqual([]);
  });

  it('compares quantities as decimals: "480.00" is 480', () => {
    expect(
      compareOrder(
        views((v) => void (line1(v.erp).quantityEa = '480.00')),
        SETTINGS,
        NOW,
      ).differences,
    ).toEqual([]);
  });

  it('date_mismatch: the need-by date is the owner, repaired by amendment', () => {
    const { differences, repairs } = compareOrder(
      views((v) => void (line1(v.erp).deliveryDate = '2026-12-09')),
      SETTINGS,
      NOW,
    );
    expect(differences).toEqual([
      expect.objectContaining({
        class: 'date_mismatch',
        expected: { system: 'procurement', value: '2026-12-07' },
        found: { system: 'erp', value: '2026-12-09' },
        resolution: { kind: 'repair', action: 'amend-erp-order' },
      }),
    ]);
    expect(repairs).toEqual([
      { kind: 'amend-erp-order', lines: [{ lineNo: 1, deliveryDate: '2026-12-07' }] },
    ]);
  });

  it('price_mismatch: the awarded price is the owner; no idempotent path changes a price, so a person does', () => {
    const { differences, repairs } = compareOrder(
      views((v) => void (line1(v.erp).unitPrice = '3.25')),
      SETTINGS,
      NOW,
    );
    expect(differences).toEqual([
      expect.objectContaining({
        class: 'price_mismatch',
        expected: { system: 'procurement', value: '3.10' },
        found: { system: 'erp', value: '3.25' },
        resolution: expect.objectContaining({ kind: 'exception', code: 'PRICE_MISMATCH' }),
      }),
    ]);
    expect(repairs).toEqual([]);
  });

  it('acknowledgement_not_applied: the confirmation owns quantity and date; the amendment applies it', () => {
    const { differences, repairs } = compareOrder(
      views((v) => {
        v.procurement.status = 'acknowledged';
        v.recorded.confirmation = {
          receivedAt: '2026-12-02T09:00:00Z',
          lines: [{ lineNo: 1, confirmedQtyEa: '450', confirmedDate: '2026-12-09' }],
        };
      }),
      SETTINGS,
      NOW,
    );
    expect(differences).toEqual([
      expect.objectContaining({
        class: 'acknowledgement_not_applied',
        owner: 'supplier',
        expected: { system: 'supplier', value: '450 EA on 2026-12-09' },
        found: { system: 'erp', value: '480 EA on 2026-12-07' },
        resolution: { kind: 'repair', action: 'amend-erp-order' },
      }),
    ]);
    expect(repairs).toEqual([
      { kind: 'amend-erp-order', lines: [{ lineNo: 1, quantityEa: '450', deliveryDate: '2026-12-09' }] },
    ]);
  });

  it('an applied confirmation is no difference, though the ERP no longer has the awarded quantity', () => {
    const applied = views((v) => {
      v.recorded.confirmation = {
        receivedAt: '2026-12-02T09:00:00Z',
        lines: [{ lineNo: 1, confirmedQtyEa: '450', confirmedDate: '2026-12-09' }],
      };
      v.erp.revision = 1;
      v.recorded.erpRevisionWritten = 1;
      Object.assign(line1(v.erp), { quantityEa: '450', deliveryDate: '2026-12-09' });
    });
    expect(compareOrder(applied, SETTINGS, NOW).differences).toEqual([]);
  });

  it('status_lag: a receipt the platform does not show after the service level is synchronised', () => {
    const { differences, repairs } = compareOrder(
      views((v) => {
        v.erp.receipts = [
          {
            receiptNumber: 'IS-7',
            state: 'done',
            receivedAt: '2026-12-04',
            lines: [{ itemCode: 'SKU-10442', quantityEa: '200' }],
          },
        ];
      }),
      SETTINGS,
      NOW,
    );
    expect(differences).toEqual([
      expect.objectContaining({
        class: 'status_lag',
        owner: 'erp',
        expected: { system: 'erp', value: 'partially_received' },
        found: { system: 'procurement', value: 'issued' },
        resolution: { kind: 'repair', action: 'sync-procurement-status' },
      }),
    ]);
    expect(repairs).toEqual([
      { kind: 'sync-procurement-status', status: 'partially_received', receiptNumber: 'IS-7' },
    ]);
  });

  it('a received line is dated by its receipt in the ERP: no date_mismatch, no confirmation left unapplied, no amendment', () => {
    const received = (confirm: boolean) =>
      compareOrder(
        views((v) => {
          // Tryton dates a received line by the day its goods came in.
          line1(v.erp).deliveryDate = '2026-12-04';
          v.erp.receipts = [
            {
              receiptNumber: 'IS-8',
              state: 'done',
              receivedAt: '2026-12-04',
              lines: [{ itemCode: 'SKU-10442', quantityEa: '480' }],
            },
          ];
          v.procurement.status = 'received';
          if (confirm)
            v.recorded.confirmation = {
              receivedAt: '2026-12-02T00:00:00Z',
              lines: [{ lineNo: 1, confirmedQtyEa: '480', confirmedDate: '2026-12-07' }],
            };
        }),
        SETTINGS,
        NOW,
      );
    expect(received(false)).toEqual({ differences: [], repairs: [] });
    expect(received(true)).toEqual({ differences: [], repairs: [] });
  });

  it('status_lag names `received` once everything is in, and is not reported within the service level', () => {
    const full = (receivedAt: string) =>
      views((v) => {
        v.procurement.status = 'partially_received';
        v.erp.receipts = [
          {
            receiptNumber: 'IS-7',
            state: 'done',
            receivedAt: '2026-12-01',
            lines: [{ itemCode: 'SKU-10442', quantityEa: '200' }],
          },
          {
            receiptNumber: 'IS-9',
            state: 'received',
            receivedAt,
            lines: [{ itemCode: 'SKU-10442', quantityEa: '280' }],
          },
        ];
      });
    expect(compareOrder(full('2026-12-04'), SETTINGS, NOW).repairs).toEqual([
      { kind: 'sync-procurement-status', status: 'received', receiptNumber: 'IS-9' },
    ]);
    // Received today: the day is not over, so the service level may not have passed yet.
    expect(compareOrder(full('2026-12-05'), SETTINGS, NOW).differences).toEqual([]);
  });

  it('a status that shows the receipts is no lag; a cancelled or draft platform order is not compared', () => {
    const received = views((v) => {
      v.procurement.status = 'received';
      v.erp.receipts = [
        {
          receiptNumber: 'IS-7',
          state: 'done',
          receivedAt: '2026-12-01',
          lines: [{ itemCode: 'SKU-10442', quantityEa: '480' }],
        },
      ];
    });
    expect(compareOrder(received, SETTINGS, NOW).differences).toEqual([]);
    const cancelled = views((v) => {
      v.procurement.status = 'cancelled';
      v.erp = null!;
    });
    expect(compareOrder(cancelled, SETTINGS, NOW).differences).toEqual([]);
  });

  it('an ERP line the platform does not have, or a platform line the ERP lacks, goes to a person', () => {
    const extra = compareOrder(
      views((v) =>
        v.erp.lines.push({
          lineNo: 2,
          itemCode: 'SKU-1',
          quantityEa: '5',
          unitPrice: '1.00',
          deliveryDate: null,
        }),
      ),
      SETTINGS,
      NOW,
    );
    expect(extra.differences).toEqual([
      expect.objectContaining({
        class: 'quantity_mismatch',
        lineNo: 2,
        resolution: expect.objectContaining({ code: 'ERP_LINE_UNKNOWN' }),
      }),
    ]);
    const lacking = compareOrder(
      views((v) => void (v.erp.lines = [])),
      SETTINGS,
      NOW,
    );
    expect(lacking.differences).toEqual([
      expect.objectContaining({
        class: 'quantity_mismatch',
        found: { system: 'erp', value: null },
        resolution: expect.objectContaining({ code: 'ERP_LINE_MISSING' }),
      }),
    ]);
    expect(lacking.repairs).toEqual([]);
  });

  it('a done ERP order cannot be amended: its quantity difference goes to a person', () => {
    const { differences, repairs } = compareOrder(
      views((v) => {
        v.erp.state = 'done';
        line1(v.procurement).quantityEa = '500';
      }),
      SETTINGS,
      NOW,
    );
    expect(differences[0]?.resolution).toMatchObject({ code: 'ERP_ORDER_NOT_AMENDABLE' });
    expect(repairs).toEqual([]);
  });
});
