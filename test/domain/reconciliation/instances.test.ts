import { describe, expect, it, vi } from 'vitest';
import { erpInstances } from '../../../domain/business-units';
import type { ErpOrderReader } from '../../../domain/ports/reconciliation';
import { erpOrdersByInstance } from '../../../domain/reconciliation/instances';
import { reconcile, type ReconciliationPorts } from '../../../domain/reconciliation/run';
import type { Difference, ErpOrderView } from '../../../domain/reconciliation/types';
import { agreeing, NOW, SETTINGS } from './fixtures';
import { noOpRepairer } from './repairer-spy';

/** One instance's reader over its orders, noting the references it was asked for. */
function instanceReader(orders: readonly ErpOrderView[], committed: string) {
  const byRef = new Map(orders.map((order) => [order.externalRef, order]));
  const asked: string[] = [];
  const reader: ErpOrderReader = {
    ordersByReference: async (located) => {
      asked.push(...located.map((order) => order.externalRef));
      return new Map(
        located
          .filter((o) => byRef.has(o.externalRef))
          .map((o) => [o.externalRef, byRef.get(o.externalRef)!]),
      );
    },
    referencedOrders: async function* () {
      yield orders.map(({ externalRef, number }) => ({ externalRef, number }));
    },
    committedValue: vi.fn(async () => committed),
  };
  return { reader, asked };
}

describe('reconciliation across ERP instances', () => {
  it("compares each order with its warehouse's instance, lists every instance's unrecorded orders, and each warehouse's committed value from its own", async () => {
    const eastOrder = agreeing(1);
    const westOrder = agreeing(2);
    westOrder.recorded.warehouseCode = 'WH-WEST';
    westOrder.erp.warehouseCode = 'WH-WEST';
    // Order numbers repeat across instances: west's unrecorded order is P1 too.
    const unrecorded = { ...agreeing(3).erp, number: 'P1', warehouseCode: 'WH-WEST' };
    const east = instanceReader([eastOrder.erp], '1488.00');
    const west = instanceReader([westOrder.erp, unrecorded], '1488.00');
    const reported: Difference[] = [];
    const ports: ReconciliationPorts = {
      orders: {
        async *pages() {
          yield [eastOrder.recorded, westOrder.recorded];
        },
      },
      procurement: {
        ordersByNumber: async () =>
          new Map([eastOrder, westOrder].map((o) => [o.procurement.poNumber, o.procurement])),
      },
      erp: erpOrdersByInstance(
        erpInstances(
          [
            { name: 'east', warehouses: ['WH-EAST'] },
            { name: 'west', warehouses: ['WH-WEST'] },
          ],
          (instance) => (instance === 'east' ? east.reader : west.reader),
        ),
      ),
      repairer: noOpRepairer(),
      exceptions: { raise: async () => undefined },
      report: { add: async (difference) => void reported.push(difference), finish: async () => [] },
      now: () => NOW,
    };

    const run = await reconcile(ports, SETTINGS, 'run-units');

    expect(east.asked).toEqual([eastOrder.recorded.externalRef]);
    expect(west.asked).toEqual([westOrder.recorded.externalRef]);
    expect(run.differences.missing_in_erp).toBe(0);
    expect(reported).toEqual([
      expect.objectContaining({
        class: 'missing_in_procurement',
        externalRef: unrecorded.externalRef,
        erpNumber: 'P1',
      }),
    ]);
    expect(reported[0]!.resolution).toMatchObject({
      reason: expect.stringContaining('ERP order P1 (ERP instance west)'),
    });
    expect(east.reader.committedValue).toHaveBeenCalledWith('WH-EAST', '2026-12');
    expect(west.reader.committedValue).toHaveBeenCalledWith('WH-WEST', '2026-12');
    expect(run.committedValueDifferences).toBe(0);
  });
});
