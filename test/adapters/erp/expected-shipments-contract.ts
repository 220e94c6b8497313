/**
 * The ErpPort's expected shipments (a supplier's advance ship notice as a receipt not yet received),
 * registered inside the ERP contract suite so the simulator, the RPC protocol and Tryton pass the
 * same cases.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BusinessRejection, ContractViolation } from '../../../domain/failures';
import type { ErpPort, PostPurchaseOrderRequest } from '../../../domain/ports/erp';

/** Registers the cases; `erp` is read when a case runs (the suite creates it in beforeAll). */
export function expectedShipmentCases(
  erp: () => ErpPort,
  order: (overrides?: Partial<PostPurchaseOrderRequest>) => PostPurchaseOrderRequest,
  inDays: (days: number) => string,
): void {
  describe('expected shipments (advance ship notices)', () => {
    const twoLines = () =>
      order({
        lines: [
          { itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: inDays(30) },
          { itemCode: 'SKU-10443', quantityEa: '60', unitPrice: '1.85', deliveryDate: inDays(30) },
        ],
      });

    it('records a shipment of part of a line, planned for its date, once per shipment id', async () => {
      const request = twoLines();
      await erp().postPurchaseOrder(request);
      const shipmentId = `SHP-${randomUUID()}`;
      const shipment = { shipmentId, plannedDate: inDays(12), lines: [{ lineNo: 1, quantityEa: '300' }] };

      const first = await erp().recordExpectedShipment(request.externalRef, shipment);
      expect(first).toMatchObject({
        created: true,
        shipment: {
          shipmentId,
          state: 'draft',
          plannedDate: inDays(12),
          lines: [{ lineNo: 1, itemCode: 'SKU-10442', quantityEa: '300' }],
        },
      });
      expect(first.shipment.receiptNumber).toMatch(/\S/);

      const again = await erp().recordExpectedShipment(request.externalRef, shipment);
      expect(again).toEqual({ created: false, shipment: first.shipment });
      await expect(erp().listExpectedShipments(request.externalRef)).resolves.toEqual([first.shipment]);
      // The order itself is unchanged: a shipment is not an amendment.
      expect((await erp().findPurchaseOrder(request.externalRef))?.lines[0]).toMatchObject({
        quantityEa: '480',
      });
    });

    it('adds a second shipment for the rest of the line, and refuses more than remains', async () => {
      const request = twoLines();
      await erp().postPurchaseOrder(request);
      const ship = (shipmentId: string, lines: { lineNo: number; quantityEa: string }[]) =>
        erp().recordExpectedShipment(request.externalRef, { shipmentId, plannedDate: inDays(14), lines });
      await ship('SHP-A', [{ lineNo: 1, quantityEa: '300' }]);
      const rest = await ship('SHP-B', [
        { lineNo: 1, quantityEa: '180' },
        { lineNo: 2, quantityEa: '60' },
      ]);
      expect(rest.shipment.lines).toEqual([
        { lineNo: 1, itemCode: 'SKU-10442', quantityEa: '180' },
        { lineNo: 2, itemCode: 'SKU-10443', quantityEa: '60' },
      ]);
      expect((await erp().listExpectedShipments(request.externalRef)).map((s) => s.shipmentId)).toEqual([
        'SHP-A',
        'SHP-B',
      ]);

      const over = await ship('SHP-C', [{ lineNo: 1, quantityEa: '1' }]).catch((e: unknown) => e);
      expect(over).toBeInstanceOf(BusinessRejection);
      expect(over).toMatchObject({ code: 'SHIPMENT_EXCEEDS_REMAINING' });
      expect(await erp().listExpectedShipments(request.externalRef)).toHaveLength(2);
    });

    it('knows no shipments of an unknown order, refuses one for it, and names an unknown line a contract violation', async () => {
      await expect(erp().listExpectedShipments(`SL-${randomUUID()}`)).resolves.toEqual([]);
      const unknown = {
        shipmentId: 'SHP-X',
        plannedDate: inDays(9),
        lines: [{ lineNo: 1, quantityEa: '1' }],
      };
      await expect(erp().recordExpectedShipment(`SL-${randomUUID()}`, unknown)).rejects.toMatchObject({
        code: 'PO_UNKNOWN',
      });
      const request = order();
      await erp().postPurchaseOrder(request);
      await expect(
        erp().recordExpectedShipment(request.externalRef, {
          ...unknown,
          lines: [{ lineNo: 7, quantityEa: '1' }],
        }),
      ).rejects.toBeInstanceOf(ContractViolation);
    });

    it('withdraws a shipment: its quantity remains to ship again, and its id stays withdrawn', async () => {
      const request = twoLines();
      await erp().postPurchaseOrder(request);
      const [withdrawnId, nextId] = [`SHP-${randomUUID()}`, `SHP-${randomUUID()}`];
      const ship = (shipmentId: string, quantityEa: string) =>
        erp().recordExpectedShipment(request.externalRef, {
          shipmentId,
          plannedDate: inDays(12),
          lines: [{ lineNo: 1, quantityEa }],
        });
      await ship(withdrawnId, '300');

      await expect(
        erp().withdrawExpectedShipment(request.externalRef, withdrawnId, 'cancelled'),
      ).resolves.toEqual({
        withdrawn: true,
      });
      await expect(erp().listExpectedShipments(request.externalRef)).resolves.toEqual([]);
      await expect(
        erp().withdrawExpectedShipment(request.externalRef, withdrawnId, 'cancelled'),
      ).resolves.toEqual({
        withdrawn: false,
      });
      await expect(ship(withdrawnId, '300')).rejects.toMatchObject({ code: 'SHIPMENT_WITHDRAWN' });
      // The withdrawn 300 remain: the whole line ships again.
      await expect(ship(nextId, '480')).resolves.toMatchObject({
        shipment: { lines: [{ lineNo: 1, quantityEa: '480' }] },
      });
    });

    it('finds the orders of the supplier that expect a shipment id, not once it is withdrawn', async () => {
      const [first, second] = [order(), order()];
      await erp().postPurchaseOrder(first);
      await erp().postPurchaseOrder(second);
      const shipmentId = `SHP-${randomUUID()}`;
      const shipment = { shipmentId, plannedDate: inDays(12), lines: [{ lineNo: 1, quantityEa: '10' }] };
      await erp().recordExpectedShipment(first.externalRef, shipment);
      await erp().recordExpectedShipment(second.externalRef, shipment);

      await expect(erp().findOrdersExpectingShipment(first.supplierNumber, shipmentId)).resolves.toEqual(
        [first.externalRef, second.externalRef].sort(),
      );
      await expect(erp().findOrdersExpectingShipment('S-1002', shipmentId)).resolves.toEqual([]);
      await erp().withdrawExpectedShipment(second.externalRef, shipmentId, 'dropped');
      await expect(erp().findOrdersExpectingShipment(first.supplierNumber, shipmentId)).resolves.toEqual([
        first.externalRef,
      ]);
    });

    it('drops an order from a shipment without withdrawing the id: a later replacement lists it again', async () => {
      const request = twoLines();
      await erp().postPurchaseOrder(request);
      const shipmentId = `SHP-${randomUUID()}`;
      const ship = (quantityEa: string) => ({
        shipmentId,
        plannedDate: inDays(12),
        lines: [{ lineNo: 1, quantityEa }],
      });
      await erp().recordExpectedShipment(request.externalRef, ship('300'));

      await expect(
        erp().withdrawExpectedShipment(request.externalRef, shipmentId, 'dropped'),
      ).resolves.toEqual({ withdrawn: true });
      await expect(erp().listExpectedShipments(request.externalRef)).resolves.toEqual([]);
      await expect(erp().findOrdersExpectingShipment(request.supplierNumber, shipmentId)).resolves.toEqual(
        [],
      );
      await expect(
        erp().withdrawExpectedShipment(request.externalRef, shipmentId, 'dropped'),
      ).resolves.toEqual({ withdrawn: false });
      // The dropped 300 remain: the newer replacement ships the whole line under the same id.
      await expect(erp().replaceExpectedShipment(request.externalRef, ship('480'))).resolves.toMatchObject({
        shipment: { shipmentId, state: 'draft', lines: [{ lineNo: 1, quantityEa: '480' }] },
      });
      await expect(erp().listExpectedShipments(request.externalRef)).resolves.toMatchObject([
        { shipmentId, lines: [{ lineNo: 1, quantityEa: '480' }] },
      ]);

      // A cancellation still withdraws the id for good.
      await expect(
        erp().withdrawExpectedShipment(request.externalRef, shipmentId, 'cancelled'),
      ).resolves.toEqual({ withdrawn: true });
      await expect(erp().replaceExpectedShipment(request.externalRef, ship('100'))).rejects.toMatchObject({
        code: 'SHIPMENT_WITHDRAWN',
      });
      await expect(erp().listExpectedShipments(request.externalRef)).resolves.toEqual([]);
    });

    it('leaves the id open when it drops an order that never expected the shipment', async () => {
      const request = order();
      await erp().postPurchaseOrder(request);
      const shipmentId = `SHP-${randomUUID()}`;
      await expect(
        erp().withdrawExpectedShipment(request.externalRef, shipmentId, 'dropped'),
      ).resolves.toEqual({ withdrawn: false });
      const shipment = { shipmentId, plannedDate: inDays(12), lines: [{ lineNo: 1, quantityEa: '1' }] };
      await expect(erp().recordExpectedShipment(request.externalRef, shipment)).resolves.toMatchObject({
        created: true,
      });
    });

    it('remembers a withdrawal that comes before its shipment', async () => {
      const request = order();
      await erp().postPurchaseOrder(request);
      const shipmentId = `SHP-${randomUUID()}`;
      await expect(
        erp().withdrawExpectedShipment(request.externalRef, shipmentId, 'cancelled'),
      ).resolves.toEqual({
        withdrawn: true,
      });
      const late = { shipmentId, plannedDate: inDays(12), lines: [{ lineNo: 1, quantityEa: '1' }] };
      await expect(erp().recordExpectedShipment(request.externalRef, late)).rejects.toMatchObject({
        code: 'SHIPMENT_WITHDRAWN',
      });
      await expect(erp().listExpectedShipments(request.externalRef)).resolves.toEqual([]);
    });

    it("replaces a shipment's lines and date, counting its own old quantity as remaining, and refuses more", async () => {
      const request = twoLines();
      await erp().postPurchaseOrder(request);
      const [first, second, early] = [`SHP-${randomUUID()}`, `SHP-${randomUUID()}`, `SHP-${randomUUID()}`];
      const ship = (shipmentId: string, lines: { lineNo: number; quantityEa: string }[], days = 12) => ({
        shipmentId,
        plannedDate: inDays(days),
        lines,
      });
      await erp().recordExpectedShipment(
        request.externalRef,
        ship(first, [{ lineNo: 1, quantityEa: '300' }]),
      );
      await erp().recordExpectedShipment(
        request.externalRef,
        ship(second, [{ lineNo: 1, quantityEa: '100' }]),
      );

      const replacing = ship(
        first,
        [
          { lineNo: 1, quantityEa: '380' },
          { lineNo: 2, quantityEa: '20' },
        ],
        20,
      );
      const { shipment } = await erp().replaceExpectedShipment(request.externalRef, replacing);
      expect(shipment).toMatchObject({
        shipmentId: first,
        state: 'draft',
        plannedDate: inDays(20),
        lines: [
          { lineNo: 1, quantityEa: '380' },
          { lineNo: 2, quantityEa: '20' },
        ],
      });
      const before = await erp().listExpectedShipments(request.externalRef);
      await expect(
        erp().replaceExpectedShipment(request.externalRef, ship(first, [{ lineNo: 1, quantityEa: '381' }])),
      ).rejects.toMatchObject({ code: 'SHIPMENT_EXCEEDS_REMAINING' });
      await expect(erp().listExpectedShipments(request.externalRef)).resolves.toEqual(before);
      // A replacement the order does not expect yet is recorded as the shipment.
      await expect(
        erp().replaceExpectedShipment(request.externalRef, ship(early, [{ lineNo: 2, quantityEa: '40' }])),
      ).resolves.toMatchObject({ shipment: { shipmentId: early, lines: [{ lineNo: 2, quantityEa: '40' }] } });
    });
  });
}
