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
    // In pages of one, from the one after `after` (as the ERP port lists them, by reference).
    referencedOrders: async function* (_days, after) {
      for (const { externalRef, number } of [...orders].sort((a, b) =>
        a.externalRef.localeCompare(b.externalRef),
      ))
        if (after === undefined || externalRef > after.externalRef) yield [{ externalRef, number }];
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
        recordedAmong: async () => new Set([eastOrder, westOrder].map((o) => o.recorded.externalRef)),
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

  it('resumes a listing of referenced orders in the instance it stopped in, after the order it stopped at', async () => {
    const [first, second, third] = [agreeing(1).erp, agreeing(2).erp, agreeing(3).erp];
    const readers = erpOrdersByInstance(
      erpInstances(
        [
          { name: 'east', warehouses: ['WH-EAST'] },
          { name: 'west', warehouses: ['WH-WEST'] },
        ],
        (instance) =>
          instance === 'east'
            ? instanceReader([first, second], '0.00').reader
            : instanceReader([first, third], '0.00').reader,
      ),
    );
    const listed = async (after?: { externalRef: string; instance?: string }) => {
      const orders: string[] = [];
      for await (const page of readers.referencedOrders({ from: '2026-12-01', until: '2026-12-02' }, after))
        orders.push(...page.map((order) => `${order.instance}:${order.externalRef}`));
      return orders;
    };
    const [a, b, c] = [first, second, third].map((order) => order.externalRef);

    expect(await listed()).toEqual([`east:${a}`, `east:${b}`, `west:${a}`, `west:${c}`]);
    // The same reference in west is not skipped for having been read in east.
    expect(await listed({ instance: 'east', externalRef: a! })).toEqual([
      `east:${b}`,
      `west:${a}`,
      `west:${c}`,
    ]);
    expect(await listed({ instance: 'west', externalRef: a! })).toEqual([`west:${c}`]);
    // An instance that has left the configuration since: every instance from its start.
    expect(await listed({ instance: 'north', externalRef: a! })).toHaveLength(4);
  });
});
