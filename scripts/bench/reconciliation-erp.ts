/**
 * Reconciliation's ERP side against a real Tryton 6.0 at the scale: 10,000 orders read as
 * the run reads them (`ErpOrders` over `findPurchaseOrders`: a page of 100 references per ERP port
 * call, 2 pages at a time), each page granted first by the ERP request budget's bulk lane, the
 * production `SharedRateBudget` (ERP_SHARED_BUDGET: 10 of 25 requests per half-second window, 20/s)
 * on dynalite. The orders are seeded through Tryton's JSON-RPC in batches before anything is
 * timed (see BatchSeeder: drafts 500 per call, 1 in 100 confirmed, 1 in 200 received).
 *
 * Figures: the read's wall clock (median of the runs after a warm-up), the port calls (budget
 * grants) and JSON-RPC requests it made, the most grants in one budget window (<= the lane's 10),
 * the time as a ratio to the budget's floor (pages / 20 per second: no run can be faster while it
 * keeps to the lane), and the peer: the per-order reads the run made before (findPurchaseOrder and
 * listReceipts, 4 at a time) on a sample, per order, so both sides come from the same Tryton.
 * Budgets: the lane's share per window, and the paged read at least MIN_SPEEDUP times the peer.
 *
 * `npm run bench -- reconciliation-erp` (BENCH_ERP_ORDERS, default 10000; BENCH_ERP_RUNS, default 3).
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ErpOrders } from '../../adapters/erp/order-reader';
import { TrytonRpc } from '../../adapters/erp/tryton/jsonrpc';
import { budgetedPort } from '../../adapters/resilience/budgeted-port';
import { SharedRateBudget, type BudgetLane } from '../../adapters/resilience/shared-rate-budget';
import { ERP_SHARED_BUDGET } from '../../application/system-apis';
import {
  RECONCILIATION_ERP_READS,
  RECONCILIATION_ERP_WAIT_MS,
} from '../../functions/scheduled/reconciliation-ports';
import { runBounded } from '../../domain/concurrency';
import type { PostPurchaseOrderRequest } from '../../domain/ports/erp';
import { startLocalDynamo } from '../../local/dynamodb/tables';
import { TrytonErpAdmin } from '../../scripts/tryton/admin';
import { startTryton } from '../../test/support/tryton';
import { atLeast, atMost, median, reference, type BenchRow } from './harness';

const SEED_BATCH = 500;
const CONFIRMED_ONE_IN = 100;
const CONFIRM_BATCH = 10;
const RECEIVED_ONE_IN = 200;
const PEER_SAMPLE = 100;
/** Pages must beat the per-order reads by this much: 2 requests per order vs 4 per 100 (2026-12-05: 28x). */
const MIN_SPEEDUP = 10;
/** The bulk lane's requests per second: its share of each window, windows per second. */
const BULK_PER_WINDOW = Math.floor(ERP_SHARED_BUDGET.limitPerWindow * ERP_SHARED_BUDGET.bulkShare);
const BULK_PER_SECOND = (BULK_PER_WINDOW * 1000) / ERP_SHARED_BUDGET.windowMs;

/** JSON-RPC requests counted as they are sent. */
class CountedRpc extends TrytonRpc {
  requests = 0;
  override call<T = unknown>(...args: Parameters<TrytonRpc['call']>): Promise<T> {
    this.requests++;
    return super.call<T>(...args);
  }
}

/**
 * Seeds orders over JSON-RPC in batches: one create per batch (drafts), then every
 * CONFIRMED_ONE_IN-th order quoted and confirmed, a few per call. Confirming is Tryton's costly
 * step (moves and invoice lines, ~0.2-0.4 s an order here), so 10,000 confirmed orders would take
 * most of an hour; one confirmed order per page of 100 makes every page read its moves and
 * shipments, so each page makes the requests a page of confirmed orders makes.
 */
class BatchSeeder extends TrytonErpAdmin {
  async createBatch(requests: readonly PostPurchaseOrderRequest[]): Promise<number[]> {
    // Every order of the bench has the same supplier, warehouse and items: resolved once.
    const ids = await this.checkAndResolve(requests[0]!);
    const values = await Promise.all(requests.map((request) => this.purchaseValues(request, ids)));
    return this.rpc.create('purchase.purchase', values);
  }

  async confirmBatch(ids: number[]): Promise<void> {
    await this.rpc.button('purchase.purchase', 'quote', ids);
    await this.rpc.button('purchase.purchase', 'confirm', ids);
  }
}

function benchOrder(n: number, today: string): PostPurchaseOrderRequest {
  const line = {
    itemCode: 'SKU-10442',
    quantityEa: String(12 + (n % 40)),
    unitPrice: '3.10',
    deliveryDate: today,
  };
  return {
    externalRef: `SL-PO-BENCH-${String(n).padStart(6, '0')}`,
    supplierNumber: 'S-1001',
    warehouseCode: 'WH-EAST',
    purchaseDate: today,
    currency: 'USD',
    // One order in three has a second line, so lines outnumber orders as in a real window.
    lines: n % 3 === 0 ? [line, { ...line, itemCode: 'SKU-10443', unitPrice: '1.85' }] : [line],
  };
}

