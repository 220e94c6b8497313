import { ContractViolation } from '../../domain/failures';
import type {
  ApiErrorBody,
  ListPage,
  PurchaseOrder,
  SourcingRequest,
  Supplier,
  TokenResponse,
} from './api-types';
import { PURCHASE_ORDER_STATUSES, SOURCING_REQUEST_STATUSES, SUPPLIER_STATUSES } from './api-types';

/**
 * Shape checks on the platform's answers. They check what the middleware relies on and let
 * unknown extra fields through (the vendor may add fields); a missing or mistyped field is a
 * ContractViolation naming the path.
 */

type Json = Record<string, unknown>;
type Check = (value: unknown, path: string) => void;

function violation(path: string, expected: string, value: unknown): ContractViolation {
  return new ContractViolation(`procurement answer: ${path} is not ${expected}`, 'procurement', {
    path,
    expected,
    actual: value === undefined ? 'undefined' : JSON.stringify(value)?.slice(0, 200),
  });
}

const str: Check = (v, p) => {
  if (typeof v !== 'string') throw violation(p, 'a string', v);
};
const decimalString: Check = (v, p) => {
  if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v)) throw violation(p, 'a decimal string', v);
};
const int: Check = (v, p) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw violation(p, 'a whole number', v);
};
const oneOf =
  (values: readonly string[]): Check =>
  (v, p) => {
    if (typeof v !== 'string' || !values.includes(v)) throw violation(p, `one of ${values.join('|')}`, v);
  };
const optional =
  (check: Check): Check =>
  (v, p) => {
    if (v !== undefined && v !== null) check(v, p);
  };

function object(value: unknown, path: string, fields: Record<string, Check>): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw violation(path, 'an object', value);
  const obj = value as Json;
  for (const [key, check] of Object.entries(fields)) check(obj[key], `${path}.${key}`);
  return obj;
}

/** Decodes a token answer. */
export function decodeToken(value: unknown): TokenResponse {
  const obj = object(value, 'token', { access_token: str, token_type: str, expires_in: int });
  if ((obj.access_token as string).length === 0) throw violation('token.access_token', 'non-empty', '');
  if (String(obj.token_type).toLowerCase() !== 'bearer')
    throw violation('token.token_type', 'Bearer', obj.token_type);
  if ((obj.expires_in as number) <= 0) throw violation('token.expires_in', 'positive', obj.expires_in);
  return obj as unknown as TokenResponse;
}

/** Decodes a supplier. */
export function decodeSupplier(value: unknown, path = 'supplier'): Supplier {
  return object(value, path, {
    supplier_number: str,
    name: str,
    status: oneOf(SUPPLIER_STATUSES),
    currency: str,
    updated_at: str,
    payment_terms: optional(str),
    lead_time_days: optional(int),
  }) as unknown as Supplier;
}

/** Decodes a sourcing request. */
export function decodeSourcingRequest(value: unknown, path = 'sourcing_request'): SourcingRequest {
  return object(value, path, {
    id: str,
    status: oneOf(SOURCING_REQUEST_STATUSES),
    external_ref: str,
    item_code: str,
    ship_to: str,
    quantity: int,
    uom: str,
    need_by: str,
    unit_price: decimalString,
    currency: str,
    supplier_number: str,
    created_at: str,
    updated_at: str,
  }) as unknown as SourcingRequest;
}

/** Decodes a purchase order. */
export function decodePurchaseOrder(value: unknown, path = 'purchase_order'): PurchaseOrder {
  const obj = object(value, path, {
    po_number: str,
    status: oneOf(PURCHASE_ORDER_STATUSES),
    supplier_number: str,
    external_ref: str,
    currency: str,
    revision: int,
    updated_at: str,
  });
  if (!Array.isArray(obj.lines)) throw violation(`${path}.lines`, 'an array', obj.lines);
  obj.lines.forEach((line, i) =>
    object(line, `${path}.lines[${i}]`, {
      line_no: int,
      item_code: str,
      qty: int,
      uom: str,
      unit_price: decimalString,
      need_by: str,
    }),
  );
  return obj as unknown as PurchaseOrder;
}

/** Decodes one list page with the given item decoder. */
export function decodePage<T>(value: unknown, item: (v: unknown, path: string) => T): ListPage<T> {
  const obj = object(value, 'page', { next_page_token: optional(str) });
  if (!Array.isArray(obj.data)) throw violation('page.data', 'an array', obj.data);
  return {
    data: obj.data.map((v, i) => item(v, `page.data[${i}]`)),
    next_page_token: (obj.next_page_token as string | null | undefined) ?? null,
  };
}

/** Reads the documented error form, or `undefined` when the body is not in it. */
export function readApiErrors(value: unknown): ApiErrorBody['errors'] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const errors = (value as Json).errors;
  if (!Array.isArray(errors)) return undefined;
  const valid = errors.filter(
    (e): e is ApiErrorBody['errors'][number] =>
      typeof e === 'object' && e !== null && typeof (e as Json).code === 'string',
  );
  return valid.length === errors.length ? valid : undefined;
}
