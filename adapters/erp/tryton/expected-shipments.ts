/**
 * Shipments a supplier announced, in Tryton 6.0: a draft supplier shipment (stock.shipment.in)
 * whose `reference` is the supplier's shipment id, planned for the estimated delivery date, holding
 * the shipped part of the purchase lines' incoming moves.
 *
 * A purchase line in processing has draft moves with no shipment: what remains to ship. Shipping
 * part of a line splits its move (the move keeps the shipped quantity, a copy keeps the rest, with
 * the same origin, so the purchase still sees both). Moves are planned for the estimated date
 * explicitly: Tryton itself only moves a planned date later. The shipment, its moves and its
 * reference are created in one call, so a shipment id is either recorded whole or not at all; a
 * split left by an interrupted attempt changes no total and is reused.
 *
 * A cancelled shipment (an 856 cancellation) gives its moves back to the open ones and is cancelled
 * empty: it keeps its reference, so the supplier's shipment id stays withdrawn (a late original is
 * refused). A shipment a replacement drops an order from gives that order's moves back and is
 * deleted: no memory, so a later replacement may list the order again. A replacement gives its
 * moves back and takes the new quantities into the same shipment.
 * Only a draft shipment changes: what was received is never touched.
 */
import { BusinessRejection, ContractViolation } from '../../../domain/failures';
import { Decimal } from '../../../domain/decimal';
import type {
  ErpExpectedShipment,
  ErpReceiptState,
  ExpectedShipmentRequest,
  ShipmentWithdrawal,
} from '../../../domain/ports/erp';
import { ERP_SYSTEM, referenceId, trytonDate, type Row, type TrytonRpc } from './jsonrpc';
import { quantityOf } from './purchase-order-reads';

/** A purchase line as the port numbers it. */
export interface PurchaseLineRef {
  readonly lineNo: number;
  readonly lineId: number;
  readonly itemCode: string;
}

/** A purchase as TrytonErp reads it: its row (with `party` and `warehouse`), and its lines in order. */
export interface PurchaseRead {
  readonly row: Row;
  readonly lines: readonly Row[];
}

/** The purchase with that reference as TrytonErp reads it, if any. */
export type PurchaseReader = (externalRef: string) => Promise<PurchaseRead | undefined>;

/** First line of the note on a purchase that remembers what its shipments held during an amendment. */
const RESTORE_NOTE = 'Supplyline: expected shipments to put back after the amendment';

interface ShipmentPurchase {
  readonly id: number;
  readonly reference: string;
  readonly state: string;
  readonly party: number;
  readonly warehouse: number;
  readonly lines: readonly PurchaseLineRef[];
}

interface LineMove {
  readonly id: number;
  readonly line: PurchaseLineRef;
  readonly quantity: Decimal;
  readonly state: string;
  readonly shipmentId: number | undefined;
}

/** Expected shipments of purchase orders over Tryton JSON-RPC. */
export class TrytonExpectedShipments {
  constructor(
    private readonly rpc: TrytonRpc,
    private readonly readPurchase: PurchaseReader,
  ) {}

  /** The order's supplier shipments that carry a reference, oldest first, with its own lines only. */
  async list(externalRef: string): Promise<ErpExpectedShipment[]> {
    const purchase = await this.purchase(externalRef);
    return purchase ? this.shipmentsOf(purchase) : [];
  }

  /** Records `request` on the order (see the file header); idempotent on its shipment id. */
  async record(
    externalRef: string,
    request: ExpectedShipmentRequest,
  ): Promise<{ created: boolean; shipment: ErpExpectedShipment }> {
    return this.recordOn(await this.required(externalRef), request);
  }

