import { BusinessRejection, ContractViolation } from '../../../domain/failures';
import { masterData as defaultMasterData, type MasterData } from '../../seed/master-data';
import { Decimal } from '../../../domain/decimal';
import type {
  ErpInventoryBalance,
  ErpItem,
  ErpExpectedShipment,
  ErpPort,
  ErpOrderReference,
  ErpOrderReferenceQuery,
  ErpPurchaseOrder,
  ErpPurchaseOrderWithReceipts,
  ErpReceipt,
  ErpSupplier,
  ErpSupplierChange,
  ErpWarehouse,
  ExpectedShipmentRequest,
  ShipmentWithdrawal,
  PostPurchaseOrderRequest,
  PurchaseOrderAmendment,
} from '../../../domain/ports/erp';
import {
  assertAmendment,
  assertListLimit,
  assertPostRequest,
  assertReferencePage,
  monthRange,
  supplierChangeValues,
} from '../../../adapters/erp/request-checks';

const SYSTEM = 'erp';

/**
 * Hook consulted before every call, the seam for fault injection in the local runtime: it may
 * wait (latency) or throw (e.g. a TransientFailure) before the simulator does anything.
 */
export interface ErpFaults {
  beforeCall(operation: ErpOperation, args: readonly unknown[]): void | Promise<void>;
}

/**
 * The simulator's operations: the domain's ERP port plus the warehouse-side ones of `ErpAdmin`
 * (scripts/tryton/admin.ts, which the simulator satisfies structurally: local/ does not import scripts/).
 */
export type ErpOperation =
  keyof ErpPort | 'receiveShipment' | 'countPurchaseOrders' | 'createPurchaseOrderInState';

/** Options of the simulator. */
export interface ErpSimulatorOptions {
  /** @default local/seed/master-data.ts */
  data?: MasterData;
  /** Today's date (`YYYY-MM-DD`), used as receipt date. @default the current UTC date */
  today?: () => string;
  faults?: ErpFaults;
}

interface SimLine {
  itemCode: string;
  quantityEa: string;
  unitPrice: string;
  deliveryDate: string;
  receivedEa: string;
  receivedAt?: string;
}

interface SimOrder extends Omit<ErpPurchaseOrder, 'lines'> {
  id: number;
  lines: SimLine[];
}

interface SimReceipt extends ErpReceipt {
  orderId: number;
  /** Set on a shipment the supplier announced (a draft receipt), as in Tryton. */
  expected?: Omit<ErpExpectedShipment, 'receiptNumber' | 'state'>;
}

/**
 * An in-process ERP that behaves like the Tryton connector: same checks and rejection codes,
 * numbers assigned at quotation ("1", "2"... as Tryton's default sequence), idempotency on
 * externalRef, amendments that bump the revision, committed value, stock and receipts.
 * State lives in memory; each instance starts from the master data.
 */
export class ErpSimulator implements ErpPort {
  private readonly data: MasterData;
  private readonly today: () => string;
  private readonly faults: ErpFaults | undefined;
  private readonly orders: SimOrder[] = [];
  private readonly receipts: SimReceipt[] = [];
  /** Supplier and shipment id of every shipment the supplier withdrew. */
  private readonly withdrawn = new Set<string>();
  private readonly onHand = new Map<string, string>();
  private orderSeq = 0;
  private numberSeq = 0;
  private receiptSeq = 0;

  constructor(options: ErpSimulatorOptions = {}) {
    this.data = structuredClone(options.data ?? defaultMasterData);
    this.today = options.today ?? (() => new Date().toISOString().slice(0, 10));
    this.faults = options.faults;
    for (const stock of this.data.openingStock) {
      this.onHand.set(stockKey(stock.itemCode, stock.warehouseCode), String(stock.quantityEa));
    }
  }

  async getItem(itemCode: string): Promise<ErpItem | null> {
    await this.enter('getItem', [itemCode]);
    return this.itemOf(itemCode);
  }

  private itemOf(itemCode: string): ErpItem | null {
    const item = this.data.items.find((i) => i.itemCode === itemCode);
    return item ? itemView(item) : null;
  }

