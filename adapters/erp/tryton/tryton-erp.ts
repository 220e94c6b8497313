import { BusinessRejection, ContractViolation, TransientFailure } from '../../../domain/failures';
import { Decimal } from '../../../domain/decimal';
import type {
  ErpInventoryBalance,
  ErpItem,
  ErpPort,
  ErpPurchaseOrder,
  ErpPurchaseOrderState,
  ErpReceipt,
  ErpSupplier,
  ErpWarehouse,
  PostPurchaseOrderRequest,
  PurchaseOrderAmendment,
} from '../../../domain/ports/erp';
import { assertAmendment, assertPostRequest, monthRange } from '../request-checks';
import { TrytonExpectedShipments } from './expected-shipments';
import { referencedPurchaseOrders } from './referenced-orders';
import { applySupplierChange } from './supplier-master';
import { ITEM_FIELDS, itemOf, listItems } from './item-master';
import {
  ALL,
  ERP_SYSTEM,
  TrytonRpc,
  related,
  trytonDate,
  trytonDecimal,
  type Row,
  type TrytonConnection,
} from './jsonrpc';
import {
  PURCHASE_FIELDS,
  TrytonPurchaseOrderReads,
  decimalOf,
  decimalString,
  orderOfReference,
  quantityOf,
  toPurchaseOrder,
} from './purchase-order-reads';

const COMMITTED: ErpPurchaseOrderState[] = ['confirmed', 'processing', 'done'];

/** Reads TRYTON_URL, TRYTON_DB, TRYTON_USER, TRYTON_PASSWORD (and optional TRYTON_TIMEOUT_MS). */
export function trytonConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): TrytonConnection {
  const missing = ['TRYTON_URL', 'TRYTON_DB', 'TRYTON_USER', 'TRYTON_PASSWORD'].filter((name) => !env[name]);
  if (missing.length) throw new Error(`missing Tryton configuration: ${missing.join(', ')}`);
  return {
    url: env.TRYTON_URL!,
    database: env.TRYTON_DB!,
    user: env.TRYTON_USER!,
    password: env.TRYTON_PASSWORD!,
    timeoutMs: env.TRYTON_TIMEOUT_MS ? Number(env.TRYTON_TIMEOUT_MS) : undefined,
  };
}

/** The ERP port over Tryton 6.0 JSON-RPC (modules purchase, purchase_amendment, stock). */
export class TrytonErp implements ErpPort {
  protected readonly rpc: TrytonRpc;
  private unitId: Promise<number> | undefined;
  private usdId: Promise<number> | undefined;
  private readonly shipments: TrytonExpectedShipments;
  private readonly orders: TrytonPurchaseOrderReads;

  constructor(connection: TrytonConnection | TrytonRpc) {
    this.rpc = connection instanceof TrytonRpc ? connection : new TrytonRpc(connection);
    this.orders = new TrytonPurchaseOrderReads(this.rpc);
    this.shipments = new TrytonExpectedShipments(this.rpc, async (externalRef) => {
      const row = await this.purchaseRow(externalRef, ['party', 'warehouse']);
      return row && { row, lines: await this.purchaseLines(row) };
    });
  }

  async getItem(itemCode: string): Promise<ErpItem | null> {
    const row = await this.productRow(itemCode);
    return row ? { ...itemOf(row), itemCode } : null;
  }

  listItems(page: { after?: string; limit: number }): Promise<ErpItem[]> {
    return listItems(this.rpc, page);
  }

  async getWarehouse(code: string): Promise<ErpWarehouse | null> {
    const row = await this.warehouseRow(code);
    return row ? { code, name: String(row.name), active: Boolean(row.active) } : null;
  }

  async getSupplier(supplierNumber: string): Promise<ErpSupplier | null> {
    const row = await this.partyRow(supplierNumber);
    return row ? { supplierNumber, name: String(row.name), active: Boolean(row.active) } : null;
  }

  applySupplierChange: ErpPort['applySupplierChange'] = (code, change) =>
    applySupplierChange(this.rpc, () => this.partyRow(code), code, change);