  /** ErpPort.findOrdersExpectingShipment: the orders whose lines the draft shipment's moves come from. */
  async ordersExpecting(supplierNumber: string, shipmentId: string): Promise<string[]> {
    const [party] = await this.rpc.search('party.party', [['code', '=', supplierNumber]], undefined, 1);
    if (party === undefined) return [];
    const shipments = await this.rpc.searchRead<Row>(
      'stock.shipment.in',
      [
        ['reference', '=', shipmentId],
        ['supplier', '=', party],
        ['state', '=', 'draft'],
      ],
      ['incoming_moves'],
    );
    const moveIds = shipments.flatMap((s) => s.incoming_moves as number[]);
    if (!moveIds.length) return [];
    const moves = await this.rpc.read<Row>('stock.move', moveIds, ['origin']);
    const lineIds = unique(
      moves
        .map((m) => referenceId(m.origin, 'purchase.line'))
        .filter((id): id is number => id !== undefined && id > 0),
    );
    if (!lineIds.length) return [];
    const lines = await this.rpc.read<Row>('purchase.line', lineIds, ['purchase']);
    const purchases = await this.rpc.read<Row>(
      'purchase.purchase',
      unique(lines.map((l) => Number(l.purchase))),
      ['reference'],
    );
    return unique(purchases.map((p) => String(p.reference))).sort();
  }

  /** Withdraws the order's shipment `shipmentId` (ErpPort.withdrawExpectedShipment). */
  async withdraw(
    externalRef: string,
    shipmentId: string,
    why: ShipmentWithdrawal,
  ): Promise<{ withdrawn: boolean }> {
    const purchase = await this.required(externalRef);
    const receipt = (await this.receiptsOf(purchase)).find((r) => r.shipment.shipmentId === shipmentId);
    if (receipt) {
      untouched(receipt.shipment, purchase.reference);
      if (why === 'cancelled') await this.cancel(receipt);
      else await this.drop(receipt);
      return { withdrawn: true };
    }
    // A dropped order leaves no memory: only a cancellation withdraws the id.
    if (why === 'dropped' || (await this.withdrawn(purchase, shipmentId))) return { withdrawn: false };
    // A cancellation before its original: the empty cancelled shipment remembers the withdrawal.
    const [remembered] = await this.rpc.create('stock.shipment.in', [
      { supplier: purchase.party, warehouse: purchase.warehouse, reference: shipmentId },
    ]);
    await this.rpc.button('stock.shipment.in', 'cancel', [remembered!]);
    // Check after write: an original recorded while we looked (it missed our withdrawal) is withdrawn
    // here; one recorded later sees the withdrawal itself (recordOn).
    const late = (await this.receiptsOf(purchase)).find(
      (r) => r.shipment.shipmentId === shipmentId && r.shipment.state === 'draft',
    );
    if (late) await this.cancel(late);
    return { withdrawn: true };
  }

  /** Gives the order's shipment new content (ErpPort.replaceExpectedShipment). */
  async replace(
    externalRef: string,
    request: ExpectedShipmentRequest,
  ): Promise<{ shipment: ErpExpectedShipment }> {
    const purchase = await this.required(externalRef);
    const receipt = (await this.receiptsOf(purchase)).find(
      (r) => r.shipment.shipmentId === request.shipmentId,
    );
    if (!receipt) return this.recordOn(purchase, request);
    untouched(receipt.shipment, purchase.reference);
    await this.receivable(purchase);
    const moves = await this.moves(purchase);
    // Checked whole before anything changes: the replaced quantities count as remaining.
    for (const { lineNo, quantityEa } of request.lines) {
      const line = lineOf(purchase, lineNo);
      const left = moves
        .filter(
          (m) => m.line === line && m.state === 'draft' && [undefined, receipt.id].includes(m.shipmentId),
        )
        .reduce((sum, m) => sum.add(m.quantity), Decimal.ZERO);
      if (Decimal.of(quantityEa).gt(left)) exceeds(purchase.reference, lineNo, left, Decimal.of(quantityEa));
    }
    await this.release(receipt);
    const chosen = await this.takeAll(purchase, request);
    await this.rpc.write('stock.shipment.in', [receipt.id], {
      planned_date: trytonDate(request.plannedDate),
      incoming_moves: [['add', chosen]],
    });
    const replaced = (await this.shipmentsOf(purchase)).find((s) => s.shipmentId === request.shipmentId);
    if (!replaced)
      throw new ContractViolation(`shipment ${request.shipmentId} was not found once replaced`, ERP_SYSTEM);
    return { shipment: replaced };
  }

