/**
 * The ports of the procurement steps in Lambda, built once per execution environment from the
 * environment variables the CDK app sets (application/functions.ts grants).
 *
 * Every port is built on first use, so a function only needs the variables and grants of the ports
 * its step touches (the posting task needs the ERP; the sourcing task does not). Do not spread the
 * ports object (that would build them all): extend it with {@link withPorts}.
 *
 * Calls to the procurement platform and the ERP go through the shared circuit breaker (endpoints
 * `procurement` and `erp`); only transient failures count against an endpoint. Every state change
 * is reported as the `CircuitBreakerOpen` metric (1 open, 0 closed) with dimension Endpoint, and an
 * opening as an integration exception (`integration-exception.raised`, code CIRCUIT_OPEN) that the
 * closing resolves. Procurement calls also spend the request budget shared by every instance
 * (TABLES.circuitBreaker), the critical lane unless a call names `lane: 'bulk'`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ApprovalStore, ApprovalTaskGone, sfnTaskSuccess } from '../../adapters/aws/approvals';
import { DynamoDbCommitmentRegistry, DynamoDbSupplyStore } from '../../adapters/aws/commitments';
import { EventBridgePublisher } from '../../adapters/aws/event-publisher';
import { SecretCache } from '../../adapters/aws/secrets';
import { SyncLedger } from '../../adapters/aws/sync-ledger';
import type { ErpPort } from '../../domain/ports/erp';
import { RpcErp } from '../../adapters/erp/rpc/rpc-erp';
import { TrytonErp, trytonConnectionFromEnv } from '../../adapters/erp/tryton/tryton-erp';
import { ProcurementClient } from '../../adapters/procurement/client';
import { ProcurementPlatform } from '../../adapters/procurement/platform';
import { PROCUREMENT_RATE_BUDGET, RateBudget } from '../../adapters/procurement/rate-budget';
import {
  CircuitBreaker,
  CircuitOpenError,
  type BreakerStateChange,
} from '../../adapters/resilience/circuit-breaker';
import { DynamoDbBreakerStore } from '../../adapters/resilience/dynamodb-breaker-store';
import {
  PROCUREMENT_SHARED_BUDGET,
  RequestBudgetExhausted,
  SharedRateBudget,
} from '../../adapters/resilience/shared-rate-budget';
import { TransientFailure } from '../../domain/failures';
import { buildEvent } from '../../canonical/envelope';
import type {
  IntegrationException,
  IntegrationExceptionRaisedV1,
  IntegrationExceptionResolvedV1,
} from '../../canonical/generated/types';
import type { CommitmentPorts, CommitmentState, WorkflowSettings } from '../../domain/commitment/types';
import { resolvedEvent, resolvedException } from '../../domain/integration-exceptions';
import { defineProcurementPolicy, type ProcurementPolicy } from '../../domain/procurement/policy';
import {
  BUSINESS_RULES_ENV_VAR,
  CONNECTORS,
  EVENT_BUS_ENV_VAR,
  SECRETS,
  TABLES,
  TENANT_ID_ENV_VAR,
  stateMachineEnvVar,
  type ConnectorKey,
} from '../../application/resources';
import type { BusinessRules } from '../../application/environments';
import { documents, env, eventBridge, secretsManager, stepFunctions } from './clients';
import { logger, metrics } from './powertools';

function lazy<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

/** The procurement platform calls the steps make (CommitmentPorts' and the approval request's). */
export type ProcurementPort = CommitmentPorts['procurement'];

/** The functions' ports: the steps' CommitmentPorts with a procurement port that can also read a request. */
export interface FunctionPorts extends CommitmentPorts {
  procurement: ProcurementPort;
}

const secrets = lazy(() => new SecretCache(secretsManager()));

/** The environment's business rules (set on functions granted `businessRules`). */
export const businessRules = lazy(() => JSON.parse(env(BUSINESS_RULES_ENV_VAR)) as BusinessRules);