  async listItems(page: { after?: string; limit: number }): Promise<ErpItem[]> {
    await this.enter('listItems', [page]);
    assertListLimit(page.limit);
    return this.data.items
      .filter((item) => page.after === undefined || item.itemCode > page.after)
      .sort((a, b) => (a.itemCode < b.itemCode ? -1 : a.itemCode > b.itemCode ? 1 : 0))
      .slice(0, page.limit)
      .map(itemView);
  }

  async getWarehouse(code: string): Promise<ErpWarehouse | null> {
    await this.enter('getWarehouse', [code]);
    const warehouse = this.data.warehouses.find((w) => w.code === code);
    return warehouse ? { code, name: warehouse.name, active: warehouse.active } : null;
  }

  async getSupplier(supplierNumber: string): Promise<ErpSupplier | null> {
    await this.enter('getSupplier', [supplierNumber]);
    const supplier = this.data.suppliers.find(
      (s) => s.supplierNumber === supplierNumber && s.erp !== 'absent',
    );
    return supplier ? { supplierNumber, name: supplier.name, active: supplier.erp === 'active' } : null;
  }

  async applySupplierChange(supplierNumber: string, change: ErpSupplierChange): Promise<ErpSupplier | null> {
    await this.enter('applySupplierChange', [supplierNumber, change]);
    const supplier = this.data.suppliers.find(
      (s) => s.supplierNumber === supplierNumber && s.erp !== 'absent',
    );
    if (!supplier) return null;
    const values = supplierChangeValues({ name: supplier.name, active: supplier.erp === 'active' }, change);
    if (values?.name !== undefined) supplier.name = values.name;
    if (values?.active !== undefined) supplier.erp = values.active ? 'active' : 'inactive';
    return { supplierNumber, name: supplier.name, active: supplier.erp === 'active' };
  }

  async getInventoryBalance(itemCode: string, warehouseCode: string): Promise<ErpInventoryBalance> {
    await this.enter('getInventoryBalance', [itemCode, warehouseCode]);
    if (!this.data.items.some((i) => i.itemCode === itemCode)) {
      throw rejection('ITEM_UNKNOWN', `item ${itemCode} is not in the ERP`, { itemCode });
    }
    this.warehouseOrReject(warehouseCode, false);
    const onHand = this.onHand.get(stockKey(itemCode, warehouseCode)) ?? '0';
    let forecast = Decimal.of(onHand);
    // Like Tryton's forecast: stock plus what confirmed orders still bring in.
    for (const order of this.orders) {
      if (order.warehouseCode !== warehouseCode || !['confirmed', 'processing'].includes(order.state))
        continue;
      for (const line of order.lines) {
        if (line.itemCode === itemCode) {
          forecast = forecast.add(line.quantityEa).sub(line.receivedEa);
        }
      }
    }
    return { onHandEa: Decimal.of(onHand).toString(), forecastEa: forecast.toString() };
  }

  async committedValue(warehouseCode: string, month: string): Promise<string> {
    await this.enter('committedValue', [warehouseCode, month]);
    const { from, until } = monthRange(month);
    this.warehouseOrReject(warehouseCode, false);
    let total = Decimal.ZERO;
    for (const order of this.orders) {
      if (order.warehouseCode !== warehouseCode) continue;
      if (!['confirmed', 'processing', 'done'].includes(order.state)) continue;
      if (order.purchaseDate < from || order.purchaseDate >= until) continue;
      for (const line of order.lines) total = total.add(Decimal.of(line.quantityEa).mul(line.unitPrice));
    }
    return total.toFixedAtLeast(2);
  }

  async findPurchaseOrder(externalRef: string): Promise<ErpPurchaseOrder | null> {
    await this.enter('findPurchaseOrder', [externalRef]);
    const order = this.orderFor(externalRef);
    return order ? view(order) : null;
  }

  async listReferencedPurchaseOrders(query: ErpOrderReferenceQuery): Promise<ErpOrderReference[]> {
    await this.enter('listReferencedPurchaseOrders', [query]);
    return this.orders
      .filter(
        (o) =>
          o.state !== 'cancelled' &&
          o.externalRef.startsWith(query.referencePrefix) &&
          o.purchaseDate >= query.purchasedFrom &&
          o.purchaseDate < query.purchasedUntil &&
          (query.after === undefined || o.externalRef > query.after),
      )
      .sort((a, b) => (a.externalRef < b.externalRef ? -1 : a.externalRef > b.externalRef ? 1 : 0))
      .slice(0, query.limit)
      .map((o) => ({ externalRef: o.externalRef, number: o.number }));
  }

