import { describe, expect, it } from 'vitest';
import { UnmappedCodeError } from '../../../canonical/codes/tables';
import {
  validatePurchaseOrderAcknowledgedV1,
  validatePurchaseOrderChangedV1,
  validateSupplierUpdatedV1,
} from '../../../canonical/generated/validators';
import type { ProcurementSupplierUpdated } from '../../../adapters/procurement/generated/types';
import {
  mapPurchaseOrderAcknowledged,
  mapPurchaseOrderChanged,
  mapSupplierUpdated,
} from '../../../adapters/procurement/mapping';
import {
  purchaseOrderAcknowledgedDelivery,
  purchaseOrderChangedDelivery,
  supplierUpdatedDelivery,
} from '../../fixtures/procurement';

const context = {
  tenantId: 'acme-distribution',
  now: () => new Date('2026-11-27T10:00:01.000Z'),
  newId: () => '2b0f7d8e-1c3a-4e5f-8a9b-0c1d2e3f4a5b',
};

describe('procurement deliveries -> canonical events', () => {
  it('maps a 10-line purchase_order.changed with an exact total value', () => {
    const event = mapPurchaseOrderChanged(purchaseOrderChangedDelivery(10), context);
    expect(event.data.status).toBe('ISSUED');
    expect(event.data.lines).toHaveLength(10);
    expect(event.data.lines[0]).toEqual({
      lineNo: 1,
      itemCode: 'SKU-10442',
      quantityEa: '480',
      unitPrice: '3.10',
      needBy: '2026-12-07',
    });
    // sum over i of (480 + 12i) x (3.10 + i)
    expect(event.data.totalValue).toBe('41574'); // 14880 + 21600 + 1674 + 3420
    expect(event.idempotencyKey).toBe('purchase-order:PO-2026-004411:r2:issued');
    expect(validatePurchaseOrderChangedV1(event).ok).toBe(true);
  });

  it('maps a partial acknowledgement line by line', () => {
    const event = mapPurchaseOrderAcknowledged(purchaseOrderAcknowledgedDelivery(), context);
    expect(event.data).toEqual({
      poNumber: 'PO-2026-004411',
      revision: 1,
      supplierNumber: 'S-1001',
      acknowledgedAt: '2026-11-27T10:00:00Z',
      lines: [{ lineNo: 1, confirmedQuantityEa: '450', confirmedDate: '2026-12-09' }],
    });
    expect(validatePurchaseOrderAcknowledgedV1(event).ok).toBe(true);
  });

  it('maps supplier status through the code table and orders versions by update time', () => {
    const event = mapSupplierUpdated(supplierUpdatedDelivery(), context);
    expect(event.data).toEqual({
      supplierNumber: 'S-1001',
      status: 'ON_HOLD',
      updatedAt: '2026-11-20T10:00:00.000Z',
    });
    expect(event.sourceVersion).toBe(Date.parse('2026-11-20T10:00:00Z'));
    expect(validateSupplierUpdatedV1(event).ok).toBe(true);
  });

  it('rejects a supplier status the table does not map', () => {
    const delivery = supplierUpdatedDelivery({ status: 'suspended' as ProcurementSupplierUpdated['status'] });
    expect(() => mapSupplierUpdated(delivery, context)).toThrow(UnmappedCodeError);
  });
});
