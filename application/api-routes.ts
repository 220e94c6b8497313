/**
 * The API routes: path, method, handler and how callers are admitted. Plain data (no aws-cdk-lib
 * import). `signed-webhook` routes carry vendor HMAC signatures checked in the function (API Gateway
 * cannot verify them), need no API key and are served by the webhook HTTP API (ADR 0005); every
 * `identity` route is served by the governed REST API, admits a verified access token holding one
 * of its scopes (ADR 0009) and meters the caller's API key on a usage plan.
 */
import type { FunctionKey } from './functions';
import { SUPPLYLINE_SCOPES, type SupplylineScope } from './identity';

/**
 * Request body models the API validates, by canonical schema name: the schema is
 * canonical/generated/json-schema/api/<Name>.json.
 */
export const API_MODELS = [
  'ApprovalDecision',
  'ExceptionResolution',
  'PurchaseOrderProposal',
  'PurchaseRequisitionSubmission',
] as const;

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
  /**
   * `<major>.<minor>` of the route's contract (OpenAPI `x-version`); the major is the path's
   * (`/v1/`): a breaking change is a new route under `/v<major + 1>/` (docs/contracts.md).
   * @default `<path major>.0`
   */
  readonly version?: `${number}.${number}`;
  /**
   * Requests per second and burst the route admits (API Gateway method throttling; the local API
   * Gateway enforces the same numbers), above which callers get 429 `throttled`.
   * @default the environment's `api.governedThrottling`
   */
  readonly throttle?: ApiRouteThrottle;
  /** Set once a successor is published: the route answers with Deprecation, Sunset and Link headers. */
  readonly deprecation?: ApiRouteDeprecation;
}

/** A route's throttle: steady requests per second, and the burst allowed above it. */
export interface ApiRouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** A deprecated route (RFC 9745 Deprecation, RFC 8594 Sunset, `Link: rel=successor-version`). */
export interface ApiRouteDeprecation {
  /** Deprecated since (`YYYY-MM-DD`, UTC midnight). */
  readonly date: string;
  /** Removed after (`YYYY-MM-DD`, UTC midnight); at least 90 days after `date` (docs/contracts.md). */
  readonly sunset: string;
  /** The route that replaces it, e.g. `/v2/approvals`. */
  readonly successor: `/v${number}/${string}`;
}