  async postPurchaseOrder(request: PostPurchaseOrderRequest): Promise<ErpPurchaseOrder> {
    await this.enter('postPurchaseOrder', [request]);
    assertPostRequest(request);
    let order = this.orderFor(request.externalRef);
    if (order) {
      if (order.supplierNumber !== request.supplierNumber || order.warehouseCode !== request.warehouseCode) {
        throw new ContractViolation(
          `reference ${request.externalRef} is already used by an order for ${order.supplierNumber} / ${order.warehouseCode}`,
          SYSTEM,
          { externalRef: request.externalRef },
        );
      }
    } else {
      this.check(request);
      order = this.create(request);
    }
    if (order.state === 'draft') this.quote(order);
    if (order.state === 'quotation') order.state = 'processing';
    if (order.state !== 'processing' && order.state !== 'done') {
      throw rejection('PO_NOT_CONFIRMABLE', `purchase order ${order.externalRef} is ${order.state}`, {
        externalRef: order.externalRef,
        state: order.state,
      });
    }
    return view(order);
  }

  async amendPurchaseOrder(
    externalRef: string,
    amendment: PurchaseOrderAmendment,
  ): Promise<ErpPurchaseOrder> {
    await this.enter('amendPurchaseOrder', [externalRef, amendment]);
    assertAmendment(externalRef, amendment);
    const order = this.orderFor(externalRef);
    if (!order)
      throw rejection('PO_UNKNOWN', `no purchase order with reference ${externalRef}`, { externalRef });
    if (order.state !== 'processing') {
      throw rejection('PO_NOT_AMENDABLE', `purchase order ${order.number} is ${order.state}`, {
        externalRef,
        state: order.state,
      });
    }
    const updated = structuredClone(order.lines);
    let changed = false;
    for (const change of amendment.lines) {
      const line = updated[change.lineNo - 1];
      if (!line)
        throw new ContractViolation(`purchase order ${externalRef} has no line ${change.lineNo}`, SYSTEM);
      if (change.quantityEa !== undefined && !Decimal.of(change.quantityEa).eq(line.quantityEa)) {
        line.quantityEa = Decimal.of(change.quantityEa).toString();
        changed = true;
      }
      if (change.deliveryDate !== undefined && change.deliveryDate !== deliveryDateOf(line)) {
        line.deliveryDate = change.deliveryDate;
        delete line.receivedAt;
        changed = true;
      }
    }
    if (changed) {
      order.lines = updated;
      order.revision += 1;
    }
    return view(order);
  }

  async findPurchaseOrders(externalRefs: readonly string[]): Promise<ErpPurchaseOrderWithReceipts[]> {
    await this.enter('findPurchaseOrders', [externalRefs]);
    assertReferencePage(externalRefs);
    return [...new Set(externalRefs)]
      .map((ref) => this.orderFor(ref))
      .filter((order) => order !== undefined)
      .map((order) => ({ ...view(order), receipts: this.receiptsOf(order) }));
  }

  async listReceipts(externalRef: string): Promise<ErpReceipt[]> {
    await this.enter('listReceipts', [externalRef]);
    const order = this.orderFor(externalRef);
    return order ? this.receiptsOf(order) : [];
  }

  private receiptsOf(order: SimOrder): ErpReceipt[] {
    return this.receipts
      .filter((r) => r.orderId === order.id)
      .map(({ orderId: _, expected: __, ...r }) => structuredClone(r));
  }

  async listExpectedShipments(externalRef: string): Promise<ErpExpectedShipment[]> {
    await this.enter('listExpectedShipments', [externalRef]);
    const order = this.orderFor(externalRef);
    return order ? this.expectedOf(order) : [];
  }

  async findOrdersExpectingShipment(supplierNumber: string, shipmentId: string): Promise<string[]> {
    await this.enter('findOrdersExpectingShipment', [supplierNumber, shipmentId]);
    const orders = this.receipts
      .filter((r) => r.state === 'draft' && r.expected?.shipmentId === shipmentId)
      .map((r) => this.orders.find((o) => o.id === r.orderId)!)
      .filter((o) => o.supplierNumber === supplierNumber);
    return [...new Set(orders.map((o) => o.externalRef))].sort();
  }

