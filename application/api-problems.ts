/**
 * Every problem `type` the HTTP APIs answer (RFC 9457): `urn:supplyline:problem:<kind>`, one entry
 * per kind, so a caller's tooling can branch on the type and a person can look it up. Plain data:
 * the OpenAPI document (scripts/codegen/documents.ts), docs/problems.md and the REST API's gateway
 * responses (lib/constructs/supplyline-api.ts; the local API Gateway answers the same templates)
 * are generated from it; test/application/api-problems.test.ts holds every kind the code answers
 * to this list.
 */

/** The `type` URI of a problem kind. */
export const problemType = (kind: string): string => `urn:supplyline:problem:${kind}`;

/** One documented problem kind. */
export interface ProblemKind {
  readonly title: string;
  /** When it is answered and what the caller does about it. */
  readonly description: string;
  /**
   * Who answers it: API Gateway itself, the governed API's handlers, the webhook intake, or only
   * the webhook edge (CloudFront + WAF, {@link WEBHOOK_EDGE_PROBLEMS}).
   */
  readonly answeredBy: 'gateway' | 'api' | 'webhook' | 'edge';
}

/** The problem kinds answered by the API handlers and the webhook intake. */
export const PROBLEM_KINDS = {
  'malformed-json': {
    title: 'Bad request',
    description: 'The body is not JSON. Fix the body; sending it again unchanged fails the same way.',
    answeredBy: 'api',
  },
  'missing-parameter': {
    title: 'Bad request',
    description: 'A path parameter the operation needs is empty.',
    answeredBy: 'api',
  },
  'invalid-query': {
    title: 'Bad request',
    description:
      'A query parameter is out of range (limit), not allowed (status) or not one we gave out (cursor).',
    answeredBy: 'api',
  },
  'invalid-parameter': {
    title: 'Bad request',
    description: 'A path or query parameter is missing or malformed; `errors` lists each with its pointer.',
    answeredBy: 'api',
  },
  'validation-failed': {
    title: 'Unprocessable content',
    description: 'The body breaks its schema; `errors` lists every error with its JSON pointer.',
    answeredBy: 'api',
  },
  unauthenticated: {
    title: 'Unauthorized',
    description: 'The operation changes something and needs a verified caller (a bearer access token).',
    answeredBy: 'api',
  },
  'person-required': {
    title: 'Forbidden',
    description: 'Only a person may decide an approval, not an application’s client (docs/approvals.md).',
    answeredBy: 'api',
  },
  'approver-role': {
    title: 'Forbidden',
    description: 'The caller holds no approver role (docs/approvals.md); the commitment keeps waiting.',
    answeredBy: 'api',
  },
  'separation-of-duties': {
    title: 'Forbidden',
    description: 'The caller requested the commitment and cannot approve it (docs/approvals.md).',
    answeredBy: 'api',
  },
  'approval-limit': {
    title: 'Forbidden',
    description: 'The commitment is above the caller’s approval limit (docs/approvals.md).',
    answeredBy: 'api',
  },
  'idempotency-key-missing': {
    title: 'Bad request',
    description:
      'The operation needs an `Idempotency-Key` header (at most 200 characters) so a retry cannot submit twice.',
    answeredBy: 'api',
  },
  'idempotency-key-reused': {
    title: 'Unprocessable content',
    description:
      'The `Idempotency-Key` was already used by the same caller for a different body; use a new key for a new submission.',
    answeredBy: 'api',
  },
  'requisition-not-found': {
    title: 'Not found',
    description: 'No purchase requisition has this id.',
    answeredBy: 'api',
  },
  'not-requester': {
    title: 'Forbidden',
    description: 'Only the person or application that submitted the requisition may cancel it.',
    answeredBy: 'api',
  },
  'requisition-committed': {
    title: 'Conflict',
    description:
      'The requisition’s purchase order is already committed (awarded and posted to the ERP); nothing was changed.',
    answeredBy: 'api',
  },
  'requisition-closed': {
    title: 'Conflict',
    description: 'The requisition was rejected or failed and cannot be cancelled; nothing was changed.',
    answeredBy: 'api',
  },
  'item-not-found': {
    title: 'Not found',
    description: 'No system of record knows this item (the answer is cached for a day like a found one).',
    answeredBy: 'api',
  },
  'supplier-not-found': {
    title: 'Not found',
    description: 'No system of record knows this supplier (the answer is cached for a day like a found one).',
    answeredBy: 'api',
  },
  'location-not-found': {
    title: 'Not found',
    description:
      'Neither the ERP nor a site cross-reference knows this warehouse (the answer is cached for a day like a found one).',
    answeredBy: 'api',
  },
  'inventory-balance-not-found': {
    title: 'Not found',
    description:
      'The ERP does not know this item or this warehouse (the answer is cached for a day like a found one).',
    answeredBy: 'api',
  },
  'reconciliation-run-in-progress': {
    title: 'Conflict',
    description:
      'A reconciliation run is in progress (named, with its Location); nothing was started. Ask again once it has finished.',
    answeredBy: 'api',
  },
  'reconciliation-run-not-found': {
    title: 'Not found',
    description: 'No reconciliation run has this id (runs are kept 90 days).',
    answeredBy: 'api',
  },
  'approval-not-found': {
    title: 'Not found',
    description: 'No approval has this id.',
    answeredBy: 'api',
  },
  'approval-already-decided': {
    title: 'Conflict',
    description: 'Someone else decided this approval first; the first decision stands.',
    answeredBy: 'api',
  },
  'approval-expired': {
    title: 'Conflict',
    description: 'The approval’s deadline passed; the commitment was not posted.',
    answeredBy: 'api',
  },
  'approval-withdrawn': {
    title: 'Conflict',
    description: 'The requisition the approval was for was cancelled; there is nothing left to decide.',
    answeredBy: 'api',
  },
  'purchase-order-not-found': {
    title: 'Not found',
    description: 'No system has reported this purchase order.',
    answeredBy: 'api',
  },
  'integration-exception-not-found': {
    title: 'Not found',
    description: 'No integration exception has this id.',
    answeredBy: 'api',
  },
  'integration-exception-already-resolved': {
    title: 'Conflict',
    description: 'The integration exception was already resolved.',
    answeredBy: 'api',
  },
  'try-again': {
    title: 'Service unavailable',
    description: 'A system we depend on is not answering; send the same request again after `Retry-After`.',
    answeredBy: 'api',
  },
  'internal-error': {
    title: 'Internal error',
    description: 'The request could not be completed; it is logged with the `instance` request id.',
    answeredBy: 'api',
  },
  'edge-bypass': {
    title: 'Forbidden',
    description: 'A webhook delivery that did not come through the webhook URL (CloudFront) is refused.',
    answeredBy: 'webhook',
  },
  'payload-too-large': {
    title: 'Payload too large',
    description: 'The delivery is larger than the vendor’s limit.',
    answeredBy: 'webhook',
  },
  'unsupported-media-type': {
    title: 'Unsupported media type',
    description: 'The delivery is not application/json.',
    answeredBy: 'webhook',
  },
  'signature-missing': {
    title: 'Unauthorized',
    description: 'The delivery carries no signature headers.',
    answeredBy: 'webhook',
  },
  'signature-malformed': {
    title: 'Unauthorized',
    description: 'The signature headers cannot be parsed.',
    answeredBy: 'webhook',
  },
  'signature-expired': {
    title: 'Unauthorized',
    description: 'The signing time is more than 300 s away from ours.',
    answeredBy: 'webhook',
  },
  'signature-mismatch': {
    title: 'Unauthorized',
    description: 'No signing secret yields the signature.',
    answeredBy: 'webhook',
  },
  'unknown-event': {
    title: 'Bad request',
    description: 'The event header names an event the vendor contract does not have.',
    answeredBy: 'webhook',
  },
  'forbidden-key': {
    title: 'Bad request',
    description: 'The body contains a `__proto__`, `constructor` or `prototype` key.',
    answeredBy: 'webhook',
  },
  'contract-violation': {
    title: 'Unprocessable content',
    description: 'The delivery breaks the vendor contract; `errors` lists every error.',
    answeredBy: 'webhook',
  },
  'unmapped-code': {
    title: 'Unprocessable content',
    description: 'A vendor code that no canonical code table maps (never defaulted).',
    answeredBy: 'webhook',
  },
  'delivery-in-progress': {
    title: 'Service unavailable',
    description: 'Another delivery of the same change is being published; deliver it again later.',
    answeredBy: 'webhook',
  },
  'no-such-webhook': {
    title: 'Not found',
    description:
      'The webhook URL serves only a POST to a vendor webhook path (WAF rule `only-webhook-routes`).',
    answeredBy: 'edge',
  },
  'delivery-rate-limited': {
    title: 'Too many requests',
    description:
      'More deliveries from one IP in 5 minutes than the environment allows (WAF rule `rate-limit-per-ip`, `api.webhookEdge.rateLimitPer5Minutes`); deliver again once the rate falls.',
    answeredBy: 'edge',
  },
  'canonical-limit': {
    title: 'Accepted and held',
    description:
      'Not an error answer: the reason a delivery the vendor allows but the canonical model cannot carry is held (docs/quarantine.md).',
    answeredBy: 'webhook',
  },
} as const satisfies Record<string, ProblemKind>;

