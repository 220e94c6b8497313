import type {
  AcknowledgedLine,
  ApiError,
  PurchaseOrder,
  PurchaseOrderStatus,
  SourcingRequest,
  Supplier,
  SupplierStatus,
} from '../../../adapters/procurement/api-types';
import {
  PURCHASE_ORDER_SYNC_STATUSES,
  SOURCING_REQUEST_STATUSES,
  SUPPLIER_STATUSES,
} from '../../../adapters/procurement/api-types';

/**
 * The procurement platform's resources and rules, without HTTP: each operation returns the
 * status and JSON body the vendor documents. The server adds auth, rate limits, idempotency and faults.
 */

/** How a supplier answers a new purchase order in the simulator. */
export type AckBehaviour = 'full' | 'partial' | 'late' | 'never';

/** A supplier of the seed master data. */
export interface SupplierSeed {
  supplier_number: string;
  name: string;
  status: SupplierStatus;
  payment_terms?: string;
  currency?: string;
  lead_time_days?: number;
  /** @default 'full' */
  ackBehaviour?: AckBehaviour;
  /** Delay before the acknowledgement is sent; overrides the simulator default. */
  ackDelayMs?: number;
}

/** An item of the seed master data: its contract price and contracted supplier. */
export interface ItemSeed {
  item_code: string;
  /** Decimal string, e.g. `"3.10"`. */
  contract_price: string;
  /** @default 'USD' */
  currency?: string;
  contracted_supplier: string;
}

/** Status and JSON body of an answer. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What happened that the outside should hear about (webhooks, acknowledgement scheduling). */
export type PlatformEvent =
  { kind: 'purchase_order.created'; po: PurchaseOrder } | { kind: 'supplier.updated'; supplier: Supplier };

/** Builds a documented error answer. */
export function errorAnswer(status: number, ...errors: ApiError[]): ApiAnswer {
  return { status, body: { errors } };
}

/** ISO-8601 UTC with second precision, as in the vendor documentation. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** True for a real calendar date `YYYY-MM-DD`. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const wholeAtLeastOne = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const invalid = (field: string, message: string): ApiError => ({ code: 'invalid_field', field, message });

interface PageToken {
  o: number;
}

/** In-memory state of one platform tenant (clients share master data; external_ref is unique per client). */
export class ProcurementPlatform {
  readonly suppliers = new Map<string, Supplier & { ackBehaviour: AckBehaviour; ackDelayMs?: number }>();
  readonly items = new Map<string, Required<ItemSeed>>();
  readonly sourcingRequests = new Map<string, SourcingRequest & { client_id: string }>();
  readonly purchaseOrders = new Map<string, PurchaseOrder & { client_id: string }>();
  /** The latest supplier confirmation per purchase order. */
  readonly confirmations = new Map<string, AcknowledgedLine[]>();
  private nextRequest = 1;
  private nextPo = 1;

  constructor(
    seed: { suppliers: SupplierSeed[]; items: ItemSeed[] },
    private readonly now: () => Date,
    private readonly emit: (event: PlatformEvent) => void,
    private readonly pageSize: number,
  ) {
    for (const s of seed.suppliers) {
      this.suppliers.set(s.supplier_number, {
        supplier_number: s.supplier_number,
        name: s.name,
        status: s.status,
        payment_terms: s.payment_terms ?? 'NET30',
        currency: s.currency ?? 'USD',
        lead_time_days: s.lead_time_days ?? 5,
        updated_at: isoSeconds(now()),
        ackBehaviour: s.ackBehaviour ?? 'full',
        ...(s.ackDelayMs !== undefined ? { ackDelayMs: s.ackDelayMs } : {}),
      });
    }
    for (const i of seed.items) this.items.set(i.item_code, { currency: 'USD', ...i });
  }

  /** The supplier as the API shows it (without simulator settings). */
  publicSupplier(number: string): Supplier | undefined {
    const s = this.suppliers.get(number);
    if (!s) return undefined;
    const { ackBehaviour: _b, ackDelayMs: _d, ...supplier } = s;
    return supplier;
  }

  getSupplier(number: string): ApiAnswer {
    const supplier = this.publicSupplier(number);
    return supplier
      ? { status: 200, body: supplier }
      : errorAnswer(404, { code: 'not_found', message: `supplier ${number} not found` });
  }

