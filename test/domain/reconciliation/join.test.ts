import { describe, expect, it, vi } from 'vitest';
import type { ReconciliationSummary } from '../../../domain/ports/reconciliation';
import { joinByReference, UnsortedStreamError } from '../../../domain/reconciliation/join';
import {
  reconcile,
  reconcileViews,
  reconciliationWindow,
  type ReconciliationOutcomes,
} from '../../../domain/reconciliation/run';
import type { Difference, OrderViews } from '../../../domain/reconciliation/types';
import { agreeing, notLookedUp, NOW, SETTINGS } from './fixtures';
import { noOpRepairer } from './repairer-spy';

/** A stream of `items` that records how far it has been read. */
function stream<T>(items: readonly T[]) {
  const read = { count: 0 };
  return {
    read,
    async *[Symbol.asyncIterator]() {
      for (const item of items) {
        read.count++;
        yield item;
      }
    },
  };
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const refs = (views: OrderViews[]) =>
  views.map((v) => [v.recorded.externalRef, v.procurement?.externalRef ?? null, v.erp?.externalRef ?? null]);

describe('joinByReference', () => {
  it('joins each record with the platform and ERP views of its reference, null where a system has none', async () => {
    const orders = [1, 2, 3, 4].map((n) => agreeing(n));
    const joined = await all(
      joinByReference(
        stream(orders.map((o) => o.recorded)),
        stream([orders[0]!, orders[2]!, orders[3]!].map((o) => o.procurement)),
        stream([orders[0]!, orders[1]!, orders[3]!].map((o) => o.erp)),
      ),
    );
    expect(refs(joined)).toEqual([
      ['SL-PO-SR-000001', 'SL-PO-SR-000001', 'SL-PO-SR-000001'],
      ['SL-PO-SR-000002', null, 'SL-PO-SR-000002'],
      ['SL-PO-SR-000003', 'SL-PO-SR-000003', null],
      ['SL-PO-SR-000004', 'SL-PO-SR-000004', 'SL-PO-SR-000004'],
    ]);
  });

  it('passes over platform and ERP orders Supplyline has no record of', async () => {
    const [one, two] = [agreeing(1), agreeing(2)];
    const unrecorded = { ...agreeing(1).erp, number: 'PX', externalRef: 'SL-PO-SR-000001-X' };
    const joined = await all(
      joinByReference(
        stream([one.recorded, two.recorded]),
        stream([agreeing(0).procurement, one.procurement, two.procurement, agreeing(9).procurement]),
        stream([agreeing(0).erp, one.erp, unrecorded, two.erp]),
      ),
    );
    expect(refs(joined)).toEqual([
      ['SL-PO-SR-000001', 'SL-PO-SR-000001', 'SL-PO-SR-000001'],
      ['SL-PO-SR-000002', 'SL-PO-SR-000002', 'SL-PO-SR-000002'],
    ]);
    expect(joined[1]!.erp!.number).toBe('P2');
  });

  it('reads each stream only as far as the order being compared (memory holds one view per stream)', async () => {
    const orders = [1, 2, 3, 4, 5].map((n) => agreeing(n));
    const procurement = stream(orders.map((o) => o.procurement));
    const erp = stream(orders.map((o) => o.erp));
    const joined = joinByReference(stream(orders.map((o) => o.recorded)), procurement, erp);
    await joined.next();
    await joined.next();
    // The second order's views, and one view ahead of it in each stream.
    expect([procurement.read.count, erp.read.count]).toEqual([3, 3]);
  });

  it('refuses a stream that is not sorted by reference rather than report orders missing that are not', async () => {
    const [one, two, three] = [agreeing(1), agreeing(2), agreeing(3)];
    const records = stream([one.recorded, two.recorded, three.recorded]);
    await expect(
      all(joinByReference(records, stream([one, three, two].map((o) => o.procurement)), stream([]))),
    ).rejects.toThrow(UnsortedStreamError);
    await expect(
      all(joinByReference(stream([two.recorded, one.recorded]), stream([]), stream([]))),
    ).rejects.toThrow(/recorded stream is not sorted/);
    // A reference recorded twice would be compared, and repaired, twice.
    await expect(
      all(joinByReference(stream([one.recorded, one.recorded]), stream([]), stream([]))),
    ).rejects.toThrow(UnsortedStreamError);
  });
});

describe('the streaming compare over the merge join', () => {
  it('reconciles the joined extracts exactly as the paged run reconciles the same orders', async () => {
    const orders = [1, 2, 3].map((n) => agreeing(n));
    orders[2]!.procurement.lines[0]!.quantityEa = '500';
    const outcomes = () => {
      const reported: Difference[] = [];
      const ports: ReconciliationOutcomes = {
        repairer: noOpRepairer(),
        exceptions: { raise: vi.fn(async () => undefined) },
        report: {
          add: async (difference) => void reported.push(difference),
          finish: async (summary: ReconciliationSummary) => [summary.runId],
        },
        erp: { committedValue: async () => '4464.00' },
        now: () => NOW,
      };
      return { ports, reported };
    };
    const window = reconciliationWindow(NOW, SETTINGS.windowDays);

    const joined = outcomes();
    const fromExtracts = await reconcileViews(
      joinByReference(
        stream(orders.map((o) => o.recorded)),
        stream([orders[0]!, orders[2]!].map((o) => o.procurement)),
        stream(orders.map((o) => o.erp)),
      ),
      joined.ports,
      SETTINGS,
      { runId: 'run-1', window, startedAt: NOW },
    );

    const paged = outcomes();
    const fromPages = await reconcile(
      {
        ...paged.ports,
        orders: {
          async *pages() {
            yield orders.map((o) => o.recorded);
          },
          recordedAmong: notLookedUp,
        },
        procurement: {
          ordersByNumber: async () =>
            new Map([orders[0]!, orders[2]!].map((o) => [o.procurement.poNumber, o.procurement])),
        },
        erp: {
          ordersByReference: async () => new Map(orders.map((o) => [o.erp.externalRef, o.erp])),
          referencedOrders: async function* () {},
          committedValue: async () => '4464.00',
        },
      },
      SETTINGS,
      'run-1',
    );

    expect(fromExtracts).toEqual(fromPages);
    expect(fromExtracts).toMatchObject({ orders: 3, repaired: 1, exceptionsRaised: 1 });
    expect(joined.reported).toEqual(paged.reported);
    expect(joined.ports.repairer.amendErpOrder).toHaveBeenCalledWith(
      expect.objectContaining({ externalRef: 'SL-PO-SR-000003' }),
      [{ lineNo: 1, quantityEa: '500' }],
    );
  });
});