  async getInventoryBalance(itemCode: string, warehouseCode: string): Promise<ErpInventoryBalance> {
    const [product, warehouse] = await Promise.all([
      this.productRow(itemCode),
      this.warehouseRow(warehouseCode),
    ]);
    if (!product) throw rejection('ITEM_UNKNOWN', `item ${itemCode} is not in the ERP`, { itemCode });
    if (!warehouse)
      throw rejection('WAREHOUSE_UNKNOWN', `warehouse ${warehouseCode} is not in the ERP`, { warehouseCode });
    const [row] = await this.rpc.read<Row>(
      'product.product',
      [product.id],
      ['quantity', 'forecast_quantity'],
      {
        ...ALL,
        locations: [warehouse.id],
      },
    );
    if (!row) throw new ContractViolation(`product ${itemCode} vanished while reading stock`, ERP_SYSTEM);
    return {
      onHandEa: quantityOf(row.quantity).toString(),
      forecastEa: quantityOf(row.forecast_quantity).toString(),
    };
  }

  async committedValue(warehouseCode: string, month: string): Promise<string> {
    const { from, until } = monthRange(month);
    const warehouse = await this.warehouseRow(warehouseCode);
    if (!warehouse)
      throw rejection('WAREHOUSE_UNKNOWN', `warehouse ${warehouseCode} is not in the ERP`, { warehouseCode });
    const lines = await this.rpc.searchRead<Row>(
      'purchase.line',
      [
        ['type', '=', 'line'],
        ['purchase.warehouse', '=', warehouse.id],
        ['purchase.state', 'in', COMMITTED],
        ['purchase.purchase_date', '>=', trytonDate(from)],
        ['purchase.purchase_date', '<', trytonDate(until)],
      ],
      ['quantity', 'unit_price'],
    );
    let total = Decimal.ZERO;
    for (const line of lines) total = total.add(quantityOf(line.quantity).mul(decimalOf(line.unit_price)));
    return total.toFixedAtLeast(2);
  }

  async findPurchaseOrder(externalRef: string): Promise<ErpPurchaseOrder | null> {
    const row = await this.purchaseRow(externalRef);
    return row ? this.toPurchaseOrder(row) : null;
  }

  listReferencedPurchaseOrders: ErpPort['listReferencedPurchaseOrders'] = (query) =>
    referencedPurchaseOrders(this.rpc, query);

  findPurchaseOrders: ErpPort['findPurchaseOrders'] = (externalRefs) => this.orders.page(externalRefs);

  async postPurchaseOrder(request: PostPurchaseOrderRequest): Promise<ErpPurchaseOrder> {
    assertPostRequest(request);
    let purchase = await this.purchaseRow(request.externalRef);
    if (purchase) {
      assertSameOrder(request, purchase);
    } else {
      const ids = await this.checkAndResolve(request);
      const [created] = await this.rpc.create('purchase.purchase', [await this.purchaseValues(request, ids)]);
      // Two concurrent posts of one reference can both create: the oldest order wins, ours goes.
      const same = await this.rpc.search('purchase.purchase', [
        ['reference', '=', request.externalRef],
        ['state', '!=', 'cancelled'],
      ]);
      const winner = Math.min(...same);
      if (created !== undefined && winner !== created)
        await this.rpc.call('model.purchase.purchase.delete', [[created]]);
      purchase = await this.readPurchase(winner);
    }
    return this.toPurchaseOrder(await this.confirm(purchase));
  }

  async amendPurchaseOrder(
    externalRef: string,
    amendment: PurchaseOrderAmendment,
  ): Promise<ErpPurchaseOrder> {
    assertAmendment(externalRef, amendment);
    // With party and warehouse: the expected shipments kept through the amendment read them too.
    let purchase = await this.purchaseRow(externalRef, ['party', 'warehouse']);
    if (!purchase)
      throw rejection('PO_UNKNOWN', `no purchase order with reference ${externalRef}`, { externalRef });
    if (purchase.state !== 'processing' && purchase.state !== 'confirmed') {
      throw rejection(
        'PO_NOT_AMENDABLE',
        `purchase order ${String(purchase.number)} is ${String(purchase.state)}`,
        {
          externalRef,
          state: purchase.state,
        },
      );
    }
    const lines = await this.purchaseLines(purchase);
    const changes: { line: Row; quantity?: string; deliveryDate?: string }[] = [];
    for (const change of amendment.lines) {
      const line = lines[change.lineNo - 1];
      if (!line)
        throw new ContractViolation(`purchase order ${externalRef} has no line ${change.lineNo}`, ERP_SYSTEM);
      const quantity =
        change.quantityEa !== undefined && !Decimal.of(change.quantityEa).eq(quantityOf(line.quantity))
          ? change.quantityEa
          : undefined;
      const deliveryDate =
        change.deliveryDate !== undefined &&
        change.deliveryDate !== (line.delivery_date ?? line.delivery_date_store)
          ? change.deliveryDate
          : undefined;
      if (quantity !== undefined || deliveryDate !== undefined)
        changes.push({ line, quantity, deliveryDate });
    }
    // A retry after an attempt that died before it restored the expected shipments restores them.
    const read = { row: purchase, lines };
    await this.shipments.finishRestore(read);
    if (!changes.length) return this.toPurchaseOrder(purchase, lines);
    if (purchase.state === 'confirmed') purchase = await this.processNow(purchase);
    // The amendment recreates the lines' draft moves: what suppliers announced is put back after.
    return this.shipments.keptThrough(read, () => this.amend(externalRef, purchase, changes));
  }

