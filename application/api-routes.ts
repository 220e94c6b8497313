/**
 * The API routes: path, method, handler and how callers are admitted. Plain data (no aws-cdk-lib
 * import). `signed-webhook` routes carry vendor HMAC signatures checked in the function (API Gateway
 * cannot verify them), need no API key and are served by the webhook HTTP API (ADR 0005); every
 * `identity` route is served by the governed REST API, admits a verified access token holding one
 * of its scopes (ADR 0009) and meters the caller's API key on a usage plan.
 */
import type { FunctionKey } from './functions';
import type { SupplylineScope } from './identity';

/**
 * Request body models the API validates, by canonical schema name: the schema is
 * canonical/generated/json-schema/api/<Name>.json.
 */
export const API_MODELS = ['ApprovalDecision', 'ExceptionResolution', 'PurchaseOrderProposal'] as const;

/** A request body model name. */
export type ApiModelName = (typeof API_MODELS)[number];

/** One route. */
export interface ApiRouteDefinition {
  /** Starts with `/v1/`; `{name}` segments are required path parameters. */
  readonly path: `/v1/${string}`;
  readonly method: 'GET' | 'POST';
  readonly handler: FunctionKey;
  /** `signed-webhook`: HTTP API, POST, no key; `identity`: REST API, bearer token, usage plan, validation. */
  readonly access: 'signed-webhook' | 'identity';
  /** `identity` routes: a caller holding any one of these scopes is admitted. */
  readonly scopes?: readonly SupplylineScope[];
  /** Validated request body (application/json). */
  readonly requestModel?: ApiModelName;
  /** Optional query string parameters. */
  readonly queryParameters?: readonly string[];
  /**
   * Routes that declare their whole contract here (the process APIs): the OpenAPI operation is
   * generated from this declaration (scripts/codegen/documents.ts).
   */
  readonly contract?: ApiRouteContract;
}

/** A route's published contract: its OpenAPI operation, generated from these facts. */
export interface ApiRouteContract {
  readonly operationId: string;
  readonly summary: string;
  /** Who answers for the route (OpenAPI `x-owner`). */
  readonly owner: string;
  /** Canonical schema of the 200 answer (application/json). */
  readonly responseModel: string;
  /** Canonical schema whose properties are the path and query parameters (`queryParameters`). */
  readonly parametersModel?: string;
  /** What the handler answers besides 200, by status: the problem `type` URIs' kinds and why. */
  readonly problems: Readonly<Record<number, ApiProblem>>;
  /**
   * Answers carry their freshness (`As-Of`, `Age`), `ETag` and `Cache-Control`, and a matching
   * `If-None-Match` is answered 304 (the system APIs, ADR 12).
   */
  readonly conditional?: boolean;
}

/** A refusal a handler answers: `urn:supplyline:problem:<kind>` for each of `kinds`. */
export interface ApiProblem {
  readonly kinds: readonly string[];
  readonly description: string;
}

