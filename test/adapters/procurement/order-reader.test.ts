import { describe, expect, it, vi } from 'vitest';
import type { PurchaseOrder } from '../../../adapters/procurement/api-types';
import { ProcurementOrders } from '../../../adapters/procurement/order-reader';
import { RequestBudgetExhausted } from '../../../adapters/resilience/shared-rate-budget';

const po = (poNumber: string): PurchaseOrder =>
  ({
    po_number: poNumber,
    status: 'issued',
    supplier_number: 'S-1001',
    external_ref: `SL-${poNumber}`,
    currency: 'USD',
    revision: 1,
    updated_at: '2026-12-01T10:00:00Z',
    lines: [
      { line_no: 1, item_code: 'SKU-10442', qty: 480, uom: 'EA', unit_price: '3.10', need_by: '2026-12-07' },
    ],
  }) as PurchaseOrder;

describe('procurement orders for reconciliation', () => {
  it('reads each order in the bulk lane; an order the platform does not know is absent', async () => {
    const getPurchaseOrder = vi.fn(async (poNumber: string, _options?: unknown) =>
      poNumber === 'PO-2' ? null : po(poNumber),
    );
    const reader = new ProcurementOrders({ getPurchaseOrder, updatePurchaseOrderStatus: vi.fn() });
    const found = await reader.ordersByNumber(['PO-1', 'PO-2', 'PO-3']);
    expect([...found.keys()].sort()).toEqual(['PO-1', 'PO-3']);
    expect(found.get('PO-1')).toMatchObject({
      externalRef: 'SL-PO-1',
      lines: [{ quantityEa: '480', unitPrice: '3.10' }],
    });
    expect(getPurchaseOrder.mock.calls.map((call) => call[1])).toEqual([
      { lane: 'bulk' },
      { lane: 'bulk' },
      { lane: 'bulk' },
    ]);
  });

  it('waits as long as a spent bulk budget says, then reads; gives up after its waits', async () => {
    const sleep = vi.fn(async () => undefined);
    let refusals = 2;
    const getPurchaseOrder = vi.fn(async (poNumber: string) => {
      if (refusals-- > 0) throw new RequestBudgetExhausted('getPurchaseOrder', 'bulk', 'procurement', 3);
      return po(poNumber);
    });
    const reader = new ProcurementOrders({ getPurchaseOrder, updatePurchaseOrderStatus: vi.fn() }, { sleep });
    expect((await reader.ordersByNumber(['PO-1'])).has('PO-1')).toBe(true);
    expect(sleep.mock.calls).toEqual([[3000], [3000]]);

    const never = new ProcurementOrders(
      {
        getPurchaseOrder: async () => {
          throw new RequestBudgetExhausted('getPurchaseOrder', 'bulk', 'procurement', 1);
        },
        updatePurchaseOrderStatus: vi.fn(),
      },
      { sleep, maxWaits: 1 },
    );
    await expect(never.ordersByNumber(['PO-1'])).rejects.toBeInstanceOf(RequestBudgetExhausted);
  });

  it('synchronises a status in the bulk lane with the receipt’s idempotency key', async () => {
    const updatePurchaseOrderStatus = vi.fn(async () => ({
      ...po('PO-1'),
      status: 'received' as const,
      revision: 2,
    }));
    const reader = new ProcurementOrders({ getPurchaseOrder: vi.fn(), updatePurchaseOrderStatus });
    expect(
      await reader.syncStatus(
        'PO-1',
        { status: 'received', erp_reference: 'P1' },
        'po-status:PO-1:receipt:IS-9',
      ),
    ).toEqual({ status: 'received', revision: 2 });
    expect(updatePurchaseOrderStatus).toHaveBeenCalledWith(
      'PO-1',
      { status: 'received', erp_reference: 'P1' },
      { idempotencyKey: 'po-status:PO-1:receipt:IS-9', lane: 'bulk' },
    );
  });
});
