/**
 * Reconciliation's reads of the ERP over the ERP port (any implementation): each order by its
 * external reference, with its receipts, a few at a time; and the orders with the middleware's
 * reference purchased on given days, a page of references at a time.
 */
import { runBounded } from '../../domain/concurrency';
import type { ErpOrderReference, ErpPort } from '../../domain/ports/erp';
import type { ErpOrderReader } from '../../domain/ports/reconciliation';
import type { ErpOrderView } from '../../domain/reconciliation/types';
import { MIDDLEWARE_REFERENCE_PREFIX } from '../../domain/reconciliation/unrecorded';

/** The ERP's orders and receipts by external reference. */
export class ErpOrders implements ErpOrderReader {
  constructor(
    private readonly erp: Pick<
      ErpPort,
      'findPurchaseOrder' | 'listReceipts' | 'committedValue' | 'listReferencedPurchaseOrders'
    >,
    /** Orders read at once: the ERP's connection pool is small. */
    private readonly concurrency = 4,
    /** References per page of a list. */
    private readonly pageSize = 100,
  ) {}

  async *referencedOrders(days: { from: string; until: string }): AsyncGenerator<ErpOrderReference[]> {
    let after: string | undefined;
    for (;;) {
      const page = await this.erp.listReferencedPurchaseOrders({
        referencePrefix: MIDDLEWARE_REFERENCE_PREFIX,
        purchasedFrom: days.from,
        purchasedUntil: days.until,
        ...(after === undefined ? {} : { after }),
        limit: this.pageSize,
      });
      if (page.length > 0) yield page;
      if (page.length < this.pageSize) return;
      after = page.at(-1)!.externalRef;
    }
  }

  async ordersByReference(externalRefs: readonly string[]): Promise<ReadonlyMap<string, ErpOrderView>> {
    const found = new Map<string, ErpOrderView>();
    await runBounded(externalRefs, this.concurrency, async (externalRef) => {
      const order = await this.erp.findPurchaseOrder(externalRef);
      if (order) found.set(externalRef, { ...order, receipts: await this.erp.listReceipts(externalRef) });
    });
    return found;
  }

  committedValue(warehouseCode: string, month: string): Promise<string> {
    return this.erp.committedValue(warehouseCode, month);
  }
}
