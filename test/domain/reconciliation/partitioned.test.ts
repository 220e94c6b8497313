import { describe, expect, it } from 'vitest';
import type { IntegrationException } from '../../../canonical/generated/types';
import type { ProcurementPurchaseOrder } from '../../../domain/ports/procurement';
import type {
  ReconciliationCheckpoint,
  ReconciliationSummary,
  ReconciliationWindow,
} from '../../../domain/ports/reconciliation';
import { postingDayPartitions, reconcileInPartitions } from '../../../domain/reconciliation/partitioned';
import { reconcile, type ReconciliationPorts } from '../../../domain/reconciliation/run';
import type { Difference, ErpOrderView } from '../../../domain/reconciliation/types';
import { agreeing, NOW, SETTINGS } from './fixtures';
import { noOpRepairer } from './repairer-spy';

const inside = (at: string, window: ReconciliationWindow) => window.since <= at && at < window.until;

describe('postingDayPartitions', () => {
  it('cuts the window at each UTC midnight: every instant of the window in exactly one partition', () => {
    const window = { since: '2026-09-06T12:34:56.789Z', until: '2026-12-05T12:00:00.000Z' };
    const partitions = postingDayPartitions(window);
    expect(partitions).toHaveLength(91);
    expect(partitions[0]).toEqual({ since: window.since, until: '2026-09-07T00:00:00.000Z' });
    expect(partitions.at(-1)).toEqual({ since: '2026-12-05T00:00:00.000Z', until: window.until });
    for (let i = 1; i < partitions.length; i++) expect(partitions[i]!.since).toBe(partitions[i - 1]!.until);
    for (const partition of partitions)
      expect(partition.since.slice(0, 10)).toBe(
        new Date(Date.parse(partition.until) - 1).toISOString().slice(0, 10),
      );
    // Midnights, the window's ends and the instants around them: each in exactly one partition.
    const probes = [
      window.since,
      '2026-09-06T23:59:59.999Z',
      '2026-09-07T00:00:00.000Z',
      '2026-10-31T00:00:00.000Z',
      '2026-12-05T11:59:59.999Z',
    ];
    for (const at of probes) expect(partitions.filter((p) => inside(at, p))).toHaveLength(1);
    for (const at of ['2026-09-06T12:34:56.788Z', window.until])
      expect(partitions.filter((p) => inside(at, p))).toHaveLength(0);
  });

  it('a window within one day, or ending at midnight, has no empty partition', () => {
    expect(
      postingDayPartitions({ since: '2026-12-05T01:00:00.000Z', until: '2026-12-05T02:00:00.000Z' }),
    ).toEqual([{ since: '2026-12-05T01:00:00.000Z', until: '2026-12-05T02:00:00.000Z' }]);
    expect(
      postingDayPartitions({ since: '2026-12-03T00:00:00.000Z', until: '2026-12-05T00:00:00.000Z' }),
    ).toEqual([
      { since: '2026-12-03T00:00:00.000Z', until: '2026-12-04T00:00:00.000Z' },
      { since: '2026-12-04T00:00:00.000Z', until: '2026-12-05T00:00:00.000Z' },
    ]);
  });
});

/**
 * 40 orders posted over the last 10 days (four a day, one of them at midnight), one in five
 * drifting: a quantity to repair or an order deleted on the platform. The checkpoint store and the
 * report outlive the ports of one invocation, as DynamoDB and S3 would.
 */
