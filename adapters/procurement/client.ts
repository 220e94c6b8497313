import { setTimeout as delay } from 'node:timers/promises';
import { BusinessRejection, ContractViolation, TransientFailure } from '../../domain/failures';
import type {
  AmendSourcingRequestBody,
  ApiError,
  CreatePurchaseOrderBody,
  CreateSourcingRequestBody,
  PurchaseOrder,
  PurchaseOrderStatusUpdate,
  SourcingRequest,
  SourcingRequestFilter,
  Supplier,
} from './api-types';
import {
  decodePage,
  decodePurchaseOrder,
  decodeSourcingRequest,
  decodeSupplier,
  decodeToken,
  readApiErrors,
} from './decode';
import {
  RequestBudgetExhausted,
  type BudgetLane,
  type RequestBudget,
} from '../resilience/shared-rate-budget';
import { requestTimeoutMs, type TimeLeft } from '../http/deadline';
import { outboundUrlProblem } from '../../application/outbound';

const SYSTEM = 'procurement';

/** OAuth2 client credentials of the middleware at the platform (loaded from Secrets Manager by the caller). */
export interface ProcurementCredentials {
  clientId: string;
  clientSecret: string;
}

/** How to reach the platform and how patient to be. */
export interface ProcurementClientOptions {
  /** Root URL of the platform: the token endpoint is `/oauth2/token`, the API is under `/api/v2`. */
  baseUrl: string;
  credentials: ProcurementCredentials;
  /** Request budget taken before every API call (token calls excluded, as they do not count). */
  budget?: RequestBudget;
  /** Lane used when a call does not name one. @default 'critical' */
  defaultLane?: BudgetLane;
  /** Per HTTP request, body included. @default 10000 */
  requestTimeoutMs?: number;
  /** What the invocation has left for outbound calls: each request's timeout is cut to it. */
  timeLeftMs?: TimeLeft;
  /**
   * Longest in-process wait for the request budget before failing with RequestBudgetExhausted
   * (a transient failure the circuit breaker does not count). @default 1000
   */
  maxBudgetWaitMs?: number;
  /** A 429 whose Retry-After is at most this is waited out once in process; longer ones are surfaced. @default 1 */
  maxInProcessRetryAfterSeconds?: number;
  /** Refresh the token this long before it expires (capped at a tenth of its lifetime). @default 60 */
  tokenRefreshMarginSeconds?: number;
  /** Refuse a `baseUrl` that is not https:// (staging and prod: application/environments.ts). @default false */
  requireHttps?: boolean;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Clock in milliseconds. @default Date.now */
  now?: () => number;
  /** @default node:timers/promises setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** Options of any call. */
export interface CallOptions {
  /** Which budget lane the call spends from. */
  lane?: BudgetLane;
  /** Aborts the call (it then fails transiently). */
  signal?: AbortSignal;
}

/** Options of a POST or PATCH: the caller supplies a deterministic business key. */
export interface WriteOptions extends CallOptions {
  /** e.g. `sr-create:<exception key>`; the same key with the same body replays the first answer for 24 h. */
  idempotencyKey: string;
}

/** Result of an idempotent create: `existing` when the `external_ref` was already taken by an earlier create. */
export interface CreateSourcingRequestResult {
  sourcingRequest: SourcingRequest;
  outcome: 'created' | 'existing';
}

type Method = 'GET' | 'POST' | 'PATCH';

interface Request {
  operation: string;
  method: Method;
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  options?: CallOptions;
  /** Answer `undefined` on 404 instead of throwing. */
  notFoundIsAbsent?: boolean;
}

const MAX_PAGES = 10_000;

/**
 * Client of the procurement platform's REST API v2. Every failure is one of the domain failure
 * classes: TransientFailure (5xx, 408, 429 with its Retry-After, timeouts, network; and
 * RequestBudgetExhausted when the request budget could not be had in time: nothing was sent),
 * BusinessRejection (supplier_not_approved, invalid_state, not_found on a write) or
 * ContractViolation (invalid_field, idempotency_key_reused, unexpected answers, bad credentials).
 */
export class ProcurementClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;
  private token: { value: string; refreshAt: number } | undefined;
  private tokenInFlight: Promise<string> | undefined;

