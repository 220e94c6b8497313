/**
 * The external systems the functions call, the procurement platform and the ERP, each built once per
 * execution environment from its connector's secret and settings (application/resources.ts
 * CONNECTORS), and rebuilt only when the secret rotates.
 *
 * Calls go through the shared circuit breaker (endpoints `procurement`, and per ERP instance `erp`
 * for the primary, `erp:<name>` for the others; see functions/commons/adapters.ts); only transient
 * failures count against an endpoint. Procurement calls also spend the request budget shared by
 * every instance (TABLES.circuitBreaker), the critical lane unless a call names `lane: 'bulk'`; so
 * does each ERP instance, from its own budget (application/erp-instances.ts, or ERP_SHARED_BUDGET
 * for the single ERP): commitment work in the critical lane, the system APIs' reads in the bulk lane.
 */
import { erpInstances, type ErpInstances } from '../../domain/business-units';
import { procurementInstanceTag } from '../../domain/commitment/steps';
import type { ErpPort } from '../../domain/ports/erp';
import { RpcErp } from '../../adapters/erp/rpc/rpc-erp';
import { TrytonErp, trytonConnectionFromEnv } from '../../adapters/erp/tryton/tryton-erp';
import { ProcurementClient } from '../../adapters/procurement/client';
import { ProcurementPlatform } from '../../adapters/procurement/platform';
import { PROCUREMENT_RATE_BUDGET, RateBudget } from '../../adapters/procurement/rate-budget';
import { budgetedPort } from '../../adapters/resilience/budgeted-port';
import { guardedPort } from '../../adapters/resilience/guarded-port';
import {
  PROCUREMENT_SHARED_BUDGET,
  SharedRateBudget,
  type RequestBudget,
} from '../../adapters/resilience/shared-rate-budget';
import type { ProcurementPort, ProcurementSupplier } from '../../domain/ports/procurement';
import { ERP_SHARED_BUDGET } from '../../application/system-apis';
import { httpsRequiredIn } from '../../application/outbound';
import {
  ERP_INSTANCES_ENV_VAR,
  erpEndpoint,
  erpInstanceEnvVars,
  erpInstancesFromEnvironment,
  type ErpInstanceRouting,
} from '../../application/erp-instances';
import {
  CONNECTORS,
  ENVIRONMENT_ENV_VAR,
  SECRETS,
  TABLES,
  type ConnectorKey,
} from '../../application/resources';
import { circuitBreaker, secrets } from './adapters';
import { documents, env, lazy } from './clients';
import { timeLeftForCallsMs } from './invocation';
import { logger } from './powertools';

/** Staging and prod reach the ERP and the procurement platform over HTTPS only (application/outbound.ts). */
const httpsRequired = (): boolean => httpsRequiredIn(process.env[ENVIRONMENT_ENV_VAR]);

/**
 * A client built from a JSON secret, rebuilt only when the secret's value changed (rotation).
 * The secret is read through the shared 5-minute cache.
 */
function fromSecret<T>(
  system: ConnectorKey,
  build: (secret: Record<string, string>) => T,
  secretArnEnvVar: string = SECRETS[CONNECTORS[system].secret].envVar,
): () => Promise<T> {
  let current: { raw: string; value: T } | undefined;
  return async () => {
    const raw = await secrets().get(env(secretArnEnvVar));
    if (current?.raw !== raw) current = { raw, value: build(JSON.parse(raw) as Record<string, string>) };
    return current.value;
  };
}