/** A problem kind the handlers or the webhook intake answer. */
export type ProblemKindName = keyof typeof PROBLEM_KINDS;

/**
 * The refusals the webhook edge's WebACL answers itself (lib/constructs/webhook-edge.ts), by
 * status: an oversized or unsigned delivery is the kind the intake behind it would answer.
 */
export const WEBHOOK_EDGE_PROBLEMS = {
  401: 'signature-missing',
  404: 'no-such-webhook',
  413: 'payload-too-large',
  429: 'delivery-rate-limited',
} as const satisfies Record<number, ProblemKindName>;

/** A status the webhook edge refuses with. */
export type WebhookEdgeStatus = keyof typeof WEBHOOK_EDGE_PROBLEMS;

/**
 * The refusals API Gateway answers itself, by gateway response type: status and problem kind. Every
 * governed operation can answer those of `everyRoute`; `body` only with a request model; the
 * others are not about one operation (an unknown path, the API's own failures).
 */
export const GATEWAY_PROBLEMS = {
  BAD_REQUEST_BODY: {
    status: 400,
    kind: 'request-body-invalid',
    title: 'Request body is invalid',
    description: 'The body breaks the operation’s request model (API Gateway request validation).',
    applies: 'body',
  },
  BAD_REQUEST_PARAMETERS: {
    status: 400,
    kind: 'request-parameters-invalid',
    title: 'Request parameters are invalid',
    description: 'A required path or query parameter is missing (API Gateway request validation).',
    applies: 'everyRoute',
  },
  UNAUTHORIZED: {
    status: 401,
    kind: 'access-token-invalid',
    title: 'Access token missing or invalid',
    description:
      'No bearer access token, or one that is expired, of another issuer or audience, or not an access token (ADR 0009).',
    applies: 'everyRoute',
  },
  ACCESS_DENIED: {
    status: 403,
    kind: 'scope-missing',
    title: 'Access denied',
    description: 'The access token holds none of the operation’s scopes.',
    applies: 'everyRoute',
  },
  INVALID_API_KEY: {
    status: 403,
    kind: 'api-key-invalid',
    title: 'API key is missing or invalid',
    description: 'The `x-api-key` header is missing or not a key of a usage plan of this API.',
    applies: 'everyRoute',
  },
  WAF_FILTERED: {
    status: 403,
    kind: 'request-blocked',
    title: 'Request blocked',
    description: 'The web application firewall blocked the request (rate per IP or a common-rule match).',
    applies: 'everyRoute',
  },
  MISSING_AUTHENTICATION_TOKEN: {
    status: 404,
    kind: 'no-such-route',
    title: 'No such resource',
    description: 'No operation has this path and method.',
    applies: 'none',
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    kind: 'request-too-large',
    title: 'Request too large',
    description: 'The request is larger than API Gateway accepts (10 MB).',
    applies: 'everyRoute',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    kind: 'media-type-unsupported',
    title: 'Unsupported media type',
    description: 'The body’s content type is not application/json.',
    applies: 'body',
  },
  THROTTLED: {
    status: 429,
    kind: 'throttled',
    title: 'Too many requests',
    description:
      'Above the operation’s declared rate or burst (application/api-routes.ts `throttle`, shown as `x-throttle`), or the usage plan’s; wait and send again.',
    applies: 'everyRoute',
  },
  QUOTA_EXCEEDED: {
    status: 429,
    kind: 'quota-exceeded',
    title: 'Quota exceeded',
    description: 'The API key used its usage plan’s daily quota; it resets at midnight UTC.',
    applies: 'everyRoute',
  },
  INTEGRATION_TIMEOUT: {
    status: 504,
    kind: 'upstream-timeout',
    title: 'Upstream timed out',
    description: 'The operation did not answer within 29 s; it may still complete, so read before retrying.',
    applies: 'everyRoute',
  },
  DEFAULT_4XX: {
    status: undefined,
    kind: 'request-rejected',
    title: 'Request rejected',
    description: 'Any other refusal by API Gateway (e.g. a method the path does not have).',
    applies: 'none',
  },
  DEFAULT_5XX: {
    status: undefined,
    kind: 'gateway-error',
    title: 'Internal error',
    description:
      'API Gateway could not get an answer from the operation (the function failed or its answer was malformed).',
    applies: 'everyRoute',
  },
} as const satisfies Record<
  string,
  {
    status: number | undefined;
    kind: string;
    title: string;
    description: string;
    applies: 'everyRoute' | 'body' | 'none';
  }
>;

/** A gateway response type with a problem kind. */
export type GatewayProblemType = keyof typeof GATEWAY_PROBLEMS;