  async recordExpectedShipment(
    externalRef: string,
    shipment: ExpectedShipmentRequest,
  ): Promise<{ created: boolean; shipment: ErpExpectedShipment }> {
    await this.enter('recordExpectedShipment', [externalRef, shipment]);
    const order = this.receivingOrder(externalRef);
    const known = this.expectedOf(order).find((s) => s.shipmentId === shipment.shipmentId);
    if (known) return { created: false, shipment: known };
    const lines = this.shippable(order, shipment);
    const receipt: SimReceipt = {
      orderId: order.id,
      receiptNumber: String(++this.receiptSeq),
      state: 'draft',
      lines: lines.map(({ itemCode, quantityEa }) => ({ itemCode, quantityEa })),
      expected: { shipmentId: shipment.shipmentId, plannedDate: shipment.plannedDate, lines },
    };
    this.receipts.push(receipt);
    return { created: true, shipment: expectedView(receipt) };
  }

  async withdrawExpectedShipment(
    externalRef: string,
    shipmentId: string,
    why: ShipmentWithdrawal,
  ): Promise<{ withdrawn: boolean }> {
    await this.enter('withdrawExpectedShipment', [externalRef, shipmentId, why]);
    const order = this.receivingOrder(externalRef, false);
    const receipt = this.expectedReceipt(order, shipmentId);
    if (receipt) this.receipts.splice(this.receipts.indexOf(receipt), 1);
    // Only a cancellation is remembered (Tryton's cancelled empty shipment): its id stays withdrawn
    // for the supplier. A dropped order's receipt is gone without a trace, as Tryton deletes it.
    if (why === 'dropped') return { withdrawn: receipt !== undefined };
    const key = withdrawalKey(order, shipmentId);
    const already = this.withdrawn.has(key) && !receipt;
    this.withdrawn.add(key);
    return { withdrawn: !already };
  }

  async replaceExpectedShipment(
    externalRef: string,
    shipment: ExpectedShipmentRequest,
  ): Promise<{ shipment: ErpExpectedShipment }> {
    await this.enter('replaceExpectedShipment', [externalRef, shipment]);
    const order = this.receivingOrder(externalRef, false);
    const receipt = this.expectedReceipt(order, shipment.shipmentId);
    if (!receipt) return this.recordExpectedShipment(externalRef, shipment);
    this.receivingOrder(externalRef);
    const lines = this.shippable(order, shipment);
    receipt.lines = lines.map(({ itemCode, quantityEa }) => ({ itemCode, quantityEa }));
    receipt.expected = { shipmentId: shipment.shipmentId, plannedDate: shipment.plannedDate, lines };
    return { shipment: expectedView(receipt) };
  }

  /** The order's draft receipt of that shipment id; SHIPMENT_ALREADY_RECEIVED once goods arrived on it. */
  private expectedReceipt(order: SimOrder, shipmentId: string): SimReceipt | undefined {
    const receipt = this.receipts.find(
      (r) => r.orderId === order.id && r.expected?.shipmentId === shipmentId,
    );
    if (receipt && receipt.state !== 'draft')
      throw rejection(
        'SHIPMENT_ALREADY_RECEIVED',
        `shipment ${shipmentId} of ${order.externalRef} is ${receipt.state}`,
        {
          externalRef: order.externalRef,
          shipmentId,
          receiptNumber: receipt.receiptNumber,
        },
      );
    return receipt;
  }

  /** The order with that reference; it must take shipments unless `receiving` is false. */
  private receivingOrder(externalRef: string, receiving = true): SimOrder {
    const order = this.orderFor(externalRef);
    if (!order)
      throw rejection('PO_UNKNOWN', `no purchase order with reference ${externalRef}`, { externalRef });
    if (receiving && order.state !== 'processing')
      throw rejection('PO_NOT_RECEIVABLE', `purchase order ${order.number} is ${order.state}`, {
        externalRef,
        state: order.state,
      });
    return order;
  }

