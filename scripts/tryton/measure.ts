/**
 * Measures the Tryton test sandbox: server start (template copy + trytond ready) and the median
 * wall time of postPurchaseOrder (create + quote + confirm, with the policy lookups) and of an
 * amendment. Run: `npx tsx scripts/tryton/measure.ts [posts=15]` (after provision.ts).
 */
import { performance } from 'node:perf_hooks';
import { TrytonErp } from '../../adapters/erp/tryton/tryton-erp';
import { startTryton } from '../../test/support/tryton';

const runs = Number(process.argv[2] ?? 15);
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const deliveryDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

let started = performance.now();
const tryton = await startTryton();
const startMs = performance.now() - started;
try {
  const erp = new TrytonErp({
    url: tryton.url,
    database: tryton.db,
    user: tryton.user,
    password: tryton.password,
  });
  await erp.getItem('SKU-10442'); // login outside the timings
  const post: number[] = [];
  const amend: number[] = [];
  for (let i = 0; i < runs; i++) {
    const externalRef = `MEASURE-${i}`;
    started = performance.now();
    await erp.postPurchaseOrder({
      externalRef,
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-EAST',
      purchaseDate: '2031-01-15',
      currency: 'USD',
      lines: [{ itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate }],
    });
    post.push(performance.now() - started);
    started = performance.now();
    await erp.amendPurchaseOrder(externalRef, { lines: [{ lineNo: 1, quantityEa: '360' }] });
    amend.push(performance.now() - started);
  }
  console.log(
    JSON.stringify({
      serverStartMs: Math.round(startMs),
      runs,
      postPurchaseOrderMedianMs: Math.round(median(post)),
      postPurchaseOrderMaxMs: Math.round(Math.max(...post)),
      amendPurchaseOrderMedianMs: Math.round(median(amend)),
      critical: tryton.criticalLines().length,
    }),
  );
} finally {
  await tryton.stop();
}