/** The routes. */
export const API_ROUTES: readonly ApiRouteDefinition[] = [
  { path: '/v1/webhooks/planning', method: 'POST', handler: 'planning-webhook', access: 'signed-webhook' },
  {
    path: '/v1/webhooks/procurement',
    method: 'POST',
    handler: 'procurement-webhook',
    access: 'signed-webhook',
  },
  {
    path: '/v1/approvals/{approvalId}/decision',
    method: 'POST',
    handler: 'approval-decision',
    access: 'identity',
    scopes: ['supplyline/approvals.decide'],
    requestModel: 'ApprovalDecision',
  },
  // Scopes once routes are 'identity': supplyline/approvals.read, then supplyline/audit.read.
  {
    path: '/v1/approvals',
    method: 'GET',
    handler: 'pending-approvals',
    access: 'identity',
    scopes: ['supplyline/approvals.read'],
    queryParameters: ['status', 'limit', 'cursor'],
  },
  {
    path: '/v1/commitments/{commitmentId}/approval-audit',
    method: 'GET',
    handler: 'approval-audit',
    access: 'identity',
    scopes: ['supplyline/audit.read'],
    queryParameters: ['limit', 'cursor'],
  },
  {
    path: '/v1/purchase-orders/{poId}/sync',
    method: 'GET',
    handler: 'purchase-order-sync-status',
    access: 'identity',
    scopes: ['supplyline/purchase-orders.read'],
  },
  {
    path: '/v1/integration-exceptions',
    method: 'GET',
    handler: 'integration-exceptions-list',
    access: 'identity',
    scopes: ['supplyline/exceptions.read'],
    queryParameters: ['status', 'limit', 'nextToken'],
  },
  {
    path: '/v1/integration-exceptions/{id}/resolve',
    method: 'POST',
    handler: 'integration-exception-resolve',
    access: 'identity',
    scopes: ['supplyline/exceptions.resolve'],
    requestModel: 'ExceptionResolution',
  },
  // Process APIs (issue #17): the commitment workflow's own policy checks, without side effects.
  {
    path: '/v1/purchase-order-validations',
    method: 'POST',
    handler: 'purchase-order-validation',
    access: 'identity',
    scopes: ['supplyline/purchase-orders.validate'],
    requestModel: 'PurchaseOrderProposal',
    contract: {
      operationId: 'validatePurchaseOrder',
      summary:
        'Checks a proposed purchase order with the commitment workflow’s policy checks (item, warehouse, ' +
        'supplier, currency, monthly budget, approval need); changes nothing',
      owner: 'procurement-integration',
      responseModel: 'PurchaseOrderValidation',
      problems: {
        400: { kinds: ['malformed-json'], description: 'The body is not JSON' },
        422: {
          kinds: ['validation-failed'],
          description: 'The proposal breaks its schema; every error is listed',
        },
        503: { kinds: ['try-again'], description: 'The ERP or procurement is not answering; send it again' },
      },
    },
  },
  {
    path: '/v1/suppliers/{supplierNumber}/eligibility',
    method: 'GET',
    handler: 'supplier-eligibility',
    access: 'identity',
    scopes: ['supplyline/suppliers.read'],
    queryParameters: ['itemCode', 'site'],
    contract: {
      operationId: 'getSupplierEligibility',
      summary: 'Whether a supplier may receive an order for an item at a site, check by check',
      owner: 'procurement-integration',
      responseModel: 'SupplierEligibility',
      parametersModel: 'SupplierEligibilityRequest',
      problems: {
        400: {
          kinds: ['invalid-parameter'],
          description: 'The supplier number, itemCode or site is missing or malformed; every error is listed',
        },
        503: { kinds: ['try-again'], description: 'The ERP or procurement is not answering; send it again' },
      },
    },
  },
  ...systemApiRoutes(),
];

/**
 * The system APIs (issue #17, ADR 12): each view by id and as a list, answered from the read store
 * with its freshness; `updatedSince`, `limit` and `cursor` page through what changed.
 */
function systemApiRoutes(): ApiRouteDefinition[] {
  const views = [
    {
      noun: 'items',
      one: 'Item',
      id: 'itemCode',
      filters: ['status'],
      handler: 'item-read',
      scope: 'supplyline/items.read',
    },
    {
      noun: 'suppliers',
      one: 'Supplier',
      id: 'supplierNumber',
      filters: ['procurementStatus', 'eligible'],
      handler: 'supplier-read',
      scope: 'supplyline/suppliers.read',
    },
    {
      noun: 'purchase-orders',
      one: 'PurchaseOrder',
      id: 'poId',
      filters: ['supplierNumber', 'status'],
      handler: 'purchase-order-read',
      scope: 'supplyline/purchase-orders.read',
    },
  ] as const;
  const unavailable = {
    kinds: ['try-again'],
    description: 'The systems of record are not answering and the store has no copy; send it again',
  };
  const invalid = (what: string) => ({
    kinds: ['invalid-parameter'],
    description: `${what}; every error is listed`,
  });
  return views.flatMap((view): ApiRouteDefinition[] => {
    const operation = view.noun.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
    const singular = view.one.charAt(0).toLowerCase() + view.one.slice(1);
    const common = {
      method: 'GET',
      handler: view.handler,
      access: 'identity',
      scopes: [view.scope],
    } as const;
    const contract = {
      owner: 'procurement-integration',
      parametersModel: `${view.one}Query`,
      conditional: true,
    };
    return [
      {
        ...common,
        path: `/v1/${view.noun}/{${view.id}}`,
        contract: {
          ...contract,
          operationId: `get${view.one}`,
          summary: `One ${singular.replace(/([A-Z])/g, ' $1').toLowerCase()} as a canonical view, with its freshness`,
          responseModel: `${view.one}View`,
          problems: {
            400: invalid(`The ${view.id} is malformed`),
            404: {
              kinds: [`${singular.replace(/([A-Z])/g, '-$1').toLowerCase()}-not-found`],
              description: 'No system of record knows it',
            },
            503: unavailable,
          },
        },
      },
      {
        ...common,
        path: `/v1/${view.noun}`,
        queryParameters: [...view.filters, 'updatedSince', 'limit', 'cursor'],
        contract: {
          ...contract,
          operationId: `list${operation.charAt(0).toUpperCase()}${operation.slice(1)}`,
          summary: `The ${view.noun.replace('-', ' ')} the store holds, in the order they last changed`,
          responseModel: `${view.one}Page`,
          problems: {
            400: invalid('A filter, updatedSince, limit or cursor is malformed'),
            503: unavailable,
          },
        },
      },
    ];
  });
}
