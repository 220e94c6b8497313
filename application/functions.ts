/**
 * The function catalog: every Lambda function of the application, where its handler lives and
 * what it may touch. Plain data (no aws-cdk-lib import).
 *
 * To add a function: add its key to FUNCTION_KEYS, add an entry below, then reference the key from
 * a consumer route (`application/routing/routes.ts`), an API route (`lib/constructs/supplyline-api.ts` via
 * the stack) or a workflow (`application/workflows.ts`). Grants both grant IAM access and set
 * the environment variable the handler reads (names in `application/resources.ts`).
 */
import type { BucketKey, ConnectorKey, SecretKey, TableAccess, TableKey } from './resources';

/** Every function of the application. */
export const FUNCTION_KEYS = [
  // Ingress: webhooks verify signatures, publish canonical events, answer 2xx once durable.
  'planning-webhook',
  'procurement-webhook',
  // Governed API.
  'api-authorizer',
  'approval-decision',
  'purchase-order-sync-status',
  'integration-exceptions-list',
  'integration-exception-resolve',
  // Queue consumers (see application/routing/routes.ts).
  'forecast-exception-evaluation',
  'forecast-change-evaluation',
  'acknowledgement-sync',
  'receipt-sync',
  'master-data-sync',
  'forecast-sync',
  'integration-exception-recorder',
  // Tasks of the procurement workflows (see application/workflows.ts).
  'sourcing-request-action',
  'commitment-policy-check',
  'purchase-order-posting',
  'commitment-rejection',
  'approval-request',
  'acknowledgement-wait',
  // Scheduled.
  'erp-receipt-poller',
  'forecast-sync-safety-net',
] as const;

/** A key into the function catalog. */
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

/** How a function uses a workflow. */
export type WorkflowAccess = 'start' | 'taskResponse' | 'startAndTaskResponse';

/** What a function may touch. Each grant also sets the environment variable naming the resource. */
export interface FunctionGrants {
  readonly tables?: Partial<Record<TableKey, TableAccess>>;
  /** Read (and write) access to these buckets, and their `*_BUCKET_NAME` variables. */
  readonly buckets?: Partial<Record<BucketKey, 'read' | 'readWrite'>>;
  /** events:PutEvents on the Supplyline bus, and EVENT_BUS_NAME. */
  readonly bus?: boolean;
  /** Read-only access to these secrets, and their `*_SECRET_ARN` variables. */
  readonly secrets?: readonly SecretKey[];
  /**
   * External systems the function calls: their secret (as `secrets`) and the variables locating
   * them (base URL, database). Calls go through the shared circuit breaker: grant `circuitBreaker`.
   */
  readonly connectors?: readonly ConnectorKey[];
  /** Workflows (by name) this function starts or answers task tokens of. */
  readonly workflows?: Readonly<Record<string, WorkflowAccess>>;
  /** Pass the environment's business rules (budget, approval limit, thresholds) as JSON. */
  readonly businessRules?: boolean;
  /** Pass the environment's identity settings (issuer, audience, groups claim, roles: IDENTITY_*). */
  readonly identity?: boolean;
}

/** One function of the catalog. */
export interface FunctionDefinition {
  readonly key: FunctionKey;
  readonly description: string;
  /** Handler file relative to the project root, exporting `handler`. */
  readonly entry: string;
  /**
   * Lambda timeout. Consumers' timeouts come from their route (lane default or route override) so
   * the queue's visibility timeout and the function cannot disagree; leave it out for them.
   */
  readonly timeoutSeconds?: number;
  readonly memoryMb: number;
  readonly grants: FunctionGrants;
  /** Invoked on a schedule by an EventBridge rule (e.g. `rate(1 minute)`). */
  readonly schedule?: { readonly expression: `rate(${string})` | `cron(${string})` };
}

const BOTH_SYSTEMS: readonly ConnectorKey[] = ['procurement', 'erp'];

