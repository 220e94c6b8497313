/**
 * The procurement platform's REST API v2 as a routing table: method and path under `/api/v2` to
 * the platform operation that answers it. Auth, rate limits, idempotency and faults come before.
 */
import { RoutingTable } from '../routing';
import type { ApiAnswer, ProcurementPlatform } from './platform';
import { errorAnswer } from './platform';

/** One authenticated API call, its JSON body parsed. */
export interface ApiCall {
  clientId: string;
  body: unknown;
  query: URLSearchParams;
  /** The `:id` of the path, where it has one. */
  id: string;
}

type Operation = (platform: ProcurementPlatform, call: ApiCall) => ApiAnswer;

/** Path prefix of every API route. */
export const API_PREFIX = '/api/v2';

// Ids are percent-decoded, as the vendor does.
const API_ROUTES = RoutingTable.of<Operation>(
  {
    'GET /suppliers/:id': (p, c) => p.getSupplier(c.id),
    'POST /sourcing-requests': (p, c) => p.createSourcingRequest(c.clientId, c.body),
    'GET /sourcing-requests': (p, c) => p.listSourcingRequests(c.clientId, c.query),
    'GET /sourcing-requests/:id': (p, c) => p.getSourcingRequest(c.clientId, c.id),
    'PATCH /sourcing-requests/:id': (p, c) => p.amendSourcingRequest(c.clientId, c.id, c.body),
    'POST /sourcing-requests/:id/cancel': (p, c) => p.cancelSourcingRequest(c.clientId, c.id),
    'POST /purchase-orders': (p, c) => p.createPurchaseOrder(c.clientId, c.body),
    'GET /purchase-orders/:id': (p, c) => p.getPurchaseOrder(c.clientId, c.id),
    'POST /purchase-orders/:id/status': (p, c) => p.updatePurchaseOrderStatus(c.clientId, c.id, c.body),
  },
  { decodeSegments: true },
);

/** Answers an API call; an unknown path or method gets 404 `not_found` (the vendor sends no 405). */
export function answerApiCall(
  platform: ProcurementPlatform,
  method: string,
  url: URL,
  call: Omit<ApiCall, 'id' | 'query'>,
): ApiAnswer {
  const path = url.pathname.replace(/\/+$/, '');
  const route = path.startsWith(`${API_PREFIX}/`)
    ? API_ROUTES.match(method, path.slice(API_PREFIX.length))
    : undefined;
  if (route?.kind !== 'found')
    return errorAnswer(404, { code: 'not_found', message: `no route ${method} ${path}` });
  return route.handler(platform, { ...call, query: url.searchParams, id: route.params.id ?? '' });
}
