/**
 * Delivery is at least once and not ordered: a supplier's acknowledgement can arrive before
 * Supplyline has recorded posting its purchase order. It must wait for the order, not be rejected.
 */
import { describe, expect, it, vi } from 'vitest';
import { mapPurchaseOrderAcknowledged } from '../../../adapters/procurement/mapping';
import {
  ACKNOWLEDGEMENT_PARKING_SECONDS,
  applyAcknowledgement,
  type AcknowledgementPorts,
} from '../../../domain/commitment/acknowledgement';
import { NotYetKnown, TransientFailure, classifyFailure } from '../../../domain/failures';
import { purchaseOrderAcknowledgedDelivery } from '../../fixtures/procurement';
import { singleErp } from '../../../domain/business-units';
import type { ErpPort } from '../../../domain/ports/erp';

const context = {
  tenantId: 'acme',
  now: () => new Date(),
  newId: () => '10000000-0000-4000-8000-000000000001',
};

/** Ports for an order Supplyline has not recorded yet: anything beyond the lookup is a defect. */
function portsWithoutTheOrder() {
  const untouched = () => {
    throw new Error('nothing may change before the order is known');
  };
  const erp = { amendPurchaseOrder: vi.fn(untouched) };
  const ports = {
    commitments: { findByPoNumber: vi.fn(async () => undefined) },
    erp,
    erps: singleErp(erp as unknown as ErpPort),
    publish: vi.fn(untouched),
    ledger: { recordState: vi.fn(untouched), recordConfirmation: vi.fn(untouched) },
    supply: { recordLines: vi.fn(untouched) },
    sendTaskSuccess: vi.fn(untouched),
  };
  return ports;
}

describe('an acknowledgement that overtakes the posting of its purchase order', () => {
  it('waits (a retryable NotYetKnown naming PURCHASE_ORDER_UNKNOWN for the end of the wait) and changes nothing', async () => {
    // Prepare
    const ports = portsWithoutTheOrder();
    const event = mapPurchaseOrderAcknowledged(
      purchaseOrderAcknowledgedDelivery({
        po_number: 'PO-000042',
        lines: [{ line_no: 1, confirmed_qty: 1200, confirmed_date: '2026-12-09' }],
      }),
      context,
    );

    // Act
    const outcome = applyAcknowledgement(event, ports as unknown as AcknowledgementPorts);

    // Assess: transient (the consumer defers it), not a business rejection raised at once.
    const error = await outcome.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotYetKnown);
    expect(error).toBeInstanceOf(TransientFailure);
    expect(classifyFailure(error)).toBe('transient');
    expect(error).toMatchObject({
      code: 'PURCHASE_ORDER_UNKNOWN',
      retryAfterSeconds: ACKNOWLEDGEMENT_PARKING_SECONDS,
      details: { poNumber: 'PO-000042' },
    });
    expect(ports.commitments.findByPoNumber).toHaveBeenCalledWith('PO-000042');
    expect(ports.erp.amendPurchaseOrder).not.toHaveBeenCalled();
    expect(ports.publish).not.toHaveBeenCalled();
  });
});