  /**
   * Runs `amend` (a purchase amendment) keeping the order's expected shipments: validating an
   * amendment deletes the draft moves of every line, those in a supplier shipment too, and
   * recreates what the new quantities leave open; each shipment that lost its moves (its draft
   * receipt is still there, empty) then takes its quantities again, planned for its date, so an
   * 855 arriving after an ASN leaves that ASN expected. What the shipments held is written first,
   * as a note on the purchase, and deleted once they hold it again: a retry after a process died
   * between the amendment and the restore finds nothing left to amend, but finds the note
   * (finishRestore), since the empty receipts no longer say what they held. `order` is the
   * purchase as the caller read it (its identity and lines are what count here).
   */
  async keptThrough<T>(order: PurchaseRead, amend: () => Promise<T>): Promise<T> {
    const purchase = shipmentPurchaseOf(order);
    const before = await this.shipmentsOf(purchase);
    if (!before.length) return amend();
    const [note] = await this.rpc.create('ir.note', [
      {
        resource: `purchase.purchase,${purchase.id}`,
        message: `${RESTORE_NOTE}\n${JSON.stringify(before)}`,
      },
    ]);
    const amended = await amend();
    await this.restore(purchase, before, note!);
    return amended;
  }

  /** Restores what an interrupted amendment of the order left unrestored (see keptThrough). */
  async finishRestore(order: PurchaseRead): Promise<void> {
    const purchase = shipmentPurchaseOf(order);
    const notes = await this.rpc.searchRead<Row>(
      'ir.note',
      [
        ['resource', '=', `purchase.purchase,${purchase.id}`],
        ['message', 'like', `${RESTORE_NOTE}%`],
      ],
      ['message'],
    );
    for (const note of notes.sort((a, b) => a.id - b.id)) {
      const before = JSON.parse(String(note.message).slice(RESTORE_NOTE.length)) as ErpExpectedShipment[];
      await this.restore(purchase, before, note.id);
    }
  }

  /**
   * Gives each shipment of `before` that lost its moves its quantities back, then deletes the note
   * remembering them. A shipment still holding its moves (the amendment did not run, or this
   * restored it already) is left as it is, so running it again changes nothing.
   */
  private async restore(
    purchase: ShipmentPurchase,
    before: readonly ErpExpectedShipment[],
    note: number,
  ): Promise<void> {
    // Under a worker queue validating the amendment only queued the processing that recreates the
    // open moves: process now (the queued task then finds nothing left to create).
    await this.rpc.button('purchase.purchase', 'process', [purchase.id]);
    const kept = new Set((await this.shipmentsOf(purchase)).map((s) => s.receiptNumber));
    try {
      for (const shipment of before.filter((s) => !kept.has(s.receiptNumber))) {
        // By its number: another order's receipt may carry the same shipment id.
        const [emptied] = await this.rpc.search('stock.shipment.in', [
          ['number', '=', shipment.receiptNumber],
          ['state', '=', 'draft'],
        ]);
        if (emptied === undefined) continue;
        const chosen = await this.takeAll(purchase, shipment);
        await this.rpc.write('stock.shipment.in', [emptied], { incoming_moves: [['add', chosen]] });
      }
    } catch (error) {
      // No retry restores more (the amended order leaves less than was shipped): the note goes.
      if (!(error instanceof BusinessRejection)) throw error;
      await this.rpc.call('model.ir.note.delete', [[note]]);
      throw error;
    }
    await this.rpc.call('model.ir.note.delete', [[note]]);
  }

