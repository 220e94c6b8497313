/**
 * The Tryton adapter on a production-like Tryton 6.0: a worker queue (`[queue] worker = True`) and
 * an hour's grace period ("Process Purchase after"), so confirming an order, or validating its
 * amendment, only queues the processing that creates its stock moves (no worker runs here). The
 * adapter processes the order itself where it needs the moves; the queued task then creates none.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrytonRpc } from '../../../adapters/erp/tryton/jsonrpc';
import { TrytonErp } from '../../../adapters/erp/tryton/tryton-erp';
import { TrytonErpAdmin } from '../../../scripts/tryton/admin';
import {
  connectionOf,
  newTrytonOrder,
  startTryton,
  stopChecked,
  type TrytonSandbox,
  inDays,
  DyingAfterAmendmentRpc,
} from '../../support/tryton';

let tryton: TrytonSandbox;
let erp: TrytonErpAdmin;
let dying: TrytonErp;
let rpc: TrytonRpc;

const newOrder = () => newTrytonOrder('SL-PO-QUEUE-');
const ship = (externalRef: string, quantityEa: string, days: number) =>
  erp.recordExpectedShipment(externalRef, {
    shipmentId: `SHP-${randomUUID()}`,
    plannedDate: inDays(days),
    lines: [{ lineNo: 1, quantityEa }],
  });

/** What the queued task does when a worker runs it: Purchase.process. */
async function runQueuedProcessing(externalRef: string): Promise<void> {
  const [purchase] = await rpc.search('purchase.purchase', [['reference', '=', externalRef]]);
  await rpc.button('purchase.purchase', 'process', [purchase!]);
}

/** The quantities of the order's line 1 moves that are not cancelled, sorted. */
async function lineMoves(externalRef: string): Promise<number[]> {
  const moves = await rpc.searchRead<{ id: number; quantity: number }>(
    'stock.move',
    [
      ['origin.purchase.reference', '=', externalRef, 'purchase.line'],
      ['state', '!=', 'cancelled'],
    ],
    ['quantity'],
  );
  return moves.map((m) => m.quantity).sort((a, b) => a - b);
}

describe('the Tryton adapter on a Tryton with a worker queue and a grace period', () => {
  beforeAll(async () => {
    tryton = await startTryton({ queueWorker: true });
    const connection = connectionOf(tryton);
    erp = new TrytonErpAdmin(connection);
    dying = new TrytonErp(new DyingAfterAmendmentRpc(connection));
    rpc = new TrytonRpc(connection);
    await erp.setPurchaseGracePeriod(3600);
  });
  afterAll(() => stopChecked(tryton));

  it('records an ASN on an order still waiting to be processed', async () => {
    const request = newOrder();
    await expect(erp.postPurchaseOrder(request)).resolves.toMatchObject({ state: 'confirmed' });

    const recorded = await ship(request.externalRef, '300', 12);

    expect(recorded).toMatchObject({
      created: true,
      shipment: { state: 'draft', lines: [{ quantityEa: '300' }] },
    });
    await expect(erp.findPurchaseOrder(request.externalRef)).resolves.toMatchObject({ state: 'processing' });
    await runQueuedProcessing(request.externalRef);
    await expect(lineMoves(request.externalRef)).resolves.toEqual([180, 300]);
    await expect(erp.listExpectedShipments(request.externalRef)).resolves.toEqual([recorded.shipment]);
  });

  it('receives goods on an order still waiting to be processed', async () => {
    const request = newOrder();
    await erp.postPurchaseOrder(request);

    const receipt = await erp.receiveShipment(request.externalRef);

    expect(receipt).toMatchObject({ state: 'done', lines: [{ itemCode: 'SKU-10442', quantityEa: '480' }] });
    await expect(erp.listReceipts(request.externalRef)).resolves.toEqual([receipt]);
    await runQueuedProcessing(request.externalRef);
    await expect(lineMoves(request.externalRef)).resolves.toEqual([480]);
  });

  it('applies an 855 after an ASN: the order is amended and the draft receipt still holds the shipped moves', async () => {
    const request = newOrder();
    const posted = await erp.postPurchaseOrder(request);
    await ship(request.externalRef, '300', 12);
    const before = await erp.listExpectedShipments(request.externalRef);

    await expect(
      erp.amendPurchaseOrder(request.externalRef, { lines: [{ lineNo: 1, quantityEa: '450' }] }),
    ).resolves.toMatchObject({ revision: posted.revision + 1, lines: [{ quantityEa: '450' }] });

    await expect(erp.listExpectedShipments(request.externalRef)).resolves.toEqual(before);
    await expect(lineMoves(request.externalRef)).resolves.toEqual([150, 300]);
    // The amendment's queued processing, run later by a worker, changes nothing.
    await runQueuedProcessing(request.externalRef);
    await expect(lineMoves(request.externalRef)).resolves.toEqual([150, 300]);
    await expect(erp.listExpectedShipments(request.externalRef)).resolves.toEqual(before);
  });

  it('restores the shipments on the retry after a process died between the amendment and the restore', async () => {
    const request = newOrder();
    await erp.postPurchaseOrder(request);
    await ship(request.externalRef, '300', 12);
    const before = await erp.listExpectedShipments(request.externalRef);
    const amendment = { lines: [{ lineNo: 1, quantityEa: '450' }] };
    await expect(dying.amendPurchaseOrder(request.externalRef, amendment)).rejects.toThrow(
      'the process died after the amendment',
    );

    await expect(erp.amendPurchaseOrder(request.externalRef, amendment)).resolves.toMatchObject({
      lines: [{ quantityEa: '450' }],
    });
    await expect(erp.listExpectedShipments(request.externalRef)).resolves.toEqual(before);
    await expect(lineMoves(request.externalRef)).resolves.toEqual([150, 300]);
  });
});
