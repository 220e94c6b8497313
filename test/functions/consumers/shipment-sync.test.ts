/**
 * The shipment consumer takes every purpose of an 856 (original, cancellation, replacement: schema
 * 1.1) and applies it to the ERP (the embedded simulator) through the domain.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { singleErp } from '../../../domain/business-units';
import { SHIPMENT_VALIDATORS, syncShipment } from '../../../functions/consumers/shipment-sync';
import { ErpSimulator } from '../../../local/simulators/erp/erp-simulator';
import { asn856 } from '../../fixtures/edi-856';
import { memoryShipmentVersions, milestoneOf, postedCommitment } from '../../support/shipments';

const validate = SHIPMENT_VALIDATORS['shipment.milestone-reported']!;
const notice = (purpose: string, quantity = '300') =>
  milestoneOf(asn856({ purpose, orders: { 'PO-1': [{ lineNo: 1, quantity }] } }));

describe('shipment-sync consumer', () => {
  it.each([
    ['00', 'original'],
    ['01', 'cancellation'],
    ['05', 'replacement'],
  ])('takes the milestone of an 856 with BSN01 %s (%s)', (bsn01, purpose) => {
    const event = notice(bsn01);
    expect(event.data.purpose).toBe(purpose);
    expect(validate(event)).toMatchObject({ ok: true });
  });

  it('refuses a purpose the guide does not have (the event goes to the DLQ with its reason)', () => {
    const event = notice('01');
    expect(validate({ ...event, data: { ...event.data, purpose: 'retraction' } })).toMatchObject({
      ok: false,
    });
  });

  it('withdraws the expected receipt on a cancellation and replaces it on a replacement, logging the purpose', async () => {
    const erp = new ErpSimulator();
    const order = {
      externalRef: 'SL-PO-1',
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-EAST',
      purchaseDate: '2026-11-27',
      currency: 'USD',
      lines: [{ itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: '2026-12-07' }],
    };
    await erp.postPurchaseOrder(order);
    const published: CanonicalEvent[] = [];
    const logged: unknown[] = [];
    const logger = { info: (_: string, fields: unknown) => void logged.push(fields) } as unknown as Logger;
    const ports = {
      erps: singleErp(erp),
      commitments: { findByPoNumber: async () => postedCommitment('PO-1', order) },
      shipmentVersions: memoryShipmentVersions(),
      publish: async (events: readonly CanonicalEvent[]) => void published.push(...events),
      tenantId: 'dev',
      now: () => new Date('2026-12-05T20:00:00Z'),
      newId: () => crypto.randomUUID(),
    };
    await syncShipment(notice('00'), { logger }, ports);
    expect(await syncShipment(notice('05', '350'), { logger }, ports)).toMatchObject([
      { outcome: 'replaced' },
    ]);
    expect((await erp.listExpectedShipments('SL-PO-1'))[0]).toMatchObject({ lines: [{ quantityEa: '350' }] });
    expect(await syncShipment(notice('01'), { logger }, ports)).toMatchObject([{ outcome: 'withdrawn' }]);
    expect(await erp.listExpectedShipments('SL-PO-1')).toEqual([]);
    expect(logged).toMatchObject([
      { purpose: 'original' },
      { purpose: 'replacement' },
      { purpose: 'cancellation' },
    ]);
    expect(published).toEqual([]);
  });
});
