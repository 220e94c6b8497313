/**
 * Reconciliation of 100,000 synthetic orders (about 1% drifting, in every class) against a floor
 * measured in the same run: a bare Map join of the same three views comparing the same fields as
 * strings, with no classification, decision or report. Each sample is one whole pass of each,
 * alternated (floor first, then subject first), and the ratio is the median of the per-pair ratios.
 * The subject is the real `reconcile` with in-memory readers, the real report writer (its S3 put a
 * no-op) and no-op repairs, in pages of 500 as the DynamoDB adapter reads them.
 */
import { S3ReconciliationReport } from '../../adapters/aws/reconciliation-report';
import type { ProcurementPurchaseOrder } from '../../domain/ports/procurement';
import { reconcile, type ReconciliationPorts } from '../../domain/reconciliation/run';
import type { ErpOrderView, RecordedOrder } from '../../domain/reconciliation/types';
import { agreeing } from '../../test/domain/reconciliation/fixtures';
import { atMost, median, reference, type BenchRow } from './harness';

const ORDERS = 100_000;
const PAGE = 500;
const PAIRS = 5;
/** The subject may spend this many times the floor's CPU per order. */
const MAX_RATIO = 12;
const NOW = new Date('2026-12-05T03:00:00Z');

interface Data {
  records: RecordedOrder[];
  procurement: Map<string, ProcurementPurchaseOrder>;
  erp: Map<string, ErpOrderView>;
}

/** Three agreeing views per order, with one order in 100 drifting in one of the contract's ways. */
function synthesize(): Data {
  const data: Data = { records: [], procurement: new Map(), erp: new Map() };
  for (let n = 0; n < ORDERS; n++) {
    // The unit tests' agreeing views of order n: the bench compares the same shapes they do.
    const { recorded: record, procurement: awarded, erp: posted } = agreeing(n);
    const line = posted.lines[0]!;
    const drift = n % 100 === 0 ? (n / 100) % 7 : -1;
    if (drift === 0) posted.lines[0]!.quantityEa = '1';
    if (drift === 1) posted.lines[0]!.deliveryDate = '2026-12-09';
    if (drift === 2) posted.lines[0]!.unitPrice = '3.25';
    if (drift === 3)
      posted.receipts.push({
        receiptNumber: `IS-${n}`,
        state: 'done',
        receivedAt: '2026-12-01',
        lines: [{ itemCode: line.itemCode, quantityEa: line.quantityEa }],
      });
    if (drift === 4)
      record.confirmation = {
        receivedAt: '2026-12-01T00:00:00Z',
        lines: [{ lineNo: 1, confirmedQtyEa: '5', confirmedDate: '2026-12-08' }],
      };
    data.records.push(record);
    if (drift !== 5) data.procurement.set(awarded.poNumber, awarded);
    if (drift !== 6) data.erp.set(posted.externalRef, posted);
  }
  return data;
}

/** The floor: one Map join comparing the same fields as strings. */
function floorJoin({ records, procurement, erp }: Data): number {
  let differences = 0;
  for (const record of records) {
    const awarded = procurement.get(record.poNumber);
    const posted = erp.get(record.externalRef);
    if (!awarded || !posted) {
      differences++;
      continue;
    }
    for (const line of awarded.lines) {
      const other = posted.lines.find((l) => l.lineNo === line.lineNo);
      if (!other || other.quantityEa !== line.quantityEa) differences++;
      if (other?.deliveryDate !== line.needBy) differences++;
      if (other?.unitPrice !== line.unitPrice) differences++;
    }
    if (posted.receipts.length > 0 && awarded.status !== 'received') differences++;
  }
  return differences;
}

function ports({ records, procurement, erp }: Data): ReconciliationPorts {
  const pick = <V>(map: Map<string, V>, keys: readonly string[]) => {
    const found = new Map<string, V>();
    for (const key of keys) {
      const value = map.get(key);
      if (value) found.set(key, value);
    }
    return found;
  };
  return {
    orders: {
      async *pages() {
        for (let i = 0; i < records.length; i += PAGE) yield records.slice(i, i + PAGE);
      },
    },
    procurement: { ordersByNumber: async (numbers) => pick(procurement, numbers) },
    erp: { ordersByReference: async (refs) => pick(erp, refs), committedValue: async () => '0.00' },
    repairer: {
      postMissingOrder: async () => undefined,
      amendErpOrder: async () => undefined,
      syncProcurementStatus: async () => undefined,
    },
    exceptions: { raise: async () => undefined },
    report: new S3ReconciliationReport({ send: async () => ({}) } as never, 'bench'),
    now: () => NOW,
  };
}

const SETTINGS = { windowDays: 90, receiptStatusServiceLevelSeconds: 300, approvalLimit: '25000.00' };

function cpuMicros(): number {
  const used = process.cpuUsage();
  return used.user + used.system;
}

/** Rows: orders per CPU-second of each, and their ratio against the budget. */
export async function benchReconciliation(): Promise<BenchRow[]> {
  const data = synthesize();
  let found = 0;
  const floors: number[] = [];
  const subjects: number[] = [];
  const ratios: number[] = [];
  for (let pair = -1; pair < PAIRS; pair++) {
    const timeFloor = () => {
      const start = cpuMicros();
      found = floorJoin(data);
      return cpuMicros() - start;
    };
    const timeSubject = async () => {
      const start = cpuMicros();
      const run = await reconcile(ports(data), SETTINGS, `bench-${pair}`);
      if (run.orders !== ORDERS) throw new Error(`compared ${run.orders} orders`);
      return cpuMicros() - start;
    };
    let floorUs: number;
    let subjectUs: number;
    if (pair % 2 === 0) {
      floorUs = timeFloor();
      subjectUs = await timeSubject();
    } else {
      subjectUs = await timeSubject();
      floorUs = timeFloor();
    }
    if (pair < 0) continue; // the warm-up pair
    floors.push(floorUs);
    subjects.push(subjectUs);
    ratios.push(subjectUs / floorUs);
  }
  if (found === 0) throw new Error('the floor found no drift');
  const perCpuSecond = (us: number) => Math.round(ORDERS / (us / 1e6));
  return [
    reference('floor (Map join): orders per CPU-second', perCpuSecond(median(floors)), 'orders/CPU-s'),
    reference('reconcile: orders per CPU-second', perCpuSecond(median(subjects)), 'orders/CPU-s'),
    atMost(
      'reconcile CPU / floor CPU (median of 5 pairs)',
      Number(median(ratios).toFixed(2)),
      'x',
      MAX_RATIO,
    ),
    reference('peak RSS of the process', Math.round(process.resourceUsage().maxRSS / 1024), 'MiB'),
  ];
}
