/**
 * A supplier's confirmation is kept as received before it is applied to the ERP order, so that
 * reconciliation finds one that never reached the ERP (`acknowledgement_not_applied`).
 */
import { describe, expect, it, vi } from 'vitest';
import { mapPurchaseOrderAcknowledged } from '../../../adapters/procurement/mapping';
import { applyAcknowledgement, type AcknowledgementPorts } from '../../../domain/commitment/acknowledgement';
import { TransientFailure } from '../../../domain/failures';
import { POSTED_PO_000042 } from '../../fixtures/commitment';
import { purchaseOrderAcknowledgedDelivery } from '../../fixtures/procurement';
import { singleErp } from '../../../domain/business-units';
import type { ErpPort } from '../../../domain/ports/erp';

const context = {
  tenantId: 'acme',
  now: () => new Date(),
  newId: () => '10000000-0000-4000-8000-000000000001',
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
        findByPoNumber: vi.fn(async () => POSTED_PO_000042),
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
