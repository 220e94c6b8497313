/**
 * `npm run bench -- system-apis`: the system APIs on the local runtime (gateway, cached
 * authorizer, bundled item reader, read store on dynalite, the embedded ERP simulator, whose calls
 * are counted: every item read, per id or listing). Each run starts a fresh runtime (a cold store;
 * the gateway, authorizer and reader are warmed on a location, which reads no item) and measures:
 * - a stampede: 200 simultaneous reads of one item on the cold store, the ERP calls they made
 *   (budget 1: the product's bounded refresh lists the item master once) and their p99;
 * - open loop: 1,000 reads at 100/s over 50 items (the 7 the ERP has, 43 it does not: a 404 is
 *   filled and kept like an item) from 3 consumers (WMS, BI, a buyer) on the store as the product
 *   left it (nothing filled by hand): p50, p99 and the ERP calls (issue #17: p99 < 50 ms, <= 60 ERP
 *   calls);
 * - the floor: the same open loop again on the now warm store, so the p99 is also a ratio to it.
 * Figures are medians over the runs (BENCH_SYSTEM_API_RUNS, default 3).
 */
import { startLocalEnvironment } from '../../local/environment';
import { atMost, median, reference, type BenchRow } from './harness';

const RUNS = Number(process.env.BENCH_SYSTEM_API_RUNS ?? 3);
const READS = 1000;
const RATE_PER_SECOND = 100;
const STAMPEDE = 200;
/** The budgets. */
export const SYSTEM_API_BUDGETS = { p99Ms: 50, erpCalls: 60, stampedeErpCalls: 1, p99OverFloor: 3 } as const;

const SEEDED = ['SKU-10442', 'SKU-10443', 'SKU-20991', 'SKU-20992', 'SKU-30001', 'SKU-40001', 'SKU-40002'];
const ITEMS = [...SEEDED, ...Array.from({ length: 43 }, (_, i) => `SKU-BENCH-${i + 1}`)];

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

interface RunFigures {
  stampedeErpCalls: number;
  stampedeP99: number;
  coldP50: number;
  coldP99: number;
  coldErpCalls: number;
  floorP99: number;
  failures: number;
}

async function oneRun(): Promise<RunFigures> {
  const environment = await startLocalEnvironment({
    settings: { port: 0, planningWebhookSecret: 'bench-planning-signing-secret' },
    quietFunctions: true,
    log: () => undefined,
  });
  try {
    const { runtime } = environment;
    const erp = environment.erp!;
    const tokens = await Promise.all([
      runtime.identity.token({ application: 'wms' }),
      runtime.identity.token({ application: 'bi' }),
      runtime.identity.token({ person: 'rita.requester' }),
    ]);
    const get = (path: string, token: string) =>
      fetch(`${runtime.baseUrl}${path}`, {
        headers: { 'x-api-key': runtime.apiKey, authorization: `Bearer ${token}` },
      });
    const read = async (itemCode: string, token: string): Promise<number> => {
      const start = performance.now();
      const response = await get(`/v1/items/${itemCode}`, token);
      await response.arrayBuffer();
      if (response.status !== 200 && response.status !== 404)
        throw new Error(`${itemCode}: ${response.status}`);
      return performance.now() - start;
    };
    const erpReads = () =>
      erp.calls.filter((call) => call.operation === 'getItem' || call.operation === 'listItems').length;
    // Warm the gateway, the authorizer (each token) and the reader on a route that reads no item,
    // so the stampede below meets a cold item store (a consumer without the scope is refused: 403).
    for (const token of tokens) await (await get('/v1/locations/WH-EAST', token)).arrayBuffer();

    let before = erpReads();
    const stampede = await Promise.all(
      Array.from({ length: STAMPEDE }, (_, i) => read('SKU-30001', tokens[i % 3]!)),
    );
    const stampedeErpCalls = erpReads() - before;

    // Open loop: request i leaves at i / rate whatever the earlier ones are doing.
    const openLoop = async () => {
      const latencies: number[] = [];
      let failures = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: READS }, async (_, i) => {
          const due = started + (i * 1000) / RATE_PER_SECOND;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
          try {
            latencies.push(await read(ITEMS[(i * 7919) % ITEMS.length]!, tokens[i % 3]!));
          } catch {
            failures++;
          }
        }),
      );
      return { latencies, failures };
    };
    before = erpReads();
    const cold = await openLoop();
    const coldErpCalls = erpReads() - before;
    const floor = await openLoop();
    return {
      stampedeErpCalls,
      stampedeP99: percentile(stampede, 99),
      coldP50: median(cold.latencies),
      coldP99: percentile(cold.latencies, 99),
      coldErpCalls,
      floorP99: percentile(floor.latencies, 99),
      failures: cold.failures + floor.failures,
    };
  } finally {
    await environment.stop();
  }
}

export async function benchSystemApis(): Promise<BenchRow[]> {
  const runs: RunFigures[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await oneRun());
  const of = (pick: (run: RunFigures) => number) => median(runs.map(pick));
  const list = (pick: (run: RunFigures) => number) =>
    runs.map((run) => Math.round(pick(run) * 10) / 10).join(', ');
  return [
    atMost(
      `stampede: ERP calls for ${STAMPEDE} simultaneous reads of one item, cold store (runs: ${list((r) => r.stampedeErpCalls)})`,
      of((r) => r.stampedeErpCalls),
      'calls',
      SYSTEM_API_BUDGETS.stampedeErpCalls,
    ),
    reference(
      `  same: p99 (the first reads of a cold store wait for the listing; runs: ${list((r) => r.stampedeP99)})`,
      of((r) => r.stampedeP99),
      'ms',
    ),
    reference(
      `open loop ${READS} reads at ${RATE_PER_SECOND}/s, 50 items, 3 consumers, store as the product left it: p50`,
      of((r) => r.coldP50),
      'ms',
    ),
    atMost(
      `  same: p99 (runs: ${list((r) => r.coldP99)})`,
      of((r) => r.coldP99),
      'ms',
      SYSTEM_API_BUDGETS.p99Ms,
    ),
    atMost(
      `  same: ERP calls (runs: ${list((r) => r.coldErpCalls)})`,
      of((r) => r.coldErpCalls),
      'calls',
      SYSTEM_API_BUDGETS.erpCalls,
    ),
    reference(
      'floor: the same open loop on the warm store: p99',
      of((r) => r.floorP99),
      'ms',
    ),
    atMost(
      'cold-store p99 / warm-store p99 (median of the runs’ ratios)',
      of((r) => r.coldP99 / r.floorP99),
      'x',
      SYSTEM_API_BUDGETS.p99OverFloor,
    ),
    atMost(
      'failed reads (neither 200 nor 404)',
      of((r) => r.failures),
      'reads',
      0,
    ),
  ];
}
