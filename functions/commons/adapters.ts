/**
 * The adapters of this execution environment, each built once, on first use, from the environment
 * variables the CDK app sets (application/functions.ts grants). A function only needs the
 * variables and grants of the adapters it touches, and its bundle keeps only those (every
 * `lazy(...)` here is `@__PURE__`). The composition root of each handler kind
 * (`functions/<kind>/composition.ts`) assembles its handlers' ports from these; the procurement
 * flow's ports, which also reach the ERP and the procurement platform, are assembled in
 * functions/commons/commitment-ports.ts.
 */
import { ApprovalStore } from '../../adapters/aws/approvals';
import {
  DynamoDbCommitmentRegistry,
  DynamoDbSupplyStore,
  PostedCommitmentScan,
} from '../../adapters/aws/commitments';
import { DeliveryLedger } from '../../adapters/aws/delivery-ledger';
import { DeliveryQuarantine } from '../../adapters/aws/delivery-quarantine';
import { EventBridgePublisher } from '../../adapters/aws/event-publisher';
import { IntegrationExceptionStore } from '../../adapters/aws/integration-exceptions';
import { ForecastSyncRecords, S3SnapshotStore } from '../../adapters/aws/s3-snapshot-store';
import { SecretCache } from '../../adapters/aws/secrets';
import { SyncLedger } from '../../adapters/aws/sync-ledger';
import { DynamoDbRequisitionBook } from '../../adapters/aws/requisitions';
import { lateTolerantTaskSuccess, sfnTaskSuccess, startWorkflow } from '../../adapters/aws/workflows';
import { breakerChangeReporter, DynamoDbBreakerIncidents } from '../../adapters/resilience/breaker-incidents';
import { CircuitBreaker, type BreakerStateChange } from '../../adapters/resilience/circuit-breaker';
import { DynamoDbBreakerStore } from '../../adapters/resilience/dynamodb-breaker-store';
import type { BusinessRules } from '../../application/environments';
import { erpEndpoint, erpInstancesFromEnvironment } from '../../application/erp-instances';
import { S3ApprovalAuditTrail } from '../../adapters/aws/approval-audit';
import {
  BUCKETS,
  BUSINESS_RULES_ENV_VAR,
  EVENT_BUS_ENV_VAR,
  IDENTITY_ENV_VARS,
  TABLES,
  TENANT_ID_ENV_VAR,
  stateMachineEnvVar,
} from '../../application/resources';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { ApproverRoles } from '../../domain/approval/authority';
import type { CommitmentState, WorkflowSettings } from '../../domain/commitment/types';
import { Decimal } from '../../domain/decimal';
import { defineProcurementPolicy, type ProcurementPolicy } from '../../domain/procurement/policy';
import { requisitionCommitmentInput, type Requisition } from '../../domain/requisition/requisition';
import { documents, env, eventBridge, lazy, s3, secretsManager, stepFunctions } from './clients';
import { emitMetric, logger } from './powertools';

/** The tenant stamped on every canonical event the functions emit (set on every function). */
export function tenantId(): string {
  return env(TENANT_ID_ENV_VAR);
}

/** The environment's business rules (set on functions granted `businessRules`). */
export const businessRules = /* @__PURE__ */ lazy(
  () => JSON.parse(env(BUSINESS_RULES_ENV_VAR)) as BusinessRules,
);

/** The procurement policy of the environment's business rules. */
export const procurementPolicy = /* @__PURE__ */ lazy((): ProcurementPolicy => {
  const rules = businessRules();
  return defineProcurementPolicy({
    monthlyBudgetPerWarehouse: rules.monthlyBudgetPerWarehouse,
    approvalLimit: rules.approvalLimit,
    approvalTimeoutHours: rules.approvalTimeoutHours,
    acknowledgementTimeoutHours: rules.acknowledgementTimeoutHours,
    upliftThresholds: rules.upliftThresholds,
    supportedCurrencies: [rules.currency],
  });
});

/** The workflows' deadlines from the business rules (hours there, seconds in the workflow input). */
export function workflowSettings(rules: BusinessRules = businessRules()): WorkflowSettings {
  return {
    approvalTimeoutSeconds: Math.round(rules.approvalTimeoutHours * 3600),
    acknowledgementTimeoutSeconds: Math.round(rules.acknowledgementTimeoutHours * 3600),
  };
}

/** Secrets Manager through the shared 5-minute cache. */
export const secrets = /* @__PURE__ */ lazy(() => new SecretCache(secretsManager()));

const publisher = /* @__PURE__ */ lazy(() => new EventBridgePublisher(eventBridge(), env(EVENT_BUS_ENV_VAR)));

/** Publishes canonical events on the Supplyline bus. */
export function publish(events: readonly CanonicalEvent[]): Promise<void> {
  return publisher().publish(events);
}

/** The sync ledger (TABLES.syncLedger). */
export const syncLedger = /* @__PURE__ */ lazy(
  () => new SyncLedger(documents(), env(TABLES.syncLedger.envVar)),
);

/** Which vendor deliveries were accepted (TABLES.syncLedger). */
export const deliveryLedger = /* @__PURE__ */ lazy(
  () => new DeliveryLedger(documents(), env(TABLES.syncLedger.envVar)),
);

/** Authentic webhook deliveries that were not accepted (TABLES.webhookQuarantine, write only). */
export const deliveryQuarantine = /* @__PURE__ */ lazy(
  () => new DeliveryQuarantine(documents(), env(TABLES.webhookQuarantine.envVar)),
);

