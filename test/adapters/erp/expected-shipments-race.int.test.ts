/**
 * An 856 original and its cancellation applied at the same moment on a real Tryton 6.0 (different
 * queue keys, no per-shipment order): whichever interleaving, the shipment id ends withdrawn and no
 * draft receipt stays. The interleaving is made deterministic by holding one side's JSON-RPC call
 * that creates its supplier shipment until the other side has finished.
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
} from '../../support/tryton';

/** JSON-RPC whose next creation of a supplier shipment waits until `release()` is called. */
class HeldRpc extends TrytonRpc {
  private held: { reached: () => void; gate: Promise<void> } | undefined;
  private open = () => {};

  /** Resolves once the held call is reached (it then waits for `release`). */
  hold(): Promise<void> {
    return new Promise((reached) => {
      this.held = { reached, gate: new Promise((open) => (this.open = open)) };
    });
  }

  release(): void {
    this.open();
  }

  override async create(model: string, values: Record<string, unknown>[]): Promise<number[]> {
    const held = this.held;
    if (model === 'stock.shipment.in' && held) {
      this.held = undefined;
      held.reached();
      await held.gate;
    }
    return super.create(model, values);
  }
}

let tryton: TrytonSandbox;
let erp: TrytonErp;
let held: HeldRpc;
let heldErp: TrytonErp;

const newOrder = () => newTrytonOrder('SL-PO-RACE-');

describe('an 856 original and its cancellation at the same moment, on a real Tryton', () => {
  beforeAll(async () => {
    tryton = await startTryton();
    const connection = connectionOf(tryton);
    erp = new TrytonErp(connection);
    held = new HeldRpc(connection);
    heldErp = new TrytonErp(held);
  });
  afterAll(() => stopChecked(tryton));

  const shipment = (shipmentId: string) => ({
    shipmentId,
    plannedDate: inDays(12),
    lines: [{ lineNo: 1, quantityEa: '300' }],
  });

  /** The line ships whole again: nothing of the withdrawn shipment holds its quantity. */
  async function lineOpenAgain(externalRef: string): Promise<void> {
    await expect(erp.listExpectedShipments(externalRef)).resolves.toEqual([]);
    await expect(
      erp.recordExpectedShipment(externalRef, {
        shipmentId: `SHP-${randomUUID()}`,
        plannedDate: inDays(14),
        lines: [{ lineNo: 1, quantityEa: '480' }],
      }),
    ).resolves.toMatchObject({ created: true });
  }

  it('the cancellation runs whole while the original is about to record its shipment: the original withdraws itself', async () => {
    const request = newOrder();
    await erp.postPurchaseOrder(request);
    const shipmentId = `SHP-${randomUUID()}`;

    const reached = held.hold();
    const original = heldErp.recordExpectedShipment(request.externalRef, shipment(shipmentId));
    const outcome = original.then(
      () => 'recorded',
      (error: { code?: string }) => error.code,
    );
    await reached;
    const cancelled = erp.withdrawExpectedShipment(request.externalRef, shipmentId, 'cancelled');
    await expect(cancelled).resolves.toEqual({ withdrawn: true });
    held.release();

    await expect(outcome).resolves.toBe('SHIPMENT_WITHDRAWN');
    await lineOpenAgain(request.externalRef);
  });

  it('the original runs whole while the cancellation is about to place its withdrawal: the cancellation withdraws it', async () => {
    const request = newOrder();
    await erp.postPurchaseOrder(request);
    const shipmentId = `SHP-${randomUUID()}`;

    const reached = held.hold();
    const cancellation = heldErp.withdrawExpectedShipment(request.externalRef, shipmentId, 'cancelled');
    await reached;
    await expect(
      erp.recordExpectedShipment(request.externalRef, shipment(shipmentId)),
    ).resolves.toMatchObject({
      created: true,
    });
    held.release();

    await expect(cancellation).resolves.toEqual({ withdrawn: true });
    await lineOpenAgain(request.externalRef);
    await expect(erp.recordExpectedShipment(request.externalRef, shipment(shipmentId))).rejects.toMatchObject(
      { code: 'SHIPMENT_WITHDRAWN' },
    );
  });
});
