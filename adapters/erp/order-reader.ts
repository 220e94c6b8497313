/**
 * Reconciliation's reads of the ERP over the ERP port (any implementation): orders by external
 * reference with their receipts, a page of references per call (a few ERP requests per page, not
 * per order); and the orders with the middleware's reference purchased on given days, a page of
 * references at a time. The composition root hands in a port whose page reads take the ERP
 * request budget's bulk lane, so a run never starves critical work.
 */
import { runBounded } from '../../domain/concurrency';
import { ERP_ORDER_PAGE_SIZE, type ErpOrderReference, type ErpPort } from '../../domain/ports/erp';
import type { ErpOrderLocator, ErpOrderPosition, ErpOrderReader } from '../../domain/ports/reconciliation';
import type { ErpOrderView } from '../../domain/reconciliation/types';
import { MIDDLEWARE_REFERENCE_PREFIX } from '../../domain/reconciliation/unrecorded';

/** One ERP instance's orders and receipts by external reference. */
export class ErpOrders implements ErpOrderReader {
  constructor(
    private readonly erp: Pick<
      ErpPort,
      'findPurchaseOrders' | 'committedValue' | 'listReferencedPurchaseOrders'
    >,
    /** Pages read at once: the ERP's connection pool is small. */
    private readonly concurrency = 2,
    /** References per page of a list. */
    private readonly pageSize = ERP_ORDER_PAGE_SIZE,
  ) {}

  async *referencedOrders(
    days: { from: string; until: string },
    resumeAfter?: ErpOrderPosition,
  ): AsyncGenerator<ErpOrderReference[]> {
    let after = resumeAfter?.externalRef;
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

  async ordersByReference(orders: readonly ErpOrderLocator[]): Promise<ReadonlyMap<string, ErpOrderView>> {
    const externalRefs = orders.map((order) => order.externalRef);
    const pages: string[][] = [];
    for (let start = 0; start < externalRefs.length; start += ERP_ORDER_PAGE_SIZE)
      pages.push(externalRefs.slice(start, start + ERP_ORDER_PAGE_SIZE));
    const found = new Map<string, ErpOrderView>();
    await runBounded(pages, this.concurrency, async (page) => {
      for (const order of await this.erp.findPurchaseOrders(page)) found.set(order.externalRef, order);
    });
    return found;
  }

  committedValue(warehouseCode: string, month: string): Promise<string> {
    return this.erp.committedValue(warehouseCode, month);
  }
}
