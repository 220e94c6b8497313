import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpItem, ErpPort, PostPurchaseOrderRequest } from '../../../domain/ports/erp';
import type { ErpAdmin } from '../../../scripts/tryton/admin';
import { BusinessRejection, ContractViolation } from '../../../domain/failures';
import { expectedShipmentCases } from './expected-shipments-contract';
import { orderPageCases } from './order-pages-contract';

/** An ERP under test: the port the middleware uses and the admin side tests drive. */
export interface ErpUnderTest {
  erp: ErpPort;
  admin: ErpAdmin;
  /** Extra assertions after the suite, e.g. no CRITICAL lines in the trytond log. */
  close?(): Promise<void>;
}

/** Days from today (UTC) as `YYYY-MM-DD`: Tryton blanks delivery dates in the past. */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Registers the behaviour every ErpPort implementation must show, against the seeded master data
 * (local/seed/master-data.ts). `create` runs once for the suite; tests use unique references, and
 * dedicated months/items where they read totals, so their order does not matter.
 */
export function erpContract(name: string, create: () => Promise<ErpUnderTest>): void {
  describe(`ErpPort contract: ${name}`, () => {
    let subject: ErpUnderTest;
    let erp: ErpPort;
    let admin: ErpAdmin;

    beforeAll(async () => {
      subject = await create();
      ({ erp, admin } = subject);
    });
    afterAll(async () => {
      await subject?.close?.();
    });

    const order = (overrides: Partial<PostPurchaseOrderRequest> = {}): PostPurchaseOrderRequest => ({
      externalRef: `SL-${randomUUID()}`,
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-EAST',
      purchaseDate: inDays(0),
      currency: 'USD',
      lines: [{ itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: inDays(30) }],
      ...overrides,
    });

    async function rejectionOf(promise: Promise<unknown>): Promise<BusinessRejection> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BusinessRejection);
      return error as BusinessRejection;
    }

    describe('master data reads', () => {
      it('reads an active purchasable item, and flags inactive variants, inactive templates and non-purchasable items', async () => {
        await expect(erp.getItem('SKU-10442')).resolves.toEqual({
          itemCode: 'SKU-10442',
          name: 'Sparkling water 500 ml',
          active: true,
          purchasable: true,
          uom: 'EA',
        });
        expect(await erp.getItem('SKU-20991')).toMatchObject({ active: false, purchasable: true });
        expect(await erp.getItem('SKU-20992')).toMatchObject({ active: false });
        expect(await erp.getItem('SKU-30001')).toMatchObject({ active: true, purchasable: false });
        expect(await erp.getItem('SKU-NOPE')).toBeNull();
      });

      it('lists the item master in code order, page after page, each item as getItem reads it', async () => {
        const listed: ErpItem[] = [];
        let page: ErpItem[];
        do {
          page = await erp.listItems({
            limit: 2,
            ...(listed.length ? { after: listed.at(-1)!.itemCode } : {}),
          });
          expect(page.length).toBeLessThanOrEqual(2);
          listed.push(...page);
        } while (page.length === 2);
        const codes = listed.map((item) => item.itemCode);
        expect(codes).toEqual([...new Set(codes)].sort());
        for (const code of ['SKU-10442', 'SKU-10443', 'SKU-20991', 'SKU-20992', 'SKU-30001'])
          expect(listed.find((item) => item.itemCode === code)).toEqual(await erp.getItem(code));
        await expect(erp.listItems({ limit: 0 })).rejects.toBeInstanceOf(ContractViolation);
        await expect(erp.listItems({ limit: 501 })).rejects.toBeInstanceOf(ContractViolation);
      });

      it('reads warehouses and suppliers, inactive ones included, and null for unknown codes', async () => {
        expect(await erp.getWarehouse('WH-EAST')).toEqual({
          code: 'WH-EAST',
          name: 'East distribution center',
          active: true,
        });
        expect(await erp.getWarehouse('WH-NORTH')).toMatchObject({ active: false });
        expect(await erp.getWarehouse('WH-SOUTH')).toBeNull();
        expect(await erp.getSupplier('S-1001')).toEqual({
          supplierNumber: 'S-1001',
          name: 'Acme Beverages',
          active: true,
        });
        expect(await erp.getSupplier('S-4004')).toMatchObject({ active: false });
        expect(await erp.getSupplier('S-3003')).toBeNull();
      });

      it('applies a supplier master change to a known supplier, idempotently, and ignores an unknown one', async () => {
        // S-4004 is inactive in the seed; the test leaves it so.
        try {
          await expect(erp.applySupplierChange('S-4004', { active: true })).resolves.toEqual({
            supplierNumber: 'S-4004',
            name: 'Dormant Supplies',
            active: true,
          });
          expect(await erp.getSupplier('S-4004')).toMatchObject({ active: true });
          // The same change again changes nothing and answers the same.
          await expect(erp.applySupplierChange('S-4004', { active: true })).resolves.toMatchObject({
            active: true,
          });
          await erp.applySupplierChange('S-4004', { active: false, name: 'Dormant Supplies Ltd' });
          expect(await erp.getSupplier('S-4004')).toEqual({
            supplierNumber: 'S-4004',
            name: 'Dormant Supplies Ltd',
            active: false,
          });
        } finally {
          await erp.applySupplierChange('S-4004', { active: false, name: 'Dormant Supplies' });
        }
        await expect(erp.applySupplierChange('S-3003', { active: false })).resolves.toBeNull();
        expect(await erp.getSupplier('S-3003')).toBeNull();
        await expect(
          erp.applySupplierChange('S-4004', { active: 'no' } as unknown as { active: boolean }),
        ).rejects.toBeInstanceOf(ContractViolation);
      });

      it('reads the inventory balance of an item in a warehouse', async () => {
        // SKU-10442 in WH-WEST: opening stock 96, no other test orders it there.
        await expect(erp.getInventoryBalance('SKU-10442', 'WH-WEST')).resolves.toEqual({
          onHandEa: '96',
          forecastEa: '96',
        });
        expect((await rejectionOf(erp.getInventoryBalance('SKU-NOPE', 'WH-WEST'))).code).toBe('ITEM_UNKNOWN');
        expect((await rejectionOf(erp.getInventoryBalance('SKU-10442', 'WH-SOUTH'))).code).toBe(
          'WAREHOUSE_UNKNOWN',
        );
      });
    });

    expectedShipmentCases(() => erp, order, inDays);
    orderPageCases(
      () => erp,
      () => admin,
      order,
      inDays,
    );

    describe('posting purchase orders', () => {
      it('creates, quotes and confirms an order, assigning a number', async () => {
        const request = order({
          lines: [
            { itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: inDays(30) },
            { itemCode: 'SKU-10443', quantityEa: '60', unitPrice: '1.85', deliveryDate: inDays(35) },
          ],
        });
        const posted = await erp.postPurchaseOrder(request);
        expect(['confirmed', 'processing']).toContain(posted.state);
        expect(posted.number).toMatch(/\S/);
        expect(posted).toMatchObject({
          externalRef: request.externalRef,
          supplierNumber: 'S-1001',
          warehouseCode: 'WH-EAST',
          purchaseDate: request.purchaseDate,
          revision: 0,
          lines: [
            {
              lineNo: 1,
              itemCode: 'SKU-10442',
              quantityEa: '480',
              unitPrice: '3.10',
              deliveryDate: inDays(30),
            },
            {
              lineNo: 2,
              itemCode: 'SKU-10443',
              quantityEa: '60',
              unitPrice: '1.85',
              deliveryDate: inDays(35),
            },
          ],
        });
        await expect(erp.findPurchaseOrder(request.externalRef)).resolves.toEqual(posted);
        await expect(erp.findPurchaseOrder(`SL-${randomUUID()}`)).resolves.toBeNull();
      });

      it('does not create a second order for a repeated externalRef', async () => {
        const request = order();
        const first = await erp.postPurchaseOrder(request);
        const second = await erp.postPurchaseOrder(request);
        expect(second).toEqual(first);
        await expect(admin.countPurchaseOrders(request.externalRef)).resolves.toBe(1);
      });

      it('finishes an earlier attempt that stopped in draft or quotation instead of creating another order', async () => {
        for (const state of ['draft', 'quotation'] as const) {
          const request = order();
          const interrupted = await admin.createPurchaseOrderInState(request, state);
          expect(interrupted.state).toBe(state);
          const posted = await erp.postPurchaseOrder(request);
          expect(['confirmed', 'processing']).toContain(posted.state);
          if (state === 'quotation') expect(posted.number).toBe(interrupted.number);
          await expect(admin.countPurchaseOrders(request.externalRef)).resolves.toBe(1);
        }
      });

      it('accepts a supplier that only procurement has blocked: the ERP does not know procurement status', async () => {
        const posted = await erp.postPurchaseOrder(order({ supplierNumber: 'S-2002' }));
        expect(posted.supplierNumber).toBe('S-2002');
      });

      const rejections: [string, Partial<PostPurchaseOrderRequest>][] = [
        [
          'ITEM_INACTIVE',
          {
            lines: [{ itemCode: 'SKU-20991', quantityEa: '24', unitPrice: '0.95', deliveryDate: inDays(30) }],
          },
        ],
        [
          'ITEM_INACTIVE',
          {
            lines: [{ itemCode: 'SKU-20992', quantityEa: '24', unitPrice: '0.95', deliveryDate: inDays(30) }],
          },
        ],
        [
          'ITEM_NOT_PURCHASABLE',
          {
            lines: [{ itemCode: 'SKU-30001', quantityEa: '1', unitPrice: '12.00', deliveryDate: inDays(30) }],
          },
        ],
        [
          'ITEM_UNKNOWN',
          { lines: [{ itemCode: 'SKU-NOPE', quantityEa: '1', unitPrice: '1.00', deliveryDate: inDays(30) }] },
        ],
        ['WAREHOUSE_UNKNOWN', { warehouseCode: 'WH-SOUTH' }],
        ['WAREHOUSE_INACTIVE', { warehouseCode: 'WH-NORTH' }],
        ['SUPPLIER_UNKNOWN', { supplierNumber: 'S-3003' }],
        ['SUPPLIER_INACTIVE', { supplierNumber: 'S-4004' }],
        ['CURRENCY_UNSUPPORTED', { currency: 'EUR' }],
      ];
      it.each(rejections)('rejects with %s and creates nothing (%o)', async (code, overrides) => {
        const request = order(overrides);
        const rejection = await rejectionOf(erp.postPurchaseOrder(request));
        expect(rejection.code).toBe(code);
        expect(rejection.system).toBe('erp');
        await expect(admin.countPurchaseOrders(request.externalRef)).resolves.toBe(0);
      });

      it('treats a malformed request as a contract violation', async () => {
        await expect(
          erp.postPurchaseOrder(
            order({
              lines: [
                { itemCode: 'SKU-10442', quantityEa: '4.8e2', unitPrice: '3.10', deliveryDate: inDays(30) },
              ],
            }),
          ),
        ).rejects.toBeInstanceOf(ContractViolation);
        await expect(erp.postPurchaseOrder(order({ lines: [] }))).rejects.toBeInstanceOf(ContractViolation);
      });
    });

    describe('amending purchase orders', () => {
      it('changes quantity and delivery date, increments the revision, and reads the values back', async () => {
        const request = order({
          lines: [
            { itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: inDays(30) },
            { itemCode: 'SKU-10443', quantityEa: '60', unitPrice: '1.85', deliveryDate: inDays(30) },
          ],
        });
        const posted = await erp.postPurchaseOrder(request);
        const amended = await erp.amendPurchaseOrder(request.externalRef, {
          lines: [{ lineNo: 1, quantityEa: '360', deliveryDate: inDays(40) }],
        });
        expect(amended.revision).toBe(posted.revision + 1);
        expect(amended.number).toBe(posted.number);
        expect(amended.lines).toEqual([
          {
            lineNo: 1,
            itemCode: 'SKU-10442',
            quantityEa: '360',
            unitPrice: '3.10',
            deliveryDate: inDays(40),
          },
          { lineNo: 2, itemCode: 'SKU-10443', quantityEa: '60', unitPrice: '1.85', deliveryDate: inDays(30) },
        ]);
        await expect(erp.findPurchaseOrder(request.externalRef)).resolves.toEqual(amended);

        const onlyDate = await erp.amendPurchaseOrder(request.externalRef, {
          lines: [{ lineNo: 2, deliveryDate: inDays(45) }],
        });
        expect(onlyDate.revision).toBe(posted.revision + 2);
        expect(onlyDate.lines[1]).toMatchObject({ quantityEa: '60', deliveryDate: inDays(45) });
      });

      it('treats an amendment that changes nothing (a retry) as done', async () => {
        const request = order();
        await erp.postPurchaseOrder(request);
        const change = { lines: [{ lineNo: 1, quantityEa: '240' }] };
        const first = await erp.amendPurchaseOrder(request.externalRef, change);
        const again = await erp.amendPurchaseOrder(request.externalRef, change);
        expect(again).toEqual(first);
        expect(again.revision).toBe(1);
      });

      it('rejects amending an unknown or unconfirmed order', async () => {
        expect(
          (
            await rejectionOf(
              erp.amendPurchaseOrder(`SL-${randomUUID()}`, { lines: [{ lineNo: 1, quantityEa: '1' }] }),
            )
          ).code,
        ).toBe('PO_UNKNOWN');
        const draft = order();
        await admin.createPurchaseOrderInState(draft, 'draft');
        expect(
          (
            await rejectionOf(
              erp.amendPurchaseOrder(draft.externalRef, { lines: [{ lineNo: 1, quantityEa: '1' }] }),
            )
          ).code,
        ).toBe('PO_NOT_AMENDABLE');
      });
    });

    describe('committed value', () => {
      it('sums quantity x unit price of confirmed/processing/done orders in the month, for that warehouse only', async () => {
        const month = '2031-03';
        const line = (itemCode: string, quantityEa: string, unitPrice: string) => [
          { itemCode, quantityEa, unitPrice, deliveryDate: inDays(30) },
        ];
        // Counted: 480 x 3.10 + 12 x 1.85 = 1488.00 + 22.20.
        await erp.postPurchaseOrder(
          order({ purchaseDate: '2031-03-01', lines: line('SKU-10442', '480', '3.10') }),
        );
        await erp.postPurchaseOrder(
          order({ purchaseDate: '2031-03-31', lines: line('SKU-10443', '12', '1.85') }),
        );
        // Not counted: draft, quotation, cancelled, other months, other warehouse.
        await admin.createPurchaseOrderInState(order({ purchaseDate: '2031-03-10' }), 'draft');
        await admin.createPurchaseOrderInState(order({ purchaseDate: '2031-03-11' }), 'quotation');
        await admin.createPurchaseOrderInState(order({ purchaseDate: '2031-03-12' }), 'cancelled');
        await erp.postPurchaseOrder(order({ purchaseDate: '2031-02-28' }));
        await erp.postPurchaseOrder(order({ purchaseDate: '2031-04-01' }));
        await erp.postPurchaseOrder(
          order({
            purchaseDate: '2031-03-15',
            warehouseCode: 'WH-WEST',
            lines: line('SKU-10443', '6', '1.85'),
          }),
        );

        await expect(erp.committedValue('WH-EAST', month)).resolves.toBe('1510.20');
        await expect(erp.committedValue('WH-WEST', month)).resolves.toBe('11.10');
        await expect(erp.committedValue('WH-WEST', '2031-05')).resolves.toBe('0.00');
      });

      it('follows amendments and rejects a malformed month', async () => {
        const request = order({ purchaseDate: '2031-06-15' });
        await erp.postPurchaseOrder(request);
        await expect(erp.committedValue('WH-EAST', '2031-06')).resolves.toBe('1488.00');
        await erp.amendPurchaseOrder(request.externalRef, { lines: [{ lineNo: 1, quantityEa: '100' }] });
        await expect(erp.committedValue('WH-EAST', '2031-06')).resolves.toBe('310.00');
        await expect(erp.committedValue('WH-EAST', '2031-6')).rejects.toBeInstanceOf(ContractViolation);
      });
    });

    describe('listing orders by reference', () => {
      it('lists the orders (any state but cancelled) whose reference has the prefix and purchase date is in the days, by reference, a page at a time', async () => {
        const prefix = `SL-PO-LIST-${randomUUID().slice(0, 8)}-`;
        const posted = async (suffix: string, purchaseDate: string) =>
          (await erp.postPurchaseOrder(order({ externalRef: `${prefix}${suffix}`, purchaseDate }))).number;
        const c = await posted('c', '2032-07-03');
        const a = await posted('a', '2032-07-01');
        const draft = await admin.createPurchaseOrderInState(
          order({ externalRef: `${prefix}b`, purchaseDate: '2032-07-02' }),
          'draft',
        );
        // Not listed: cancelled, before or on the end day, another reference.
        await admin.createPurchaseOrderInState(
          order({ externalRef: `${prefix}d`, purchaseDate: '2032-07-02' }),
          'cancelled',
        );
        await posted('e', '2032-06-30');
        await posted('f', '2032-07-04');
        await erp.postPurchaseOrder(order({ externalRef: `X-${prefix}g`, purchaseDate: '2032-07-02' }));

        const days = { referencePrefix: prefix, purchasedFrom: '2032-07-01', purchasedUntil: '2032-07-04' };
        const first = await erp.listReferencedPurchaseOrders({ ...days, limit: 2 });
        expect(first).toEqual([
          { externalRef: `${prefix}a`, number: a },
          { externalRef: `${prefix}b`, number: draft.number },
        ]);
        await expect(
          erp.listReferencedPurchaseOrders({ ...days, after: first[1]!.externalRef, limit: 2 }),
        ).resolves.toEqual([{ externalRef: `${prefix}c`, number: c }]);
      });
    });

    describe('receipts', () => {
      it('lists the receipt once the shipment is received, and stock follows', async () => {
        const before = await erp.getInventoryBalance('SKU-10443', 'WH-EAST');
        const request = order({
          lines: [{ itemCode: 'SKU-10443', quantityEa: '36', unitPrice: '1.85', deliveryDate: inDays(20) }],
        });
        await erp.postPurchaseOrder(request);
        await expect(erp.listReceipts(request.externalRef)).resolves.toEqual([]);
        const ordered = await erp.getInventoryBalance('SKU-10443', 'WH-EAST');
        expect(Number(ordered.onHandEa)).toBe(Number(before.onHandEa));
        expect(Number(ordered.forecastEa)).toBe(Number(before.forecastEa) + 36);

        const receipt = await admin.receiveShipment(request.externalRef);
        expect(receipt).toMatchObject({
          state: 'done',
          lines: [{ itemCode: 'SKU-10443', quantityEa: '36' }],
        });
        expect(receipt.receiptNumber).toMatch(/\S/);
        expect(receipt.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        await expect(erp.listReceipts(request.externalRef)).resolves.toEqual([receipt]);

        const received = await erp.getInventoryBalance('SKU-10443', 'WH-EAST');
        expect(Number(received.onHandEa)).toBe(Number(before.onHandEa) + 36);
        expect(Number(received.forecastEa)).toBe(Number(before.forecastEa) + 36);
        await expect(erp.listReceipts(`SL-${randomUUID()}`)).resolves.toEqual([]);
      });
    });
  });
}
