/**
 * The business-unit outage drill itself (issue #18, ADR 0013, drill 9 in docs/fault-drills.md):
 * 20 forecast exceptions per unit, with or without east's ERP down, and what became of each. One
 * source for the e2e drill (business-units.e2e.test.ts asserts on it) and `npm run bench --
 * business-units` (scripts/bench/business-units.ts measures it over repeated runs); neither imports
 * vitest's hooks from here, so the bench runs it outside a test.
 */
import { LOCAL_BUSINESS_UNITS } from '../../../local/business-units';
import type { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { waitFor } from '../support';
import { sleep, type DrillOptions } from './harness';
import {
  actionable,
  breakerLog,
  commitmentsOf,
  deadLetters,
  environment,
  events,
  exceptionCodes,
  exceptionToPoTimes,
  outcomesOf,
  pathsOf,
  percentile,
  postedAtOf,
  quiet,
  sendAll,
  tally,
  type Delivery,
} from './reconciliation';

/** The drill's environment: the two local business units, each its own embedded ERP. */
export const BUSINESS_UNITS_DRILL: DrillOptions = {
  businessUnits: LOCAL_BUSINESS_UNITS,
};

export const OUTAGE_SECONDS = Number(process.env.SUPPLYLINE_UNITS_DRILL_OUTAGE_SECONDS ?? 60);
/**
 * How east is down: `refuse` answers every call at once with a transient failure; `timeout` holds
 * every call past the ERP client's 10 s timeout (then fails it), as a hung instance does.
 */
export const EAST_DOWN =
  process.env.SUPPLYLINE_UNITS_DRILL_FAULT === 'timeout'
    ? { outage: true, latencyMs: 15_000 }
    : { outage: true, latencyMs: 0 };
export const PER_UNIT = 20;
/** The budget: west's exception->PO p99 during east's outage within this many times the run without it. */
export const WEST_P99_RATIO_BUDGET = 1.2;
/** A site of each unit's warehouses in the dev cross-reference (DC-EAST-02: WH-EAST, DC-WEST-01: WH-WEST). */
const SITES = { east: 'DC-EAST-02', west: 'DC-WEST-01' } as const;
type Unit = keyof typeof SITES;

const unitErp = (unit: Unit): ErpSimulatorServer => environment.erps![unit]!;

/** The ERP order reference of a delivery's posted PO, when it was posted. */
const externalRefOf = (delivery: Delivery): string | undefined => {
  const posted = events('purchase-order.posted', delivery.event_id)[0];
  return posted ? String(posted.data.externalRef) : undefined;
};

/** Every delivery posted, and its order in `unit`'s ERP. */
async function allInErp(deliveries: readonly Delivery[], unit: Unit): Promise<boolean> {
  for (const delivery of deliveries) {
    const ref = externalRefOf(delivery);
    if (!ref || !(await unitErp(unit).simulator.findPurchaseOrder(ref))) return false;
  }
  return true;
}

/** How many orders each delivery has in its own ERP and in the other one. */
async function ordersByErp(deliveries: readonly Delivery[], own: Unit) {
  const other: Unit = own === 'east' ? 'west' : 'east';
  const counts = { inOwn: [] as number[], inOther: 0 };
  for (const delivery of deliveries) {
    const ref = externalRefOf(delivery);
    counts.inOwn.push(ref ? await unitErp(own).simulator.countPurchaseOrders(ref) : 0);
    counts.inOther += ref ? await unitErp(other).simulator.countPurchaseOrders(ref) : 0;
  }
  return counts;
}

/** Exception->PO times (webhook sent to `purchase-order.posted` accepted) of some deliveries. */
function toPoMs(deliveries: readonly Delivery[], sentAt: ReadonlyMap<string, number>) {
  const times = exceptionToPoTimes(deliveries, sentAt);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** What the commitments last waited for (`$.deferral`: system and reason), counted: west must never wait on east. */
function deferralsOf(deliveries: readonly Delivery[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const execution of deliveries.flatMap((d) => commitmentsOf(d))) {
    const deferral = (execution.output as { deferral?: { system?: string; reason?: string } } | undefined)
      ?.deferral;
    if (!deferral) continue;
    const key = `${deferral.system}: ${String(deferral.reason).slice(0, 120)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * 20 exceptions per unit, interleaved 100 ms apart, on the current drill environment; with
 * `outage`, east's ERP is down (EAST_DOWN) from before the first until OUTAGE_SECONDS later.
 * Returns what the drill asserts on and the figures it reports.
 */
export async function burstPerUnit(label: string, outage: boolean) {
  const started = Date.now();
  const deliveries = {
    east: Array.from({ length: PER_UNIT }, (_, i) => actionable(`${label}-E${i}`, 10 + i, SITES.east)),
    west: Array.from({ length: PER_UNIT }, (_, i) => actionable(`${label}-W${i}`, 10 + i, SITES.west)),
  };
  const interleaved = deliveries.east.flatMap((east, i) => [east, deliveries.west[i]!]);
  const sentAt = new Map<string, number>();
  const window = { start: 0, end: 0, westInErpAt: 0 };
  if (outage) {
    window.start = Date.now();
    unitErp('east').setFaults(EAST_DOWN);
  }
  await sendAll(interleaved, 100, (index) => sentAt.set(interleaved[index]!.event_id, Date.now()));
  if (outage) {
    // Until east recovers: note when every west order is in west's ERP.
    while (Date.now() < window.start + OUTAGE_SECONDS * 1000) {
      if (!window.westInErpAt && (await allInErp(deliveries.west, 'west'))) window.westInErpAt = Date.now();
      await sleep(250);
    }
    unitErp('east').setFaults({ outage: false, latencyMs: 0 });
    window.end = Date.now();
  } else {
    await waitFor('every west order in west ERP', () => allInErp(deliveries.west, 'west'), 300_000);
    window.westInErpAt = Date.now();
  }
  await quiet();

  const letters = await deadLetters();
  const outcomes = {
    east: outcomesOf(deliveries.east, letters),
    west: outcomesOf(deliveries.west, letters),
  };
  const eastPostedAtByDelivery = deliveries.east.map(postedAtOf);
  const eastPostedAt = eastPostedAtByDelivery.flat();
  const figures = {
    durationMs: Date.now() - started,
    outageMs: window.end - window.start,
    eastFault: outage ? EAST_DOWN : null,
    westAllInErpAfterOutageStartMs: outage && window.westInErpAt ? window.westInErpAt - window.start : null,
    westExceptionToPoMs: toPoMs(deliveries.west, sentAt),
    eastExceptionToPoMs: toPoMs(deliveries.east, sentAt),
    eastFirstPoAfterRecoveryMs: outage && eastPostedAt.length ? Math.min(...eastPostedAt) - window.end : null,
    eastLastPoAfterRecoveryMs: outage && eastPostedAt.length ? Math.max(...eastPostedAt) - window.end : null,
    outcomes: { east: tally(outcomes.east), west: tally(outcomes.west) },
    integrationExceptionCodes: {
      east: exceptionCodes(outcomes.east),
      west: exceptionCodes(outcomes.west),
    },
    deadLetters: letters.map((l) => `${l.queue}: ${l.reason.slice(0, 200)}`),
    breakerChanges: {
      east: breakerLog('erp', started).map((c) => `${c.from}>${c.to} @${c.at - started}`),
      west: breakerLog('erp:west', started).map((c) => `${c.from}>${c.to} @${c.at - started}`),
    },
    lastDeferralOfCommitments: {
      east: deferralsOf(deliveries.east),
      west: deferralsOf(deliveries.west),
    },
    commitmentPaths: { east: pathsOf(deliveries.east), west: pathsOf(deliveries.west) },
  };
  return {
    window,
    letters,
    count: figures.outcomes,
    orders: {
      east: await ordersByErp(deliveries.east, 'east'),
      west: await ordersByErp(deliveries.west, 'west'),
    },
    eastPostedAtByDelivery,
    figures,
  };
}

export type UnitsBurst = Awaited<ReturnType<typeof burstPerUnit>>;

/**
 * A burst in the drill's terms: west's exception->PO times; east's exceptions posted, none before
 * recovery (all 20 when the drill holds; without an outage, `window.end` is 0); lost
 * (no outcome at all); failed (an integration exception, a dead letter or a failed compensation:
 * an outage is waited out, so none is expected); duplicates (an extra outcome, an extra order in its
 * own ERP, or any order in the other unit's ERP).
 */
export function unitsBurstSummary(
  burst: Pick<UnitsBurst, 'window' | 'count' | 'orders' | 'eastPostedAtByDelivery' | 'figures'>,
) {
  const units = ['east', 'west'] as const;
  const sum = (f: (unit: (typeof units)[number]) => number) => units.reduce((total, u) => total + f(u), 0);
  return {
    westP50Ms: burst.figures.westExceptionToPoMs.p50,
    westP99Ms: burst.figures.westExceptionToPoMs.p99,
    eastPostedAfterRecovery: burst.eastPostedAtByDelivery.filter(
      (times) => times.length > 0 && Math.min(...times) >= burst.window.end,
    ).length,
    lost: sum((u) => burst.count[u].none),
    failed: sum(
      (u) =>
        burst.count[u].integrationException + burst.count[u].deadLetter + burst.count[u].compensationFailed,
    ),
    duplicates: sum(
      (u) =>
        burst.count[u].several +
        burst.orders[u].inOwn.reduce((extra, n) => extra + Math.max(0, n - 1), 0) +
        burst.orders[u].inOther,
    ),
  };
}
