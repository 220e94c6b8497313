/**
 * Reading purchase orders and their receipts from Tryton 6.0, one order or a page of them at once.
 * A page costs the same few requests whatever its size (orders, their lines, their moves, the
 * moves' shipments), each a `search_read` ordered by id and walked with an id cursor, or a `read`
 * of known ids: reconciliation reads its window this way rather than several requests per order.
 */
import { ContractViolation } from '../../../domain/failures';
import { Decimal } from '../../../domain/decimal';
import type {
  ErpPurchaseOrder,
  ErpPurchaseOrderState,
  ErpPurchaseOrderWithReceipts,
  ErpReceipt,
} from '../../../domain/ports/erp';
import { ERP_ORDER_PAGE_SIZE } from '../../../domain/ports/erp';
import { assertReferencePage } from '../request-checks';
import { ERP_SYSTEM, referenceId, related, type Domain, type Row, type TrytonRpc } from './jsonrpc';

const STATES: readonly ErpPurchaseOrderState[] = [
  'draft',
  'quotation',
  'confirmed',
  'processing',
  'done',
  'cancelled',
];

/** The purchase fields an ErpPurchaseOrder is made of. */
export const PURCHASE_FIELDS = [
  'number',
  'reference',
  'state',
  'revision',
  'purchase_date',
  'party.code',
  'warehouse.code',
  'lines',
];

/** The purchase line fields the port reads (amendments restate every value of a line). */
const LINE_FIELDS = [
  'type',
  'sequence',
  'product',
  'product.code',
  'quantity',
  'unit',
  'unit_price',
  'description',
  'product_supplier',
  'delivery_date',
  'delivery_date_store',
];

/** Rows per `search_read` of a page's orders: a page's references plus room for cancelled repeats. */
const PURCHASES_PER_REQUEST = 2 * ERP_ORDER_PAGE_SIZE;
/** Rows per request when a page's lines, moves or shipments are many. */
const ROWS_PER_REQUEST = 1000;

/** Purchase orders and receipts over Tryton JSON-RPC. */
export class TrytonPurchaseOrderReads {
  constructor(private readonly rpc: TrytonRpc) {}

  /** The orders of a page of references, each with its receipts (see ErpPort.findPurchaseOrders). */
  async page(externalRefs: readonly string[]): Promise<ErpPurchaseOrderWithReceipts[]> {
    assertReferencePage(externalRefs);
    if (!externalRefs.length) return [];
    const rows = await this.searchReadAll(
      'purchase.purchase',
      [['reference', 'in', [...new Set(externalRefs)]]],
      [...PURCHASE_FIELDS, 'moves'],
      PURCHASES_PER_REQUEST,
    );
    const byReference = new Map<string, Row[]>();
    for (const row of rows) {
      const reference = String(row.reference);
      byReference.set(reference, [...(byReference.get(reference) ?? []), row]);
    }
    const purchases = [...byReference.values()].map(orderOfReference);
    if (!purchases.length) return [];
    const lines = new Map<number, Row[]>();
    const lineRows = await this.searchReadAll(
      'purchase.line',
      [
        ['purchase', 'in', purchases.map((p) => p.id)],
        ['type', '=', 'line'],
      ],
      [...LINE_FIELDS, 'purchase'],
      ROWS_PER_REQUEST,
    );
    for (const line of lineRows) {
      const purchase = Number(line.purchase);
      lines.set(purchase, [...(lines.get(purchase) ?? []), line]);
    }
    const receipts = await this.receipts(purchases);
    return purchases.map((purchase) => ({
      ...toPurchaseOrder(purchase, inOrder(lines.get(purchase.id) ?? [])),
      receipts: receipts.get(purchase.id) ?? [],
    }));
  }

  /** The order's lines (type `line`) in the order the port numbers them. */
  async lines(purchase: Row): Promise<Row[]> {
    const lines = await this.rpc.read<Row>('purchase.line', purchase.lines as number[], LINE_FIELDS);
    return inOrder(lines.filter((l) => l.type === 'line'));
  }

  /**
   * Receipts per purchase (rows read with `moves`), oldest first: the supplier shipments of its
   * moves, each with the purchase's own incoming moves that are not cancelled.
   */
  async receipts(purchases: readonly Row[]): Promise<Map<number, ErpReceipt[]>> {
    const moveIds = purchases.flatMap((p) => p.moves as number[]);
    const moves = new Map(
      (await this.readAll('stock.move', moveIds, ['shipment', 'product.code', 'quantity', 'state'])).map(
        (m) => [m.id, m],
      ),
    );
    const shipmentIds = [...new Set([...moves.values()].map(shipmentOf))].filter(
      (id): id is number => id !== undefined,
    );
    const shipments = new Map(
      (
        await this.readAll('stock.shipment.in', shipmentIds, [
          'number',
          'state',
          'effective_date',
          'incoming_moves',
        ])
      ).map((s) => [s.id, s]),
    );
    const receipts = new Map<number, ErpReceipt[]>();
    for (const purchase of purchases) {
      const own = (purchase.moves as number[]).map((id) => moves.get(id)).filter((m) => m !== undefined);
      const ownIds = new Set(own.map((m) => m.id));
      const ids = [...new Set(own.map(shipmentOf))].filter((id) => id !== undefined).sort((a, b) => a - b);
      receipts.set(
        purchase.id,
        ids.map((id) => {
          const shipment = shipments.get(id);
          if (!shipment) throw new ContractViolation(`shipment ${id} vanished while reading`, ERP_SYSTEM);
          return {
            receiptNumber: String(shipment.number),
            state: shipment.state as ErpReceipt['state'],
            ...(shipment.effective_date ? { receivedAt: String(shipment.effective_date) } : {}),
            lines: (shipment.incoming_moves as number[])
              .filter((moveId) => ownIds.has(moveId))
              .map((moveId) => moves.get(moveId)!)
              .filter((move) => move.state !== 'cancelled')
              .map((move) => ({
                itemCode: String(related(move, 'product', 'code')),
                quantityEa: quantityOf(move.quantity).toString(),
              })),
          };
        }),
      );
    }
    return receipts;
  }

