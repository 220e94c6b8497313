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
  params: Record<string, string>;
}

type Operation = (platform: ProcurementPlatform, call: ApiCall) => ApiAnswer;

/** Path prefix of every API route. */
export const API_PREFIX = '/api/v2';

// Ids are percent-decoded, as the vendor does.
const API_ROUTES = new RoutingTable<Operation>(
  [
    { method: 'GET', pattern: '/suppliers/:id', handler: (p, c) => p.getSupplier(c.params.id!) },
    {
      method: 'POST',
      pattern: '/sourcing-requests',
      handler: (p, c) => p.createSourcingRequest(c.clientId, c.body),
    },
    {
      method: 'GET',
      pattern: '/sourcing-requests',
      handler: (p, c) => p.listSourcingRequests(c.clientId, c.query),
    },
    {
      method: 'GET',
      pattern: '/sourcing-requests/:id',
      handler: (p, c) => p.getSourcingRequest(c.clientId, c.params.id!),
    },
    {
      method: 'PATCH',
      pattern: '/sourcing-requests/:id',
      handler: (p, c) => p.amendSourcingRequest(c.clientId, c.params.id!, c.body),
    },
    {
      method: 'POST',
      pattern: '/sourcing-requests/:id/cancel',
      handler: (p, c) => p.cancelSourcingRequest(c.clientId, c.params.id!),
    },
    {
      method: 'POST',
      pattern: '/purchase-orders',
      handler: (p, c) => p.createPurchaseOrder(c.clientId, c.body),
    },
    {
      method: 'GET',
      pattern: '/purchase-orders/:id',
      handler: (p, c) => p.getPurchaseOrder(c.clientId, c.params.id!),
    },
    {
      method: 'POST',
      pattern: '/purchase-orders/:id/status',
      handler: (p, c) => p.updatePurchaseOrderStatus(c.clientId, c.params.id!, c.body),
    },
  ],
  { decodeSegments: true },
);

/** Answers an API call; an unknown path or method gets 404 `not_found` (the vendor sends no 405). */
export function answerApiCall(
  platform: ProcurementPlatform,
  method: string,
  url: URL,
  call: Omit<ApiCall, 'params' | 'query'>,
): ApiAnswer {
  const path = url.pathname.replace(/\/+$/, '');
  const route = path.startsWith(`${API_PREFIX}/`)
    ? API_ROUTES.match(method, path.slice(API_PREFIX.length))
    : undefined;
  if (route?.kind !== 'found')
    return errorAnswer(404, { code: 'not_found', message: `no route ${method} ${path}` });
  return route.handler(platform, { ...call, query: url.searchParams, params: route.params });
}
