import { describe, expect, it, vi } from 'vitest';
import type { IntegrationException } from '../../../canonical/generated/types';
import type { ReconciliationSummary } from '../../../domain/ports/reconciliation';
import {
  reconcile,
  reconciliationWindow,
  type ReconciliationPorts,
} from '../../../domain/reconciliation/run';
import type { Difference, ErpOrderView, RecordedOrder } from '../../../domain/reconciliation/types';
import type { ProcurementPurchaseOrder } from '../../../domain/ports/procurement';
import { wholeDaysOf } from '../../../domain/reconciliation/unrecorded';
import { agreeing, notLookedUp, NOW, SETTINGS } from './fixtures';
import { noOpRepairer } from './repairer-spy';

/** Ports over three orders: 1 agrees, 2 was deleted in procurement, 3 has a quantity to repair. */
function world(pageSize = 2) {
  const all = [1, 2, 3].map((n) => agreeing(n));
  all[2]!.procurement.lines[0]!.quantityEa = '500';
  const procurement = new Map<string, ProcurementPurchaseOrder>(
    all.filter((_, i) => i !== 1).map((v) => [v.procurement.poNumber, v.procurement]),
  );
  const erp = new Map<string, ErpOrderView>(all.map((v) => [v.erp.externalRef, v.erp]));
  const records: RecordedOrder[] = all.map((v) => v.recorded);
  const raised: IntegrationException[] = [];
  const reported: Difference[] = [];
  const pagesRead: number[] = [];
  const daysListed: { from: string; until: string }[] = [];
  const ports: ReconciliationPorts = {
    orders: {
      async *pages(window) {
        expect(window).toEqual(reconciliationWindow(NOW, 90));
        for (let i = 0; i < records.length; i += pageSize) {
          pagesRead.push(i);
          yield records.slice(i, i + pageSize);
        }
      },
      recordedAmong: notLookedUp,
    },
    procurement: {
      ordersByNumber: async (numbers) =>
        new Map(numbers.filter((n) => procurement.has(n)).map((n) => [n, procurement.get(n)!])),
    },
    erp: {
      ordersByReference: async (orders) =>
        new Map(
          orders.filter((o) => erp.has(o.externalRef)).map((o) => [o.externalRef, erp.get(o.externalRef)!]),
        ),
      // The ERP's list: its orders purchased on the days asked for, by reference.
      referencedOrders: async function* (days) {
        daysListed.push(days);
        yield [...erp.values()]
          .filter((o) => o.purchaseDate >= days.from && o.purchaseDate < days.until)
          .sort((a, b) => a.externalRef.localeCompare(b.externalRef))
          .map((o) => ({ externalRef: o.externalRef, number: o.number }));
      },
      committedValue: vi.fn(async () => '4464.00'),
    },
    repairer: noOpRepairer(),
    exceptions: { raise: async (exception) => void raised.push(exception) },
    report: {
      add: async (difference) => void reported.push(difference),
      finish: vi.fn(async (summary: ReconciliationSummary) => [`reports/${summary.runId}.json`]),
    },
    now: () => NOW,
  };
  return { ports, raised, reported, pagesRead, erp, daysListed };
}

