/**
 * An order posted again under a new ERP number whose number was not recorded on its commitment:
 * the next run finds the ERP's order and records its number (the receipt poller reads it), through
 * the same port, counted as a repair, with no difference and no exception; then nothing more.
 */
import { describe, expect, it, vi } from 'vitest';
import type { IntegrationException } from '../../../canonical/generated/types';
import { singleErp } from '../../../domain/business-units';
import { compareOrder } from '../../../domain/reconciliation/compare';
import { reconciliationRepairs } from '../../../domain/reconciliation/repairs';
import { reconcile, type ReconciliationPorts } from '../../../domain/reconciliation/run';
import type { Difference, ErpOrderView } from '../../../domain/reconciliation/types';
import { agreeing, notLookedUp, NOW, SETTINGS, views } from './fixtures';

describe('compareOrder: the ERP number on Supplyline’s record', () => {
  it('records the ERP’s number when the commitment names another: a repair, no difference between the systems', () => {
    expect(
      compareOrder(
        views((v) => void (v.recorded.erpNumber = 'P0')),
        SETTINGS,
        NOW,
      ),
    ).toEqual({
      differences: [],
      repairs: [{ kind: 'record-erp-number', erpNumber: 'P1' }],
    });
    expect(
      compareOrder(
        views((v) => void (v.recorded.erpNumber = null)),
        SETTINGS,
        NOW,
      ).repairs,
    ).toEqual([{ kind: 'record-erp-number', erpNumber: 'P1' }]);
  });

  it('leaves the record alone when the ERP’s order is cancelled (a person’s decision, raised as missing_in_erp)', () => {
    const { repairs } = compareOrder(
      views((v) => {
        v.recorded.erpNumber = 'P0';
        v.erp.state = 'cancelled';
      }),
      SETTINGS,
      NOW,
    );
    expect(repairs).toEqual([]);
  });
});

/** One order the ERP lost; the ERP, the commitment record and the repairs in memory. */
function world() {
  const { recorded, procurement, erp: lost } = agreeing();
  const erp = new Map<string, ErpOrderView>();
  const posted: ErpOrderView = { ...lost, number: 'P9' };
  let failNextRecord = true;
  const commitments = {
    recordErpNumber: vi.fn(async (_poNumber: string, erpNumber: string) => {
      if (failNextRecord) {
        failNextRecord = false;
        throw new Error('ProvisionedThroughputExceededException');
      }
      recorded.erpNumber = erpNumber;
    }),
  };
  const erpPort = {
    postPurchaseOrder: vi.fn(async () => {
      erp.set(posted.externalRef, posted);
      return posted;
    }),
    amendPurchaseOrder: vi.fn(async () => posted),
  };
  const raised: IntegrationException[] = [];
  const reported: Difference[] = [];
  const ports: ReconciliationPorts = {
    orders: {
      async *pages() {
        yield [recorded];
      },
      recordedAmong: notLookedUp,
    },
    procurement: { ordersByNumber: async () => new Map([[procurement.poNumber, procurement]]) },
    erp: {
      ordersByReference: async () => new Map(erp),
      referencedOrders: async function* () {
        yield [...erp.values()].map((o) => ({ externalRef: o.externalRef, number: o.number }));
      },
      committedValue: async () => '1488.00',
    },
    repairer: reconciliationRepairs({
      erps: singleErp(erpPort),
      procurement: { syncStatus: vi.fn() },
      ledger: { recordState: async () => undefined },
      commitments,
      now: () => NOW,
    }),
    exceptions: { raise: async (exception) => void raised.push(exception) },
    report: { add: async (difference) => void reported.push(difference), finish: async () => [] },
    now: () => NOW,
  };
  return { ports, recorded, commitments, erpPort, raised, reported };
}

describe('reconcile: an ERP number recorded after its repost', () => {
  it('records the number a repost could not record, once, counted as a repair and raising nothing', async () => {
    const w = world();
    // The repost succeeds, recording its number on the commitment does not.
    const first = await reconcile(w.ports, SETTINGS, 'run-1');
    expect(first).toMatchObject({ repaired: 0, repairFailures: 1 });
    expect(w.erpPort.postPurchaseOrder).toHaveBeenCalledTimes(1);
    expect(w.recorded.erpNumber).toBe('P1');

    w.raised.length = 0;
    w.reported.length = 0;
    const second = await reconcile(w.ports, SETTINGS, 'run-2');
    expect(second).toMatchObject({ orders: 1, repaired: 1, repairFailures: 0, exceptionsRaised: 0 });
    expect(w.commitments.recordErpNumber).toHaveBeenLastCalledWith('PO-2026-000001', 'P9');
    expect(w.recorded.erpNumber).toBe('P9');
    expect(w.reported).toEqual([]);
    expect(w.raised).toEqual([]);
    expect(w.erpPort.postPurchaseOrder).toHaveBeenCalledTimes(1);

    const third = await reconcile(w.ports, SETTINGS, 'run-3');
    expect(third).toMatchObject({ repaired: 0, repairFailures: 0, exceptionsRaised: 0 });
    expect(w.commitments.recordErpNumber).toHaveBeenCalledTimes(2);
  });
});