/** Rows: the 10,000-order read, its calls and budget, and the per-order peer. */
export async function benchReconciliationErp(
  orders = Number(process.env.BENCH_ERP_ORDERS ?? 10_000),
  runs = Number(process.env.BENCH_ERP_RUNS ?? 3),
): Promise<BenchRow[]> {
  const tryton = await startTryton();
  const dynamo = await startLocalDynamo({ prefix: 'bench-reconciliation-erp' });
  try {
    const connection = {
      url: tryton.url,
      database: tryton.db,
      user: tryton.user,
      password: tryton.password,
      // A batch of 500 creations is one long request.
      timeoutMs: 120_000,
    };
    const today = new Date().toISOString().slice(0, 10);
    const seeder = new BatchSeeder(connection);
    const references: string[] = [];
    const toConfirm: number[] = [];
    const seedStart = performance.now();
    for (let start = 0; start < orders; start += SEED_BATCH) {
      const batch = Array.from({ length: Math.min(SEED_BATCH, orders - start) }, (_, i) =>
        benchOrder(start + i, today),
      );
      const ids = await seeder.createBatch(batch);
      toConfirm.push(...ids.filter((_, i) => (start + i) % CONFIRMED_ONE_IN === 0));
      references.push(...batch.map((order) => order.externalRef));
    }
    for (let start = 0; start < toConfirm.length; start += CONFIRM_BATCH)
      await seeder.confirmBatch(toConfirm.slice(start, start + CONFIRM_BATCH));
    const received = references.filter((_, n) => n % RECEIVED_ONE_IN === 0);
    await runBounded(received, 4, async (reference) => void (await seeder.receiveShipment(reference)));
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const located = references.map((externalRef) => ({ externalRef, warehouseCode: 'WH-EAST' }));
    const rpc = new CountedRpc(connection);
    const erp = new TrytonErpAdmin(rpc);
    const shared = new SharedRateBudget({
      documents: DynamoDBDocumentClient.from(dynamo.client),
      tableName: dynamo.tableNames.circuitBreaker,
      endpoint: 'erp',
      ...ERP_SHARED_BUDGET,
    });
    const grants: number[] = [];
    const budget = {
      take: async (lane: BudgetLane) => {
        const decision = await shared.take(lane);
        if (decision.granted) grants.push(Date.now());
        return decision;
      },
    };
    // As the run composes it (functions/scheduled/reconciliation-ports.ts), its reads and wait.
    const reader = new ErpOrders(
      budgetedPort(erp, Object.keys(RECONCILIATION_ERP_READS) as (keyof typeof RECONCILIATION_ERP_READS)[], {
        budget,
        lane: 'bulk',
        system: 'erp',
        maxWaitMs: RECONCILIATION_ERP_WAIT_MS,
      }),
    );
    const samples: { ms: number; pages: number; requests: number; mostPerWindow: number }[] = [];
    for (let run = 0; run <= runs; run++) {
      grants.length = 0;
      const requestsBefore = rpc.requests;
      const start = performance.now();
      const found = await reader.ordersByReference(located);
      const ms = performance.now() - start;
      if (found.size !== orders) throw new Error(`read ${found.size} of ${orders} orders`);
      const withReceipts = [...found.values()].filter((order) => order.receipts.length > 0).length;
      if (withReceipts !== received.length) throw new Error(`${withReceipts} orders with receipts`);
      const perWindow = new Map<number, number>();
      for (const at of grants) {
        const window = Math.floor(at / ERP_SHARED_BUDGET.windowMs);
        perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
      }
      // The first read warms Tryton's caches.
      if (run > 0)
        samples.push({
          ms,
          pages: grants.length,
          requests: rpc.requests - requestsBefore,
          mostPerWindow: Math.max(...perWindow.values()),
        });
    }

    // The peer: the per-order reads (2 port calls, 4 at a time) on a sample of the same orders.
    const sample = references.slice(0, PEER_SAMPLE);
    const peerMs: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const start = performance.now();
      await runBounded(sample, 4, async (reference) => {
        await erp.findPurchaseOrder(reference);
        await erp.listReceipts(reference);
      });
      if (run > 0) peerMs.push(performance.now() - start);
    }

    const ms = median(samples.map((s) => s.ms));
    const pages = median(samples.map((s) => s.pages));
    const floorMs = (pages / BULK_PER_SECOND) * 1000;
    const label = orders.toLocaleString('en');
    return [
      reference(
        `Tryton: ${label} orders seeded over JSON-RPC in batches (1 in ${CONFIRMED_ONE_IN} confirmed; not timed)`,
        Math.round(seedSeconds),
        's',
      ),
      reference(
        `Tryton: read ${label} orders with receipts in pages, median of ${runs}`,
        Math.round(ms / 100) / 10,
        's',
      ),
      reference('  per order', Number((ms / orders).toFixed(2)), 'ms'),
      reference('  ERP port calls (pages of 100, each a bulk-lane grant)', pages, 'calls'),
      reference('  JSON-RPC requests', median(samples.map((s) => s.requests)), 'requests'),
      reference('  achieved port calls per second', Number(((pages * 1000) / ms).toFixed(1)), 'calls/s'),
      atMost(
        `  most grants in one ${ERP_SHARED_BUDGET.windowMs} ms budget window (the bulk lane's share)`,
        Math.max(...samples.map((s) => s.mostPerWindow)),
        'calls',
        BULK_PER_WINDOW,
      ),
      reference(
        `  time / the budget's floor (pages / ${BULK_PER_SECOND} per s)`,
        Number((ms / floorMs).toFixed(2)),
        'x',
      ),
      reference(
        `Tryton peer: per-order reads (findPurchaseOrder + listReceipts, 4 at a time), ${PEER_SAMPLE}-order sample`,
        Number((median(peerMs) / PEER_SAMPLE).toFixed(2)),
        'ms/order',
      ),
      atLeast(
        '  paged read speed-up over per-order reads (the peer, same Tryton, same run)',
        Number((median(peerMs) / PEER_SAMPLE / (ms / orders)).toFixed(1)),
        'x',
        MIN_SPEEDUP,
      ),
    ];
  } finally {
    await dynamo.stop();
    await tryton.stop();
  }
}