describe('reconcile', () => {
  it('reads the window a page at a time, repairs what it may, raises the rest and reports every difference', async () => {
    const { ports, raised, reported, pagesRead } = world();
    const run = await reconcile(ports, SETTINGS, 'run-1');
    expect(pagesRead).toEqual([0, 2]);
    expect(run).toMatchObject({
      runId: 'run-1',
      orders: 3,
      repaired: 1,
      exceptionsRaised: 1,
      repairFailures: 0,
      reportKeys: ['reports/run-1.json'],
      differences: {
        missing_in_erp: 0,
        missing_in_procurement: 1,
        quantity_mismatch: 1,
        date_mismatch: 0,
        price_mismatch: 0,
        status_lag: 0,
        acknowledgement_not_applied: 0,
      },
    });
    expect(ports.repairer.amendErpOrder).toHaveBeenCalledWith(
      expect.objectContaining({ externalRef: 'SL-PO-SR-000003' }),
      [{ lineNo: 1, quantityEa: '500' }],
    );
    expect(raised).toEqual([
      expect.objectContaining({
        exceptionId: 'reconciliation:SL-PO-SR-000002:missing_in_procurement:order',
        code: 'ORDER_MISSING_IN_PROCUREMENT',
        objectType: 'PurchaseOrder',
        objectId: 'SL-PO-SR-000002',
        system: 'erp',
        status: 'OPEN',
      }),
    ]);
    expect(JSON.parse(raised[0]!.details!)).toMatchObject({
      class: 'missing_in_procurement',
      expected: { system: 'procurement', value: null },
      found: { system: 'erp', value: 'P2' },
    });
    expect(reported.map((d) => [d.class, d.externalRef])).toEqual([
      ['missing_in_procurement', 'SL-PO-SR-000002'],
      ['quantity_mismatch', 'SL-PO-SR-000003'],
    ]);
    expect(ports.report.finish).toHaveBeenCalledWith(expect.objectContaining({ orders: 3, repaired: 1 }));
    // Financial reconciliation: three recorded orders of 1488.00 in WH-EAST in December.
    expect(run.committedValues).toEqual([
      {
        warehouseCode: 'WH-EAST',
        month: '2026-12',
        erp: '4464.00',
        supplyline: '4464.00',
        difference: '0.00',
      },
    ]);
    expect(run.committedValueDifferences).toBe(0);
  });

  it('a repair that fails turns its difference into an exception with the failure as its reason', async () => {
    const { ports, raised, reported } = world();
    vi.mocked(ports.repairer.amendErpOrder).mockRejectedValueOnce(new Error('PO_NOT_AMENDABLE'));
    const run = await reconcile(ports, SETTINGS, 'run-2');
    expect(run).toMatchObject({ repaired: 0, repairFailures: 1, exceptionsRaised: 2 });
    expect(raised[1]).toMatchObject({
      exceptionId: 'reconciliation:SL-PO-SR-000003:quantity_mismatch:line-1',
      code: 'RECONCILIATION_REPAIR_FAILED',
      message: 'The repair (amend-erp-order) failed: PO_NOT_AMENDABLE',
    });
    expect(reported[1]?.resolution).toMatchObject({
      kind: 'exception',
      code: 'RECONCILIATION_REPAIR_FAILED',
    });
  });

  it('raises the same exception id on the next run, so an open exception is not raised twice', async () => {
    const first = world();
    const second = world();
    await reconcile(first.ports, SETTINGS, 'run-a');
    await reconcile(second.ports, SETTINGS, 'run-b');
    expect(second.raised.map((e) => e.exceptionId)).toEqual(first.raised.map((e) => e.exceptionId));
  });

  it('an on-demand run with a window start reads the orders from that start until now', async () => {
    const { ports } = world();
    const windows: unknown[] = [];
    ports.orders = {
      async *pages(window) {
        windows.push(window);
        yield [];
      },
      recordedAmong: notLookedUp,
    };
    const since = new Date(NOW.getTime() - 7 * 86_400_000);
    const run = await reconcile(ports, SETTINGS, 'run-since', since);
    const expected = { since: since.toISOString(), until: NOW.toISOString() };
    expect(windows).toEqual([expected]);
    expect(run.window).toEqual(expected);
  });

  it('refuses a window start that is not before the run, reading nothing', async () => {
    const { ports, pagesRead } = world();
    await expect(reconcile(ports, SETTINGS, 'run-late', new Date(NOW.getTime() + 1000))).rejects.toThrow(
      /window start .* is not before/,
    );
    expect(pagesRead).toEqual([]);
  });

  it('finds an ERP order with the middleware’s reference that Supplyline never recorded: missing_in_procurement, for a person, counted and reported, the same exception id on the next run', async () => {
    const { ports, raised, reported, erp, daysListed } = world();
    const unrecorded = agreeing(9).erp;
    erp.set(unrecorded.externalRef, unrecorded);
    // Purchased on the run's own day, which the window covers only in part: left to the next run.
    const today = { ...agreeing(10).erp, purchaseDate: '2026-12-05' };
    erp.set(today.externalRef, today);

    const run = await reconcile(ports, SETTINGS, 'run-1');
    expect(daysListed).toEqual([{ from: '2026-09-07', until: '2026-12-05' }]);
    expect(run.orders).toBe(4);
    expect(run.differences.missing_in_procurement).toBe(2);
    expect(run.exceptionsRaised).toBe(2);
    const found = reported.filter((d) => d.externalRef === unrecorded.externalRef);
    expect(found).toEqual([
      {
        class: 'missing_in_procurement',
        externalRef: 'SL-PO-SR-000009',
        poNumber: null,
        erpNumber: 'P9',
        lineNo: null,
        field: 'order',
        owner: 'procurement',
        expected: { system: 'procurement', value: null },
        found: { system: 'erp', value: 'P9' },
        resolution: {
          kind: 'exception',
          code: 'ORDER_UNKNOWN_TO_SUPPLYLINE',
          reason: expect.stringContaining('Supplyline has no record of it'),
        },
      },
    ]);
    expect(reported.some((d) => d.externalRef === today.externalRef)).toBe(false);
    const exceptionId = 'reconciliation:SL-PO-SR-000009:missing_in_procurement:order';
    expect(raised.filter((e) => e.objectId === unrecorded.externalRef)).toMatchObject([
      { exceptionId, code: 'ORDER_UNKNOWN_TO_SUPPLYLINE', system: 'erp', category: 'BUSINESS' },
    ]);
    expect(ports.repairer.postMissingOrder).not.toHaveBeenCalled();

    raised.length = 0;
    await reconcile(ports, SETTINGS, 'run-2');
    expect(raised.filter((e) => e.objectId === unrecorded.externalRef).map((e) => e.exceptionId)).toEqual([
      exceptionId,
    ]);
  });
});

describe('wholeDaysOf', () => {
  it('names the UTC days the window covers whole: a window starting at midnight keeps its first day', () => {
    expect(wholeDaysOf({ since: '2026-09-06T12:00:00.000Z', until: '2026-12-05T12:00:00.000Z' })).toEqual({
      from: '2026-09-07',
      until: '2026-12-05',
    });
    expect(wholeDaysOf({ since: '2026-12-01T00:00:00.000Z', until: '2026-12-03T00:00:00.000Z' })).toEqual({
      from: '2026-12-01',
      until: '2026-12-03',
    });
    expect(
      wholeDaysOf({ since: '2026-12-04T06:00:00.000Z', until: '2026-12-05T03:00:00.000Z' }),
    ).toBeUndefined();
  });
});
