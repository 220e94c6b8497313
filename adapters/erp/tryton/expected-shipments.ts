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
 */
import { BusinessRejection, ContractViolation } from '../../../domain/failures';
import { Decimal } from '../../../domain/decimal';
import type {
  ErpExpectedShipment,
  ErpReceiptState,
  ExpectedShipmentRequest,
} from '../../../domain/ports/erp';
import { ERP_SYSTEM, trytonDate, type TrytonRpc } from './jsonrpc';

type Row = Record<string, unknown> & { id: number };

/** A purchase line as the port numbers it. */
export interface PurchaseLineRef {
  readonly lineNo: number;
  readonly lineId: number;
  readonly itemCode: string;
}

/** The purchase with that reference as TrytonErp reads it (its row, and its lines in order), if any. */
export type PurchaseReader = (externalRef: string) => Promise<{ row: Row; lines: Row[] } | undefined>;

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
    return this.recordOn(purchase, request);
  }

  /**
   * Gives the shipments of `before` back the moves an amendment took: validating a purchase
   * amendment deletes the line's draft moves, those in a supplier shipment too, and recreates what
   * the new quantity leaves open. Each shipment that lost its moves (its draft receipt is still
   * there, empty) takes its quantities again from the open moves, planned for its date, so an 855
   * arriving after an ASN leaves that ASN expected.
   */
  async restore(externalRef: string, before: readonly ErpExpectedShipment[]): Promise<void> {
    if (!before.length) return;
    const purchase = await this.purchase(externalRef);
    if (!purchase) return;
    const kept = new Set((await this.shipmentsOf(purchase)).map((s) => s.shipmentId));
    for (const shipment of before.filter((s) => !kept.has(s.shipmentId))) {
      const [emptied] = await this.rpc.search('stock.shipment.in', [
        ['reference', '=', shipment.shipmentId],
        ['supplier', '=', purchase.party],
        ['state', '=', 'draft'],
      ]);
      if (emptied === undefined) continue;
      const moves = await this.moves(purchase);
      const chosen: number[] = [];
      for (const { lineNo, quantityEa } of shipment.lines) {
        const line = purchase.lines.find((l) => l.lineNo === lineNo);
        const open = moves.filter(
          (m) => m.line === line && m.state === 'draft' && m.shipmentId === undefined,
        );
        chosen.push(...(await this.take(open, Decimal.of(quantityEa), purchase.reference, lineNo)));
      }
      await this.rpc.write('stock.move', chosen, { planned_date: trytonDate(shipment.plannedDate) });
      await this.rpc.write('stock.shipment.in', [emptied], { incoming_moves: [['add', chosen]] });
    }
  }

  private async purchase(externalRef: string): Promise<ShipmentPurchase | undefined> {
    const read = await this.readPurchase(externalRef);
    if (!read) return undefined;
    return {
      id: read.row.id,
      reference: externalRef,
      state: String(read.row.state),
      party: Number(read.row.party),
      warehouse: Number(read.row.warehouse),
      lines: read.lines.map((line, index) => ({
        lineNo: index + 1,
        lineId: line.id,
        // A dotted field read comes back as {"product.": {"code": ...}}.
        itemCode: String((line['product.'] as { code?: unknown } | undefined)?.code),
      })),
    };
  }

  private async shipmentsOf(purchase: ShipmentPurchase): Promise<ErpExpectedShipment[]> {
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
      .map((s) => ({
        shipmentId: String(s.reference),
        receiptNumber: String(s.number),
        state: s.state as ErpReceiptState,
        plannedDate: String(s.planned_date),
        lines: linesOf(moves.filter((m) => m.shipmentId === s.id && m.state !== 'cancelled')),
      }));
  }

  private async recordOn(
    purchase: ShipmentPurchase,
    request: ExpectedShipmentRequest,
  ): Promise<{ created: boolean; shipment: ErpExpectedShipment }> {
    const known = (await this.shipmentsOf(purchase)).find((s) => s.shipmentId === request.shipmentId);
    if (known) return { created: false, shipment: known };
    if (purchase.state !== 'processing')
      throw new BusinessRejection(
        'PO_NOT_RECEIVABLE',
        `purchase order ${purchase.reference} is ${purchase.state}`,
        ERP_SYSTEM,
        { externalRef: purchase.reference, state: purchase.state },
      );
    const moves = await this.moves(purchase);
    const chosen: number[] = [];
    for (const { lineNo, quantityEa } of request.lines) {
      const line = purchase.lines.find((l) => l.lineNo === lineNo);
      if (!line)
        throw new ContractViolation(`purchase order ${purchase.reference} has no line ${lineNo}`, ERP_SYSTEM);
      const open = moves.filter((m) => m.line === line && m.state === 'draft' && m.shipmentId === undefined);
      chosen.push(...(await this.take(open, Decimal.of(quantityEa), purchase.reference, lineNo)));
    }
    await this.rpc.write('stock.move', chosen, { planned_date: trytonDate(request.plannedDate) });
    await this.rpc.create('stock.shipment.in', [
      {
        supplier: purchase.party,
        warehouse: purchase.warehouse,
        reference: request.shipmentId,
        planned_date: trytonDate(request.plannedDate),
        incoming_moves: [['add', chosen]],
      },
    ]);
    const created = (await this.shipmentsOf(purchase)).find((s) => s.shipmentId === request.shipmentId);
    if (!created)
      throw new ContractViolation(`shipment ${request.shipmentId} was not found once created`, ERP_SYSTEM);
    return { created: true, shipment: created };
  }

  /** Move ids holding exactly `quantity` of the open moves, splitting the last one when needed. */
  private async take(
    open: readonly LineMove[],
    quantity: Decimal,
    reference: string,
    lineNo: number,
  ): Promise<number[]> {
    const left = open.reduce((sum, m) => sum.add(m.quantity), Decimal.ZERO);
    if (quantity.gt(left))
      throw new BusinessRejection(
        'SHIPMENT_EXCEEDS_REMAINING',
        `line ${lineNo} of ${reference} has ${left.toString()} left to ship, not ${quantity.toString()}`,
        ERP_SYSTEM,
        { externalRef: reference, lineNo, remainingEa: left.toString(), shippedEa: quantity.toString() },
      );
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
        const shipment =
          typeof m.shipment === 'string' ? /^stock\.shipment\.in,(\d+)$/.exec(m.shipment) : null;
        return {
          id: m.id,
          line: owner.get(m.id)!,
          quantity: eaches(m.quantity),
          state: String(m.state),
          shipmentId: shipment ? Number(shipment[1]) : undefined,
        };
      });
  }
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

/** A move's Float quantity in eaches, without binary noise. */
function eaches(value: unknown): Decimal {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ContractViolation(`expected a numeric quantity, got ${JSON.stringify(value)}`, ERP_SYSTEM);
  return Decimal.parse(value.toFixed(6));
}