  /** Every row of the domain, `perRequest` at a time in id order (an id cursor: no row twice or missed). */
  private async searchReadAll(
    model: string,
    domain: Domain,
    fields: string[],
    perRequest: number,
  ): Promise<Row[]> {
    const rows: Row[] = [];
    for (let after = 0; ;) {
      const batch = await this.rpc.searchRead<Row>(
        model,
        [...domain, ['id', '>', after]],
        fields,
        {},
        [['id', 'ASC']],
        perRequest,
      );
      rows.push(...batch);
      if (batch.length < perRequest) return rows;
      after = batch.at(-1)!.id;
    }
  }

  /** `read` of any number of ids, ROWS_PER_REQUEST at a time. */
  private async readAll(model: string, ids: readonly number[], fields: string[]): Promise<Row[]> {
    const rows: Row[] = [];
    for (let start = 0; start < ids.length; start += ROWS_PER_REQUEST)
      rows.push(...(await this.rpc.read<Row>(model, ids.slice(start, start + ROWS_PER_REQUEST), fields)));
    return rows;
  }
}

/** An order read with its lines (in port order) as the port states it. */
export function toPurchaseOrder(purchase: Row, lines: readonly Row[]): ErpPurchaseOrder {
  const state = purchase.state as ErpPurchaseOrderState;
  if (!STATES.includes(state)) {
    throw new ContractViolation(`unexpected purchase state ${String(purchase.state)}`, ERP_SYSTEM);
  }
  return {
    // The number is assigned at quotation; a draft has none yet.
    number: purchase.number ? String(purchase.number) : '',
    externalRef: String(purchase.reference),
    state,
    supplierNumber: String(related(purchase, 'party', 'code')),
    warehouseCode: String(related(purchase, 'warehouse', 'code')),
    purchaseDate: String(purchase.purchase_date),
    revision: Number(purchase.revision ?? 0),
    lines: lines.map((line, index) => ({
      lineNo: index + 1,
      itemCode: String(related(line, 'product', 'code')),
      quantityEa: quantityOf(line.quantity).toString(),
      unitPrice: decimalOf(line.unit_price).toFixedAtLeast(2),
      // delivery_date follows the stock moves; Tryton blanks dates in the past, so fall back to ours.
      deliveryDate: (line.delivery_date ?? line.delivery_date_store ?? null) as string | null,
    })),
  };
}

/** Of one reference's orders (id order): the oldest one not cancelled, else the newest cancelled one. */
export function orderOfReference(rows: readonly Row[]): Row {
  const order = rows.find((r) => r.state !== 'cancelled') ?? rows.at(-1);
  if (!order) throw new RangeError('no orders of the reference');
  return order;
}

/** Lines in the port's numbering: by sequence, then id. */
function inOrder(lines: Row[]): Row[] {
  return lines.sort((a, b) => Number(a.sequence ?? 0) - Number(b.sequence ?? 0) || a.id - b.id);
}

/** The supplier shipment a move belongs to, if any (`shipment` is a reference field). */
function shipmentOf(move: Row): number | undefined {
  return referenceId(move.shipment, 'stock.shipment.in');
}

/** The text of a Tryton Decimal field (prices) as it arrives. */
export function decimalString(value: unknown): string {
  if (typeof value !== 'string')
    throw new ContractViolation(`expected a Decimal, got ${JSON.stringify(value)}`, ERP_SYSTEM);
  return value;
}

/** A Tryton Decimal field as a decimal; anything else is a contract violation of the ERP's answer. */
export function decimalOf(value: unknown): Decimal {
  const text = decimalString(value);
  const decimal = Decimal.tryParse(text);
  if (decimal === undefined)
    throw new ContractViolation(`not a decimal: ${JSON.stringify(text)}`, ERP_SYSTEM);
  return decimal;
}

/** A quantity of a Tryton Float field (eaches) as a decimal. */
export function quantityOf(value: unknown): Decimal {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ContractViolation(`expected a numeric quantity, got ${JSON.stringify(value)}`, ERP_SYSTEM);
  }
  // Rounding to 6 places removes binary noise without hiding real fractions.
  return Decimal.parse(value.toFixed(6));
}