function world() {
  const orders = Array.from({ length: 40 }, (_, n) => {
    const order = agreeing(n + 1);
    const day = new Date(Date.parse('2026-11-26T00:00:00Z') + Math.floor(n / 4) * 86_400_000);
    order.recorded.recordedAt = new Date(day.getTime() + (n % 4) * 3 * 3_600_000).toISOString();
    if (n % 5 === 1) order.procurement.lines[0]!.quantityEa = '500';
    return order;
  });
  const deleted = new Set(orders.filter((_, n) => n % 5 === 3).map((o) => o.procurement.poNumber));
  const procurement = new Map<string, ProcurementPurchaseOrder>(
    orders
      .filter((o) => !deleted.has(o.procurement.poNumber))
      .map((o) => [o.procurement.poNumber, o.procurement]),
  );
  const erp = new Map<string, ErpOrderView>(orders.map((o) => [o.erp.externalRef, o.erp]));
  const saved: ReconciliationCheckpoint[] = [];
  const reported: Difference[] = [];
  const parts: number[] = [];
  const raised: IntegrationException[] = [];
  const reads: string[] = [];
  const ports = () => {
    const base: ReconciliationPorts = {
      orders: {
        async *pages(window) {
          yield orders.map((o) => o.recorded).filter((r) => inside(r.recordedAt, window));
        },
      },
      procurement: {
        ordersByNumber: async (numbers) => {
          reads.push(...numbers);
          return new Map(numbers.filter((n) => procurement.has(n)).map((n) => [n, procurement.get(n)!]));
        },
      },
      erp: {
        ordersByReference: async (orders) =>
          new Map(
            orders.filter((o) => erp.has(o.externalRef)).map((o) => [o.externalRef, erp.get(o.externalRef)!]),
          ),
        referencedOrders: async function* () {},
        committedValue: async () => '0.00',
      },
      repairer: noOpRepairer(),
      exceptions: { raise: async (exception) => void raised.push(exception) },
      report: {
        add: async (difference) => void reported.push(difference),
        endPart: async (part) => void parts.push(part),
        finish: async (summary: ReconciliationSummary) => [`runs/${summary.runId}.json`],
      },
      now: () => NOW,
    };
    return {
      ...base,
      checkpoints: {
        load: async (runId: string) => structuredClone(saved.findLast((c) => c.runId === runId)),
        save: async (checkpoint: ReconciliationCheckpoint) => void saved.push(structuredClone(checkpoint)),
      },
    };
  };
  return { ports, saved, reported, parts, raised, reads, orders };
}

describe('reconcileInPartitions', () => {
  it('a run resumed over several invocations repeats nothing and ends as an uninterrupted run does', async () => {
    const since = new Date('2026-11-26T00:00:00Z');
    const whole = world();
    const uninterrupted = await reconcile(whole.ports(), SETTINGS, 'run-1', since);

    const resumed = world();
    const invocations: boolean[] = [];
    for (;;) {
      let asked = 0;
      const ports = resumed.ports();
      // Each invocation's time runs out after three partitions.
      const result = await reconcileInPartitions(ports, SETTINGS, 'run-1', {
        since,
        shouldStop: () => ++asked >= 3,
      });
      invocations.push(result.complete);
      if (result.complete) {
        expect(result.summary).toEqual(uninterrupted);
        break;
      }
      expect(invocations.length).toBeLessThan(10);
    }
    // 10 days in the window (the run's own day too): 3 + 3 + 3 + 1 partitions.
    expect(invocations).toEqual([false, false, false, true]);
    expect(resumed.parts).toEqual([...Array(10).keys()]);
    // Each order read once, each repair made once, each difference reported and raised once.
    expect(resumed.reads.toSorted()).toEqual(resumed.orders.map((o) => o.recorded.poNumber).toSorted());
    expect(resumed.reported).toEqual(expect.arrayContaining(whole.reported));
    expect(resumed.reported).toHaveLength(whole.reported.length);
    expect(resumed.raised.map((e) => e.exceptionId).toSorted()).toEqual(
      whole.raised.map((e) => e.exceptionId).toSorted(),
    );
    expect(uninterrupted).toMatchObject({ orders: 40, repaired: 8, exceptionsRaised: 8 });
    expect(resumed.saved.at(-1)).toMatchObject({ partitionsDone: 10 });
  });

  it('compares at least one partition per invocation, so a run always gets further', async () => {
    const { ports, saved } = world();
    const result = await reconcileInPartitions(ports(), SETTINGS, 'run-2', {
      since: new Date('2026-11-26T00:00:00Z'),
      shouldStop: () => true,
    });
    expect(result).toMatchObject({ complete: false, checkpoint: { partitionsDone: 1 } });
    expect(saved).toHaveLength(1);
  });
});
