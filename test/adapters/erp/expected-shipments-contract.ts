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
  });
}