/** The catalog. Handlers are written in `functions/`; a missing file fails synth in every environment. */
export const FUNCTION_CATALOG: readonly FunctionDefinition[] = [
  {
    key: 'planning-webhook',
    description: 'Verifies planning webhook signatures and publishes canonical planning events',
    entry: 'functions/webhooks/planning-webhook.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    grants: {
      bus: true,
      secrets: ['planningWebhookSigningCurrent', 'planningWebhookSigningPrevious'],
      tables: { idempotency: 'readWrite', syncLedger: 'readWrite' },
    },
  },
  {
    key: 'procurement-webhook',
    description: 'Verifies procurement webhook signatures and publishes canonical procurement events',
    entry: 'functions/webhooks/procurement-webhook.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    grants: {
      bus: true,
      secrets: ['procurementWebhookSigning'],
      tables: { idempotency: 'readWrite', syncLedger: 'readWrite' },
    },
  },
  {
    key: 'api-authorizer',
    description:
      'Verifies the bearer access token of a governed request and returns the routes its scopes admit',
    entry: 'functions/api/authorizer.ts',
    // A cold start may fetch discovery and the JWKS (2 s each, one retry): room for both.
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { identity: true },
  },
  {
    key: 'approval-decision',
    description: 'Records a person’s approval decision and resumes the waiting commitment-approval workflow',
    entry: 'functions/api/approval-decision.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: {
      bus: true,
      tables: { workflowCorrelation: 'readWrite', idempotency: 'readWrite' },
      workflows: { 'commitment-approval': 'taskResponse' },
    },
  },
  {
    key: 'purchase-order-sync-status',
    description: 'Answers where a purchase order is in its sync across systems',
    entry: 'functions/api/purchase-order-sync-status.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { tables: { syncLedger: 'read', workflowCorrelation: 'read', integrationExceptions: 'read' } },
  },
  {
    key: 'integration-exceptions-list',
    description: 'Lists integration exceptions by status, oldest first',
    entry: 'functions/api/integration-exceptions-list.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { tables: { integrationExceptions: 'read' } },
  },
  {
    key: 'integration-exception-resolve',
    description: 'Resolves an integration exception and publishes integration-exception.resolved',
    entry: 'functions/api/integration-exception-resolve.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { bus: true, tables: { integrationExceptions: 'readWrite' } },
  },
  {
    key: 'forecast-exception-evaluation',
    description: 'Decides whether a forecast exception needs action and starts the purchase commitment',
    entry: 'functions/consumers/forecast-exception-evaluation.ts',
    memoryMb: 512,
    grants: {
      bus: true,
      businessRules: true,
      connectors: ['procurement'],
      tables: { idempotency: 'readWrite', workflowCorrelation: 'read', circuitBreaker: 'readWrite' },
      workflows: { 'purchase-commitment': 'start' },
    },
  },
  {
    key: 'forecast-change-evaluation',
    description: 'Evaluates bulk forecast line changes without starving critical work',
    entry: 'functions/consumers/forecast-change-evaluation.ts',
    memoryMb: 1024,
    grants: {
      bus: true,
      businessRules: true,
      connectors: BOTH_SYSTEMS,
      tables: { idempotency: 'readWrite', workflowCorrelation: 'read', circuitBreaker: 'readWrite' },
      workflows: { 'purchase-commitment': 'start' },
    },
  },
  {
    key: 'acknowledgement-sync',
    description: 'Applies supplier acknowledgements to the ERP purchase order and resumes the workflow',
    entry: 'functions/consumers/acknowledgement-sync.ts',
    memoryMb: 512,
    grants: {
      bus: true,
      connectors: ['erp'],
      tables: {
        idempotency: 'readWrite',
        syncLedger: 'readWrite',
        circuitBreaker: 'readWrite',
        workflowCorrelation: 'readWrite',
      },
      workflows: { 'supplier-acknowledgement': 'taskResponse' },
    },
  },
  {
    key: 'receipt-sync',
    description: 'Updates the procurement purchase order status from ERP receipts',
    entry: 'functions/consumers/receipt-sync.ts',
    memoryMb: 512,
    grants: {
      bus: true,
      connectors: BOTH_SYSTEMS,
      tables: { idempotency: 'readWrite', syncLedger: 'readWrite', circuitBreaker: 'readWrite' },
    },
  },
  {
    key: 'master-data-sync',
    description: 'Keeps supplier and item master data aligned between procurement and the ERP',
    entry: 'functions/consumers/master-data-sync.ts',
    memoryMb: 512,
    grants: {
      bus: true,
      connectors: BOTH_SYSTEMS,
      tables: { idempotency: 'readWrite', syncLedger: 'readWrite', circuitBreaker: 'readWrite' },
    },
  },
  {
    key: 'forecast-sync',
    description: 'Synchronises published forecasts and emits forecast.lines-changed for what changed',
    entry: 'functions/consumers/forecast-sync.ts',
    memoryMb: 1024,
    grants: {
      bus: true,
      buckets: { forecastSync: 'readWrite' },
      tables: { idempotency: 'readWrite', syncLedger: 'readWrite' },
    },
  },
  {
    key: 'integration-exception-recorder',
    description: 'Records raised and resolved integration exceptions for people to act on',
    entry: 'functions/consumers/integration-exception-recorder.ts',
    memoryMb: 256,
    // The bus: the consumer framework raises business rejections as integration exceptions.
    grants: { bus: true, tables: { idempotency: 'readWrite', integrationExceptions: 'readWrite' } },
  },
  {
    key: 'sourcing-request-action',
    description: 'Creates, amends or cancels the sourcing request for a forecast exception',
    entry: 'functions/workflow/sourcing-request-action.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    grants: { bus: true, connectors: ['procurement'], tables: { circuitBreaker: 'readWrite' } },
  },
  {
    key: 'commitment-policy-check',
    description: 'Runs the ERP policy checks (item, warehouse, supplier, currency, monthly budget)',
    entry: 'functions/workflow/commitment-policy-check.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    grants: {
      bus: true,
      businessRules: true,
      connectors: BOTH_SYSTEMS,
      tables: { circuitBreaker: 'readWrite' },
    },
  },
  {
    key: 'purchase-order-posting',
    description: 'Posts the purchase order to the ERP and the procurement platform',
    entry: 'functions/workflow/purchase-order-posting.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    grants: {
      bus: true,
      connectors: BOTH_SYSTEMS,
      tables: { syncLedger: 'readWrite', circuitBreaker: 'readWrite', workflowCorrelation: 'readWrite' },
    },
  },
  {
    key: 'commitment-rejection',
    description: 'Compensates the sourcing request and raises an integration exception after a rejection',
    entry: 'functions/workflow/commitment-rejection.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    grants: { bus: true, connectors: ['procurement'], tables: { circuitBreaker: 'readWrite' } },
  },
  {
    key: 'approval-request',
    description: 'Keeps the approval task token and announces purchase-order.approval-requested',
    entry: 'functions/workflow/approval-request.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    grants: {
      bus: true,
      businessRules: true,
      // Only to look up the supplier when the workflow input does not carry the sourcing outcome.
      connectors: ['procurement'],
      tables: { workflowCorrelation: 'readWrite', circuitBreaker: 'readWrite' },
    },
  },
  {
    key: 'acknowledgement-wait',
    description: 'Keeps the acknowledgement task token, or answers it at once when the supplier was faster',
    entry: 'functions/workflow/acknowledgement-wait.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: {
      tables: { workflowCorrelation: 'readWrite' },
      workflows: { 'supplier-acknowledgement': 'taskResponse' },
    },
  },
  {
    key: 'erp-receipt-poller',
    description: 'Polls the ERP for goods receipts of posted purchase orders and publishes receipt.posted',
    entry: 'functions/scheduled/erp-receipt-poller.ts',
    // Below the one-minute schedule, so two polls never overlap for long.
    timeoutSeconds: 50,
    memoryMb: 512,
    schedule: { expression: 'rate(1 minute)' },
    grants: {
      bus: true,
      connectors: ['erp'],
      tables: {
        syncLedger: 'read',
        // Posted commitments are scanned, announced receipts and received supply lines written back.
        workflowCorrelation: 'readWrite',
        // receipt.posted is published once per receipt.
        idempotency: 'readWrite',
        // ERP calls share the breaker of every other ERP caller.
        circuitBreaker: 'readWrite',
      },
    },
  },
  {
    key: 'forecast-sync-safety-net',
    description: 'Re-publishes forecast versions whose sync never came to an end, or raises an exception',
    entry: 'functions/scheduled/forecast-sync-safety-net.ts',
    timeoutSeconds: 120,
    memoryMb: 256,
    // Forecasts are published weekly: every 30 minutes is plenty.
    schedule: { expression: 'rate(30 minutes)' },
    grants: { bus: true, buckets: { forecastSync: 'readWrite' } },
  },
];

/** The catalog entry of `key`; throws when the catalog lacks it. */
export function functionDefinition(
  key: FunctionKey,
  catalog: readonly FunctionDefinition[] = FUNCTION_CATALOG,
): FunctionDefinition {
  const found = catalog.find((definition) => definition.key === key);
  if (!found) throw new Error(`Function catalog has no entry for '${key}'`);
  return found;
}
