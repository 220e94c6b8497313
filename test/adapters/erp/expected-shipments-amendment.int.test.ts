/**
 * An 855 amending an order whose shipments a supplier announced, on a real Tryton 6.0: validating
 * the amendment deletes the draft moves, those in supplier shipments too, and the adapter puts
 * them back. A process dying between the amendment and that restore is simulated by JSON-RPC that
 * throws once the amendment is validated (or before it is created); the retry (the same 855 again)
 * restores the shipments.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrytonRpc } from '../../../adapters/erp/tryton/jsonrpc';
import { TrytonErp } from '../../../adapters/erp/tryton/tryton-erp';
import {
  connectionOf,
  newTrytonOrder,
  startTryton,
  stopChecked,
  type TrytonSandbox,
  inDays,
  DyingAfterAmendmentRpc,
} from '../../support/tryton';

/** JSON-RPC of a process that dies right before it creates a purchase amendment. */
class DyingEarlyRpc extends TrytonRpc {
  override async create(model: string, values: Record<string, unknown>[]): Promise<number[]> {
    if (model === 'purchase.amendment') throw new Error('the process died before the amendment');
    return super.create(model, values);
  }
}

let tryton: TrytonSandbox;
let erp: TrytonErp;
let dying: TrytonErp;
let dyingEarly: TrytonErp;
let rpc: TrytonRpc;

const newOrder = () => newTrytonOrder('SL-PO-AMEND-');
const ship = (externalRef: string, shipmentId: string, quantityEa: string, days: number) =>
  erp.recordExpectedShipment(externalRef, {
    shipmentId,
    plannedDate: inDays(days),
    lines: [{ lineNo: 1, quantityEa }],
  });

describe('expected shipments through an amendment of the order, on a real Tryton', () => {
  beforeAll(async () => {
    tryton = await startTryton();
    const connection = connectionOf(tryton);
    erp = new TrytonErp(connection);
    dying = new TrytonErp(new DyingAfterAmendmentRpc(connection));
    dyingEarly = new TrytonErp(new DyingEarlyRpc(connection));
    rpc = new TrytonRpc(connection);
  });
  afterAll(() => stopChecked(tryton));

  it('restores the shipments on the retry after a process died between the amendment and the restore', async () => {
    const request = newOrder();
    const posted = await erp.postPurchaseOrder(request);
    await ship(request.externalRef, `SHP-${randomUUID()}`, '300', 12);
    await ship(request.externalRef, `SHP-${randomUUID()}`, '100', 15);
    const before = await erp.listExpectedShipments(request.externalRef);
    const amendment = { lines: [{ lineNo: 1, quantityEa: '450' }] };

    await expect(dying.amendPurchaseOrder(request.externalRef, amendment)).rejects.toThrow(
      'the process died after the amendment',
    );
    // The amendment took the shipments' moves: their receipts are there, empty.
    await expect(erp.listExpectedShipments(request.externalRef)).resolves.toEqual([]);

    const retried = await erp.amendPurchaseOrder(request.externalRef, amendment);
    expect(retried).toMatchObject({ revision: posted.revision + 1, lines: [{ quantityEa: '450' }] });
    await expect(erp.listExpectedShipments(request.externalRef)).resolves.toEqual(before);
    const [purchase] = await rpc.search('purchase.purchase', [['reference', '=', request.externalRef]]);
    await expect(
      rpc.search('ir.note', [['resource', '=', `purchase.purchase,${purchase}`]]),
    ).resolves.toEqual([]);
    // What the amended line leaves open is the rest: 450 less the 400 shipped.
    await expect(ship(request.externalRef, `SHP-${randomUUID()}`, '51', 20)).rejects.toMatchObject({
      code: 'SHIPMENT_EXCEEDS_REMAINING',
    });
    await expect(ship(request.externalRef, `SHP-${randomUUID()}`, '50', 20)).resolves.toMatchObject({
      created: true,
    });
  });

  it('amends on the retry after a process died before the amendment, the shipments kept', async () => {
    const request = newOrder();
    const posted = await erp.postPurchaseOrder(request);
    await ship(request.externalRef, `SHP-${randomUUID()}`, '300', 12);
    const before = await erp.listExpectedShipments(request.externalRef);
    const amendment = { lines: [{ lineNo: 1, quantityEa: '400' }] };

    await expect(dyingEarly.amendPurchaseOrder(request.externalRef, amendment)).rejects.toThrow(
      'the process died before the amendment',
    );
    await expect(erp.listExpectedShipments(request.externalRef)).resolves.toEqual(before);

    await expect(erp.amendPurchaseOrder(request.externalRef, amendment)).resolves.toMatchObject({
      revision: posted.revision + 1,
      lines: [{ quantityEa: '400' }],
    });
    await expect(erp.listExpectedShipments(request.externalRef)).resolves.toEqual(before);
    const [purchase] = await rpc.search('purchase.purchase', [['reference', '=', request.externalRef]]);
    await expect(
      rpc.search('ir.note', [['resource', '=', `purchase.purchase,${purchase}`]]),
    ).resolves.toEqual([]);
  });

  it("restores an order's own receipt when another order's receipt carries the same shipment id", async () => {
    const [first, second] = [newOrder(), newOrder()];
    await erp.postPurchaseOrder(first);
    await erp.postPurchaseOrder(second);
    const shipmentId = `SHP-${randomUUID()}`;
    await ship(first.externalRef, shipmentId, '200', 12);
    await ship(second.externalRef, shipmentId, '300', 12);
    const [firstBefore, secondBefore] = [
      await erp.listExpectedShipments(first.externalRef),
      await erp.listExpectedShipments(second.externalRef),
    ];

    // Each in turn, so neither the older nor the newer receipt is found first by chance.
    for (const amended of [first, second]) {
      await erp.amendPurchaseOrder(amended.externalRef, { lines: [{ lineNo: 1, quantityEa: '400' }] });
      await expect(erp.listExpectedShipments(first.externalRef)).resolves.toEqual(firstBefore);
      await expect(erp.listExpectedShipments(second.externalRef)).resolves.toEqual(secondBefore);
    }
  });
});