  createSourcingRequest(clientId: string, body: unknown): ApiAnswer {
    if (!isObject(body)) return errorAnswer(422, invalid('body', 'a JSON object is required'));
    const errors: ApiError[] = [];
    for (const field of ['external_ref', 'item_code', 'ship_to'] as const)
      if (!nonEmpty(body[field])) errors.push(invalid(field, `${field} is required`));
    if (nonEmpty(body.item_code) && !this.items.has(body.item_code))
      errors.push(invalid('item_code', `unknown item ${body.item_code}`));
    if (!wholeAtLeastOne(body.quantity))
      errors.push(invalid('quantity', 'quantity must be a whole number >= 1'));
    if (body.uom !== 'EA') errors.push(invalid('uom', 'uom must be EA'));
    if (!isCalendarDate(body.need_by)) errors.push(invalid('need_by', 'need_by must be a date YYYY-MM-DD'));
    if (body.justification !== undefined && typeof body.justification !== 'string')
      errors.push(invalid('justification', 'justification must be a string'));
    if (body.preferred_supplier !== undefined) {
      if (!nonEmpty(body.preferred_supplier))
        errors.push(invalid('preferred_supplier', 'preferred_supplier must be a supplier number'));
      else if (!this.suppliers.has(body.preferred_supplier))
        errors.push(invalid('preferred_supplier', `unknown supplier ${body.preferred_supplier}`));
    }
    if (errors.length > 0) return errorAnswer(422, ...errors);

    const externalRef = body.external_ref as string;
    const existing = [...this.sourcingRequests.values()].find(
      (r) => r.client_id === clientId && r.external_ref === externalRef,
    );
    if (existing)
      return errorAnswer(409, {
        code: 'invalid_state',
        field: 'external_ref',
        message: `external_ref ${externalRef} is already used by ${existing.id}`,
        existing_id: existing.id,
      });

    const item = this.items.get(body.item_code as string)!;
    const supplierNumber = (body.preferred_supplier as string | undefined) ?? item.contracted_supplier;
    if (body.preferred_supplier !== undefined && this.suppliers.get(supplierNumber)?.status !== 'approved')
      return errorAnswer(422, {
        code: 'supplier_not_approved',
        field: 'preferred_supplier',
        message: `supplier ${supplierNumber} is not approved`,
      });

    const at = isoSeconds(this.now());
    const request: SourcingRequest & { client_id: string } = {
      external_ref: externalRef,
      item_code: item.item_code,
      ship_to: body.ship_to as string,
      quantity: body.quantity as number,
      uom: 'EA',
      need_by: body.need_by as string,
      ...(body.justification !== undefined ? { justification: body.justification as string } : {}),
      ...(body.preferred_supplier !== undefined
        ? { preferred_supplier: body.preferred_supplier as string }
        : {}),
      id: `SR-${String(this.nextRequest++).padStart(6, '0')}`,
      status: 'open',
      unit_price: item.contract_price,
      currency: item.currency,
      supplier_number: supplierNumber,
      created_at: at,
      updated_at: at,
      client_id: clientId,
    };
    this.sourcingRequests.set(request.id, request);
    return { status: 201, body: publicRecord(request) };
  }

  getSourcingRequest(clientId: string, id: string): ApiAnswer {
    const request = this.ownRequest(clientId, id);
    return request ? { status: 200, body: publicRecord(request) } : notFound('sourcing request', id);
  }

  listSourcingRequests(clientId: string, query: URLSearchParams): ApiAnswer {
    const filters: Record<string, string> = {};
    for (const key of ['item_code', 'ship_to', 'status', 'external_ref']) {
      const value = query.get(key);
      if (value) filters[key] = value;
    }
    if (filters.status && !(SOURCING_REQUEST_STATUSES as readonly string[]).includes(filters.status))
      return errorAnswer(422, invalid('status', `unknown status ${filters.status}`));
    let offset = 0;
    const token = query.get('page_token');
    if (token) {
      const decoded = decodePageToken(token);
      if (!decoded) return errorAnswer(422, invalid('page_token', 'page_token is not valid'));
      offset = decoded.o;
    }
    const matching = [...this.sourcingRequests.values()].filter(
      (r) =>
        r.client_id === clientId &&
        Object.entries(filters).every(
          ([key, value]) => (r as unknown as Record<string, unknown>)[key] === value,
        ),
    );
    const data = matching.slice(offset, offset + this.pageSize).map(publicRecord);
    const next =
      offset + this.pageSize < matching.length ? encodePageToken({ o: offset + this.pageSize }) : null;
    return { status: 200, body: { data, next_page_token: next } };
  }

