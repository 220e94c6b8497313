/**
 * The shared resources handlers may bind to, and the environment variables that carry their names.
 *
 * Plain data (no aws-cdk-lib import): handlers import the variable names from here, the CDK app
 * builds the resources from it, and the local runtime creates the same tables from it.
 */
import { TRANSFERS_PREFIX } from './edi-connectors';

/** A DynamoDB key attribute. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** A global secondary index (all attributes projected). */
export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/** A table's shape and the environment variable that carries its name. */
export interface TableSpec {
  readonly description: string;
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Epoch-seconds attribute DynamoDB deletes expired items by. */
  readonly timeToLiveAttribute?: string;
  readonly indexes: readonly IndexSpec[];
}

/** The tables, keyed by the name used in the function catalog's grants. */
export const TABLES = {
  idempotency: {
    description: 'Powertools idempotency records (key = business identity, not transport id)',
    envVar: 'IDEMPOTENCY_TABLE_NAME',
    // Powertools' DynamoDBPersistenceLayer defaults: key attribute `id`, expiry attribute `expiration`.
    partitionKey: { name: 'id', type: 'S' },
    timeToLiveAttribute: 'expiration',
    indexes: [],
  },
  syncLedger: {
    description: 'Sync-lag ledger: per business object and system pair, source event time to confirmation',
    envVar: 'SYNC_LEDGER_TABLE_NAME',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [
      {
        name: 'byCorrelationId',
        partitionKey: { name: 'correlationId', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
      },
      {
        name: 'byObjectType',
        partitionKey: { name: 'objectType', type: 'S' },
        sortKey: { name: 'sourceEventTime', type: 'S' },
      },
    ],
  },
  circuitBreaker: {
    description:
      'Circuit-breaker state per external endpoint, its open incident, shared request-budget windows, and the reconciliation run lease',
    envVar: 'CIRCUIT_BREAKER_TABLE_NAME',
    partitionKey: { name: 'endpoint', type: 'S' },
    // Only the request-budget windows (`budget#<endpoint>#<window start>`) carry it; breaker state never expires.
    timeToLiveAttribute: 'expiresAt',
    indexes: [],
  },
  integrationExceptions: {
    description: 'Integration exceptions a person must see, with their status and age',
    envVar: 'INTEGRATION_EXCEPTIONS_TABLE_NAME',
    partitionKey: { name: 'exceptionId', type: 'S' },
    indexes: [
      {
        name: 'byStatus',
        partitionKey: { name: 'status', type: 'S' },
        sortKey: { name: 'raisedAt', type: 'S' },
      },
    ],
  },
  workflowCorrelation: {
    description:
      'Workflow task tokens and correlation by purchase order, approval or external reference, and purchase requisitions',
    envVar: 'WORKFLOW_CORRELATION_TABLE_NAME',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [
      {
        name: 'byExternalRef',
        partitionKey: { name: 'externalRef', type: 'S' },
      },
      {
        // Sparse: only posted commitments carry `postedDay` (adapters/aws/commitments.ts); a
        // reconciliation partition (one posting day) is one Query of it.
        name: 'byPostedDay',
        partitionKey: { name: 'postedDay', type: 'S' },
        sortKey: { name: 'postedAt', type: 'S' },
      },
      {
        // Sparse: only approvals still waiting carry `pendingApproval` (adapters/aws/approvals.ts).
        name: 'pendingApprovals',
        partitionKey: { name: 'pendingApproval', type: 'S' },
        sortKey: { name: 'decideBy', type: 'S' },
      },
    ],
  },
  webhookQuarantine: {
    description:
      'Authentic webhook deliveries that were refused or failed, with the reason and raw body, for 30 days (adapters/aws/delivery-quarantine.ts)',
    envVar: 'WEBHOOK_QUARANTINE_TABLE_NAME',
    partitionKey: { name: 'quarantineId', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [
      {
        name: 'byStatus',
        partitionKey: { name: 'status', type: 'S' },
        sortKey: { name: 'lastAttemptAt', type: 'S' },
      },
    ],
  },
  ediLedger: {
    description:
      'EDI trading partners: interchange control number counters, 850s sent per revision and awaiting a 997, files and interchanges received (adapters/edi/dynamodb-edi-ledger.ts), shipment ids’ latest versions (dynamodb-shipment-versions.ts)',
    envVar: 'EDI_LEDGER_TABLE_NAME',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [],
  },
  systemReadStore: {
    description:
      'The system APIs’ read store: canonical views of ERP entities with their freshness, entity tag and fill lease (adapters/aws/read-store.ts, ADR 12)',
    envVar: 'SYSTEM_READ_STORE_TABLE_NAME',
    partitionKey: { name: 'pk', type: 'S' },
    // Only views the systems of record do not know carry it: a hostile id cannot fill the table for good.
    timeToLiveAttribute: 'expiresAt',
    indexes: [
      {
        // Sparse: only filled, known views carry `position` (`<updatedAt>#<id>`), the lists' order.
        name: 'byView',
        partitionKey: { name: 'view', type: 'S' },
        sortKey: { name: 'position', type: 'S' },
      },
    ],
  },
} as const satisfies Record<string, TableSpec>;

/** A table a function may bind to. */
export type TableKey = keyof typeof TABLES;

/** How a function uses a table (`write`: puts and updates only, e.g. the webhooks' quarantine). */
export type TableAccess = 'read' | 'write' | 'readWrite';

/** A Secrets Manager secret and the environment variable that carries its ARN. */
export interface SecretSpec {
  readonly description: string;
  readonly envVar: string;
  /**
   * `generated`: a random value is generated at deploy (a signing secret we hand to the vendor).
   * `placeholder`: a JSON shape with a generated filler that an operator replaces after deploy.
   */
  readonly value:
    | { readonly kind: 'generated'; readonly length: number }
    | {
        readonly kind: 'placeholder';
        readonly template: Readonly<Record<string, string>>;
        readonly generatedKey: string;
      };
}

/** The secrets, keyed by the name used in the function catalog's grants. No value lives in code. */
export const SECRETS = {
  planningWebhookSigningCurrent: {
    description: 'Planning platform webhook signing secret (current)',
    envVar: 'PLANNING_WEBHOOK_SECRET_ARN',
    value: { kind: 'generated', length: 48 },
  },
  planningWebhookSigningPrevious: {
    description: 'Planning platform webhook signing secret (previous, accepted during rotation)',
    envVar: 'PLANNING_WEBHOOK_PREVIOUS_SECRET_ARN',
    value: { kind: 'generated', length: 48 },
  },
  procurementWebhookSigning: {
    description: 'Procurement platform webhook signing secret',
    envVar: 'PROCUREMENT_WEBHOOK_SECRET_ARN',
    value: { kind: 'generated', length: 48 },
  },
  procurementOAuthClient: {
    description: 'Procurement platform OAuth2 client credentials (set client_id/client_secret after deploy)',
    envVar: 'PROCUREMENT_OAUTH_SECRET_ARN',
    value: {
      kind: 'placeholder',
      template: { client_id: 'SET_AFTER_DEPLOY' },
      generatedKey: 'client_secret',
    },
  },
  erpCredentials: {
    description: 'ERP (Tryton) credentials (set username/password after deploy)',
    envVar: 'ERP_CREDENTIALS_SECRET_ARN',
    value: { kind: 'placeholder', template: { username: 'SET_AFTER_DEPLOY' }, generatedKey: 'password' },
  },
} as const satisfies Record<string, SecretSpec>;

/** A secret a function may read. */
export type SecretKey = keyof typeof SECRETS;

/** An S3 bucket's purpose and the environment variable that carries its name. */
export interface BucketSpec {
  readonly description: string;
  readonly envVar: string;
  /** Key prefixes whose objects expire after this many days (rejects, partial runs). */
  readonly expiringPrefixes: Readonly<Record<string, number>>;
  /** Days a replaced or deleted object version is kept. */
  readonly noncurrentVersionDays: number;
  /**
   * Objects nobody may change or delete for this many days: S3 Object Lock, COMPLIANCE where the
   * environment retains data (prod), GOVERNANCE elsewhere, and a bucket policy denying deletes.
   */
  readonly writeOnceDays?: number;
}

/** The buckets, keyed by the name used in the function catalog's grants. */
export const BUCKETS = {
  forecastSync: {
    description:
      'Forecast sync snapshots, run records and rejected export rows (adapters/aws/s3-snapshot-store.ts)',
    envVar: 'FORECAST_SYNC_BUCKET_NAME',
    // snapshots/ are the diff base of the next plan version and never expire (the run deletes the
    // previous one); rejects/ are for a person within a planning cycle; received/ is the safety
    // net's work list; partial uploads of an interrupted run are aborted after a day.
    expiringPrefixes: { 'rejects/': 30, 'received/': 7, 'summaries/': 90, 'failures/': 90 },
    noncurrentVersionDays: 30,
  },
  approvalAudit: {
    description:
      'Audit trail of approval decisions, one write-once object each (adapters/aws/approval-audit.ts)',
    envVar: 'APPROVAL_AUDIT_BUCKET_NAME',
    expiringPrefixes: {},
    // Objects are never replaced (If-None-Match) nor deleted (policy): nothing becomes noncurrent.
    noncurrentVersionDays: 2557,
    // 7 years (business-rules.md, "Who may approve"), counting two leap days.
    writeOnceDays: 2557,
  },
  ediMailbox: {
    description:
      'EDI trading partner mailbox: outbound/<partner>/ what we send, inbound/<partner>/ what partners send, one interchange per file (shared/contracts/edi-x12.md)',
    envVar: 'EDI_MAILBOX_BUCKET_NAME',
    // Interchanges are business records (orders, confirmations): two years, then they expire.
    // A connector's directory listings (application/edi-connectors.ts) are read once, at once.
    expiringPrefixes: { 'outbound/': 731, 'inbound/': 731, [TRANSFERS_PREFIX]: 7 },
    noncurrentVersionDays: 30,
  },
  reconciliationReports: {
    description: 'Reconciliation reports, JSON and CSV per run (adapters/aws/reconciliation-report.ts)',
    envVar: 'RECONCILIATION_REPORTS_BUCKET_NAME',
    // As long as the window a run compares (business-rules.md, "Reconciliation": 90 days).
    expiringPrefixes: { 'runs/': 90 },
    noncurrentVersionDays: 7,
  },
} as const satisfies Record<string, BucketSpec>;

/** A bucket a function may bind to. */
export type BucketKey = keyof typeof BUCKETS;

/** An external system: the secret its client authenticates with and the settings that locate it. */
export interface ConnectorSpec {
  readonly secret: SecretKey;
  /** Environment configuration key (EnvironmentConfig.systems) -> environment variable. */
  readonly settings: Readonly<Record<string, string>>;
}

/** The external systems functions call, keyed by the circuit breaker's endpoint name. */
export const CONNECTORS = {
  procurement: {
    secret: 'procurementOAuthClient',
    settings: { procurementBaseUrl: 'PROCUREMENT_BASE_URL' },
  },
  erp: {
    secret: 'erpCredentials',
    settings: { erpBaseUrl: 'ERP_BASE_URL', erpDatabase: 'ERP_DATABASE' },
  },
} as const satisfies Record<string, ConnectorSpec>;

/** An external system a function may call. */
export type ConnectorKey = keyof typeof CONNECTORS;

/**
 * Where the webhooks sit behind CloudFront + WAF (ADR 0007): the header CloudFront adds to every
 * request it forwards, holding a secret only it and the webhook functions know, and the variable
 * naming that secret. A request without it came to the API's own execute-api URL, around the WAF.
 */
export const WEBHOOK_EDGE_HEADER = 'x-supplyline-edge';
export const WEBHOOK_EDGE_SECRET_ENV_VAR = 'WEBHOOK_EDGE_SECRET_ARN';

/** Environment variable carrying the Supplyline event bus name. */
export const EVENT_BUS_ENV_VAR = 'EVENT_BUS_NAME';
/** Environment variable carrying the deployment environment name (dev, staging, prod). */
export const ENVIRONMENT_ENV_VAR = 'SUPPLYLINE_ENVIRONMENT';
/** Environment variable carrying the business rules of the environment as JSON. */
export const BUSINESS_RULES_ENV_VAR = 'SUPPLYLINE_BUSINESS_RULES';
/**
 * Environment variables of the identity settings (application/identity.ts): the issuer and audience
 * of access tokens, the groups claim, the roles as JSON, and, with the stack's own Cognito pool, its
 * app client ids (comma-separated; empty for any other issuer).
 */
export const IDENTITY_ENV_VARS = {
  issuer: 'IDENTITY_ISSUER',
  audience: 'IDENTITY_AUDIENCE',
  groupsClaim: 'IDENTITY_GROUPS_CLAIM',
  roles: 'IDENTITY_ROLES',
  cognitoClientIds: 'IDENTITY_COGNITO_CLIENT_IDS',
} as const;
/** Environment variable carrying the tenant id every canonical event is stamped with. */
export const TENANT_ID_ENV_VAR = 'TENANT_ID';
/** Environment variable carrying a queue consumer's dead-letter queue URL (functions/commons/consumer.ts). */
export const DEAD_LETTER_QUEUE_URL_ENV_VAR = 'DEAD_LETTER_QUEUE_URL';
/** Environment variable carrying the URL of the queue a consumer drains (for ChangeMessageVisibility). */
export const QUEUE_URL_ENV_VAR = 'QUEUE_URL';
/** Environment variable carrying a queue consumer's maxReceiveCount (functions/commons/consumer.ts). */
export const MAX_RECEIVE_COUNT_ENV_VAR = 'MAX_RECEIVE_COUNT';

/** `purchase-commitment` -> `PURCHASE_COMMITMENT_STATE_MACHINE_ARN`. */
export function stateMachineEnvVar(workflowName: string): string {
  return `${workflowName.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_STATE_MACHINE_ARN`;
}

/** `planning-webhook` -> `PlanningWebhook` (used for construct ids and ASL substitution names). */
export function pascalCase(key: string): string {
  return key
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
