import type {
  ErpOrderView,
  OrderViews,
  RecordedOrder,
  ReconciliationSettings,
} from '../../../domain/reconciliation/types';
import type { ProcurementPurchaseOrder } from '../../../domain/ports/procurement';

export const NOW = new Date('2026-12-05T12:00:00Z');
export const SETTINGS: ReconciliationSettings = {
  windowDays: 90,
  receiptStatusServiceLevelSeconds: 300,
  approvalLimit: '25000.00',
};

/** Three views of order `n` that agree: 480 EA at 3.10 for 2026-12-07, posted at ERP revision 0. */
export function agreeing(n = 1): {
  recorded: RecordedOrder;
  procurement: ProcurementPurchaseOrder;
  erp: ErpOrderView;
} {
  const externalRef = `SL-PO-SR-${String(n).padStart(6, '0')}`;
  const poNumber = `PO-2026-${String(n).padStart(6, '0')}`;
  const line = { lineNo: 1, itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10' };
  return {
    recorded: {
      externalRef,
      poNumber,
      erpNumber: `P${n}`,
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-EAST',
      currency: 'USD',
      totalValue: '1488.00',
      recordedAt: '2026-12-01T10:00:00.000Z',
      lines: [{ ...line, needBy: '2026-12-07' }],
      erpRevisionWritten: 0,
      confirmation: null,
    },
    procurement: {
      poNumber,
      status: 'issued',
      supplierNumber: 'S-1001',
      externalRef,
      currency: 'USD',
      revision: 1,
      lines: [{ ...line, needBy: '2026-12-07' }],
    },
    erp: {
      number: `P${n}`,
      externalRef,
      state: 'processing',
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-EAST',
      purchaseDate: '2026-12-01',
      revision: 0,
      lines: [{ ...line, deliveryDate: '2026-12-07' }],
      receipts: [],
    },
  };
}

/** `agreeing(n)` with changes to its views. */
export function views(
  change: (views: ReturnType<typeof agreeing>) => void,
  n = 1,
): OrderViews & { recorded: RecordedOrder } {
  const all = agreeing(n);
  change(all);
  return all;
}

/** The records' lookup by reference, which a run in one invocation never needs (it holds its references). */
export const notLookedUp = async (): Promise<ReadonlySet<string>> => {
  throw new Error('a run in one invocation looks no reference up');
};
