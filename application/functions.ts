/**
 * The function catalog: every Lambda function of the application, where its handler lives and
 * what it may touch. Plain data (no aws-cdk-lib import). Families with entries of their own files
 * (process APIs, system APIs, EDI consumers) are spread into the one catalog in place.
 *
 * To add a function: add its key to FUNCTION_KEYS, add an entry below, then reference the key from
 * a consumer route (`application/routing/routes.ts`), an API route (`lib/constructs/supplyline-api.ts` via
 * the stack) or a workflow (`application/workflows.ts`). `grants` lists what the handler's code
 * uses, nothing more: the CDK app generates the function's IAM policy and the environment variables
 * it reads (names in `application/resources.ts`) from it, and test/lib/least-privilege.test.ts
 * fails when an entry names something the handler's bundle never touches.
 */
import type { BucketKey, ConnectorKey, SecretKey, TableKey } from './resources';
import { BOTH_SYSTEMS, BREAKER_STATE, IDEMPOTENCY_RECORDS } from './grant-sets';
import { EDI_CONSUMER_FUNCTIONS } from './edi-functions';
import { PROCESS_API_FUNCTIONS } from './process-api-functions';
import { SYSTEM_API_FUNCTIONS } from './system-api-functions';

/** How a function uses a bucket. */
export type BucketAccess = 'read' | 'append' | 'readWrite' | 'writeOnce' | 'write';

/** Every function of the application. */
export const FUNCTION_KEYS = [
  // Ingress: webhooks verify signatures, publish canonical events, answer 2xx once durable.
  'planning-webhook',
  'procurement-webhook',
  // Governed API.
  'api-authorizer',
  'approval-decision',
  'pending-approvals',
  'approval-audit',
  'purchase-order-sync-status',
  'integration-exceptions-list',
  'integration-exception-resolve',
  'purchase-order-validation',
  'supplier-eligibility',
  'purchase-requisition-submission',
  'purchase-requisition-status',
  'purchase-requisition-cancellation',
  'api-document',
  // System APIs (issue #17): canonical views from the read store.
  'item-read',
  'supplier-read',
  'purchase-order-read',
  // On-demand reconciliation runs (issue #20): ask for one, its status.
  'reconciliation-runs',
  // Queue consumers (see application/routing/routes.ts).
  'forecast-exception-evaluation',
  'forecast-change-evaluation',
  'acknowledgement-sync',
  'receipt-sync',
  'master-data-sync',
  'forecast-sync',
  'integration-exception-recorder',
  'read-store-invalidation',
  // EDI trading partners (shared/contracts/edi-x12.md).
  'edi-purchase-order-send',
  'edi-inbound-interchange',
  'shipment-sync',
  // On-demand reconciliation runs, in the bulk lane (issue #20).
  'reconciliation-run',
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
  'purchase-order-reconciliation',
  'edi-missing-acknowledgements',
  'integration-exception-escalation',
] as const;

/** A key into the function catalog. */
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

/** How a function uses a workflow. */
export type WorkflowAccess = 'start' | 'taskResponse' | 'startAndTaskResponse';

/**
 * A DynamoDB item operation an adapter makes: `get` GetItem, `query` Query, `scan` Scan, `put`
 * PutItem, `update` UpdateItem, `delete` DeleteItem.
 */
export type TableOperation = 'get' | 'query' | 'scan' | 'put' | 'update' | 'delete';

/** Every table operation (the IAM action of each is in lib/constructs/supplyline-function.ts). */
export const TABLE_OPERATIONS: readonly TableOperation[] = [
  'get',
  'query',
  'scan',
  'put',
  'update',
  'delete',
];

export { BREAKER_STATE, IDEMPOTENCY_RECORDS } from './grant-sets';

/** The webhook quarantine as the webhooks keep a delivery in it (an upsert: no read). */
const QUARANTINE_KEEPING: readonly TableOperation[] = ['update'];

/** The sync ledger as the sync-lag ledger and the webhooks' delivery ledger use it. */
const SYNC_LEDGER_RECORDS: readonly TableOperation[] = ['get', 'query', 'put', 'update', 'delete'];

