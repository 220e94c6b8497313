/**
 * `npm run bench -- process-apis`: the purchase-order validation API's wall-clock latency against
 * a real Tryton, through the local runtime's governed API (gateway, cached authorizer, bundled
 * handler, Tryton over JSON-RPC, the procurement simulator), against the floor of the same Tryton
 * reads the validation needs, made directly from this process in the same run. Requests go one at
 * a time, floor and API alternating, after a warm-up; p50 and p99 of each over all rounds.
 */
import { startOnTryton } from '../../test/e2e/support';
import { purchaseOrderProposal } from '../../test/support/purchase-order-proposal';
import { atMost, median, reference, type BenchRow } from './harness';

/** Validation API p50 / direct Tryton reads p50. */
export const VALIDATION_LATENCY_BUDGET = 2;

const ROUNDS = Number(process.env.BENCH_PROCESS_API_ROUNDS ?? 200);
const WARM_UP = 20;

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function benchProcessApis(): Promise<BenchRow[]> {
  const { tryton, environment, erp } = await startOnTryton();
  try {
    const { runtime } = environment;
    const token = await runtime.identity.token({ person: 'rita.requester' });
    const body = JSON.stringify(purchaseOrderProposal());
    const validate = async () => {
      const response = await fetch(`${runtime.baseUrl}/v1/purchase-order-validations`, {
        method: 'POST',
        headers: {
          'x-api-key': runtime.apiKey,
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body,
      });
      if (response.status !== 200) throw new Error(`validation answered ${response.status}`);
      await response.json();
    };
    const month = new Date().toISOString().slice(0, 7);
    // What the validation cannot do without: the four ERP reads, in parallel as the lookup makes them.
    const reads = () =>
      Promise.all([
        erp.getItem('SKU-10442'),
        erp.getWarehouse('WH-EAST'),
        erp.getSupplier('S-1001'),
        erp.committedValue('WH-EAST', month),
      ]);
    for (let i = 0; i < WARM_UP; i++) {
      await reads();
      await validate();
    }
    const floor: number[] = [];
    const api: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      floor.push(await timed(reads));
      api.push(await timed(validate));
    }
    const ratio = median(api) / median(floor);
    return [
      reference('direct Tryton reads (floor): p50', median(floor), 'ms'),
      reference('direct Tryton reads (floor): p99', percentile(floor, 99), 'ms'),
      reference(`validation API: p50 (${ROUNDS} sequential requests)`, median(api), 'ms'),
      reference('validation API: p99', percentile(api, 99), 'ms'),
      atMost('validation API p50 / floor p50', ratio, 'x', VALIDATION_LATENCY_BUDGET),
    ];
  } finally {
    await environment.stop();
    await tryton.stop();
  }
}