  /** Applies `changes` as a validated purchase amendment (revision + 1). */
  private async amend(
    externalRef: string,
    purchase: Row,
    changes: readonly { line: Row; quantity?: string; deliveryDate?: string }[],
  ): Promise<ErpPurchaseOrder> {
    // A draft amendment left by an interrupted attempt would otherwise be validated later by someone.
    const stale = await this.rpc.search('purchase.amendment', [
      ['purchase', '=', purchase.id],
      ['state', '=', 'draft'],
    ]);
    if (stale.length) await this.rpc.call('model.purchase.amendment.delete', [stale]);
    for (const change of changes.filter((c) => c.deliveryDate !== undefined)) {
      // Moves take their planned date from here when the amendment recreates them.
      await this.rpc.write('purchase.line', [change.line.id], {
        delivery_date_edit: true,
        delivery_date_store: trytonDate(change.deliveryDate!),
      });
    }
    const [amendmentId] = await this.rpc.create('purchase.amendment', [
      {
        purchase: purchase.id,
        description: 'Supplier confirmation',
        lines: [
          [
            'create',
            changes.map(({ line, quantity }) => ({
              action: 'line',
              line: line.id,
              // on_change does not run over RPC: every value of the line must be restated.
              product: line.product,
              product_supplier: line.product_supplier ?? null,
              quantity: quantity !== undefined ? Number(quantity) : line.quantity,
              unit: line.unit,
              unit_price: trytonDecimal(decimalString(line.unit_price)),
              description: line.description ?? null,
            })),
          ],
        ],
      },
    ]);
    await this.rpc.button('purchase.amendment', 'validate_amendment', [amendmentId!]);
    const [validated] = await this.rpc.read<Row>('purchase.amendment', [amendmentId!], ['state']);
    const after = await this.readPurchase(purchase.id);
    if (validated?.state !== 'validated' || Number(after.revision) !== Number(purchase.revision) + 1) {
      throw new TransientFailure(
        `amendment of ${externalRef} did not apply (state ${String(validated?.state)}, revision ${String(after.revision)})`,
        ERP_SYSTEM,
      );
    }
    return this.toPurchaseOrder(after);
  }

  async listReceipts(externalRef: string): Promise<ErpReceipt[]> {
    const purchase = await this.purchaseRow(externalRef, ['moves']);
    if (!purchase) return [];
    return (await this.orders.receipts([purchase])).get(purchase.id) ?? [];
  }

  listExpectedShipments: ErpPort['listExpectedShipments'] = (ref) => this.shipments.list(ref);
  findOrdersExpectingShipment: ErpPort['findOrdersExpectingShipment'] = (supplier, id) =>
    this.shipments.ordersExpecting(supplier, id);
  recordExpectedShipment: ErpPort['recordExpectedShipment'] = (ref, s) => this.shipments.record(ref, s);
  withdrawExpectedShipment: ErpPort['withdrawExpectedShipment'] = (ref, id, why) =>
    this.shipments.withdraw(ref, id, why);
  replaceExpectedShipment: ErpPort['replaceExpectedShipment'] = (ref, s) => this.shipments.replace(ref, s);