/** What a function's code uses. Each entry also sets the environment variable naming the resource. */
export interface FunctionGrants {
  /** The item operations the function's adapters make on each table, and nothing else. */
  readonly tables?: Partial<Record<TableKey, readonly TableOperation[]>>;
  /**
   * Access to these buckets, and their `*_BUCKET_NAME` variables: `read`, `append` (read and add
   * objects, never delete: a write-once trail), `readWrite`, `writeOnce` (read and add objects
   * by key, never list nor delete: the EDI mailbox), or `write` (add objects only: no listing,
   * reading or deleting, e.g. a report per run).
   */
  readonly buckets?: Partial<Record<BucketKey, BucketAccess>>;
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
  /** Pass the environment's EDI trading partner profiles as JSON (EDI_TRADING_PARTNERS). */
  readonly ediPartners?: boolean;
  /** Pass the environment's business rules (budget, approval limit, thresholds) as JSON. */
  readonly businessRules?: boolean;
  /**
   * The environment's identity settings the code reads, each as its IDENTITY_* variable (names in
   * `IDENTITY_ENV_VARS`); the authorizer's issuer and client ids come from the Identity construct.
   */
  readonly identity?: readonly IdentitySetting[];
}

/**
 * An identity setting of the environment a function may read: the audience and groups claim that
 * token verification checks, or the approver roles and limits (JSON) that approvals apply.
 */
export type IdentitySetting = 'audience' | 'groupsClaim' | 'roles';

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

/** A purchase requisition's path, which the workflow steps extend (adapters/aws/requisitions.ts). */
const REQUISITION_PATH = { workflowCorrelation: ['update'] } as const satisfies FunctionGrants['tables'];