  constructor(private readonly options: ProcurementClientOptions) {
    const problem = options.requireHttps ? outboundUrlProblem(options.baseUrl, true) : undefined;
    if (problem) throw new Error(`procurement platform base URL ${problem}`);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /** `GET /api/v2/suppliers/{supplier_number}`; `null` when the platform does not know the supplier. */
  async getSupplier(supplierNumber: string, options?: CallOptions): Promise<Supplier | null> {
    const json = await this.send({
      operation: 'getSupplier',
      method: 'GET',
      path: `/api/v2/suppliers/${encodeURIComponent(supplierNumber)}`,
      options,
      notFoundIsAbsent: true,
    });
    return json === undefined ? null : decodeSupplier(json);
  }

  /**
   * `POST /api/v2/sourcing-requests`, idempotent on the business identity: when `external_ref` was
   * already used (`409 invalid_state` with `existing_id`, e.g. a retry after a lost answer beyond the
   * Idempotency-Key window) the existing request is fetched and returned as `existing`.
   */
  async createSourcingRequest(
    body: CreateSourcingRequestBody,
    options: WriteOptions,
  ): Promise<CreateSourcingRequestResult> {
    try {
      const json = await this.send({
        operation: 'createSourcingRequest',
        method: 'POST',
        path: '/api/v2/sourcing-requests',
        body,
        idempotencyKey: options.idempotencyKey,
        options,
      });
      return { sourcingRequest: decodeSourcingRequest(json), outcome: 'created' };
    } catch (error) {
      const existingId = error instanceof BusinessRejection ? error.details.existingId : undefined;
      if (typeof existingId !== 'string') throw error;
      const existing = await this.getSourcingRequest(existingId, options);
      if (!existing)
        throw new ContractViolation(`sourcing request ${existingId} named as existing is not found`, SYSTEM, {
          externalRef: body.external_ref,
          existingId,
        });
      if (existing.item_code !== body.item_code || existing.ship_to !== body.ship_to)
        throw new ContractViolation(
          `external_ref ${body.external_ref} is taken by a different request`,
          SYSTEM,
          {
            externalRef: body.external_ref,
            existingId,
            existing: { item_code: existing.item_code, ship_to: existing.ship_to },
          },
        );
      return { sourcingRequest: existing, outcome: 'existing' };
    }
  }

  /** `GET /api/v2/sourcing-requests/{id}`; `null` when not found. */
  async getSourcingRequest(id: string, options?: CallOptions): Promise<SourcingRequest | null> {
    const json = await this.send({
      operation: 'getSourcingRequest',
      method: 'GET',
      path: `/api/v2/sourcing-requests/${encodeURIComponent(id)}`,
      options,
      notFoundIsAbsent: true,
    });
    return json === undefined ? null : decodeSourcingRequest(json);
  }

  /**
   * `GET /api/v2/sourcing-requests` page by page (filters repeated on every page). Each page costs
   * one budget token.
   */
  async *sourcingRequestPages(
    filter: SourcingRequestFilter = {},
    options?: CallOptions,
  ): AsyncGenerator<SourcingRequest[], void, undefined> {
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const json = await this.send({
        operation: 'listSourcingRequests',
        method: 'GET',
        path: '/api/v2/sourcing-requests',
        query: { ...filter, page_token: pageToken },
        options,
      });
      const decoded = decodePage(json, decodeSourcingRequest);
      yield decoded.data;
      if (decoded.next_page_token === null || decoded.next_page_token === '') return;
      // A token handed out twice would loop for ever.
      if (seen.has(decoded.next_page_token))
        throw new ContractViolation('procurement list repeated a page token', SYSTEM, {
          pageToken: decoded.next_page_token,
        });
      seen.add(decoded.next_page_token);
      pageToken = decoded.next_page_token;
    }
    throw new ContractViolation(`procurement list did not end within ${MAX_PAGES} pages`, SYSTEM, { filter });
  }

  /** Every sourcing request matching the filter, across all pages. */
  async listSourcingRequests(
    filter: SourcingRequestFilter = {},
    options?: CallOptions,
  ): Promise<SourcingRequest[]> {
    const all: SourcingRequest[] = [];
    for await (const page of this.sourcingRequestPages(filter, options)) all.push(...page);
    return all;
  }