/** Open purchase order lines by item and site (TABLES.workflowCorrelation). */
export const supplyStore = /* @__PURE__ */ lazy(
  () => new DynamoDbSupplyStore(documents(), env(TABLES.workflowCorrelation.envVar)),
);

/** Posted commitments and their acknowledgement waits (TABLES.workflowCorrelation). */
export const commitmentRegistry = /* @__PURE__ */ lazy(
  () => new DynamoDbCommitmentRegistry(documents(), env(TABLES.workflowCorrelation.envVar)),
);

/** Purchase requisitions, their paths and references (TABLES.workflowCorrelation). */
export const requisitionBook = /* @__PURE__ */ lazy(
  () => new DynamoDbRequisitionBook(documents(), env(TABLES.workflowCorrelation.envVar)),
);

/** Posted commitments read in bulk (scan) or by external reference (TABLES.workflowCorrelation). */
export const postedCommitments = /* @__PURE__ */ lazy(
  () => new PostedCommitmentScan(documents(), env(TABLES.workflowCorrelation.envVar)),
);

/** The integration exceptions people work (TABLES.integrationExceptions). */
export const integrationExceptions = /* @__PURE__ */ lazy(
  () => new IntegrationExceptionStore(documents(), env(TABLES.integrationExceptions.envVar)),
);

/** Approval task tokens (TABLES.workflowCorrelation); decisions resume the workflow through Step Functions. */
export const approvalStore = /* @__PURE__ */ lazy(
  () =>
    new ApprovalStore(documents(), env(TABLES.workflowCorrelation.envVar), sfnTaskSuccess(stepFunctions())),
);

/** The approval decisions' write-once audit trail (BUCKETS.approvalAudit). */
export const approvalAuditTrail = /* @__PURE__ */ lazy(
  () => new S3ApprovalAuditTrail(s3(), env(BUCKETS.approvalAudit.envVar)),
);

/** The environment's approver roles and limits (identity settings' `roles`, as JSON). */
export const approverRoles = /* @__PURE__ */ lazy((): ApproverRoles => {
  const roles = JSON.parse(env(IDENTITY_ENV_VARS.roles)) as ApproverRoles;
  for (const [role, { approvalLimitUsd }] of Object.entries(roles)) {
    // A limit that does not parse would refuse or admit by accident: fail loudly at start.
    if (approvalLimitUsd !== null && Decimal.tryParse(approvalLimitUsd) === undefined)
      throw new Error(
        `${IDENTITY_ENV_VARS.roles}: role ${role} has limit '${approvalLimitUsd}', not a decimal`,
      );
  }
  return roles;
});

/** The forecast sync bucket's snapshots (BUCKETS.forecastSync). */
export const forecastSnapshots = /* @__PURE__ */ lazy(
  () => new S3SnapshotStore(s3(), { bucket: env(BUCKETS.forecastSync.envVar) }),
);

/** The forecast sync bucket's run records (BUCKETS.forecastSync). */
export const forecastSyncRecords = /* @__PURE__ */ lazy(
  () => new ForecastSyncRecords(s3(), env(BUCKETS.forecastSync.envVar)),
);

/** Starts the purchase-commitment workflow (Express) for a requisition, named after it. */
export async function startRequisitionCommitment(requisition: Requisition): Promise<void> {
  await startCommitment(requisitionCommitmentInput(requisition, workflowSettings()));
}

/** Starts the purchase-commitment workflow (Express) with the evaluated exception. */
export async function startCommitment(input: CommitmentState): Promise<void> {
  await startWorkflow(
    stepFunctions(),
    env(stateMachineEnvVar('purchase-commitment')),
    input.event.idempotencyKey,
    input,
  );
}

const taskSuccess = /* @__PURE__ */ lazy(() =>
  lateTolerantTaskSuccess(sfnTaskSuccess(stepFunctions()), (error) =>
    logger.warn('the workflow no longer waits for this answer', { error }),
  ),
);

/** Answers a task token with `output`; a workflow that stopped waiting is only logged. */
export function sendTaskSuccess(taskToken: string, output: object): Promise<void> {
  return taskSuccess()(taskToken, output);
}

const breakerIncidents = /* @__PURE__ */ lazy(
  () => new DynamoDbBreakerIncidents(documents(), env(TABLES.circuitBreaker.envVar)),
);

const breakerReporter = /* @__PURE__ */ lazy(() =>
  breakerChangeReporter({
    // A getter: a missing table is reported like any other failure to store the incident.
    get incidents() {
      return breakerIncidents();
    },
    publish,
    tenantId,
    logger,
    metric: emitMetric,
    ownGauges: erpInstancesFromEnvironment(process.env).map(({ name }, index) => erpEndpoint(name, index)),
  }),
);

/**
 * Reports a breaker state change: a log line, the CircuitBreakerOpen gauge, and the incident's
 * integration exception (adapters/resilience/breaker-incidents.ts). Never throws.
 */
export function reportBreakerChange(change: BreakerStateChange): Promise<void> {
  return breakerReporter()(change);
}

/** The circuit breaker every instance of every function shares (state in TABLES.circuitBreaker). */
export const circuitBreaker = /* @__PURE__ */ lazy(
  () =>
    new CircuitBreaker({
      store: new DynamoDbBreakerStore(documents(), env(TABLES.circuitBreaker.envVar)),
      onStateChange: reportBreakerChange,
      onError: (error, endpoint) =>
        logger.warn('circuit breaker store unavailable; the call goes through', {
          endpoint,
          error: error as Error,
        }),
    }),
);
