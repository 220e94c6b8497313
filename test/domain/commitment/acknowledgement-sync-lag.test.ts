/**
 * The acknowledgement's sync lag is measured per ERP instance: `procurement -> erp` for the primary
 * (the single-ERP name, unchanged) and `procurement -> erp:<instance>` for every other business unit,
 * in the ledger and in the SyncLagSeconds metric's SystemPair, so each instance is watched alone.
 */
import { describe, expect, it, vi } from 'vitest';
import { mapPurchaseOrderAcknowledged } from '../../../adapters/procurement/mapping';
import { applyAcknowledgement, type AcknowledgementPorts } from '../../../domain/commitment/acknowledgement';
import type { PostedPurchaseOrder } from '../../../domain/commitment/types';
import { erpInstances } from '../../../domain/business-units';
import type { ErpPort } from '../../../domain/ports/erp';
import { POSTED_PO_000042 } from '../../fixtures/commitment';
import { purchaseOrderAcknowledgedDelivery } from '../../fixtures/procurement';

const context = {
  tenantId: 'acme',
  now: () => new Date('2026-12-02T09:00:30.000Z'),
  newId: () => '10000000-0000-4000-8000-000000000001',
};

const postedAt = (warehouseCode: string, site: string): PostedPurchaseOrder => ({
  ...POSTED_PO_000042,
  site,
  warehouseCode,
});

/** Acknowledges the order posted at `warehouseCode` in full: nothing to amend, only the lag to record. */
async function acknowledge(warehouseCode: string, site: string) {
  const erp = {} as ErpPort;
  const metric = vi.fn();
  const ledger = {
    recordSourceChange: vi.fn(async () => undefined),
    recordConfirmation: vi.fn(async () => 30),
    recordState: vi.fn(async () => undefined),
    recordEvent: vi.fn(async () => undefined),
  };
  const ports = {
    ...context,
    commitments: {
      findByPoNumber: vi.fn(async () => postedAt(warehouseCode, site)),
      recordConfirmationReceived: vi.fn(async () => undefined),
      recordAcknowledged: vi.fn(async () => undefined),
    },
    erps: erpInstances(
      [
        { name: 'east', warehouses: ['WH-EAST'] },
        { name: 'west', warehouses: ['WH-WEST'] },
      ],
      () => erp,
    ),
    ledger,
    supply: { recordLines: vi.fn(async () => undefined) },
    publish: vi.fn(async () => undefined),
    metric,
  };
  const event = mapPurchaseOrderAcknowledged(
    purchaseOrderAcknowledgedDelivery({
      po_number: 'PO-000042',
      acknowledged_at: '2026-12-02T09:00:00Z',
      lines: [{ line_no: 1, confirmed_qty: 1200, confirmed_date: '2026-12-07' }],
    }),
    context,
  );
  await applyAcknowledgement(event, ports as unknown as AcknowledgementPorts);
  return { ledger, metric };
}

describe('the acknowledgement sync lag per ERP instance', () => {
  it('is procurement -> erp:west for an order of a west warehouse', async () => {
    const { ledger, metric } = await acknowledge('WH-WEST', 'DC-WEST-01');

    expect(ledger.recordSourceChange).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ from: 'procurement', to: 'erp:west' }),
    );
    expect(ledger.recordConfirmation).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ from: 'procurement', to: 'erp:west' }),
    );
    expect(metric).toHaveBeenCalledWith('SyncLagSeconds', 30, 'Seconds', {
      ObjectType: 'purchase-order-acknowledgement',
      SystemPair: 'procurement-erp:west',
    });
  });

  it('keeps the single-ERP pair procurement -> erp for the primary instance', async () => {
    const { ledger, metric } = await acknowledge('WH-EAST', 'DC-EAST-02');

    expect(ledger.recordConfirmation).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ from: 'procurement', to: 'erp' }),
    );
    expect(metric).toHaveBeenCalledWith('SyncLagSeconds', 30, 'Seconds', {
      ObjectType: 'purchase-order-acknowledgement',
      SystemPair: 'procurement-erp',
    });
  });
});
