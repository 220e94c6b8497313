import { describe, expect, it, vi } from 'vitest';
import type { ErpPort } from '../../../domain/ports/erp';
import { erpOrderOfAnyInstance } from '../../../domain/system-apis/views';
import { agreeing } from '../reconciliation/fixtures';

/** An instance holding `orders` (with no receipts yet). */
function instance(orders: ReturnType<typeof agreeing>['erp'][]) {
  const erp = {
    findPurchaseOrder: vi.fn(async (ref: string) => {
      const order = orders.find((o) => o.externalRef === ref);
      if (!order) return null;
      const { receipts: _receipts, ...rest } = order;
      return rest;
    }),
    listReceipts: vi.fn(async () => []),
  } satisfies Pick<ErpPort, 'findPurchaseOrder' | 'listReceipts'>;
  return { erp };
}

describe('a purchase order’s ERP view across instances', () => {
  it('is read from the instance holding it, asking the primary first and no instance after it', async () => {
    const westOrder = { ...agreeing(2).erp, warehouseCode: 'WH-WEST' };
    const east = instance([agreeing(1).erp]);
    const west = instance([westOrder]);
    const third = instance([]);

    const found = await erpOrderOfAnyInstance([east, west, third], westOrder.externalRef);

    expect(found).toMatchObject({
      externalRef: westOrder.externalRef,
      warehouseCode: 'WH-WEST',
      receipts: [],
    });
    expect(east.erp.findPurchaseOrder).toHaveBeenCalledWith(westOrder.externalRef);
    expect(east.erp.listReceipts).not.toHaveBeenCalled();
    expect(third.erp.findPurchaseOrder).not.toHaveBeenCalled();
  });

  it('is null when no instance holds it', async () => {
    expect(await erpOrderOfAnyInstance([instance([]), instance([])], 'SL-PO-NONE')).toBeNull();
  });
});
