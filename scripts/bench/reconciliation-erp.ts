/**
 * Reconciliation's reads of the real Tryton 6.0: how long the ERP side of a run takes for 10,000
 * orders within the ERP's request budget, i.e. as the run reads it (`ErpOrders`: each order by its
 * reference with its receipts, 4 at a time, the ERP's small connection pool). Posting 10,000
 * orders into a test Tryton would take most of an hour, so a smaller sample is posted (1 in 10
 * received, so receipts are read too), read whole several times (wall clock, median), and the
 * figure for 10,000 is extrapolated from it: reads are per order, so the time scales with the count.
 *
 * Run alone: `npm run bench -- reconciliation-erp` (env BENCH_ERP_SAMPLE, default 100 orders).
 */
import { ErpOrders } from '../../adapters/erp/order-reader';
import { TrytonErpAdmin } from '../../scripts/tryton/admin';
import { startTryton } from '../../test/support/tryton';
import { median, reference, type BenchRow } from './harness';

const TARGET = 10_000;
const REPEATS = 3;

/** Rows: the sample's read time, per order, and 10,000 orders extrapolated. */
export async function benchReconciliationErp(
  sample = Number(process.env.BENCH_ERP_SAMPLE ?? 100),
): Promise<BenchRow[]> {
  const tryton = await startTryton();
  try {
    const erp = new TrytonErpAdmin({
      url: tryton.url,
      database: tryton.db,
      user: tryton.user,
      password: tryton.password,
    });
    const today = new Date().toISOString().slice(0, 10);
    const references: string[] = [];
    for (let n = 0; n < sample; n++) {
      const externalRef = `SL-PO-BENCH-${String(n).padStart(6, '0')}`;
      await erp.postPurchaseOrder({
        externalRef,
        supplierNumber: 'S-1001',
        warehouseCode: 'WH-EAST',
        purchaseDate: today,
        currency: 'USD',
        lines: [{ itemCode: 'SKU-10442', quantityEa: '120', unitPrice: '3.10', deliveryDate: today }],
      });
      if (n % 10 === 0) await erp.receiveShipment(externalRef);
      references.push(externalRef);
    }
    const reader = new ErpOrders(erp);
    const samples: number[] = [];
    for (let run = 0; run <= REPEATS; run++) {
      const start = performance.now();
      const found = await reader.ordersByReference(references);
      const ms = performance.now() - start;
      if (found.size !== sample) throw new Error(`read ${found.size} of ${sample} orders`);
      const received = [...found.values()].filter((order) => order.receipts.length > 0).length;
      if (received !== Math.ceil(sample / 10)) throw new Error(`${received} orders with receipts`);
      if (run > 0) samples.push(ms); // the first read warms Tryton's caches
    }
    const perOrderMs = median(samples) / sample;
    return [
      reference(
        `Tryton: read ${sample} orders with receipts, 4 at a time (median of ${REPEATS})`,
        Math.round(median(samples)),
        'ms',
      ),
      reference('Tryton: per order (2 ERP port reads)', Number(perOrderMs.toFixed(2)), 'ms'),
      reference(
        `Tryton: ${TARGET.toLocaleString('en')} orders, extrapolated from the sample`,
        Math.round((perOrderMs * TARGET) / 1000),
        's',
      ),
    ];
  } finally {
    await tryton.stop();
  }
}