/** A route's published contract: its OpenAPI operation, generated from these facts. */
export interface ApiRouteContract {
  readonly operationId: string;
  readonly summary: string;
  /** Who answers for the route (OpenAPI `x-owner`). */
  readonly owner: string;
  /** Canonical schema of the success answer (application/json). */
  readonly responseModel: string;
  /** The success status: 202 for a request accepted to run (a `Location` header names it). @default 200 */
  readonly successStatus?: 200 | 202;
  /** Request headers the operation reads (OpenAPI `in: header` parameters). */
  readonly headers?: readonly ApiHeaderParameter[];
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

/** A request header of an operation. */
export interface ApiHeaderParameter {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
  readonly maxLength: number;
}

/** A refusal a handler answers: `urn:supplyline:problem:<kind>` for each of `kinds`. */
export interface ApiProblem {
  readonly kinds: readonly string[];
  readonly description: string;
}

/** `Idempotency-Key`: a retried submission answers the same requisition, never a second one. */
const IDEMPOTENCY_KEY_HEADER: ApiHeaderParameter = {
  name: 'Idempotency-Key',
  required: true,
  description:
    'The client’s key of this submission (1 to 200 printable characters): the same key and body answer ' +
    'the same requisition; the same key with another body is refused',
  maxLength: 200,
};

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
    contract: {
      operationId: 'decideApproval',
      summary:
        'Approves or rejects a commitment waiting for approval; the approver is the verified caller ' +
        '(a body `approver` is ignored) and the same decision sent again answers the first one',
      owner: 'procurement-integration',
      responseModel: 'ApprovalOutcome',
      parametersModel: 'ApprovalDecisionParameters',
      problems: {
        400: { kinds: ['malformed-json', 'missing-parameter'], description: 'The body is not JSON' },
        401: { kinds: ['unauthenticated'], description: 'No verified caller' },
        403: {
          kinds: ['person-required', 'approver-role', 'separation-of-duties', 'approval-limit'],
          description: 'Refused by the rule the type names; the commitment keeps waiting',
        },
        404: { kinds: ['approval-not-found'], description: 'No such approval' },
        409: {
          kinds: ['approval-already-decided', 'approval-expired', 'approval-withdrawn'],
          description:
            'Decided by someone else first, expired, or withdrawn by the requisition’s cancellation',
        },
        422: { kinds: ['validation-failed'], description: 'Invalid decision (a rejection needs a reason)' },
      },
    },
  },
  {
    path: '/v1/approvals',
    method: 'GET',
    handler: 'pending-approvals',
    access: 'identity',
    scopes: ['supplyline/approvals.read'],
    queryParameters: ['status', 'limit', 'cursor'],
    contract: {
      operationId: 'listPendingApprovals',
      summary: 'Approvals waiting that the caller may decide, soonest deadline first',
      owner: 'procurement-integration',
      responseModel: 'ApprovalRequestPage',
      parametersModel: 'PendingApprovalsParameters',
      problems: {
        400: { kinds: ['invalid-query'], description: 'status, limit or cursor is not allowed' },
        401: { kinds: ['unauthenticated'], description: 'No verified caller' },
      },
    },
  },
  {
    path: '/v1/commitments/{commitmentId}/approval-audit',
    method: 'GET',
    handler: 'approval-audit',
    access: 'identity',
    scopes: ['supplyline/audit.read'],
    queryParameters: ['limit', 'cursor'],
    contract: {
      operationId: 'listApprovalAudit',
      summary: 'Every decision on a commitment, oldest first, from the write-once audit trail',
      owner: 'procurement-integration',
      responseModel: 'ApprovalDecisionRecordPage',
      parametersModel: 'ApprovalAuditParameters',
      problems: {
        400: { kinds: ['invalid-query', 'missing-parameter'], description: 'limit or cursor is not allowed' },
        401: { kinds: ['unauthenticated'], description: 'No verified caller' },
      },
    },
  },
  {
    path: '/v1/purchase-orders/{poId}/sync',
    method: 'GET',
    handler: 'purchase-order-sync-status',
    access: 'identity',
    scopes: ['supplyline/purchase-orders.read'],
    contract: {
      operationId: 'getPurchaseOrderSyncStatus',
      summary: "A purchase order's state in each system, the lag between them and its history",
      owner: 'operations',
      responseModel: 'SyncStatus',
      parametersModel: 'PurchaseOrderSyncParameters',
      problems: {
        400: { kinds: ['missing-parameter'], description: 'The path names no purchase order' },
        404: { kinds: ['purchase-order-not-found'], description: 'No system has reported it' },
      },
    },
  },
  {
    path: '/v1/integration-exceptions',
    method: 'GET',
    handler: 'integration-exceptions-list',
    access: 'identity',
    scopes: ['supplyline/exceptions.read'],
    queryParameters: ['status', 'limit', 'nextToken'],
    // 1.1: each exception's age bucket and escalation (issue #20).
    version: '1.1',
    contract: {
      operationId: 'listIntegrationExceptions',
      summary: 'Integration exceptions, open ones first, oldest first',
      owner: 'operations',
      responseModel: 'IntegrationExceptionPage',
      parametersModel: 'IntegrationExceptionsParameters',
      problems: {
        400: { kinds: ['invalid-query'], description: 'status, limit or nextToken is not allowed' },
      },
    },
  },
  {
    path: '/v1/integration-exceptions/{id}/resolve',
    method: 'POST',
    handler: 'integration-exception-resolve',
    access: 'identity',
    scopes: ['supplyline/exceptions.resolve'],
    requestModel: 'ExceptionResolution',
    contract: {
      operationId: 'resolveIntegrationException',
      summary: 'Resolves an integration exception with a reason; the resolver is the verified caller',
      owner: 'operations',
      responseModel: 'IntegrationException',
      parametersModel: 'IntegrationExceptionResolveParameters',
      problems: {
        400: { kinds: ['malformed-json', 'missing-parameter'], description: 'The body is not JSON' },
        401: { kinds: ['unauthenticated'], description: 'No verified caller' },
        404: { kinds: ['integration-exception-not-found'], description: 'No such exception' },
        409: { kinds: ['integration-exception-already-resolved'], description: 'Already resolved' },
        422: { kinds: ['validation-failed'], description: 'Invalid resolution' },
      },
    },
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
  // Purchase requisitions (issue #17): run through the commitment workflow (docs/workflows.md).
  {
    path: '/v1/purchase-requisitions',
    method: 'POST',
    handler: 'purchase-requisition-submission',
    access: 'identity',
    scopes: ['supplyline/requisitions.submit'],
    requestModel: 'PurchaseRequisitionSubmission',
    contract: {
      operationId: 'submitPurchaseRequisition',
      summary:
        'Submits a purchase requisition to the commitment workflow (sourcing, policy checks, approval by ' +
        'someone else than the requester, ERP posting, supplier acknowledgement, receipt); answers 202 ' +
        'with its Location. The same Idempotency-Key and body answer the same requisition again',
      owner: 'procurement-integration',
      responseModel: 'PurchaseRequisition',
      successStatus: 202,
      headers: [IDEMPOTENCY_KEY_HEADER],
      problems: {
        400: {
          kinds: ['malformed-json', 'idempotency-key-missing'],
          description: 'The body is not JSON, or the Idempotency-Key header is missing or malformed',
        },
        422: {
          kinds: ['validation-failed', 'idempotency-key-reused'],
          description:
            'The requisition breaks its schema (every error is listed), or its Idempotency-Key was used ' +
            'for a different requisition',
        },
        503: {
          kinds: ['try-again'],
          description: 'The requisition could not be recorded now; send it again',
        },
      },
    },
  },
  {
    path: '/v1/purchase-requisitions/{requisitionId}',
    method: 'GET',
    handler: 'purchase-requisition-status',
    access: 'identity',
    scopes: ['supplyline/requisitions.read', 'supplyline/requisitions.submit'],
    contract: {
      operationId: 'getPurchaseRequisition',
      summary:
        'A purchase requisition: its status, the path it took (each step, when, outcome) and each system’s reference',
      owner: 'procurement-integration',
      responseModel: 'PurchaseRequisition',
      parametersModel: 'PurchaseRequisitionRequest',
      problems: {
        400: { kinds: ['invalid-parameter'], description: 'The requisition id is malformed' },
        404: { kinds: ['requisition-not-found'], description: 'No such requisition' },
      },
    },
  },
  // POST a cancellation (a resource of its own, not DELETE): the requisition stays, with its path.
  {
    path: '/v1/purchase-requisitions/{requisitionId}/cancellation',
    method: 'POST',
    handler: 'purchase-requisition-cancellation',
    access: 'identity',
    scopes: ['supplyline/requisitions.submit'],
    contract: {
      operationId: 'cancelPurchaseRequisition',
      summary:
        'Cancels a purchase requisition while nothing is committed (before the award and ERP posting): its ' +
        'sourcing request is cancelled and its workflow stops; the same cancellation again answers the same',
      owner: 'procurement-integration',
      responseModel: 'PurchaseRequisition',
      parametersModel: 'PurchaseRequisitionRequest',
      problems: {
        400: { kinds: ['invalid-parameter'], description: 'The requisition id is malformed' },
        403: { kinds: ['not-requester'], description: 'Only the requester may cancel a requisition' },
        404: { kinds: ['requisition-not-found'], description: 'No such requisition' },
        409: {
          kinds: ['requisition-committed', 'requisition-closed'],
          description:
            'The purchase order is already committed (awarded and posted), or the requisition was rejected ' +
            'or failed; nothing was changed',
        },
        503: { kinds: ['try-again'], description: 'Procurement is not answering; send it again' },
      },
    },
  },
  // The API's own contract (issue #17): any caller admitted to one operation may read them all.
  {
    path: '/v1/openapi.json',
    method: 'GET',
    handler: 'api-document',
    access: 'identity',
    scopes: [...SUPPLYLINE_SCOPES],
    contract: {
      operationId: 'getApiDocument',
      summary: 'This OpenAPI 3.1 document, generated from the route declarations',
      owner: 'integration-platform',
      responseModel: 'ApiDocument',
      problems: {},
    },
  },
  // On-demand reconciliation runs (issue #20; ADR 0011).
  {
    path: '/v1/reconciliation-runs',
    method: 'POST',
    handler: 'reconciliation-runs',
    access: 'identity',
    scopes: ['supplyline/reconciliation.run'],
    contract: {
      operationId: 'startReconciliationRun',
      summary:
        'Asks for a reconciliation run now, over the window from `since` (default: the contract’s 90 days); ' +
        'answered with its status and Location while it runs in the bulk lane',
      owner: 'procurement-integration',
      responseModel: 'ReconciliationRun',
      successStatus: 202,
      problems: {
        400: { kinds: ['malformed-json'], description: 'The body is not JSON' },
        409: {
          kinds: ['reconciliation-run-in-progress'],
          description: 'A run is in progress (named, with Location); nothing was started',
        },
        422: { kinds: ['validation-failed'], description: 'The body is not `{}` or `{ since }` before now' },
        503: { kinds: ['try-again'], description: 'The run could not be handed over; send it again' },
      },
    },
  },
  {
    path: '/v1/reconciliation-runs/{runId}',
    method: 'GET',
    handler: 'reconciliation-runs',
    access: 'identity',
    scopes: ['supplyline/reconciliation.run'],
    contract: {
      operationId: 'getReconciliationRun',
      summary: 'An on-demand reconciliation run’s status; its counts and reports once finished',
      owner: 'procurement-integration',
      responseModel: 'ReconciliationRun',
      parametersModel: 'ReconciliationRunPath',
      problems: {
        400: { kinds: ['invalid-parameter'], description: 'The run id is malformed' },
        404: { kinds: ['reconciliation-run-not-found'], description: 'No run of that id' },
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
  // Reads are answered from the read store and their ERP reads take the ERP budget's bulk lane, so
  // the gateway need not hold them to the governed default (a few per second): issue #17 asks for
  // 100 reads/s from three consumers, and 200 callers at once.
  const throttle: ApiRouteThrottle = { rateLimit: 200, burstLimit: 400 };
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
    // Locations and balances: routes of the item reader (ERP master data), no function of their own.
    {
      noun: 'locations',
      one: 'Location',
      id: 'warehouseCode',
      filters: ['orderable'],
      handler: 'item-read',
      scope: 'supplyline/locations.read',
    },
    {
      noun: 'inventory-balances',
      one: 'InventoryBalance',
      id: 'balanceId',
      filters: ['itemCode', 'warehouseCode'],
      handler: 'item-read',
      scope: 'supplyline/inventory.read',
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
      throttle,
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