  /**
   * A confirmed order waiting out the grace period ("Process Purchase after") takes no amendment
   * (purchase_amendment: processing or done only). Its Process button does now what the worker
   * queue would do at the end of the period (the Tryton user needs Purchase Administrator for it);
   * the amendment then keeps the number, the lines and who confirmed, and raises the revision that
   * tells the middleware's change from a person's. Back to draft, edit and confirm again would do
   * neither. The task still queued processes the order again later: a no-op.
   */
  protected async processNow(purchase: Row): Promise<Row> {
    await this.rpc.button('purchase.purchase', 'process', [purchase.id]);
    const processed = await this.readPurchase(purchase.id);
    if (processed.state !== 'processing' && processed.state !== 'done')
      throw new ContractViolation(
        `purchase ${String(purchase.reference)} stayed ${String(processed.state)} after process`,
        ERP_SYSTEM,
      );
    return processed;
  }

  /** Quotes then confirms, from wherever the order stands; reads the state back after each button. */
  private async confirm(purchase: Row): Promise<Row> {
    let current = purchase;
    for (const [from, button] of [
      ['draft', 'quote'],
      ['quotation', 'confirm'],
    ] as const) {
      if (current.state !== from) continue;
      await this.rpc.button('purchase.purchase', button, [current.id]);
      current = await this.readPurchase(current.id);
      if (current.state === from) {
        // A button in the wrong state silently does nothing.
        throw new ContractViolation(
          `purchase ${String(current.reference)} stayed ${from} after ${button}`,
          ERP_SYSTEM,
        );
      }
    }
    if (current.state !== 'confirmed' && current.state !== 'processing' && current.state !== 'done') {
      throw rejection(
        'PO_NOT_CONFIRMABLE',
        `purchase order ${String(current.reference)} is ${String(current.state)}`,
        {
          externalRef: current.reference,
          state: current.state,
        },
      );
    }
    return current;
  }

  /** The policy checks the ERP does not do itself (it accepts inactive products on lines). */
  protected async checkAndResolve(request: PostPurchaseOrderRequest) {
    const codes = [...new Set(request.lines.map((l) => l.itemCode))];
    // Independent reads: in parallel (SQLite serves concurrent readers); checks still run in rule order.
    const [products, warehouse, party, currency, unit] = await Promise.all([
      this.rpc.searchRead<Row>(
        'product.product',
        [['code', 'in', codes]],
        ['code', 'active', 'template.active', 'purchasable'],
        ALL,
      ),
      this.warehouseRow(request.warehouseCode),
      this.partyRow(request.supplierNumber, ['addresses']),
      this.usd(),
      this.unit(),
    ]);
    const productIds = new Map<string, number>();
    for (const code of codes) {
      const product = products.find((p) => p.code === code);
      if (!product) throw rejection('ITEM_UNKNOWN', `item ${code} is not in the ERP`, { itemCode: code });
      if (!product.active || !related(product, 'template', 'active')) {
        throw rejection('ITEM_INACTIVE', `item ${code} is inactive in the ERP`, { itemCode: code });
      }
      if (!product.purchasable) {
        throw rejection('ITEM_NOT_PURCHASABLE', `item ${code} is not purchasable`, { itemCode: code });
      }
      productIds.set(code, product.id);
    }
    if (!warehouse) {
      throw rejection('WAREHOUSE_UNKNOWN', `warehouse ${request.warehouseCode} is not in the ERP`, {
        warehouseCode: request.warehouseCode,
      });
    }
    if (!warehouse.active) {
      throw rejection('WAREHOUSE_INACTIVE', `warehouse ${request.warehouseCode} is inactive`, {
        warehouseCode: request.warehouseCode,
      });
    }
    if (!party) {
      throw rejection('SUPPLIER_UNKNOWN', `supplier ${request.supplierNumber} is not in the ERP`, {
        supplierNumber: request.supplierNumber,
      });
    }
    if (!party.active) {
      throw rejection('SUPPLIER_INACTIVE', `supplier ${request.supplierNumber} is inactive in the ERP`, {
        supplierNumber: request.supplierNumber,
      });
    }
    if (request.currency !== 'USD') {
      throw rejection('CURRENCY_UNSUPPORTED', `currency ${request.currency} is not supported`, {
        currency: request.currency,
      });
    }
    const address = (party.addresses as number[])[0];
    if (address === undefined) {
      throw rejection('SUPPLIER_NO_ADDRESS', `supplier ${request.supplierNumber} has no address in the ERP`, {
        supplierNumber: request.supplierNumber,
      });
    }
    return {
      productIds,
      warehouse: warehouse.id,
      party: party.id,
      address,
      currency,
      unit,
    };
  }