function requireFields(system: string, secret: Record<string, string>, fields: readonly string[]) {
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

const procurementConnection = fromSecret('procurement', (secret) => {
  requireFields('procurement', secret, ['client_id', 'client_secret']);
  const baseUrl = env(CONNECTORS.procurement.settings.procurementBaseUrl);
  const client = new ProcurementClient({
    baseUrl,
    requireHttps: httpsRequired(),
    credentials: { clientId: secret.client_id!, clientSecret: secret.client_secret! },
    budget: procurementBudget(),
    defaultLane: 'critical',
    timeLeftMs: timeLeftForCallsMs,
  });
  // Request ids repeat across instances and resets: the tag keeps our references apart.
  return {
    client,
    platform: new ProcurementPlatform(client, procurementInstanceTag(baseUrl, secret.client_id!)),
  };
});

const procurementClient = async () => (await procurementConnection()).platform;

/**
 * The vendor's purchase-order calls themselves (reconciliation reads orders by number and repairs
 * statuses; the domain port has neither), behind the circuit breaker and in the shared budget.
 */
export const procurementPurchaseOrders = lazy(
  (): Pick<ProcurementClient, 'getPurchaseOrder' | 'updatePurchaseOrderStatus'> => ({
    getPurchaseOrder: async (poNumber, options) => {
      const { client } = await procurementConnection();
      return circuitBreaker().execute('procurement', () => client.getPurchaseOrder(poNumber, options));
    },
    updatePurchaseOrderStatus: async (poNumber, body, options) => {
      const { client } = await procurementConnection();
      return circuitBreaker().execute('procurement', () =>
        client.updatePurchaseOrderStatus(poNumber, body, options),
      );
    },
  }),
);

/**
 * The ERP by its protocol: Tryton's JSON-RPC (default), or the ERP RPC protocol of an integration
 * gateway in front of another ERP (adapters/erp/rpc), which is also how the local runtime reaches its
 * embedded ERP simulator. Configuration, like the URL: the function code is the same.
 */
export const ERP_PROTOCOL_ENV_VAR = 'ERP_PROTOCOL';

/** One ERP instance's client, from its own variables and secret (the primary's are the single-ERP names). */
function erpConnection(instance: string, index: number): () => Promise<ErpPort> {
  const vars = erpInstanceEnvVars(instance, index);
  const label = erpEndpoint(instance, index);
  return fromSecret('erp', (secret) => erpClient(label, vars, secret), vars.credentialsSecretArn);
}

function erpClient(
  label: string,
  vars: ReturnType<typeof erpInstanceEnvVars>,
  secret: Record<string, string>,
): ErpPort {
  requireFields(label, secret, ['username', 'password']);
  const protocol = process.env[vars.protocol];
  // `simulator` (configuration) and `supplyline-rpc` (the local runtime's override) are the RPC protocol.
  if (protocol === 'supplyline-rpc' || protocol === 'simulator') {
    return new RpcErp(env(vars.baseUrl), {
      requireHttps: httpsRequired(),
      authorization: `Basic ${Buffer.from(`${secret.username}:${secret.password}`).toString('base64')}`,
      timeLeftMs: timeLeftForCallsMs,
    });
  }
  return new TrytonErp({
    ...trytonConnectionFromEnv({
      TRYTON_URL: env(vars.baseUrl),
      TRYTON_DB: env(vars.database),
      TRYTON_USER: secret.username!,
      TRYTON_PASSWORD: secret.password!,
    }),
    timeLeftMs: timeLeftForCallsMs,
    requireHttps: httpsRequired(),
  });
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
  listItems: 'read',
  getWarehouse: 'read',
  getSupplier: 'read',
  applySupplierChange: 'write',
  getInventoryBalance: 'read',
  committedValue: 'read',
  findPurchaseOrder: 'read',
  listReferencedPurchaseOrders: 'read',
  findPurchaseOrders: 'read',
  postPurchaseOrder: 'write',
  amendPurchaseOrder: 'write',
  listReceipts: 'read',
  listExpectedShipments: 'read',
  findOrdersExpectingShipment: 'read',
  recordExpectedShipment: 'write',
  withdrawExpectedShipment: 'write',
  replaceExpectedShipment: 'write',
} as const satisfies Record<keyof ErpPort, 'read' | 'write'>;

/** The procurement platform behind the circuit breaker. */
export const procurementPort = lazy((): ProcurementPort =>
  guardedPort('procurement', procurementClient, PROCUREMENT_METHODS, circuitBreaker),
);

/**
 * A declared instance's budget windows: one second of its requests, of which reads may take
 * ERP_SHARED_BUDGET's share, yet at least one request (a budget of 1 or 2 a second would leave
 * them none, and SharedRateBudget refuses that).
 */
export function erpBudgetWindows(requestsPerSecond: number) {
  const limitPerWindow = Math.max(1, Math.floor(requestsPerSecond));
  return {
    limitPerWindow,
    windowMs: 1000,
    bulkShare: Math.max(ERP_SHARED_BUDGET.bulkShare, 1 / limitPerWindow),
  };
}

/**
 * A declared instance's request budget, shared by every function instance (windows of one second
 * in TABLES.circuitBreaker under its endpoint); while the table is unreachable, this function
 * instance's own bucket decides. Reads of the system APIs may take their share of it (bulk lane).
 */
function erpBudget(endpoint: string, { requestBudget }: ErpInstanceRouting): RequestBudget {
  return new SharedRateBudget({
    documents: documents(),
    tableName: env(TABLES.circuitBreaker.envVar),
    endpoint,
    ...erpBudgetWindows(requestBudget.requestsPerSecond),
    fallback: new RateBudget({
      capacity: requestBudget.burst,
      refillPerSecond: requestBudget.requestsPerSecond,
    }),
    onError: (error) =>
      logger.warn('shared ERP request budget unavailable; the instance’s own budget applies', {
        endpoint,
        error: error as Error,
      }),
  });
}

/**
 * The single (undeclared) ERP's request budget, ERP_SHARED_BUDGET under endpoint `erp`; while the
 * table is unreachable calls go ahead (the breaker still guards the ERP).
 */
function singleErpBudget(endpoint: string): RequestBudget {
  return new SharedRateBudget({
    documents: documents(),
    tableName: env(TABLES.circuitBreaker.envVar),
    endpoint,
    ...ERP_SHARED_BUDGET,
    onError: (error) => logger.warn('shared ERP request budget unavailable', { error: error as Error }),
  });
}

const erpBudgets = new Map<string, RequestBudget>();
const erpConnections = new Map<string, () => Promise<ErpPort>>();

/** The value `cache` holds for `key`, created on first use. */
function cached<V>(cache: Map<string, V>, key: string, create: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = create();
    cache.set(key, value);
  }
  return value;
}

