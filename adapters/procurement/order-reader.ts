/**
 * Reconciliation's reads and status repairs on the procurement platform, over the vendor's REST
 * client at bulk priority: the budget's critical lane stays free for actionable work. The platform
 * has no list of purchase orders, so each order is read by its number, a few at a time; when the
 * bulk lane is spent the reader waits as long as the budget says (it never borrows critical calls).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { runBounded } from '../../domain/concurrency';
import { TransientFailure } from '../../domain/failures';
import type { ProcurementPurchaseOrder } from '../../domain/ports/procurement';
import type { ProcurementOrderReader } from '../../domain/ports/reconciliation';
import type { ProcurementStatusWriter } from '../../domain/reconciliation/repairs';
import type { ProcurementClient } from './client';
import { purchaseOrderOf } from './platform';

/** How the reader paces itself. */
export interface ProcurementOrderReaderOptions {
  /** Orders read at once. @default 4 */
  concurrency?: number;
  /** Waits for the budget (or a 429's Retry-After) before a read fails. @default 5 */
  maxWaits?: number;
  /** @default node:timers/promises setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** The platform's orders by number, and the status update of a repair, both in the bulk lane. */
export class ProcurementOrders implements ProcurementOrderReader, ProcurementStatusWriter {
  private readonly concurrency: number;
  private readonly maxWaits: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: Pick<ProcurementClient, 'getPurchaseOrder' | 'updatePurchaseOrderStatus'>,
    options: ProcurementOrderReaderOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 4;
    this.maxWaits = options.maxWaits ?? 5;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
  }

  async ordersByNumber(poNumbers: readonly string[]): Promise<ReadonlyMap<string, ProcurementPurchaseOrder>> {
    const found = new Map<string, ProcurementPurchaseOrder>();
    await runBounded(poNumbers, this.concurrency, async (poNumber) => {
      const po = await this.paced(() => this.client.getPurchaseOrder(poNumber, { lane: 'bulk' }));
      if (po) found.set(poNumber, purchaseOrderOf(po));
    });
    return found;
  }

  async syncStatus(
    poNumber: string,
    body: { status: 'partially_received' | 'received'; erp_reference: string },
    idempotencyKey: string,
  ): Promise<{ status: string; revision: number }> {
    const po = await this.paced(() =>
      this.client.updatePurchaseOrderStatus(poNumber, body, { idempotencyKey, lane: 'bulk' }),
    );
    return { status: po.status, revision: po.revision };
  }

  /** The call, waiting out a spent budget or a 429 as often as allowed. */
  private async paced<T>(call: () => Promise<T>): Promise<T> {
    for (let waits = 0; ; waits++) {
      try {
        return await call();
      } catch (error) {
        const wait = error instanceof TransientFailure ? error.retryAfterSeconds : undefined;
        if (wait === undefined || waits >= this.maxWaits) throw error;
        await this.sleep(wait * 1000);
      }
    }
  }
}