  amendSourcingRequest(clientId: string, id: string, body: unknown): ApiAnswer {
    const request = this.ownRequest(clientId, id);
    if (!request) return notFound('sourcing request', id);
    if (!isObject(body)) return errorAnswer(422, invalid('body', 'a JSON object is required'));
    const errors: ApiError[] = [];
    for (const key of Object.keys(body))
      if (key !== 'quantity' && key !== 'need_by') errors.push(invalid(key, `${key} cannot be changed`));
    if (body.quantity === undefined && body.need_by === undefined)
      errors.push(invalid('body', 'quantity or need_by is required'));
    if (body.quantity !== undefined && !wholeAtLeastOne(body.quantity))
      errors.push(invalid('quantity', 'quantity must be a whole number >= 1'));
    if (body.need_by !== undefined && !isCalendarDate(body.need_by))
      errors.push(invalid('need_by', 'need_by must be a date YYYY-MM-DD'));
    if (errors.length > 0) return errorAnswer(422, ...errors);
    if (request.status !== 'open')
      return errorAnswer(409, {
        code: 'invalid_state',
        message: `sourcing request ${id} is ${request.status}`,
      });
    if (body.quantity !== undefined) request.quantity = body.quantity as number;
    if (body.need_by !== undefined) request.need_by = body.need_by as string;
    request.updated_at = isoSeconds(this.now());
    return { status: 200, body: publicRecord(request) };
  }

  cancelSourcingRequest(clientId: string, id: string): ApiAnswer {
    const request = this.ownRequest(clientId, id);
    if (!request) return notFound('sourcing request', id);
    if (request.status === 'awarded')
      return errorAnswer(409, { code: 'invalid_state', message: `sourcing request ${id} is awarded` });
    if (request.status === 'open') {
      request.status = 'cancelled';
      request.updated_at = isoSeconds(this.now());
    }
    return { status: 200, body: publicRecord(request) };
  }

  createPurchaseOrder(clientId: string, body: unknown): ApiAnswer {
    if (!isObject(body)) return errorAnswer(422, invalid('body', 'a JSON object is required'));
    const errors: ApiError[] = [];
    if (!nonEmpty(body.sourcing_request_id)) errors.push(invalid('sourcing_request_id', 'is required'));
    if (!nonEmpty(body.external_ref)) errors.push(invalid('external_ref', 'is required'));
    if (errors.length > 0) return errorAnswer(422, ...errors);
    const request = this.ownRequest(clientId, body.sourcing_request_id as string);
    if (!request) return notFound('sourcing request', body.sourcing_request_id as string);
    if (request.status !== 'open')
      return errorAnswer(409, {
        code: 'invalid_state',
        field: 'sourcing_request_id',
        message: `sourcing request ${request.id} is ${request.status}`,
      });
    if (this.suppliers.get(request.supplier_number)?.status !== 'approved')
      return errorAnswer(422, {
        code: 'supplier_not_approved',
        message: `supplier ${request.supplier_number} is not approved`,
      });
    const now = this.now();
    const item = this.items.get(request.item_code)!;
    const po: PurchaseOrder & { client_id: string } = {
      po_number: `PO-${now.getUTCFullYear()}-${String(this.nextPo++).padStart(6, '0')}`,
      status: 'issued',
      supplier_number: request.supplier_number,
      external_ref: body.external_ref as string,
      currency: item.currency,
      lines: [
        {
          line_no: 1,
          item_code: request.item_code,
          qty: request.quantity,
          uom: request.uom,
          unit_price: item.contract_price,
          need_by: request.need_by,
        },
      ],
      revision: 1,
      updated_at: isoSeconds(now),
      client_id: clientId,
    };
    this.purchaseOrders.set(po.po_number, po);
    request.status = 'awarded';
    request.updated_at = isoSeconds(now);
    this.emit({ kind: 'purchase_order.created', po });
    return { status: 201, body: publicRecord(po) };
  }

  getPurchaseOrder(clientId: string, poNumber: string): ApiAnswer {
    const po = this.ownPo(clientId, poNumber);
    return po ? { status: 200, body: publicRecord(po) } : notFound('purchase order', poNumber);
  }