  /**
   * Checks the order takes shipments. A confirmed order has no moves until processed, which a
   * worker queue does later (after the grace period, "Process Purchase after"): a supplier shipping
   * against it ends that wait, so it is processed now, as TrytonErp.processNow does for an 855.
   */
  private async receivable(purchase: ShipmentPurchase): Promise<void> {
    if (purchase.state === 'confirmed') {
      await this.rpc.button('purchase.purchase', 'process', [purchase.id]);
      receivable(await this.required(purchase.reference));
    } else receivable(purchase);
  }

  private async required(externalRef: string): Promise<ShipmentPurchase> {
    const purchase = await this.purchase(externalRef);
    if (!purchase)
      throw new BusinessRejection(
        'PO_UNKNOWN',
        `no purchase order with reference ${externalRef}`,
        ERP_SYSTEM,
        {
          externalRef,
        },
      );
    return purchase;
  }

  /** Whether the supplier withdrew that shipment id (a cancelled shipment keeps it). */
  private async withdrawn(purchase: ShipmentPurchase, shipmentId: string): Promise<boolean> {
    const cancelled = await this.rpc.search(
      'stock.shipment.in',
      [
        ['reference', '=', shipmentId],
        ['supplier', '=', purchase.party],
        ['state', '=', 'cancelled'],
      ],
      undefined,
      1,
    );
    return cancelled.length > 0;
  }

  /** Withdraws a draft receipt: its moves back to the open ones, the empty shipment cancelled. */
  private async cancel(receipt: Receipt): Promise<void> {
    await this.release(receipt);
    await this.rpc.button('stock.shipment.in', 'cancel', [receipt.id]);
  }

  /**
   * Withdraws a draft receipt a replacement no longer lists: its moves back to the open ones, the
   * empty shipment deleted, not cancelled, so it is not taken for a withdrawal of the id (a later
   * replacement may list the order again). Interrupted between the two, an empty draft stays:
   * nothing lists or withdraws it, as for a receipt restore found emptied.
   */
  private async drop(receipt: Receipt): Promise<void> {
    await this.release(receipt);
    await this.rpc.call('model.stock.shipment.in.delete', [[receipt.id]]);
  }

  /** The shipment's moves back to the open ones of their lines (the shipment itself stays). */
  private async release(receipt: Receipt): Promise<void> {
    if (receipt.moves.length)
      await this.rpc.write('stock.shipment.in', [receipt.id], {
        incoming_moves: [['remove', receipt.moves.map((m) => m.id)]],
      });
  }

  /** Open move ids holding each line's quantity of `request`, planned for its date. */
  private async takeAll(purchase: ShipmentPurchase, request: ExpectedShipmentRequest): Promise<number[]> {
    const moves = await this.moves(purchase);
    const chosen: number[] = [];
    for (const { lineNo, quantityEa } of request.lines) {
      const line = lineOf(purchase, lineNo);
      const open = moves.filter((m) => m.line === line && m.state === 'draft' && m.shipmentId === undefined);
      chosen.push(...(await this.take(open, Decimal.of(quantityEa), purchase.reference, lineNo)));
    }
    await this.rpc.write('stock.move', chosen, { planned_date: trytonDate(request.plannedDate) });
    return chosen;
  }

  private async purchase(externalRef: string): Promise<ShipmentPurchase | undefined> {
    const read = await this.readPurchase(externalRef);
    return read && shipmentPurchaseOf(read, externalRef);
  }

  private async shipmentsOf(purchase: ShipmentPurchase): Promise<ErpExpectedShipment[]> {
    return (await this.receiptsOf(purchase)).map((r) => r.shipment);
  }

