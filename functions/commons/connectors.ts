/**
 * The external systems the functions call, the procurement platform and the ERP, each built once per
 * execution environment from its connector's secret and settings (application/resources.ts
 * CONNECTORS), and rebuilt only when the secret rotates.
 *
 * Calls go through the shared circuit breaker (endpoints `procurement` and `erp`, see
 * functions/commons/adapters.ts); only transient failures count against an endpoint. Procurement
 * calls also spend the request budget shared by every instance (TABLES.circuitBreaker), the
 * critical lane unless a call names `lane: 'bulk'`.
 */
import { procurementInstanceTag } from '../../domain/commitment/steps';
import type { ErpPort } from '../../domain/ports/erp';
import { RpcErp } from '../../adapters/erp/rpc/rpc-erp';
import { TrytonErp, trytonConnectionFromEnv } from '../../adapters/erp/tryton/tryton-erp';
import { ProcurementClient } from '../../adapters/procurement/client';
import { ProcurementPlatform } from '../../adapters/procurement/platform';
import { PROCUREMENT_RATE_BUDGET, RateBudget } from '../../adapters/procurement/rate-budget';
import { guardedPort } from '../../adapters/resilience/guarded-port';
import { PROCUREMENT_SHARED_BUDGET, SharedRateBudget } from '../../adapters/resilience/shared-rate-budget';
import type { ProcurementPort } from '../../domain/ports/procurement';
import { httpsRequiredIn } from '../../application/outbound';
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

const trytonErp = fromSecret('erp', (secret): ErpPort => {
  requireFields('erp', secret, ['username', 'password']);
  if (process.env[ERP_PROTOCOL_ENV_VAR] === 'supplyline-rpc') {
    return new RpcErp(env(CONNECTORS.erp.settings.erpBaseUrl), {
      requireHttps: httpsRequired(),
      authorization: `Basic ${Buffer.from(`${secret.username}:${secret.password}`).toString('base64')}`,
      timeLeftMs: timeLeftForCallsMs,
    });
  }
  return new TrytonErp({
    ...trytonConnectionFromEnv({
      TRYTON_URL: env(CONNECTORS.erp.settings.erpBaseUrl),
      TRYTON_DB: env(CONNECTORS.erp.settings.erpDatabase),
      TRYTON_USER: secret.username,
      TRYTON_PASSWORD: secret.password,
    }),
    timeLeftMs: timeLeftForCallsMs,
    requireHttps: httpsRequired(),
  });
});

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
  listExpectedShipments: 'read',
  recordExpectedShipment: 'write',
} as const satisfies Record<keyof ErpPort, 'read' | 'write'>;

/** The procurement platform behind the circuit breaker. */
export const procurementPort = lazy((): ProcurementPort =>
  guardedPort('procurement', procurementClient, PROCUREMENT_METHODS, circuitBreaker),
);

/** The ERP (Tryton) behind the circuit breaker. */
export const erpPort = lazy((): ErpPort => guardedPort('erp', trytonErp, ERP_METHODS, circuitBreaker));
