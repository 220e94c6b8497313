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
  /** Canonical schema of the success answer (application/json). */
  readonly responseModel: string;
  /** The success status: 200 unless the work is accepted to be done later (202, with Location). */
  readonly successStatus?: 200 | 202;
  /** Canonical schema whose properties are the path and query parameters (`queryParameters`). */
  readonly parametersModel?: string;
  /** What the handler answers besides 200, by status: the problem `type` URIs' kinds and why. */
  readonly problems: Readonly<Record<number, ApiProblem>>;
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
];