  /** The order's referenced supplier shipments, oldest first, with the moves of its lines they hold. */
  private async receiptsOf(purchase: ShipmentPurchase): Promise<Receipt[]> {
    const moves = await this.moves(purchase);
    const ids = [...new Set(moves.map((m) => m.shipmentId).filter((id) => id !== undefined))];
    if (!ids.length) return [];
    const shipments = await this.rpc.read<Row>('stock.shipment.in', ids, [
      'number',
      'state',
      'reference',
      'planned_date',
    ]);
    return shipments
      .filter((s) => typeof s.reference === 'string' && s.reference !== '')
      .sort((a, b) => a.id - b.id)
      .map((s) => {
        const held = moves.filter((m) => m.shipmentId === s.id && m.state !== 'cancelled');
        return {
          id: s.id,
          moves: held,
          shipment: {
            shipmentId: String(s.reference),
            receiptNumber: String(s.number),
            state: s.state as ErpReceiptState,
            plannedDate: String(s.planned_date),
            lines: linesOf(held),
          },
        };
      });
  }

  private async recordOn(
    purchase: ShipmentPurchase,
    request: ExpectedShipmentRequest,
  ): Promise<{ created: boolean; shipment: ErpExpectedShipment }> {
    const known = (await this.shipmentsOf(purchase)).find((s) => s.shipmentId === request.shipmentId);
    if (known) return { created: false, shipment: known };
    if (await this.withdrawn(purchase, request.shipmentId))
      throw withdrawnRejection(purchase.reference, request.shipmentId);
    await this.receivable(purchase);
    const chosen = await this.takeAll(purchase, request);
    const [id] = await this.rpc.create('stock.shipment.in', [
      {
        supplier: purchase.party,
        warehouse: purchase.warehouse,
        reference: request.shipmentId,
        planned_date: trytonDate(request.plannedDate),
        incoming_moves: [['add', chosen]],
      },
    ]);
    const created = (await this.receiptsOf(purchase)).find((r) => r.id === id);
    if (!created)
      throw new ContractViolation(`shipment ${request.shipmentId} was not found once created`, ERP_SYSTEM);
    // Check after write: a cancellation that ran while we recorded found nothing to withdraw and
    // left only its withdrawal, so the shipment withdraws itself (the cancellation's own re-check
    // covers the opposite order).
    if (await this.withdrawn(purchase, request.shipmentId)) {
      await this.cancel(created);
      throw withdrawnRejection(purchase.reference, request.shipmentId);
    }
    return { created: true, shipment: created.shipment };
  }

  /** Move ids holding exactly `quantity` of the open moves, splitting the last one when needed. */
  private async take(
    open: readonly LineMove[],
    quantity: Decimal,
    reference: string,
    lineNo: number,
  ): Promise<number[]> {
    const left = open.reduce((sum, m) => sum.add(m.quantity), Decimal.ZERO);
    if (quantity.gt(left)) exceeds(reference, lineNo, left, quantity);
    // A move of exactly the quantity (a split an interrupted attempt left) needs no new split.
    const exact = open.find((m) => m.quantity.eq(quantity));
    if (exact) return [exact.id];
    const ids: number[] = [];
    let needed = quantity;
    for (const move of open) {
      if (!needed.isPositive()) break;
      ids.push(move.id);
      if (move.quantity.gt(needed)) {
        await this.rpc.write('stock.move', [move.id], { quantity: Number(needed.toString()) });
        await this.rpc.call('model.stock.move.copy', [
          [move.id],
          { quantity: Number(move.quantity.sub(needed).toString()), shipment: null },
        ]);
        break;
      }
      needed = needed.sub(move.quantity);
    }
    return ids;
  }

