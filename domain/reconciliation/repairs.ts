/**
 * The repairs reconciliation makes, through the paths the events take: posting an order is
 * idempotent on its external reference, an amendment that changes nothing changes nothing, and a
 * status update carries the receipt's Idempotency-Key (the one the receipt-sync consumer uses, so a
 * repair after a dead-lettered sync is applied once). Each records the state it left in the sync
 * ledger: the ERP revision it made is what tells the next run its own change from a person's. An
 * order posted again under a new ERP number is recorded against its commitment too.
 */
import type { ErpInstances } from '../business-units';
import type { PostedCommitmentErpOrders } from '../ports/commitments';
import type { ErpPort } from '../ports/erp';
import type { ProcurementPurchaseOrder } from '../ports/procurement';
import type { ReconciliationRepairer } from '../ports/reconciliation';
import type { LedgerPort } from '../ports/sync-ledger';
import { procurementStatusUpdate } from '../receipts';
import type { ErpLineRepair, RecordedOrder } from './types';

/** The platform's status update (adapters/procurement/order-reader.ts, bulk lane). */
export interface ProcurementStatusWriter {
  syncStatus(
    poNumber: string,
    body: { status: 'partially_received' | 'received'; erp_reference: string },
    idempotencyKey: string,
  ): Promise<{ status: string; revision: number }>;
}

/** What the repairs need. */
export interface RepairPorts {
  /** Each order's repair goes to the ERP instance its warehouse maps to (the one it was compared with). */
  erps: Pick<ErpInstances<Pick<ErpPort, 'postPurchaseOrder' | 'amendPurchaseOrder'>>, 'forWarehouse'>;
  procurement: ProcurementStatusWriter;
  ledger: Pick<LedgerPort, 'recordState'>;
  commitments: PostedCommitmentErpOrders;
  now(): Date;
}

const ledgerRef = (order: RecordedOrder) => ({ objectType: 'PurchaseOrder', objectId: order.externalRef });

/** The repairer over the ERP port, the platform's status update and the sync ledger. */
export function reconciliationRepairs(ports: RepairPorts): ReconciliationRepairer {
  const recordErp = async (order: RecordedOrder, erp: { number: string; state: string; revision: number }) =>
    ports.ledger.recordState(ledgerRef(order), {
      system: 'erp',
      reference: erp.number,
      state: erp.state,
      version: erp.revision,
      confirmedAt: ports.now().toISOString(),
    });
  return {
    async postMissingOrder(order: RecordedOrder, awarded: ProcurementPurchaseOrder) {
      const posted = await ports.erps.forWarehouse(order.warehouseCode).postPurchaseOrder({
        externalRef: order.externalRef,
        supplierNumber: awarded.supplierNumber,
        warehouseCode: order.warehouseCode,
        // The month the commitment was made in is the month its value counts against.
        purchaseDate: order.recordedAt.slice(0, 10),
        currency: awarded.currency,
        lines: awarded.lines.map((line) => ({
          itemCode: line.itemCode,
          quantityEa: line.quantityEa,
          unitPrice: line.unitPrice,
          deliveryDate: line.needBy,
        })),
      });
      if (posted.number !== order.erpNumber)
        await ports.commitments.recordErpNumber(order.poNumber, posted.number);
      await recordErp(order, posted);
    },
    async amendErpOrder(order: RecordedOrder, lines: readonly ErpLineRepair[]) {
      const amended = await ports.erps
        .forWarehouse(order.warehouseCode)
        .amendPurchaseOrder(order.externalRef, { lines: [...lines] });
      await recordErp(order, amended);
    },
    async recordErpNumber(order, erpNumber) {
      await ports.commitments.recordErpNumber(order.poNumber, erpNumber);
    },
    async syncProcurementStatus(order, erpNumber, status, receiptNumber) {
      const update = procurementStatusUpdate(order.poNumber, {
        receiptNumber,
        erpNumber,
        complete: status === 'received',
      });
      const po = await ports.procurement.syncStatus(order.poNumber, update.body, update.idempotencyKey);
      await ports.ledger.recordState(ledgerRef(order), {
        system: 'procurement',
        reference: order.poNumber,
        state: po.status,
        version: po.revision,
        confirmedAt: ports.now().toISOString(),
      });
    },
  };
}
