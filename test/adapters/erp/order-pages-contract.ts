/**
 * The ErpPort's page of orders by reference (findPurchaseOrders, what reconciliation reads),
 * registered inside the ERP contract suite so the simulator, the RPC protocol and Tryton pass the
 * same cases: a page answers exactly what findPurchaseOrder and listReceipts answer per order.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContractViolation } from '../../../domain/failures';
import {
  ERP_ORDER_PAGE_SIZE,
  type ErpPort,
  type ErpPurchaseOrderWithReceipts,
  type PostPurchaseOrderRequest,
} from '../../../domain/ports/erp';
import type { ErpAdmin } from '../../../scripts/tryton/admin';

const byReference = (orders: readonly ErpPurchaseOrderWithReceipts[]) =>
  [...orders].sort((a, b) => a.externalRef.localeCompare(b.externalRef));

/** Registers the cases; `erp` and `admin` are read when a case runs (the suite creates them in beforeAll). */
export function orderPageCases(
  erp: () => ErpPort,
  admin: () => ErpAdmin,
  order: (overrides?: Partial<PostPurchaseOrderRequest>) => PostPurchaseOrderRequest,
  inDays: (days: number) => string,
): void {
  describe('a page of orders by reference', () => {
    it('answers each known order as findPurchaseOrder and listReceipts do, and leaves out unknown ones', async () => {
      const plain = order();
      const received = order();
      const amended = order({
        lines: [
          { itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: inDays(30) },
          { itemCode: 'SKU-10443', quantityEa: '60', unitPrice: '1.85', deliveryDate: inDays(31) },
        ],
      });
      const draft = order();
      // Orders in every state are answered, a person's cancelled one included.
      const cancelled = order();
      for (const request of [plain, received, amended]) await erp().postPurchaseOrder(request);
      await admin().receiveShipment(received.externalRef);
      await erp().amendPurchaseOrder(amended.externalRef, { lines: [{ lineNo: 2, quantityEa: '48' }] });
      await admin().createPurchaseOrderInState(draft, 'draft');
      await admin().createPurchaseOrderInState(cancelled, 'cancelled');

      const references = [plain, received, amended, draft, cancelled].map((r) => r.externalRef);
      const unknown = `SL-${randomUUID()}`;
      const page = await erp().findPurchaseOrders([unknown, ...references, plain.externalRef]);

      const oneByOne: ErpPurchaseOrderWithReceipts[] = [];
      for (const reference of references) {
        const found = await erp().findPurchaseOrder(reference);
        oneByOne.push({ ...found!, receipts: await erp().listReceipts(reference) });
      }
      expect(byReference(page)).toEqual(byReference(oneByOne));
      expect(page.find((o) => o.externalRef === received.externalRef)?.receipts).toHaveLength(1);
      expect(page.map((o) => o.state)).toEqual(expect.arrayContaining(['draft', 'cancelled']));
      await expect(erp().findPurchaseOrders([])).resolves.toEqual([]);
    });

    it(`refuses a page of more than ${ERP_ORDER_PAGE_SIZE} references as the caller's bug`, async () => {
      const references = Array.from({ length: ERP_ORDER_PAGE_SIZE + 1 }, () => `SL-${randomUUID()}`);
      await expect(erp().findPurchaseOrders(references)).rejects.toBeInstanceOf(ContractViolation);
      await expect(erp().findPurchaseOrders(references.slice(1))).resolves.toEqual([]);
    });
  });
}
