import { describe, expect, it, vi } from 'vitest';
import { reconciliationRepairs, type RepairPorts } from '../../../domain/reconciliation/repairs';
import { erpInstances, singleErp } from '../../../domain/business-units';
import { agreeing, NOW } from './fixtures';

function erpPort() {
  const erpOrder = { ...agreeing().erp, revision: 1 };
  return {
    postPurchaseOrder: vi.fn(async () => ({ ...erpOrder, revision: 0 })),
    amendPurchaseOrder: vi.fn(async () => erpOrder),
  };
}

function ports() {
  const erp = erpPort();
  const repairPorts = {
    erps: singleErp(erp),
    procurement: { syncStatus: vi.fn(async () => ({ status: 'received', revision: 3 })) },
    ledger: { recordState: vi.fn(async () => undefined) },
    commitments: { recordErpNumber: vi.fn(async () => undefined) },
    now: () => NOW,
  } satisfies RepairPorts;
  return { ...repairPorts, erp };
}

const ref = { objectType: 'PurchaseOrder', objectId: 'SL-PO-SR-000001' };

describe('reconciliation repairs, through the normal idempotent paths', () => {
  it('posts a missing order from the awarded lines, in the month it was committed, and records the ERP revision it made', async () => {
    const p = ports();
    const { recorded, procurement } = agreeing();
    procurement.lines[0]!.quantityEa = '500';
    await reconciliationRepairs(p).postMissingOrder(recorded, procurement);
    expect(p.erp.postPurchaseOrder).toHaveBeenCalledWith({
      externalRef: 'SL-PO-SR-000001',
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-EAST',
      purchaseDate: '2026-12-01',
      currency: 'USD',
      lines: [{ itemCode: 'SKU-10442', quantityEa: '500', unitPrice: '3.10', deliveryDate: '2026-12-07' }],
    });
    expect(p.ledger.recordState).toHaveBeenCalledWith(ref, {
      system: 'erp',
      reference: 'P1',
      state: 'processing',
      version: 0,
      confirmedAt: NOW.toISOString(),
    });
    expect(p.commitments.recordErpNumber).not.toHaveBeenCalled();
  });

  it('records the new ERP number of an order posted again after the ERP lost it, so receipts are announced with it', async () => {
    const p = ports();
    p.erp.postPurchaseOrder.mockResolvedValueOnce({ ...agreeing().erp, number: 'P7', revision: 0 });
    const { recorded, procurement } = agreeing();
    await reconciliationRepairs(p).postMissingOrder(recorded, procurement);
    expect(p.commitments.recordErpNumber).toHaveBeenCalledWith('PO-2026-000001', 'P7');
    expect(p.ledger.recordState).toHaveBeenCalledWith(ref, expect.objectContaining({ reference: 'P7' }));
  });

  it('amends the ERP order and records its new revision, so the next run knows the change as its own', async () => {
    const p = ports();
    await reconciliationRepairs(p).amendErpOrder(agreeing().recorded, [{ lineNo: 1, quantityEa: '500' }]);
    expect(p.erp.amendPurchaseOrder).toHaveBeenCalledWith('SL-PO-SR-000001', {
      lines: [{ lineNo: 1, quantityEa: '500' }],
    });
    expect(p.ledger.recordState).toHaveBeenCalledWith(
      ref,
      expect.objectContaining({ system: 'erp', version: 1 }),
    );
  });

  it('synchronises the platform status with the receipt-sync consumer’s own idempotency key', async () => {
    const p = ports();
    await reconciliationRepairs(p).syncProcurementStatus(agreeing().recorded, 'P1', 'received', 'IS-9');
    expect(p.procurement.syncStatus).toHaveBeenCalledWith(
      'PO-2026-000001',
      { status: 'received', erp_reference: 'P1' },
      'po-status:PO-2026-000001:receipt:IS-9',
    );
    expect(p.ledger.recordState).toHaveBeenCalledWith(ref, {
      system: 'procurement',
      reference: 'PO-2026-000001',
      state: 'received',
      version: 3,
      confirmedAt: NOW.toISOString(),
    });
  });

  it("posts and amends in the ERP instance of the order's warehouse, never another unit's", async () => {
    const east = erpPort();
    const west = erpPort();
    const p = {
      ...ports(),
      erps: erpInstances(
        [
          { name: 'east', warehouses: ['WH-EAST'] },
          { name: 'west', warehouses: ['WH-WEST'] },
        ],
        (instance) => (instance === 'east' ? east : west),
      ),
    };
    const { recorded, procurement } = agreeing();
    const westOrder = { ...recorded, warehouseCode: 'WH-WEST' };
    await reconciliationRepairs(p).postMissingOrder(westOrder, procurement);
    await reconciliationRepairs(p).amendErpOrder(westOrder, [{ lineNo: 1, quantityEa: '500' }]);
    expect(west.postPurchaseOrder).toHaveBeenCalledWith(
      expect.objectContaining({ warehouseCode: 'WH-WEST' }),
    );
    expect(west.amendPurchaseOrder).toHaveBeenCalledWith(recorded.externalRef, expect.anything());
    expect(east.postPurchaseOrder).not.toHaveBeenCalled();
    expect(east.amendPurchaseOrder).not.toHaveBeenCalled();
  });
});