  /** `PATCH /api/v2/sourcing-requests/{id}` (quantity and/or need_by); only while `open`, else INVALID_STATE. */
  async amendSourcingRequest(
    id: string,
    body: AmendSourcingRequestBody,
    options: WriteOptions,
  ): Promise<SourcingRequest> {
    const json = await this.send({
      operation: 'amendSourcingRequest',
      method: 'PATCH',
      path: `/api/v2/sourcing-requests/${encodeURIComponent(id)}`,
      body,
      idempotencyKey: options.idempotencyKey,
      options,
    });
    return decodeSourcingRequest(json);
  }

  /** `POST /api/v2/sourcing-requests/{id}/cancel`; a cancelled one is a no-op, an awarded one INVALID_STATE. */
  async cancelSourcingRequest(id: string, options: WriteOptions): Promise<SourcingRequest> {
    const json = await this.send({
      operation: 'cancelSourcingRequest',
      method: 'POST',
      path: `/api/v2/sourcing-requests/${encodeURIComponent(id)}/cancel`,
      body: {},
      idempotencyKey: options.idempotencyKey,
      options,
    });
    return decodeSourcingRequest(json);
  }

  /** `POST /api/v2/purchase-orders`: awards an open sourcing request whose supplier is approved. */
  async createPurchaseOrder(body: CreatePurchaseOrderBody, options: WriteOptions): Promise<PurchaseOrder> {
    const json = await this.send({
      operation: 'createPurchaseOrder',
      method: 'POST',
      path: '/api/v2/purchase-orders',
      body,
      idempotencyKey: options.idempotencyKey,
      options,
    });
    return decodePurchaseOrder(json);
  }

  /** `GET /api/v2/purchase-orders/{po_number}`; `null` when not found. */
  async getPurchaseOrder(poNumber: string, options?: CallOptions): Promise<PurchaseOrder | null> {
    const json = await this.send({
      operation: 'getPurchaseOrder',
      method: 'GET',
      path: `/api/v2/purchase-orders/${encodeURIComponent(poNumber)}`,
      options,
      notFoundIsAbsent: true,
    });
    return json === undefined ? null : decodePurchaseOrder(json);
  }

  /** `POST /api/v2/purchase-orders/{po_number}/status`: syncs an ERP outcome back (`erp_reference` required). */
  async updatePurchaseOrderStatus(
    poNumber: string,
    body: PurchaseOrderStatusUpdate,
    options: WriteOptions,
  ): Promise<PurchaseOrder> {
    const json = await this.send({
      operation: 'updatePurchaseOrderStatus',
      method: 'POST',
      path: `/api/v2/purchase-orders/${encodeURIComponent(poNumber)}/status`,
      body,
      idempotencyKey: options.idempotencyKey,
      options,
    });
    return decodePurchaseOrder(json);
  }

  // One API call: budget, bearer token (refreshed once on 401), one in-process wait on a short 429.
  private async send(request: Request): Promise<unknown> {
    if (request.method !== 'GET' && !request.idempotencyKey?.trim())
      throw new ContractViolation(`${request.operation}: an Idempotency-Key is required`, SYSTEM);
    const url = new URL(this.baseUrl + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, value);
    }
    const lane = request.options?.lane ?? this.options.defaultLane ?? 'critical';
    let refreshed = false;
    let waited = false;
    for (;;) {
      await this.takeBudget(lane, request.operation);
      const token = await this.accessToken();
      const headers: Record<string, string> = {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
      };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
      const {
        status,
        headers: answerHeaders,
        text,
      } = await this.http(request.operation, url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: request.options?.signal,
      });