/**
 * An ERP instance's one request budget: commitment work takes its critical lane, the system APIs'
 * reads its bulk lane, so reads never crowd out the ERP calls of the critical path (ADR 12).
 */
function erpInstanceBudget(routes: readonly ErpInstanceRouting[], index: number): RequestBudget {
  const endpoint = erpEndpoint(routes[index]!.name, index);
  return cached(erpBudgets, endpoint, () =>
    process.env[ERP_INSTANCES_ENV_VAR] !== undefined
      ? erpBudget(endpoint, routes[index]!)
      : singleErpBudget(endpoint),
  );
}

/** One client per instance, whichever lane its callers take. */
function erpInstanceConnection(instance: string, index: number): () => Promise<ErpPort> {
  return cached(erpConnections, instance, () => erpConnection(instance, index));
}

const erpPorts = new Map<string, ErpPort>();

/** The instance's ERP behind its own circuit breaker, each call in its request budget's critical lane. */
function erpInstancePort(routes: readonly ErpInstanceRouting[], instance: string): ErpPort {
  return cached(erpPorts, instance, () => {
    const index = routes.findIndex((route) => route.name === instance);
    return guardedPort(
      erpEndpoint(instance, index),
      erpInstanceConnection(instance, index),
      ERP_METHODS,
      circuitBreaker,
      { budget: erpInstanceBudget(routes, index) },
    );
  });
}

/** The environment's ERP instances (ERP_INSTANCES, or the single primary), each built on first use. */
export const erpInstancePorts = lazy((): ErpInstances => {
  const routes = erpInstancesFromEnvironment(process.env);
  return erpInstances(routes, (instance) => erpInstancePort(routes, instance));
});

/** The primary ERP instance behind its circuit breaker (what a single-ERP environment has). */
export const erpPort = lazy((): ErpPort => erpInstancePorts().all()[0]!.erp);

/** What the system APIs read of the ERP. */
const ERP_BULK_READS = {
  getItem: 'read',
  listItems: 'read',
  getWarehouse: 'read',
  getSupplier: 'read',
  getInventoryBalance: 'read',
  findPurchaseOrder: 'read',
  listReceipts: 'read',
} as const satisfies Partial<typeof ERP_METHODS>;

/**
 * Reads of one of the routes' ERP instances for bulk work (the system APIs, reconciliation): behind
 * its breaker, each granted by its own request budget's bulk lane (and not its critical lane as
 * well: the guarded port under them has no budget of its own), waiting up to `maxWaitMs` for a
 * window.
 */
function erpBulkPort<K extends keyof typeof ERP_METHODS>(
  methods: Readonly<Record<K, 'read'>>,
  maxWaitMs: number,
  routes: readonly ErpInstanceRouting[],
  instance: string,
): Pick<ErpPort, K> {
  const index = routes.findIndex((route) => route.name === instance);
  const reads = guardedPort(
    erpEndpoint(instance, index),
    erpInstanceConnection(instance, index),
    methods,
    circuitBreaker,
  );
  return budgetedPort(reads, Object.keys(methods) as K[], {
    budget: erpInstanceBudget(routes, index),
    lane: 'bulk',
    system: 'erp',
    maxWaitMs,
  });
}

/**
 * Bulk reads of every instance, each instance's built on first use (routing by warehouse: see
 * domain/business-units.ts).
 */
export function erpBulkPorts<K extends keyof typeof ERP_METHODS, P>(
  methods: Readonly<Record<K, 'read'>>,
  maxWaitMs: number,
  wrap: (reads: Pick<ErpPort, K>) => P,
): ErpInstances<P> {
  const routes = erpInstancesFromEnvironment(process.env);
  const built = new Map<string, P>();
  return erpInstances(routes, (instance) =>
    cached(built, instance, () => wrap(erpBulkPort(methods, maxWaitMs, routes, instance))),
  );
}

/**
 * The system APIs' ERP reads of each instance (a warehouse's from the instance holding it): a reader
 * waits up to a second, within its fill lease and API timeout.
 */
export const erpBulkReadsByInstance = lazy(() => erpBulkPorts(ERP_BULK_READS, 1_000, (reads) => reads));

/** The system APIs' reads of the primary instance (items and suppliers: ADR 13). */
export const erpBulkReads = lazy(() => erpBulkReadsByInstance().all()[0]!.erp);

/** A supplier as procurement rates it, read in the procurement budget's bulk lane. */
export async function procurementSupplierBulk(supplierNumber: string): Promise<ProcurementSupplier | null> {
  const { client } = await procurementConnection();
  const supplier = await circuitBreaker().execute('procurement', () =>
    client.getSupplier(supplierNumber, { lane: 'bulk' }),
  );
  return (
    supplier && { supplierNumber: supplier.supplier_number, name: supplier.name, status: supplier.status }
  );
}