  updatePurchaseOrderStatus(clientId: string, poNumber: string, body: unknown): ApiAnswer {
    const po = this.ownPo(clientId, poNumber);
    if (!po) return notFound('purchase order', poNumber);
    if (!isObject(body)) return errorAnswer(422, invalid('body', 'a JSON object is required'));
    const errors: ApiError[] = [];
    if (
      typeof body.status !== 'string' ||
      !(PURCHASE_ORDER_SYNC_STATUSES as readonly string[]).includes(body.status)
    )
      errors.push(invalid('status', `status must be one of ${PURCHASE_ORDER_SYNC_STATUSES.join(', ')}`));
    if (!nonEmpty(body.erp_reference)) errors.push(invalid('erp_reference', 'erp_reference is required'));
    if (errors.length > 0) return errorAnswer(422, ...errors);
    const target = body.status as PurchaseOrderStatus;
    if (po.status !== target) {
      const allowed = SYNC_TRANSITIONS[po.status] ?? [];
      if (!allowed.includes(target))
        return errorAnswer(409, {
          code: 'invalid_state',
          field: 'status',
          message: `purchase order ${poNumber} is ${po.status}`,
        });
      po.status = target;
      po.updated_at = isoSeconds(this.now());
    }
    // Deliberately no webhook: the sync comes from the subscriber.
    return { status: 200, body: publicRecord(po) };
  }

  /** Supplier confirmation: sets `acknowledged` (keeps the revision); lines default to the ordered ones. */
  acknowledge(poNumber: string, lines: AcknowledgedLine[]): PurchaseOrder {
    const po = this.purchaseOrders.get(poNumber);
    if (!po) throw new Error(`purchase order ${poNumber} not found`);
    if (po.status === 'issued' || po.status === 'draft') po.status = 'acknowledged';
    po.updated_at = isoSeconds(this.now());
    this.confirmations.set(poNumber, structuredClone(lines));
    return po;
  }

  /** A change on the platform's side (supplier or buyer edit): bumps the revision. */
  change(
    poNumber: string,
    change: { qty?: number; need_by?: string; unit_price?: string; status?: PurchaseOrderStatus },
  ): PurchaseOrder {
    const po = this.purchaseOrders.get(poNumber);
    if (!po) throw new Error(`purchase order ${poNumber} not found`);
    const line = po.lines[0]!;
    if (change.qty !== undefined) line.qty = change.qty;
    if (change.need_by !== undefined) line.need_by = change.need_by;
    if (change.unit_price !== undefined) line.unit_price = change.unit_price;
    if (change.status !== undefined) po.status = change.status;
    po.revision += 1;
    po.updated_at = isoSeconds(this.now());
    return po;
  }

  /** Changes a supplier's commercial status and announces it. */
  setSupplierStatus(number: string, status: SupplierStatus): Supplier {
    const supplier = this.suppliers.get(number);
    if (!supplier) throw new Error(`supplier ${number} not found`);
    if (!SUPPLIER_STATUSES.includes(status)) throw new Error(`unknown supplier status ${status}`);
    supplier.status = status;
    supplier.updated_at = isoSeconds(this.now());
    const view = this.publicSupplier(number)!;
    this.emit({ kind: 'supplier.updated', supplier: view });
    return view;
  }

  private ownRequest(clientId: string, id: string) {
    const request = this.sourcingRequests.get(id);
    return request && request.client_id === clientId ? request : undefined;
  }

  private ownPo(clientId: string, poNumber: string) {
    const po = this.purchaseOrders.get(poNumber);
    return po && po.client_id === clientId ? po : undefined;
  }
}

// ERP outcomes that may follow each status; the same status again is a no-op.
const SYNC_TRANSITIONS: Partial<Record<PurchaseOrderStatus, PurchaseOrderStatus[]>> = {
  draft: ['cancelled'],
  issued: ['partially_received', 'received', 'closed', 'cancelled'],
  acknowledged: ['partially_received', 'received', 'closed', 'cancelled'],
  partially_received: ['received', 'closed', 'cancelled'],
  received: ['closed'],
};

function notFound(what: string, id: string): ApiAnswer {
  return errorAnswer(404, { code: 'not_found', message: `${what} ${id} not found` });
}

/** A deep copy without the simulator's bookkeeping fields. */
function publicRecord<T extends { client_id: string }>(record: T): Omit<T, 'client_id'> {
  const { client_id: _c, ...rest } = record;
  return structuredClone(rest);
}

function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodePageToken(value: string): PageToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (isObject(parsed) && typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0)
      return { o: parsed.o };
  } catch {
    // not a token we handed out
  }
  return undefined;
}