  /** The shipment's lines, each fitting what the order's other shipments left of it. */
  private shippable(order: SimOrder, shipment: ExpectedShipmentRequest): ErpExpectedShipment['lines'] {
    const key = withdrawalKey(order, shipment.shipmentId);
    if (this.withdrawn.has(key))
      throw rejection('SHIPMENT_WITHDRAWN', `the supplier withdrew shipment ${shipment.shipmentId}`, {
        externalRef: order.externalRef,
        shipmentId: shipment.shipmentId,
      });
    const shipped = this.expectedOf(order)
      .filter((s) => s.shipmentId !== shipment.shipmentId)
      .flatMap((s) => s.lines);
    return shipment.lines.map(({ lineNo, quantityEa }) => {
      const line = order.lines[lineNo - 1];
      if (!line)
        throw new ContractViolation(`purchase order ${order.externalRef} has no line ${lineNo}`, SYSTEM);
      const remaining = shipped
        .filter((l) => l.lineNo === lineNo)
        .reduce((left, l) => left.sub(l.quantityEa), Decimal.of(line.quantityEa));
      if (Decimal.of(quantityEa).gt(remaining))
        throw rejection(
          'SHIPMENT_EXCEEDS_REMAINING',
          `line ${lineNo} of ${order.externalRef} has ${remaining.toString()} left to ship, not ${quantityEa}`,
          {
            externalRef: order.externalRef,
            lineNo,
            remainingEa: remaining.toString(),
            shippedEa: quantityEa,
          },
        );
      return { lineNo, itemCode: line.itemCode, quantityEa: Decimal.of(quantityEa).toString() };
    });
  }

  private expectedOf(order: SimOrder): ErpExpectedShipment[] {
    return this.receipts.filter((r) => r.orderId === order.id && r.expected).map(expectedView);
  }

  async receiveShipment(externalRef: string): Promise<ErpReceipt> {
    await this.enter('receiveShipment', [externalRef]);
    const order = this.orderFor(externalRef);
    if (!order) throw new ContractViolation(`no purchase order with reference ${externalRef}`, SYSTEM);
    const today = this.today();
    const lines: ErpReceipt['lines'] = [];
    for (const line of order.lines) {
      const remaining = Decimal.of(line.quantityEa).sub(line.receivedEa);
      if (!remaining.isPositive()) continue;
      lines.push({ itemCode: line.itemCode, quantityEa: remaining.toString() });
      line.receivedEa = line.quantityEa;
      line.receivedAt = today;
      const key = stockKey(line.itemCode, order.warehouseCode);
      this.onHand.set(key, remaining.add(this.onHand.get(key) ?? '0').toString());
    }
    if (!lines.length) throw new ContractViolation(`nothing left to receive on ${externalRef}`, SYSTEM);
    const receipt: SimReceipt = {
      orderId: order.id,
      receiptNumber: String(++this.receiptSeq),
      state: 'done',
      receivedAt: today,
      lines,
    };
    this.receipts.push(receipt);
    const { orderId: _, ...copy } = receipt;
    return structuredClone(copy);
  }

  async countPurchaseOrders(externalRef: string): Promise<number> {
    await this.enter('countPurchaseOrders', [externalRef]);
    return this.orders.filter((o) => o.externalRef === externalRef).length;
  }

  async createPurchaseOrderInState(
    request: PostPurchaseOrderRequest,
    state: 'draft' | 'quotation' | 'cancelled',
  ): Promise<ErpPurchaseOrder> {
    await this.enter('createPurchaseOrderInState', [request, state]);
    assertPostRequest(request);
    const order = this.create(request);
    if (state === 'quotation') this.quote(order);
    if (state === 'cancelled') order.state = 'cancelled';
    return view(order);
  }

  private async enter(operation: ErpOperation, args: readonly unknown[]): Promise<void> {
    await this.faults?.beforeCall(operation, args);
  }

  /** The oldest order not cancelled with that reference, else the newest cancelled one (as TrytonErp). */
  private orderFor(externalRef: string): SimOrder | undefined {
    const all = this.orders.filter((o) => o.externalRef === externalRef);
    return all.find((o) => o.state !== 'cancelled') ?? all.at(-1);
  }

