/**
 * The procurement platform's JSON (vendor REST API v2), mirrored field for field in snake_case.
 * Money is a decimal string with an ISO 4217 currency; timestamps are ISO-8601 UTC; dates `YYYY-MM-DD`.
 */

import type {
  ProcurementAckLine,
  ProcurementPurchaseOrderAcknowledged,
  ProcurementPurchaseOrderChanged,
  ProcurementSupplierUpdated,
} from './generated/types';

/** Commercial status of a supplier; only `approved` may receive new purchase orders. */
export type SupplierStatus = 'approved' | 'pending' | 'on_hold' | 'blocked';
/** Every supplier status, for validation. */
export const SUPPLIER_STATUSES: readonly SupplierStatus[] = ['approved', 'pending', 'on_hold', 'blocked'];

/** `GET /api/v2/suppliers/{supplier_number}`. */
export interface Supplier {
  supplier_number: string;
  name: string;
  status: SupplierStatus;
  payment_terms: string;
  currency: string;
  lead_time_days: number;
  updated_at: string;
}

/** Lifecycle of a sourcing request. */
export type SourcingRequestStatus = 'open' | 'awarded' | 'cancelled';
/** Every sourcing request status, for validation. */
export const SOURCING_REQUEST_STATUSES: readonly SourcingRequestStatus[] = ['open', 'awarded', 'cancelled'];

/** `POST /api/v2/sourcing-requests` body. */
export interface CreateSourcingRequestBody {
  /** Unique per client: a second create with it gets `409 invalid_state` naming the existing id. */
  external_ref: string;
  item_code: string;
  ship_to: string;
  /** Whole number >= 1. */
  quantity: number;
  /** `EA` only. */
  uom: 'EA';
  /** `YYYY-MM-DD`. */
  need_by: string;
  justification?: string;
  /** Without it the platform picks the item's contracted supplier. */
  preferred_supplier?: string;
}

/** A sourcing request as the platform returns it: every field sent plus the platform's own. */
export interface SourcingRequest extends CreateSourcingRequestBody {
  id: string;
  status: SourcingRequestStatus;
  unit_price: string;
  currency: string;
  supplier_number: string;
  created_at: string;
  updated_at: string;
}

/** `GET /api/v2/sourcing-requests` filters; every one optional. */
export interface SourcingRequestFilter {
  item_code?: string;
  ship_to?: string;
  status?: SourcingRequestStatus;
  external_ref?: string;
}

/** `PATCH /api/v2/sourcing-requests/{id}` body: only while `open`. */
export interface AmendSourcingRequestBody {
  quantity?: number;
  need_by?: string;
}

/** Lifecycle of a purchase order. */
export type PurchaseOrderStatus =
  'draft' | 'issued' | 'acknowledged' | 'partially_received' | 'received' | 'closed' | 'cancelled';
/** Every purchase order status, for validation. */
export const PURCHASE_ORDER_STATUSES: readonly PurchaseOrderStatus[] = [
  'draft',
  'issued',
  'acknowledged',
  'partially_received',
  'received',
  'closed',
  'cancelled',
];

/** `POST /api/v2/purchase-orders` body: awards an open sourcing request. */
export interface CreatePurchaseOrderBody {
  sourcing_request_id: string;
  external_ref: string;
}

/** One purchase order line. */
// A type, not an interface: webhook bodies (open to unknown fields) carry these lines as they are.
export type PurchaseOrderLine = {
  line_no: number;
  item_code: string;
  qty: number;
  /** The platform orders in eaches only. */
  uom: 'EA';
  unit_price: string;
  need_by: string;
};

/** A purchase order. */
export interface PurchaseOrder {
  po_number: string;
  status: PurchaseOrderStatus;
  supplier_number: string;
  external_ref: string;
  currency: string;
  lines: PurchaseOrderLine[];
  revision: number;
  updated_at: string;
}

/** ERP outcomes that may be synced back. */
export type PurchaseOrderSyncStatus = 'partially_received' | 'received' | 'closed' | 'cancelled';
/** Every status the status sync accepts. */
export const PURCHASE_ORDER_SYNC_STATUSES: readonly PurchaseOrderSyncStatus[] = [
  'partially_received',
  'received',
  'closed',
  'cancelled',
];

/** `POST /api/v2/purchase-orders/{po_number}/status` body. */
export interface PurchaseOrderStatusUpdate {
  status: PurchaseOrderSyncStatus;
  /** Required. */
  erp_reference: string;
}

/** One page of a list. */
export interface ListPage<T> {
  data: T[];
  next_page_token: string | null;
}

/** Documented error codes. */
export type ApiErrorCode =
  | 'invalid_field'
  | 'not_found'
  | 'invalid_state'
  | 'supplier_not_approved'
  | 'idempotency_key_reused'
  | 'rate_limited'
  | 'unauthorized';

/** One entry of an error answer. */
export interface ApiError {
  code: ApiErrorCode | (string & {});
  message: string;
  field?: string;
  /** On `409 invalid_state` for a reused `external_ref`: the request that already has it. */
  existing_id?: string;
}

/** Error answer of every API endpoint. */
export interface ApiErrorBody {
  errors: ApiError[];
}

/** `POST /oauth2/token` form fields. */
export interface TokenRequest {
  grant_type: 'client_credentials';
  client_id: string;
  client_secret: string;
}

/** `POST /oauth2/token` answer. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** OAuth2 error form of the token endpoint, e.g. `{"error":"invalid_client"}`. */
export interface OAuthErrorBody {
  error: 'invalid_client' | 'invalid_request' | 'unsupported_grant_type' | (string & {});
  error_description?: string;
}

/** `X-Proc-Event` values. */
export type ProcurementWebhookEvent =
  'purchase_order.acknowledged' | 'purchase_order.changed' | 'supplier.updated';

/**
 * Webhook bodies: the types generated from the webhook schemas (adapters/procurement/webhook-schemas.ts),
 * which the intake validates against; unknown fields are allowed, as the vendor may add some.
 */
export type AcknowledgedLine = ProcurementAckLine;
/** `purchase_order.acknowledged` body: the supplier confirmed, fully or partly. */
export type PurchaseOrderAcknowledgedPayload = ProcurementPurchaseOrderAcknowledged;
/** `purchase_order.changed` body; a lower revision than one seen is stale, the same one a duplicate. */
export type PurchaseOrderChangedPayload = ProcurementPurchaseOrderChanged;
/** `supplier.updated` body. */
export type SupplierUpdatedPayload = ProcurementSupplierUpdated;

/** Body type per event type. */
export interface ProcurementWebhookPayloads {
  'purchase_order.acknowledged': PurchaseOrderAcknowledgedPayload;
  'purchase_order.changed': PurchaseOrderChangedPayload;
  'supplier.updated': SupplierUpdatedPayload;
}
