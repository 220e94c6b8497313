/**
 * Reconciliation's reads of the ERP over the ERP port (any implementation): each order by its
 * external reference, with its receipts, a few at a time.
 */
import { runBounded } from '../../domain/concurrency';
import type { ErpPort } from '../../domain/ports/erp';
import type { ErpOrderReader } from '../../domain/ports/reconciliation';
import type { ErpOrderView } from '../../domain/reconciliation/types';

/** The ERP's orders and receipts by external reference. */
export class ErpOrders implements ErpOrderReader {
  constructor(
    private readonly erp: Pick<ErpPort, 'findPurchaseOrder' | 'listReceipts' | 'committedValue'>,
    /** Orders read at once: the ERP's connection pool is small. */
    private readonly concurrency = 4,
  ) {}

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