/** The procurement policy of the environment's business rules. */
export const procurementPolicy = lazy((): ProcurementPolicy => {
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

/** Business metrics as EMF; a metric with dimensions is flushed on its own so they stay its own. */
export function emitMetric(
  name: string,
  value: number,
  unit: 'Seconds' | 'Count',
  dimensions: Record<string, string> = {},
): void {
  if (Object.keys(dimensions).length === 0) {
    metrics.addMetric(name, MetricUnit[unit], value);
    return;
  }
  const single = metrics.singleMetric();
  for (const [dimension, dimensionValue] of Object.entries(dimensions))
    single.addDimension(dimension, dimensionValue);
  single.addMetric(name, MetricUnit[unit], value);
}

/** Why a closed breaker's exception is resolved. */
export const CIRCUIT_CLOSED_RESOLUTION = 'circuit closed after a successful probe';

const CANONICAL_SYSTEMS: ReadonlySet<string> = new Set<IntegrationException['system']>([
  'planning',
  'procurement',
  'erp',
  'supplyline',
]);

/** Exception id of a breaker incident: deterministic from the endpoint and when it opened (epoch ms). */
export function circuitExceptionId(endpoint: string, openedAtMs: number): string {
  return `IX-CIRCUIT_OPEN-${endpoint.replace(/[^A-Za-z0-9_.:/#-]/g, '-')}-${openedAtMs}`;
}

/** The integration exception of a breaker incident that opened at `openedAtMs`. */
export function circuitException(
  change: Pick<BreakerStateChange, 'endpoint' | 'system'> & Partial<BreakerStateChange>,
  openedAtMs: number,
): IntegrationException {
  const exceptionId = circuitExceptionId(change.endpoint, openedAtMs);
  const why =
    change.reason === 'probe-failed'
      ? 'its probe failed again'
      : change.calls !== undefined && change.failureRate !== undefined
        ? `${Math.round(change.failureRate * 100)}% of ${change.calls} calls failed`
        : 'too many calls failed';
  const retry = change.coolDownSeconds === undefined ? '' : ` every ${change.coolDownSeconds}s`;
  return {
    exceptionId,
    category: 'TECHNICAL',
    code: 'CIRCUIT_OPEN',
    message:
      `Calls to ${change.endpoint} are suspended: its circuit breaker opened because ${why}. ` +
      `It probes the endpoint${retry} and closes on its own once a probe succeeds.`,
    status: 'OPEN',
    objectType: 'Endpoint',
    objectId: change.endpoint.slice(0, 200),
    system: (CANONICAL_SYSTEMS.has(change.system)
      ? change.system
      : 'supplyline') as IntegrationException['system'],
    raisedAt: new Date(openedAtMs).toISOString(),
    details: JSON.stringify({
      endpoint: change.endpoint,
      reason: change.reason ?? null,
      calls: change.calls ?? null,
      failureRate: change.failureRate ?? null,
      coolDownSeconds: change.coolDownSeconds ?? null,
    }),
  };
}

const eventContext = { now: () => new Date(), newId: () => randomUUID() };

/** `integration-exception.raised` for a breaker incident (the same id and key for every re-opening). */
export function circuitOpenedEvent(
  change: BreakerStateChange,
  openedAtMs: number,
  tenantId: string,
): IntegrationExceptionRaisedV1 {
  const exception = circuitException(change, openedAtMs);
  return buildEvent(
    'integration-exception.raised',
    exception,
    {
      sourceObjectId: exception.exceptionId,
      sourceVersion: openedAtMs,
      occurredAt: change.at,
      // The incident is its own flow: the resolution joins it by the id.
      correlationId: exception.exceptionId,
      idempotencyKey: `integration-exception:${exception.exceptionId}`,
      tenantId,
    },
    eventContext,
  );
}

/** `integration-exception.resolved` for the breaker incident that opened at `openedAtMs`. */
export function circuitClosedEvent(
  change: BreakerStateChange,
  openedAtMs: number,
  tenantId: string,
): IntegrationExceptionResolvedV1 {
  const resolved = resolvedException(
    circuitException(change, openedAtMs),
    { resolvedBy: 'circuit-breaker', reason: CIRCUIT_CLOSED_RESOLUTION },
    change.at,
  );
  return resolvedEvent(resolved, { tenantId, correlationId: resolved.exceptionId }, eventContext);
}

/**
 * The open incident of each endpoint (`incident#<endpoint>` in TABLES.circuitBreaker): the instance
 * that closes a breaker is rarely the one that opened it, and the exception id needs the opening time.
 */
const breakerIncidents = {
  key: (endpoint: string) => ({ endpoint: `incident#${endpoint}` }),
  /** A breaker that was closed starts an incident; one re-opened after a failed probe continues its own. */
  async open(change: BreakerStateChange): Promise<number> {
    const { Attributes } = await documents().send(
      new UpdateCommand({
        TableName: env(TABLES.circuitBreaker.envVar),
        Key: breakerIncidents.key(change.endpoint),
        UpdateExpression:
          change.from === 'closed' ? 'SET #openedAt = :at' : 'SET #openedAt = if_not_exists(#openedAt, :at)',
        ExpressionAttributeNames: { '#openedAt': 'openedAt' },
        ExpressionAttributeValues: { ':at': change.at.getTime() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const openedAt = Attributes?.openedAt;
    return typeof openedAt === 'number' ? openedAt : change.at.getTime();
  },
  /** Ends the endpoint's incident; when it opened, or undefined when none was recorded. */
  async close(change: BreakerStateChange): Promise<number | undefined> {
    const { Attributes } = await documents().send(
      new DeleteCommand({
        TableName: env(TABLES.circuitBreaker.envVar),
        Key: breakerIncidents.key(change.endpoint),
        ReturnValues: 'ALL_OLD',
      }),
    );
    const openedAt = Attributes?.openedAt;
    return typeof openedAt === 'number' ? openedAt : undefined;
  },
};

/** Publishes the integration exception of an opening or its resolution on closing. */
async function announceBreakerChange(change: BreakerStateChange): Promise<void> {
  if (change.to === 'open') {
    let openedAt = change.at.getTime();
    try {
      openedAt = await breakerIncidents.open(change);
    } catch (error) {
      logger.warn('circuit breaker incident not stored; its closing cannot resolve the exception', {
        endpoint: change.endpoint,
        error: error as Error,
      });
    }
    await publisher().publish([circuitOpenedEvent(change, openedAt, env(TENANT_ID_ENV_VAR))]);
    return;
  }
  if (change.to === 'closed') {
    const openedAt = await breakerIncidents.close(change);
    if (openedAt === undefined) {
      logger.warn('circuit breaker closed without a stored incident: no exception to resolve', {
        endpoint: change.endpoint,
      });
      return;
    }
    await publisher().publish([circuitClosedEvent(change, openedAt, env(TENANT_ID_ENV_VAR))]);
  }
}

/**
 * Reports a breaker state change: a log line, the CircuitBreakerOpen gauge (half-open is neither),
 * and the incident's integration exception (raised on opening, resolved on closing). Never throws:
 * reporting must not fail the call that changed the state.
 */
export async function reportBreakerChange(change: BreakerStateChange): Promise<void> {
  logger.warn('circuit breaker changed state', { ...change, at: change.at.toISOString() });
  if (change.to === 'half-open') return;
  emitMetric('CircuitBreakerOpen', change.to === 'open' ? 1 : 0, 'Count', { Endpoint: change.system });
  try {
    await announceBreakerChange(change);
  } catch (error) {
    logger.error('circuit breaker exception event not published', {
      endpoint: change.endpoint,
      to: change.to,
      error: error as Error,
    });
  }
}

/** The circuit breaker every instance of every function shares (state in TABLES.circuitBreaker). */
export const circuitBreaker = lazy(
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

/**
 * A client built from a JSON secret, rebuilt only when the secret's value changed (rotation).
 * The secret is read through the shared 5-minute cache.
 */
function fromSecret<T>(system: ConnectorKey, build: (secret: Record<string, string>) => T): () => Promise<T> {
  let current: { raw: string; value: T } | undefined;
  return async () => {
    const raw = await secrets().get(env(SECRETS[CONNECTORS[system].secret].envVar));
    if (current?.raw !== raw) current = { raw, value: build(JSON.parse(raw) as Record<string, string>) };
    return current.value;
  };
}

function requireFields(system: ConnectorKey, secret: Record<string, string>, fields: readonly string[]) {
  const missing = fields.filter((field) => !secret[field] || secret[field] === 'SET_AFTER_DEPLOY');
  if (missing.length > 0)
    throw new Error(`the ${system} secret has no ${missing.join(', ')} yet (set it after deploy)`);
}

/**
 * The procurement request budget every instance shares (windows in TABLES.circuitBreaker); while the
 * table is unreachable, each instance's own bucket decides instead.
 */
export const procurementBudget = lazy(
  () =>
    new SharedRateBudget({
      documents: documents(),
      tableName: env(TABLES.circuitBreaker.envVar),
      endpoint: 'procurement',
      ...PROCUREMENT_SHARED_BUDGET,
      fallback: new RateBudget(PROCUREMENT_RATE_BUDGET),
      onError: (error) =>
        logger.warn('shared request budget unavailable; the instance’s own budget applies', {
          error: error as Error,
        }),
    }),
);

const procurementClient = fromSecret('procurement', (secret) => {
  requireFields('procurement', secret, ['client_id', 'client_secret']);
  return new ProcurementPlatform(
    new ProcurementClient({
      baseUrl: env(CONNECTORS.procurement.settings.procurementBaseUrl),
      credentials: { clientId: secret.client_id!, clientSecret: secret.client_secret! },
      budget: procurementBudget(),
      defaultLane: 'critical',
    }),
  );
});

/**
 * The ERP by its protocol: Tryton's JSON-RPC (default), or the ERP RPC protocol of an integration
 * gateway in front of another ERP (adapters/erp/rpc), which is also how the local runtime reaches its
 * embedded ERP simulator. Configuration, like the URL: the function code is the same.
 */
export const ERP_PROTOCOL_ENV_VAR = 'ERP_PROTOCOL';

const trytonErp = fromSecret('erp', (secret): ErpPort => {
  requireFields('erp', secret, ['username', 'password']);
  if (process.env[ERP_PROTOCOL_ENV_VAR] === 'supplyline-rpc') {
    return new RpcErp(env(CONNECTORS.erp.settings.erpBaseUrl), {
      authorization: `Basic ${Buffer.from(`${secret.username}:${secret.password}`).toString('base64')}`,
    });
  }
  return new TrytonErp(
    trytonConnectionFromEnv({
      TRYTON_URL: env(CONNECTORS.erp.settings.erpBaseUrl),
      TRYTON_DB: env(CONNECTORS.erp.settings.erpDatabase),
      TRYTON_USER: secret.username,
      TRYTON_PASSWORD: secret.password,
    }),
  );
});

/** Each listed method loads the client (outside the breaker: a secret read is not the endpoint), then calls it through the breaker. */
/** In-place retries of a read that failed transiently: several reads per step multiply blips. */
const READ_RETRIES = 2;

function retriableRead(error: unknown): boolean {
  // An open breaker or our own budget says "not now": retrying in place would only hammer them.
  return (
    error instanceof TransientFailure &&
    !(error instanceof CircuitOpenError) &&
    !(error instanceof RequestBudgetExhausted)
  );
}

/**
 * Each listed method loads the client (outside the breaker: a secret read is not the endpoint),
 * then calls it through the breaker. Methods marked `read` are idempotent and retried in place
 * twice with jitter; writes are retried by their caller (workflow Retry, queue redelivery).
 */
function guarded<T extends object, K extends keyof T>(
  system: ConnectorKey,
  load: () => Promise<T>,
  methods: Readonly<Record<K, 'read' | 'write'>>,
): Pick<T, K> {
  const port = {} as Record<K, unknown>;
  for (const method of Object.keys(methods) as K[]) {
    port[method] = async (...args: unknown[]) => {
      const client = await load();
      const call = () =>
        circuitBreaker().execute(system, () =>
          (client[method] as (...a: unknown[]) => Promise<unknown>).apply(client, args),
        );
      for (let attempt = 0; ; attempt++) {
        try {
          return await call();
        } catch (error) {
          if (methods[method] !== 'read' || attempt >= READ_RETRIES || !retriableRead(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
        }
      }
    };
  }
  return port as Pick<T, K>;
}

const PROCUREMENT_METHODS = {
  getSupplier: 'read',
  getSourcingRequest: 'read',
  createSourcingRequest: 'write',
  amendSourcingRequest: 'write',
  cancelSourcingRequest: 'write',
  listSourcingRequests: 'read',
  awardPurchaseOrder: 'write',
} as const satisfies Record<keyof ProcurementPort, 'read' | 'write'>;

// Every ErpPort method: the compiler fails here when the port grows.
const ERP_METHODS = {
  getItem: 'read',
  getWarehouse: 'read',
  getSupplier: 'read',
  getInventoryBalance: 'read',
  committedValue: 'read',
  findPurchaseOrder: 'read',
  postPurchaseOrder: 'write',
  amendPurchaseOrder: 'write',
  listReceipts: 'read',
} as const satisfies Record<keyof ErpPort, 'read' | 'write'>;

/** The procurement platform behind the circuit breaker. */
export const procurementPort = lazy((): ProcurementPort =>
  guarded('procurement', procurementClient, PROCUREMENT_METHODS),
);

/** The ERP (Tryton) behind the circuit breaker. */
export const erpPort = lazy((): ErpPort => guarded('erp', trytonErp, ERP_METHODS));

const publisher = lazy(() => new EventBridgePublisher(eventBridge(), env(EVENT_BUS_ENV_VAR)));
const ledger = lazy(() => new SyncLedger(documents(), env(TABLES.syncLedger.envVar)));
const supply = lazy(() => new DynamoDbSupplyStore(documents(), env(TABLES.workflowCorrelation.envVar)));
const commitments = lazy(
  () => new DynamoDbCommitmentRegistry(documents(), env(TABLES.workflowCorrelation.envVar)),
);

/** Approval task tokens (TABLES.workflowCorrelation); decisions resume the workflow through Step Functions. */
export const approvalStore = lazy(
  () =>
    new ApprovalStore(documents(), env(TABLES.workflowCorrelation.envVar), sfnTaskSuccess(stepFunctions())),
);

const PORTS: FunctionPorts = {
  get procurement() {
    return procurementPort();
  },
  get erp() {
    return erpPort();
  },
  warehouseForSite(site) {
    const warehouses = businessRules().siteWarehouses;
    return Object.hasOwn(warehouses, site) ? warehouses[site] : undefined;
  },
  publish: (events) => publisher().publish(events),
  get ledger() {
    return ledger();
  },
  get supply() {
    return supply();
  },
  get commitments() {
    return commitments();
  },
  get policy() {
    return procurementPolicy();
  },
  get tenantId() {
    return env(TENANT_ID_ENV_VAR);
  },
  now: () => new Date(),
  newId: () => randomUUID(),
  metric: emitMetric,
};

/** The ports of the procurement steps in this execution environment. */
export function commitmentPorts(): FunctionPorts {
  return PORTS;
}

/** The ports with `extra` on top, without building the ports `extra` does not touch. */
export function withPorts<T extends object>(extra: T): FunctionPorts & T {
  return Object.assign(Object.create(PORTS) as FunctionPorts, extra);
}

const taskSuccess = lazy(() => sfnTaskSuccess(stepFunctions()));

/**
 * Answers a task token with `output`. A workflow that stopped waiting (its deadline passed) is
 * not an error here: the late answer was applied where it matters, and the workflow has already
 * raised its own exception.
 */
export async function sendTaskSuccess(taskToken: string, output: object): Promise<void> {
  try {
    // sfnTaskSuccess is typed for approval outputs; it sends any JSON output the same way.
    await taskSuccess()(taskToken, output as Parameters<ReturnType<typeof sfnTaskSuccess>>[1]);
  } catch (error) {
    if (!(error instanceof ApprovalTaskGone)) throw error;
    logger.warn('the workflow no longer waits for this answer', { error });
  }
}

/** An execution name from a business key: readable, within Step Functions' 80 characters and charset. */
export function executionName(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `${key.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 63)}-${hash}`;
}

/** Starts the purchase-commitment workflow (Express) with the evaluated exception. */
export async function startCommitment(input: CommitmentState): Promise<void> {
  await stepFunctions().send(
    new StartExecutionCommand({
      stateMachineArn: env(stateMachineEnvVar('purchase-commitment')),
      name: executionName(input.event.idempotencyKey),
      input: JSON.stringify(input),
    }),
  );
}
