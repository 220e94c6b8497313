/**
 * Child process of the reconciliation bench, so its peak RSS (ru_maxrss) is the measured work's
 * own. Usage: `node worker.mjs <json args>`; prints one JSON line.
 * Modes: `parse` (read and parse the three extracts, nothing more: the floor) and `reconcile` (the
 * product's streaming compare, `reconcileViews`, over the merge join of the same three extracts,
 * with the real report writer, its S3 put a no-op, and no-op repairs and exceptions).
 */
import { S3ReconciliationReport } from '../../adapters/aws/reconciliation-report';
import type { ProcurementPurchaseOrder } from '../../domain/ports/procurement';
import { joinByReference } from '../../domain/reconciliation/join';
import { reconcileViews } from '../../domain/reconciliation/run';
import type { ErpOrderView, RecordedOrder } from '../../domain/reconciliation/types';
import { extractLines, type Extracts } from './reconciliation-extracts';

/** Arguments of the worker. */
export interface WorkerArgs {
  mode: 'parse' | 'reconcile';
  extracts: Extracts;
}

/** What the worker prints. */
export interface WorkerResult {
  mode: WorkerArgs['mode'];
  orders: number;
  cpuSeconds: number;
  peakRssMiB: number;
  differences: number;
  repaired: number;
}

const NOW = new Date('2026-12-05T03:00:00Z');
const SETTINGS = { windowDays: 90, receiptStatusServiceLevelSeconds: 300, approvalLimit: '25000.00' };

/** Every view of an extract read and parsed; how many. */
async function drain(path: string): Promise<number> {
  let views = 0;
  for await (const view of extractLines<{ externalRef: string }>(path)) if (view.externalRef) views++;
  return views;
}

/** The floor: the three extracts read and parsed; the orders are Supplyline's records. */
async function parse({ recorded, procurement, erp }: Extracts): Promise<number> {
  const [orders] = [await drain(recorded), await drain(procurement), await drain(erp)];
  return orders!;
}

async function reconcile({ recorded, procurement, erp }: Extracts) {
  const views = joinByReference(
    extractLines<RecordedOrder>(recorded),
    extractLines<ProcurementPurchaseOrder>(procurement),
    extractLines<ErpOrderView>(erp),
  );
  let reportBytes = 0;
  const summary = await reconcileViews(
    views,
    {
      repairer: {
        postMissingOrder: async () => undefined,
        amendErpOrder: async () => undefined,
        syncProcurementStatus: async () => undefined,
        recordErpNumber: async () => undefined,
      },
      exceptions: { raise: async () => undefined },
      report: new S3ReconciliationReport(
        {
          send: async (command: { input: { Body?: unknown } }) =>
            void (reportBytes += String(command.input.Body ?? '').length),
        } as never,
        'bench',
      ),
      erp: { committedValue: async () => '0.00' },
      now: () => NOW,
    },
    SETTINGS,
    {
      runId: 'bench',
      window: { since: '2026-09-06T03:00:00.000Z', until: NOW.toISOString() },
      startedAt: NOW,
    },
  );
  if (reportBytes === 0) throw new Error('no report was written');
  return summary;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as WorkerArgs;
  const cpu = process.cpuUsage();
  let result: Omit<WorkerResult, 'cpuSeconds' | 'peakRssMiB'>;
  if (args.mode === 'parse') {
    result = { mode: 'parse', orders: await parse(args.extracts), differences: 0, repaired: 0 };
  } else {
    const summary = await reconcile(args.extracts);
    result = {
      mode: 'reconcile',
      orders: summary.orders,
      differences: Object.values(summary.differences).reduce((a, b) => a + b, 0),
      repaired: summary.repaired,
    };
  }
  const used = process.cpuUsage(cpu);
  const printed: WorkerResult = {
    ...result,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(printed));
}

await main();
