import { describe, expect, it } from 'vitest';
import { postingDayPartitions, reconcileInPartitions } from '../../../domain/reconciliation/partitioned';
import { reconcile } from '../../../domain/reconciliation/run';
import { SETTINGS } from './fixtures';
import { inside, world } from './partition-world';

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

describe('reconcileInPartitions', () => {
  it('a run resumed over several invocations repeats nothing and ends as an uninterrupted run does', async () => {
    const since = new Date('2026-11-26T00:00:00Z');
    const whole = world(true);
    const uninterrupted = await reconcile(whole.ports(), SETTINGS, 'run-1', since);

    const resumed = world(true);
    const invocations: boolean[] = [];
    for (;;) {
      let asked = 0;
      const ports = resumed.ports();
      // Each invocation's time runs out after three steps.
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
    // 10 days in the window (the run's own day too), then the ERP's 41 referenced orders in 6
    // pages: 3 + 3 + 3 + 3 + 3 + 1 steps, the fourth invocation ending the partitions mid-way.
    expect(invocations).toEqual([false, false, false, false, false, true]);
    expect(resumed.parts).toEqual([...Array(16).keys()]);
    // Each order read once, each repair made once, each difference reported and raised once.
    expect(resumed.reads.toSorted()).toEqual(resumed.orders.map((o) => o.recorded.poNumber).toSorted());
    expect(resumed.reported).toEqual(whole.reported);
    expect(resumed.raised.map((e) => e.exceptionId)).toEqual(whole.raised.map((e) => e.exceptionId));
    // The ERP's order Supplyline never recorded, raised once, as the uninterrupted run raises it;
    // each referenced order looked up once.
    expect(uninterrupted).toMatchObject({ orders: 41, repaired: 8, exceptionsRaised: 9 });
    expect(resumed.raised.filter((e) => e.objectId === 'SL-PO-SR-UNKNOWN')).toHaveLength(1);
    expect(resumed.lookedUp).toHaveLength(41);
    expect(new Set(resumed.lookedUp).size).toBe(41);
    expect(resumed.saved.at(-1)).toMatchObject({
      partitionsDone: 16,
      unrecordedAfter: { externalRef: 'SL-PO-SR-UNKNOWN' },
    });
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

  it('an invocation that finds nothing left still ends a part, so the report joins every part saved', async () => {
    const since = new Date('2026-11-26T00:00:00Z');
    const run = world(true);
    for (;;) {
      const result = await reconcileInPartitions(run.ports(), SETTINGS, 'run-4', {
        since,
        shouldStop: () => true,
      });
      if (result.complete) break;
    }
    // The last step was saved but its invocation stopped: the ERP has no page after its cursor.
    const last = run.saved.at(-1)!;
    run.saved.push({ ...structuredClone(last), runId: 'run-5' });
    run.parts.length = 0;
    const result = await reconcileInPartitions(run.ports(), SETTINGS, 'run-5', { shouldStop: () => true });
    expect(result.complete).toBe(true);
    expect(run.parts).toEqual([last.partitionsDone]);
  });

  it('a run made in one invocation also raises the ERP orders Supplyline never recorded, as uninterrupted', async () => {
    const since = new Date('2026-11-26T00:00:00Z');
    const whole = world(true);
    const uninterrupted = await reconcile(whole.ports(), SETTINGS, 'run-3', since);
    const once = world(true);
    const result = await reconcileInPartitions(once.ports(), SETTINGS, 'run-3', {
      since,
      shouldStop: () => false,
    });
    expect(result).toEqual({ complete: true, summary: uninterrupted });
    expect(uninterrupted.differences.missing_in_procurement).toBeGreaterThan(0);
    expect(once.reported.filter((d) => d.externalRef === 'SL-PO-SR-UNKNOWN')).toHaveLength(1);
    expect(once.reported).toEqual(whole.reported);
  });
});
