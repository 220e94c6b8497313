/**
 * A supplier's confirmation is kept as received before it is applied to the ERP order, so that
 * reconciliation finds one that never reached the ERP (`acknowledgement_not_applied`).
 */
import { describe, expect, it, vi } from 'vitest';
import { mapPurchaseOrderAcknowledged } from '../../../adapters/procurement/mapping';
import { applyAcknowledgement, type AcknowledgementPorts } from '../../../domain/commitment/acknowledgement';
import type { PostedPurchaseOrder } from '../../../domain/commitment/types';
import { TransientFailure } from '../../../domain/failures';
import { purchaseOrderAcknowledgedDelivery } from '../../fixtures/procurement';
import { singleErp } from '../../../domain/business-units';
import type { ErpPort } from '../../../domain/ports/erp';

const context = {
  tenantId: 'acme',
  now: () => new Date(),
  newId: () => '10000000-0000-4000-8000-000000000001',
};

const posted: PostedPurchaseOrder = {
  externalRef: 'SL-PO-SR-000042',
  poNumber: 'PO-000042',
  erpNumber: 'P42',
  supplierNumber: 'S-1001',
  site: 'DC-EAST-02',
  warehouseCode: 'WH-EAST',
  currency: 'USD',
  totalValue: '3720.00',
  sourcingRequestId: 'SR-000042',
  lines: [{ lineNo: 1, itemCode: 'SKU-10442', quantityEa: '1200', unitPrice: '3.10', needBy: '2026-12-07' }],
  postedAt: '2026-12-01T10:00:00.000Z',
};

describe('the confirmation as received', () => {
  it('is kept before the ERP is amended, and stays kept when the amendment fails', async () => {
    const order: string[] = [];
    const erp = {
      amendPurchaseOrder: vi.fn(async () => {
        order.push('amend');
        throw new TransientFailure('Tryton is down', 'erp');
      }),
    };
    const ports = {
      commitments: {
        findByPoNumber: vi.fn(async () => posted),
        recordConfirmationReceived: vi.fn(async () => void order.push('recorded')),
      },
      erps: singleErp(erp as unknown as ErpPort),
    };
    const event = mapPurchaseOrderAcknowledged(
      purchaseOrderAcknowledgedDelivery({
        po_number: 'PO-000042',
        acknowledged_at: '2026-12-02T09:00:00Z',
        lines: [{ line_no: 1, confirmed_qty: 1000, confirmed_date: '2026-12-09' }],
      }),
      context,
    );

    await expect(
      applyAcknowledgement(event, ports as unknown as AcknowledgementPorts),
    ).rejects.toBeInstanceOf(TransientFailure);
    expect(order).toEqual(['recorded', 'amend']);
    expect(ports.commitments.recordConfirmationReceived).toHaveBeenCalledWith('PO-000042', {
      receivedAt: '2026-12-02T09:00:00Z',
      lines: [{ lineNo: 1, confirmedQtyEa: '1000', confirmedDate: '2026-12-09' }],
    });
  });
});