  protected async purchaseValues(
    request: PostPurchaseOrderRequest,
    ids: Awaited<ReturnType<TrytonErp['checkAndResolve']>>,
  ): Promise<Record<string, unknown>> {
    return {
      party: ids.party,
      // On-change logic does not run server-side: invoice address, unit and price are ours to set.
      invoice_address: ids.address,
      warehouse: ids.warehouse,
      currency: ids.currency,
      purchase_date: trytonDate(request.purchaseDate),
      reference: request.externalRef,
      lines: [
        [
          'create',
          request.lines.map((line, index) => ({
            type: 'line',
            sequence: index + 1,
            product: ids.productIds.get(line.itemCode),
            quantity: Number(line.quantityEa),
            unit: ids.unit,
            unit_price: trytonDecimal(line.unitPrice),
            delivery_date_edit: true,
            delivery_date_store: trytonDate(line.deliveryDate),
          })),
        ],
      ],
    };
  }

  private usd(): Promise<number> {
    this.usdId ??= this.rpc.search('currency.currency', [['code', '=', 'USD']]).then((ids) => {
      if (ids[0] === undefined) throw new ContractViolation('the ERP has no USD currency', ERP_SYSTEM);
      return ids[0];
    });
    // A failed lookup must not stick.
    this.usdId.catch(() => (this.usdId = undefined));
    return this.usdId;
  }

  protected unit(): Promise<number> {
    this.unitId ??= this.rpc.search('product.uom', [['symbol', '=', 'u']]).then((ids) => {
      if (ids[0] === undefined) throw new ContractViolation('the ERP has no unit of measure "u"', ERP_SYSTEM);
      return ids[0];
    });
    this.unitId.catch(() => (this.unitId = undefined));
    return this.unitId;
  }

  protected async productRow(itemCode: string): Promise<Row | undefined> {
    const rows = await this.rpc.searchRead<Row>(
      'product.product',
      [['code', '=', itemCode]],
      ITEM_FIELDS,
      ALL,
    );
    return rows[0];
  }

  protected async warehouseRow(code: string): Promise<Row | undefined> {
    const rows = await this.rpc.searchRead<Row>(
      'stock.location',
      [
        ['code', '=', code],
        ['type', '=', 'warehouse'],
      ],
      ['name', 'active'],
      ALL,
    );
    return rows[0];
  }

  protected async partyRow(code: string, extra: string[] = []): Promise<Row | undefined> {
    const rows = await this.rpc.searchRead<Row>(
      'party.party',
      [['code', '=', code]],
      ['name', 'active', ...extra],
      ALL,
    );
    return rows[0];
  }

  /** The order with that reference: the oldest one not cancelled, else the newest cancelled one. */
  protected async purchaseRow(externalRef: string, extra: string[] = []): Promise<Row | undefined> {
    const rows = await this.rpc.searchRead<Row>(
      'purchase.purchase',
      [['reference', '=', externalRef]],
      [...PURCHASE_FIELDS, ...extra],
      {},
      [['id', 'ASC']],
    );
    return rows.length ? orderOfReference(rows) : undefined;
  }

  protected async readPurchase(id: number): Promise<Row> {
    const [row] = await this.rpc.read<Row>('purchase.purchase', [id], PURCHASE_FIELDS);
    if (!row) throw new ContractViolation(`purchase ${id} vanished`, ERP_SYSTEM);
    return row;
  }

  private purchaseLines(purchase: Row): Promise<Row[]> {
    return this.orders.lines(purchase);
  }

  protected async toPurchaseOrder(purchase: Row, lines?: Row[]): Promise<ErpPurchaseOrder> {
    return toPurchaseOrder(purchase, lines ?? (await this.purchaseLines(purchase)));
  }
}

function rejection(code: string, message: string, details: Record<string, unknown>): BusinessRejection {
  return new BusinessRejection(code, message, ERP_SYSTEM, details);
}

function assertSameOrder(request: PostPurchaseOrderRequest, purchase: Row): void {
  const supplier = related(purchase, 'party', 'code');
  const warehouse = related(purchase, 'warehouse', 'code');
  if (supplier !== request.supplierNumber || warehouse !== request.warehouseCode) {
    throw new ContractViolation(
      `reference ${request.externalRef} is already used by an order for ${String(supplier)} / ${String(warehouse)}`,
      ERP_SYSTEM,
      { externalRef: request.externalRef },
    );
  }
}
