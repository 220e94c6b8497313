import { ContractViolation } from '../../domain/failures';
import type { ErpPurchaseOrder, ErpReceipt, PostPurchaseOrderRequest } from '../../domain/ports/erp';
import { assertPostRequest } from '../../adapters/erp/request-checks';
import { ERP_SYSTEM } from '../../adapters/erp/tryton/jsonrpc';
import { TrytonErp } from '../../adapters/erp/tryton/tryton-erp';

/**
 * What tests, demos and the local runtime do to an ERP that the middleware never does itself:
 * the warehouse receiving goods, and looking behind the idempotency of the port. Not a domain port:
 * the ERP simulator (local/simulators/erp) and {@link TrytonErpAdmin} implement it for seeding and tests.
 */
export interface ErpAdmin {
  /** Receives everything still expected on the order in one receipt and puts it away. */
  receiveShipment(externalRef: string): Promise<ErpReceipt>;
  /** How many purchase orders carry this external reference (any state). */
  countPurchaseOrders(externalRef: string): Promise<number>;
  /**
   * Creates an order and leaves it in `draft`, `quotation` or `cancelled`, as an interrupted
   * posting or a person in the ERP would. No policy checks.
   */
  createPurchaseOrderInState(
    request: PostPurchaseOrderRequest,
    state: 'draft' | 'quotation' | 'cancelled',
  ): Promise<ErpPurchaseOrder>;
}

/** Warehouse-side and inspection operations on Tryton, for tests, demos and the local runtime. */
export class TrytonErpAdmin extends TrytonErp implements ErpAdmin {
  async receiveShipment(externalRef: string): Promise<ErpReceipt> {
    const fields = ['party', 'warehouse', 'moves'];
    let purchase = await this.purchaseRow(externalRef, fields);
    if (!purchase) throw new ContractViolation(`no purchase order with reference ${externalRef}`, ERP_SYSTEM);
    // Waiting for a worker queue to process it, a confirmed order has no moves yet: goods arriving
    // end that wait.
    if (purchase.state === 'confirmed') {
      await this.processNow(purchase);
      purchase = (await this.purchaseRow(externalRef, fields))!;
    }
    const moves = await this.rpc.read<Record<string, unknown> & { id: number }>(
      'stock.move',
      purchase.moves as number[],
      ['state', 'shipment'],
    );
    const pending = moves.filter((m) => m.state === 'draft' && !m.shipment).map((m) => m.id);
    if (!pending.length) throw new ContractViolation(`nothing left to receive on ${externalRef}`, ERP_SYSTEM);
    const [shipment] = await this.rpc.create('stock.shipment.in', [
      { supplier: purchase.party, warehouse: purchase.warehouse, incoming_moves: [['add', pending]] },
    ]);
    for (const [button, state] of [
      ['receive', 'received'],
      ['done', 'done'],
    ] as const) {
      await this.rpc.button('stock.shipment.in', button, [shipment!]);
      const [row] = await this.rpc.read('stock.shipment.in', [shipment!], ['state']);
      if (row?.state !== state) {
        throw new ContractViolation(
          `shipment ${shipment} is ${String(row?.state)} after ${button}`,
          ERP_SYSTEM,
        );
      }
    }
    const [row] = await this.rpc.read('stock.shipment.in', [shipment!], ['number']);
    const receipt = (await this.listReceipts(externalRef)).find(
      (r) => r.receiptNumber === String(row?.number),
    );
    if (!receipt)
      throw new ContractViolation(`shipment ${shipment} is not listed for ${externalRef}`, ERP_SYSTEM);
    return receipt;
  }

  async countPurchaseOrders(externalRef: string): Promise<number> {
    return (await this.rpc.search('purchase.purchase', [['reference', '=', externalRef]])).length;
  }

  async createPurchaseOrderInState(
    request: PostPurchaseOrderRequest,
    state: 'draft' | 'quotation' | 'cancelled',
  ): Promise<ErpPurchaseOrder> {
    assertPostRequest(request);
    const ids = await this.checkAndResolve(request);
    const [id] = await this.rpc.create('purchase.purchase', [await this.purchaseValues(request, ids)]);
    if (state === 'quotation') await this.rpc.button('purchase.purchase', 'quote', [id!]);
    if (state === 'cancelled') await this.rpc.button('purchase.purchase', 'cancel', [id!]);
    const row = await this.readPurchase(id!);
    if (row.state !== state)
      throw new ContractViolation(`purchase ${id} is ${String(row.state)}, wanted ${state}`, ERP_SYSTEM);
    return this.toPurchaseOrder(row);
  }

  /**
   * The purchase configuration's "Process Purchase after": with a worker queue, a confirmed order
   * waits this long before Tryton processes it (makes its stock moves and invoice), and meanwhile a
   * person may still reset it to draft.
   */
  async setPurchaseGracePeriod(seconds: number): Promise<void> {
    await this.rpc.write('purchase.configuration', [1], {
      purchase_process_after: { __class__: 'timedelta', seconds },
    });
  }

  /**
   * Deletes the order with this reference as a person may in Tryton's own client: a confirmed order
   * not yet processed (in its grace period) is reset to draft first; Tryton cancels an order before
   * deleting it, and refuses to delete one it has processed.
   */
  async deletePurchaseOrder(externalRef: string): Promise<void> {
    const purchase = await this.purchaseRow(externalRef);
    if (!purchase) throw new ContractViolation(`no purchase order with reference ${externalRef}`, ERP_SYSTEM);
    if (purchase.state === 'confirmed') await this.rpc.button('purchase.purchase', 'draft', [purchase.id]);
    await this.rpc.call('model.purchase.purchase.delete', [[purchase.id]]);
  }
}
