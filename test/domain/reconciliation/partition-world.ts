/** A window of orders over several posting days, for the runs in partitions' tests. */
import type { IntegrationException } from '../../../canonical/generated/types';
import type { ProcurementPurchaseOrder } from '../../../domain/ports/procurement';
import type {
  ReconciliationCheckpoint,
  ReconciliationSummary,
  ReconciliationWindow,
} from '../../../domain/ports/reconciliation';
import type { ReconciliationPorts } from '../../../domain/reconciliation/run';
import type { Difference, ErpOrderView } from '../../../domain/reconciliation/types';
import { agreeing, NOW } from './fixtures';
import { noOpRepairer } from './repairer-spy';

export const inside = (at: string, window: ReconciliationWindow) => window.since <= at && at < window.until;

/**
 * 40 orders posted over the last 10 days (four a day, one of them at midnight), one in five
 * drifting: a quantity to repair or an order deleted on the platform. The checkpoint store and the
 * report outlive the ports of one invocation, as DynamoDB and S3 would.
 */
export function world(unrecorded = false) {
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
  const lookedUp: string[] = [];
  const ports = () => {
    const base: ReconciliationPorts = {
      orders: {
        async *pages(window) {
          yield orders.map((o) => o.recorded).filter((r) => inside(r.recordedAt, window));
        },
        recordedAmong: async (refs, window) => {
          lookedUp.push(...refs);
          const recorded = orders.filter((o) => inside(o.recorded.recordedAt, window));
          return new Set(refs.filter((ref) => recorded.some((o) => o.recorded.externalRef === ref)));
        },
      },
      procurement: {
        ordersByNumber: async (numbers) => {
          reads.push(...numbers);
          return new Map(numbers.filter((n) => procurement.has(n)).map((n) => [n, procurement.get(n)!]));
        },
      },
      erp: {
        ordersByReference: async (located) =>
          new Map(
            located
              .filter((o) => erp.has(o.externalRef))
              .map((o) => [o.externalRef, erp.get(o.externalRef)!]),
          ),
        // The ERP's referenced orders (every recorded one and, when asked, one never recorded), by
        // reference, in pages of 8 from the cursor on.
        referencedOrders: async function* (_days, after) {
          const listed = [
            ...orders.map((o) => ({ externalRef: o.erp.externalRef, number: o.erp.number })),
            ...(unrecorded ? [{ externalRef: 'SL-PO-SR-UNKNOWN', number: 'P-UNKNOWN' }] : []),
          ]
            .filter((o) => after === undefined || o.externalRef > after.externalRef)
            .sort((a, b) => a.externalRef.localeCompare(b.externalRef));
          for (let start = 0; start < listed.length; start += 8) yield listed.slice(start, start + 8);
        },
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
  return { ports, saved, reported, parts, raised, reads, lookedUp, orders };
}