  private async moves(purchase: ShipmentPurchase): Promise<LineMove[]> {
    const lines = await this.rpc.read<Row>(
      'purchase.line',
      purchase.lines.map((l) => l.lineId),
      ['moves'],
    );
    const owner = new Map<number, PurchaseLineRef>();
    for (const row of lines) {
      const line = purchase.lines.find((l) => l.lineId === row.id)!;
      for (const id of row.moves as number[]) owner.set(id, line);
    }
    if (!owner.size) return [];
    const moves = await this.rpc.read<Row>(
      'stock.move',
      [...owner.keys()],
      ['quantity', 'state', 'shipment'],
    );
    return moves
      .sort((a, b) => a.id - b.id)
      .map((m) => {
        return {
          id: m.id,
          line: owner.get(m.id)!,
          quantity: quantityOf(m.quantity),
          state: String(m.state),
          shipmentId: referenceId(m.shipment, 'stock.shipment.in'),
        };
      });
  }
}

interface Receipt {
  readonly id: number;
  readonly moves: readonly LineMove[];
  readonly shipment: ErpExpectedShipment;
}

function lineOf(purchase: ShipmentPurchase, lineNo: number): PurchaseLineRef {
  const line = purchase.lines.find((l) => l.lineNo === lineNo);
  if (!line)
    throw new ContractViolation(`purchase order ${purchase.reference} has no line ${lineNo}`, ERP_SYSTEM);
  return line;
}

/** The purchase as this module uses it; `reference` is the one it was looked up by, if any. */
function shipmentPurchaseOf(
  { row, lines }: PurchaseRead,
  reference = String(row.reference),
): ShipmentPurchase {
  return {
    id: row.id,
    reference,
    state: String(row.state),
    party: Number(row.party),
    warehouse: Number(row.warehouse),
    lines: lines.map((line, index) => ({
      lineNo: index + 1,
      lineId: line.id,
      // A dotted field read comes back as {"product.": {"code": ...}}.
      itemCode: String((line['product.'] as { code?: unknown } | undefined)?.code),
    })),
  };
}

function receivable(purchase: ShipmentPurchase): void {
  if (purchase.state !== 'processing')
    throw new BusinessRejection(
      'PO_NOT_RECEIVABLE',
      `purchase order ${purchase.reference} is ${purchase.state}`,
      ERP_SYSTEM,
      { externalRef: purchase.reference, state: purchase.state },
    );
}

/** Only a draft shipment changes: goods received against it are a person's to sort out. */
function untouched(shipment: ErpExpectedShipment, reference: string): void {
  if (shipment.state !== 'draft')
    throw new BusinessRejection(
      'SHIPMENT_ALREADY_RECEIVED',
      `shipment ${shipment.shipmentId} of ${reference} is ${shipment.state} (receipt ${shipment.receiptNumber})`,
      ERP_SYSTEM,
      { externalRef: reference, shipmentId: shipment.shipmentId, receiptNumber: shipment.receiptNumber },
    );
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function withdrawnRejection(reference: string, shipmentId: string): BusinessRejection {
  return new BusinessRejection(
    'SHIPMENT_WITHDRAWN',
    `the supplier withdrew shipment ${shipmentId}`,
    ERP_SYSTEM,
    { externalRef: reference, shipmentId },
  );
}

function exceeds(reference: string, lineNo: number, left: Decimal, quantity: Decimal): never {
  throw new BusinessRejection(
    'SHIPMENT_EXCEEDS_REMAINING',
    `line ${lineNo} of ${reference} has ${left.toString()} left to ship, not ${quantity.toString()}`,
    ERP_SYSTEM,
    { externalRef: reference, lineNo, remainingEa: left.toString(), shippedEa: quantity.toString() },
  );
}

function linesOf(moves: readonly LineMove[]): ErpExpectedShipment['lines'] {
  const byLine = new Map<PurchaseLineRef, Decimal>();
  for (const move of moves) byLine.set(move.line, (byLine.get(move.line) ?? Decimal.ZERO).add(move.quantity));
  return [...byLine]
    .sort(([a], [b]) => a.lineNo - b.lineNo)
    .map(([line, quantity]) => ({
      lineNo: line.lineNo,
      itemCode: line.itemCode,
      quantityEa: quantity.toString(),
    }));
}