/** What a reconciliation run reaches (ADR 0011), scheduled or asked for. */
const RECONCILIATION_REACH = {
  // Integration exceptions are raised as events.
  bus: true,
  // The approval limit: a missing order above it is not posted by a repair.
  businessRules: true,
  connectors: BOTH_SYSTEMS,
  tables: {
    // The posted commitments of each posting day (a query of byPostedDay) and their acknowledgements; the ERP's
    // referenced orders looked up by reference (a query of byExternalRef) in a resumed run; the new
    // ERP number of an order a repair posted again.
    workflowCorrelation: ['get', 'query', 'update'],
    // The ERP revision of the middleware's last change; repairs record the state they leave.
    syncLedger: ['get', 'put'],
    // Breakers and the shared procurement request budget.
    circuitBreaker: BREAKER_STATE,
  },
  // Add each report; read a run's parts back by key to join them (a run in partitions); never list.
  buckets: { reconciliationReports: 'writeOnce' },
} satisfies FunctionGrants;

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
      // Deliveries are claimed in the sync ledger (adapters/aws/delivery-ledger.ts); refused and
      // failed ones are kept in the quarantine, written only (adapters/aws/delivery-quarantine.ts).
      tables: { syncLedger: SYNC_LEDGER_RECORDS, webhookQuarantine: QUARANTINE_KEEPING },
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
      tables: { syncLedger: SYNC_LEDGER_RECORDS, webhookQuarantine: QUARANTINE_KEEPING },
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
    grants: { identity: ['audience', 'groupsClaim'] },
  },
  {
    key: 'approval-decision',
    description: 'Records a person’s approval decision and resumes the waiting commitment-approval workflow',
    entry: 'functions/api/approval-decision.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    // The decision is kept with the approval's task token; the workflow announces the outcome.
    grants: {
      // approval.decided on the bus.
      bus: true,
      tables: { workflowCorrelation: ['get', 'put', 'update'] },
      // Adds each decision once, never deletes (the bucket's policy and Object Lock refuse it too).
      buckets: { approvalAudit: 'append' },
      workflows: { 'commitment-approval': 'taskResponse' },
      // Approver roles and limits (IDENTITY_ROLES).
      identity: ['roles'],
    },
  },
  {
    key: 'pending-approvals',
    description: 'Lists the approvals waiting that the caller may decide',
    entry: 'functions/api/pending-approvals.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { tables: { workflowCorrelation: ['query'] }, identity: ['roles'] },
  },
  {
    key: 'approval-audit',
    description: 'Lists the decisions on a commitment from the write-once audit trail',
    entry: 'functions/api/approval-audit.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { buckets: { approvalAudit: 'read' } },
  },
  {
    key: 'purchase-order-sync-status',
    description: 'Answers where a purchase order is in its sync across systems',
    entry: 'functions/api/purchase-order-sync-status.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { tables: { syncLedger: ['get', 'query'], integrationExceptions: ['get', 'query'] } },
  },
  {
    key: 'integration-exceptions-list',
    description: 'Lists integration exceptions by status, oldest first',
    entry: 'functions/api/integration-exceptions-list.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { tables: { integrationExceptions: ['get', 'query'] } },
  },
  {
    key: 'integration-exception-resolve',
    description: 'Resolves an integration exception and publishes integration-exception.resolved',
    entry: 'functions/api/integration-exception-resolve.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { bus: true, tables: { integrationExceptions: ['get', 'query', 'put', 'update'] } },
  },
  ...PROCESS_API_FUNCTIONS,
  {
    key: 'api-document',
    description: 'Serves the OpenAPI 3.1 document generated from the route declarations',
    entry: 'functions/api/api-document.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: {},
  },
  {
    key: 'reconciliation-runs',
    description: 'Asks for a reconciliation run now (handed to the bulk lane) and answers its status',
    entry: 'functions/api/reconciliation-runs.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    // The run lease (update), the runs' status (put, get) and the hand-off event.
    grants: { bus: true, tables: { circuitBreaker: ['get', 'put', 'update'] } },
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
      tables: {
        idempotency: IDEMPOTENCY_RECORDS,
        workflowCorrelation: ['get', 'query'],
        circuitBreaker: BREAKER_STATE,
      },
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
      tables: {
        idempotency: IDEMPOTENCY_RECORDS,
        workflowCorrelation: ['get', 'query'],
        circuitBreaker: BREAKER_STATE,
      },
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
        idempotency: IDEMPOTENCY_RECORDS,
        syncLedger: SYNC_LEDGER_RECORDS,
        circuitBreaker: BREAKER_STATE,
        workflowCorrelation: ['get', 'query', 'put', 'update'],
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
      // The receipt arrives as an event: only the procurement platform is called.
      connectors: ['procurement'],
      tables: {
        idempotency: IDEMPOTENCY_RECORDS,
        syncLedger: SYNC_LEDGER_RECORDS,
        circuitBreaker: BREAKER_STATE,
      },
    },
  },
  {
    key: 'master-data-sync',
    description: 'Keeps supplier and item master data aligned between procurement and the ERP',
    entry: 'functions/consumers/master-data-sync.ts',
    memoryMb: 512,
    // Records what each system confirmed in the sync ledger, and applies supplier changes to every
    // ERP instance that knows the supplier (behind each instance's breaker and budget).
    grants: {
      bus: true,
      connectors: ['erp'],
      tables: {
        idempotency: IDEMPOTENCY_RECORDS,
        syncLedger: SYNC_LEDGER_RECORDS,
        circuitBreaker: BREAKER_STATE,
      },
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
      tables: { idempotency: IDEMPOTENCY_RECORDS },
    },
  },
  {
    key: 'integration-exception-recorder',
    description: 'Records raised and resolved integration exceptions for people to act on',
    entry: 'functions/consumers/integration-exception-recorder.ts',
    memoryMb: 256,
    // The bus: the consumer framework raises business rejections as integration exceptions.
    grants: {
      bus: true,
      tables: {
        idempotency: IDEMPOTENCY_RECORDS,
        integrationExceptions: ['get', 'query', 'put', 'update'],
      },
    },
  },
  ...EDI_CONSUMER_FUNCTIONS,
  {
    key: 'sourcing-request-action',
    description: 'Creates, amends or cancels the sourcing request for a forecast exception',
    entry: 'functions/workflow/sourcing-request-action.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    grants: {
      bus: true,
      connectors: ['procurement'],
      tables: { circuitBreaker: BREAKER_STATE, ...REQUISITION_PATH },
    },
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
      tables: { circuitBreaker: BREAKER_STATE, ...REQUISITION_PATH },
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
      tables: {
        syncLedger: SYNC_LEDGER_RECORDS,
        circuitBreaker: BREAKER_STATE,
        workflowCorrelation: ['get', 'query', 'put', 'update'],
      },
    },
  },
  {
    key: 'commitment-rejection',
    description: 'Compensates the sourcing request and raises an integration exception after a rejection',
    entry: 'functions/workflow/commitment-rejection.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    grants: {
      bus: true,
      connectors: ['procurement'],
      tables: { circuitBreaker: BREAKER_STATE, ...REQUISITION_PATH },
    },
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
      tables: { workflowCorrelation: ['get', 'query', 'put', 'update'], circuitBreaker: BREAKER_STATE },
    },
  },
  {
    key: 'acknowledgement-wait',
    description: 'Keeps the acknowledgement task token, or answers it at once when the supplier was faster',
    entry: 'functions/workflow/acknowledgement-wait.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: {
      tables: { workflowCorrelation: ['get', 'put', 'update'] },
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
        syncLedger: ['get', 'query'],
        // The only scan of the application: posted commitments still awaiting a receipt; announced
        // receipts and received supply lines are written back.
        workflowCorrelation: ['get', 'query', 'scan', 'put', 'update'],
        // receipt.posted is published once per receipt.
        idempotency: IDEMPOTENCY_RECORDS,
        // ERP calls share the breaker of every other ERP caller.
        circuitBreaker: BREAKER_STATE,
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
  {
    key: 'purchase-order-reconciliation',
    description:
      'Compares the purchase orders of the last 90 days across procurement, the ERP and Supplyline; repairs or raises',
    entry: 'functions/scheduled/purchase-order-reconciliation.ts',
    // Lambda's longest: reads are paced by the procurement budget's bulk lane (ADR 11).
    timeoutSeconds: 900,
    memoryMb: 1024,
    // Daily at 03:00 UTC, after the business day in the Americas and before Europe's.
    schedule: { expression: 'cron(0 3 * * ? *)' },
    // Its state machine invokes it per iteration; it starts that machine (schedule, direct call),
    // keeps each run's checkpoint and an asked-for run's status (put) beside the lease.
    grants: {
      ...RECONCILIATION_REACH,
      tables: { ...RECONCILIATION_REACH.tables, circuitBreaker: [...BREAKER_STATE, 'put'] },
      workflows: { 'purchase-order-reconciliation': 'start' },
    },
  },
  {
    key: 'reconciliation-run',
    description: 'Starts a reconciliation asked for through the API as a run of its state machine',
    entry: 'functions/consumers/reconciliation-run.ts',
    memoryMb: 256,
    // The consumer framework, and the run's state machine (which runs it, its status following it).
    grants: {
      bus: true,
      tables: { idempotency: IDEMPOTENCY_RECORDS },
      workflows: { 'purchase-order-reconciliation': 'start' },
    },
  },
  {
    key: 'edi-missing-acknowledgements',
    description: 'Raises an integration exception for each 850 a partner has not answered with a 997 in 24 h',
    entry: 'functions/scheduled/edi-missing-acknowledgements.ts',
    timeoutSeconds: 120,
    memoryMb: 256,
    // Hourly: an unanswered 850 is raised within an hour of its 24 hours.
    schedule: { expression: 'rate(1 hour)' },
    // The 850s awaiting a 997, one query per partner; the exceptions are raised as events.
    grants: { bus: true, ediPartners: true, tables: { ediLedger: ['query'] } },
  },
  {
    key: 'integration-exception-escalation',
    description:
      'Escalates integration exceptions open beyond their limit (24 h, critical 4 h) once; gauges them by age',
    entry: 'functions/scheduled/integration-exception-escalation.ts',
    timeoutSeconds: 120,
    memoryMb: 256,
    // A quarter of an hour late at most against a 4-hour limit; a `rate` so the local runtime runs it.
    schedule: { expression: 'rate(15 minutes)' },
    // The open exceptions (query) and their escalation mark (update); the escalation is announced
    // on the bus; the limits are business rules.
    grants: { bus: true, businessRules: true, tables: { integrationExceptions: ['query', 'update'] } },
  },
  ...SYSTEM_API_FUNCTIONS,
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