      if (status === 401 && !refreshed) {
        // Expired or revoked token: fetch a new one once; the rejected call was not processed.
        if (this.token?.value === token) this.token = undefined;
        refreshed = true;
        continue;
      }
      if (status === 429 && !waited) {
        const retryAfter = parseRetryAfter(answerHeaders.get('retry-after'), this.now());
        const limit = this.options.maxInProcessRetryAfterSeconds ?? 1;
        if (retryAfter !== undefined && retryAfter <= limit) {
          waited = true;
          await this.sleep(retryAfter * 1000);
          continue;
        }
      }
      if (status >= 200 && status < 300) return parseJson(request.operation, text);
      // Only the platform's own not_found means absent: a 404 from a wrong base URL must not.
      if (
        status === 404 &&
        request.notFoundIsAbsent &&
        readApiErrors(tryParseJson(text))?.[0]?.code === 'not_found'
      )
        return undefined;
      throw this.failure(request.operation, status, answerHeaders, text);
    }
  }

  private async takeBudget(lane: BudgetLane, operation: string): Promise<void> {
    const budget = this.options.budget;
    if (!budget) return;
    const deadline = this.now() + (this.options.maxBudgetWaitMs ?? 1000);
    for (;;) {
      const decision = await budget.take(lane);
      if (decision.granted) return;
      const wait = Math.max(1, decision.retryInMs);
      if (this.now() + wait > deadline)
        throw new RequestBudgetExhausted(operation, lane, SYSTEM, Math.max(1, Math.ceil(wait / 1000)));
      await this.sleep(wait);
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    // One token request at a time; concurrent callers share it.
    this.tokenInFlight ??= this.fetchToken().finally(() => {
      this.tokenInFlight = undefined;
    });
    return this.tokenInFlight;
  }

  private async fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.options.credentials.clientId,
      client_secret: this.options.credentials.clientSecret,
    });
    const startedAt = this.now();
    const { status, headers, text } = await this.http('token', new URL(`${this.baseUrl}/oauth2/token`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    if (status >= 200 && status < 300) {
      const token = decodeToken(parseJson('token', text));
      const lifetimeMs = token.expires_in * 1000;
      const marginMs = Math.min((this.options.tokenRefreshMarginSeconds ?? 60) * 1000, lifetimeMs / 10);
      this.token = { value: token.access_token, refreshAt: startedAt + lifetimeMs - marginMs };
      return token.access_token;
    }
    if (status === 408 || status === 429 || status >= 500) throw this.failure('token', status, headers, text);
    // invalid_client and friends: the configured credentials are wrong; backing off will not fix them.
    const body = tryParseJson(text) as { error?: unknown } | undefined;
    throw new ContractViolation(`procurement token request refused (${status})`, SYSTEM, {
      operation: 'token',
      status,
      error: typeof body?.error === 'string' ? body.error : undefined,
    });
  }

  private async http(
    operation: string,
    url: URL,
    init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const timeoutMs = requestTimeoutMs(SYSTEM, operation, this.timeoutMs, this.options.timeLeftMs);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
    try {
      const response = await this.fetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal,
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      const timedOut = timeout.aborted;
      // The request may have been processed: the Idempotency-Key makes a retry safe.
      throw new TransientFailure(
        `${operation}: procurement ${timedOut ? `timed out after ${timeoutMs} ms` : 'request failed'}`,
        SYSTEM,
        undefined,
        { cause: error },
      );
    }
  }

  private failure(operation: string, status: number, headers: Headers, text: string): Error {
    const errors = readApiErrors(tryParseJson(text));
    const details: Record<string, unknown> = { operation, status, errors: errors ?? text.slice(0, 500) };
    const summary =
      errors?.map((e) => `${e.code}${e.field ? `(${e.field})` : ''}`).join(', ') ?? `HTTP ${status}`;
    const message = `${operation}: procurement answered ${status} ${summary}`;
    if (status === 429)
      return new TransientFailure(message, SYSTEM, parseRetryAfter(headers.get('retry-after'), this.now()));
    if (status === 408 || status >= 500) return new TransientFailure(message, SYSTEM);
    const business = errors?.find((e) => BUSINESS_CODES[e.code] !== undefined);
    if (business) {
      const existingId = errors?.find((e) => e.existing_id)?.existing_id;
      return new BusinessRejection(BUSINESS_CODES[business.code]!, message, SYSTEM, {
        ...details,
        ...(existingId ? { existingId } : {}),
      });
    }
    // invalid_field, idempotency_key_reused, a 401 after a fresh token, undocumented answers: our side is wrong.
    return new ContractViolation(message, SYSTEM, details);
  }
}

/** Vendor error codes that are business answers, and the stable reason each becomes. */
const BUSINESS_CODES: Record<string, string> = {
  supplier_not_approved: 'SUPPLIER_NOT_APPROVED',
  invalid_state: 'INVALID_STATE',
  not_found: 'NOT_FOUND',
} satisfies Partial<Record<ApiError['code'], string>>;

/** Seconds from a Retry-After header (delta seconds or an HTTP date), or `undefined`. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseJson(operation: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ContractViolation(`${operation}: procurement answer is not JSON`, SYSTEM, {
      body: text.slice(0, 200),
    });
  }
}