  private create(request: PostPurchaseOrderRequest): SimOrder {
    const order: SimOrder = {
      id: ++this.orderSeq,
      number: '',
      externalRef: request.externalRef,
      state: 'draft',
      supplierNumber: request.supplierNumber,
      warehouseCode: request.warehouseCode,
      purchaseDate: request.purchaseDate,
      revision: 0,
      lines: request.lines.map((l) => ({
        itemCode: l.itemCode,
        quantityEa: Decimal.of(l.quantityEa).toString(),
        unitPrice: Decimal.of(l.unitPrice).toFixedAtLeast(2),
        deliveryDate: l.deliveryDate,
        receivedEa: '0',
      })),
    };
    this.orders.push(order);
    return order;
  }

  private quote(order: SimOrder): void {
    order.number ||= String(++this.numberSeq);
    order.state = 'quotation';
  }

  private check(request: PostPurchaseOrderRequest): void {
    for (const code of new Set(request.lines.map((l) => l.itemCode))) {
      const item = this.data.items.find((i) => i.itemCode === code);
      if (!item) throw rejection('ITEM_UNKNOWN', `item ${code} is not in the ERP`, { itemCode: code });
      if (!item.variantActive || !item.templateActive) {
        throw rejection('ITEM_INACTIVE', `item ${code} is inactive in the ERP`, { itemCode: code });
      }
      if (!item.purchasable)
        throw rejection('ITEM_NOT_PURCHASABLE', `item ${code} is not purchasable`, { itemCode: code });
    }
    this.warehouseOrReject(request.warehouseCode, true);
    const supplier = this.data.suppliers.find((s) => s.supplierNumber === request.supplierNumber);
    if (!supplier || supplier.erp === 'absent') {
      throw rejection('SUPPLIER_UNKNOWN', `supplier ${request.supplierNumber} is not in the ERP`, {
        supplierNumber: request.supplierNumber,
      });
    }
    if (supplier.erp === 'inactive') {
      throw rejection('SUPPLIER_INACTIVE', `supplier ${request.supplierNumber} is inactive in the ERP`, {
        supplierNumber: request.supplierNumber,
      });
    }
    if (request.currency !== 'USD') {
      throw rejection('CURRENCY_UNSUPPORTED', `currency ${request.currency} is not supported`, {
        currency: request.currency,
      });
    }
  }

  private warehouseOrReject(code: string, mustBeActive: boolean): void {
    const warehouse = this.data.warehouses.find((w) => w.code === code);
    if (!warehouse)
      throw rejection('WAREHOUSE_UNKNOWN', `warehouse ${code} is not in the ERP`, { warehouseCode: code });
    if (mustBeActive && !warehouse.active) {
      throw rejection('WAREHOUSE_INACTIVE', `warehouse ${code} is inactive`, { warehouseCode: code });
    }
  }
}

function rejection(code: string, message: string, details: Record<string, unknown>): BusinessRejection {
  return new BusinessRejection(code, message, SYSTEM, details);
}

const stockKey = (itemCode: string, warehouseCode: string): string => `${itemCode}\u0000${warehouseCode}`;
/** A supplier's shipment id, as the withdrawals remember it. */
const withdrawalKey = (order: SimOrder, shipmentId: string): string =>
  `${order.supplierNumber}\u0000${shipmentId}`;

/** A master data item as the port states it. */
function itemView(item: MasterData['items'][number]): ErpItem {
  return {
    itemCode: item.itemCode,
    name: item.name,
    active: item.variantActive && item.templateActive,
    purchasable: item.purchasable,
    uom: 'EA',
  };
}

/** Like Tryton: once received, a line's delivery date is the date it arrived. */
const deliveryDateOf = (line: SimLine): string => line.receivedAt ?? line.deliveryDate;

function expectedView(receipt: SimReceipt): ErpExpectedShipment {
  return structuredClone({
    ...receipt.expected!,
    receiptNumber: receipt.receiptNumber,
    state: receipt.state,
  });
}

function view(order: SimOrder): ErpPurchaseOrder {
  return {
    number: order.number,
    externalRef: order.externalRef,
    state: order.state,
    supplierNumber: order.supplierNumber,
    warehouseCode: order.warehouseCode,
    purchaseDate: order.purchaseDate,
    revision: order.revision,
    lines: order.lines.map((line, index) => ({
      lineNo: index + 1,
      itemCode: line.itemCode,
      quantityEa: line.quantityEa,
      unitPrice: line.unitPrice,
      deliveryDate: deliveryDateOf(line),
    })),
  };
}
