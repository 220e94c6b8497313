/**
 * The ERP instances of an environment, one per business unit (shared/contracts/business-rules.md,
 * "Business units and ERP instances"). Plain data, validated when loaded, like the EDI partner
 * profiles. An environment that declares none has one: the primary instance built from
 * `systems.erpBaseUrl` / `systems.erpDatabase`, holding every warehouse, so a single-ERP
 * configuration keeps working unchanged. More are declared with context
 * `-c erpInstances='[{...}]'` (a JSON array; the first is the primary).
 *
 * The primary instance keeps the names a single-ERP deployment always had (secret `erpCredentials`,
 * ERP_BASE_URL, circuit-breaker endpoint `erp`), so adding a second instance deploys nothing already
 * running differently; every other instance's names carry its own name (ADR 0013).
 */
import { instanceProblems, type ErpInstanceRoute } from '../domain/business-units';
import { erpSyncSystem, systemPair } from '../domain/sync-lag';
import type { EnvironmentConfig, SyncLagSlo } from './environments';
import { httpsRequiredIn, outboundUrlProblem } from './outbound';

/** How an instance is spoken to: Tryton's JSON-RPC, or the ERP RPC protocol of the embedded simulator / a gateway. */
export type ErpProtocol = 'tryton' | 'simulator';

/** Requests per second the instance may take from the middleware (per function instance). */
export interface ErpRequestBudget {
  readonly requestsPerSecond: number;
  /** Most requests at once after a quiet spell. */
  readonly burst: number;
}

/** One ERP instance of a business unit. */
export interface ErpInstance extends ErpInstanceRoute {
  readonly protocol: ErpProtocol;
  /** Server root URL (Tryton: no database segment). */
  readonly baseUrl: string;
  /** Tryton database name (the simulator ignores it). */
  readonly database: string;
  /** The canonical code mapping its codes use (canonical/codes/tables.ts); every instance speaks `erp`. */
  readonly codeTables: 'erp';
  readonly requestBudget: ErpRequestBudget;
}

/** What a primary instance built from the legacy single-ERP settings may take: generous, as before. */
export const DEFAULT_ERP_REQUEST_BUDGET: ErpRequestBudget = { requestsPerSecond: 20, burst: 40 };

/** The name of the instance a single-ERP environment has. */
export const PRIMARY_ERP_INSTANCE = 'primary';

/** The single instance of an environment that declares none: every warehouse, the `systems` settings. */
export function singleErpInstance(
  systems: { readonly erpBaseUrl: string; readonly erpDatabase: string },
  siteWarehouses: Readonly<Record<string, string>>,
): ErpInstance {
  return {
    name: PRIMARY_ERP_INSTANCE,
    protocol: 'tryton',
    baseUrl: systems.erpBaseUrl,
    database: systems.erpDatabase,
    codeTables: 'erp',
    warehouses: [...new Set(Object.values(siteWarehouses))].sort(),
    requestBudget: DEFAULT_ERP_REQUEST_BUDGET,
  };
}

/** The environment's ERP instances: those it declares, or its single one from `systems`. */
export function erpInstancesOf(
  config: Pick<EnvironmentConfig, 'systems' | 'business' | 'erpInstances'>,
): readonly ErpInstance[] {
  return config.erpInstances ?? [singleErpInstance(config.systems, config.business.siteWarehouses)];
}

/** The instances of context `erpInstances` (JSON), else `fallback`; none: the single instance applies. */
export function erpInstancesFromContext(
  json: string | undefined,
  fallback?: readonly ErpInstance[],
): { erpInstances?: readonly ErpInstance[] } {
  if (json === undefined) return fallback ? { erpInstances: fallback } : {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`Supplyline: context erpInstances is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!Array.isArray(parsed)) throw new Error('Supplyline: context erpInstances must be a JSON array');
  const erpInstances = parsed.map((instance: Partial<ErpInstance>) => ({
    protocol: 'tryton',
    codeTables: 'erp',
    requestBudget: DEFAULT_ERP_REQUEST_BUDGET,
    ...instance,
  })) as ErpInstance[];
  return { erpInstances };
}

/**
 * Every problem of `instances` in `environment`: names, protocols, URLs, budgets, and the routing
 * (each warehouse of a site in exactly one instance: instanceProblems in domain/business-units.ts).
 */
export function erpInstanceProblems(
  instances: readonly ErpInstance[],
  environment: string,
  siteWarehouses: Readonly<Record<string, string>>,
): string[] {
  const problems = instanceProblems(instances, siteWarehouses);
  for (const instance of instances) {
    const where = `ERP instance '${instance.name}'`;
    if (instance.protocol !== 'tryton' && instance.protocol !== 'simulator')
      problems.push(`${where}: protocol must be 'tryton' or 'simulator'`);
    const urlProblem = outboundUrlProblem(String(instance.baseUrl), httpsRequiredIn(environment));
    if (urlProblem) problems.push(`${where}: baseUrl ${urlProblem}`);
    if (typeof instance.database !== 'string' || instance.database.trim() === '')
      problems.push(`${where}: database must not be empty`);
    if (instance.codeTables !== 'erp') problems.push(`${where}: codeTables must be 'erp'`);
    const budget = instance.requestBudget;
    if (!(budget?.requestsPerSecond > 0) || !(Number.isInteger(budget?.burst) && budget.burst >= 1))
      problems.push(`${where}: requestBudget needs requestsPerSecond > 0 and a whole burst >= 1`);
  }
  return problems;
}

/** The problems of the ERP instances an environment declares (its single one is its checked `systems`). */
export function environmentErpProblems(
  config: Pick<EnvironmentConfig, 'name' | 'business' | 'erpInstances'>,
): string[] {
  if (config.erpInstances === undefined) return [];
  return erpInstanceProblems(config.erpInstances, config.name, config.business.siteWarehouses);
}

/** `west-coast` -> `WEST_COAST`: the part of an instance's variable names that is its own. */
function envToken(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** The environment variables that locate one instance; the primary's are the single-ERP names. */
export interface ErpInstanceEnvVars {
  readonly baseUrl: string;
  readonly database: string;
  readonly protocol: string;
  readonly credentialsSecretArn: string;
}

/** The variables of the instance at `index` (0: the primary) of the environment's list. */
export function erpInstanceEnvVars(name: string, index: number): ErpInstanceEnvVars {
  const prefix = index === 0 ? 'ERP' : `ERP_${envToken(name)}`;
  return {
    baseUrl: `${prefix}_BASE_URL`,
    database: `${prefix}_DATABASE`,
    protocol: `${prefix}_PROTOCOL`,
    credentialsSecretArn: `${prefix}_CREDENTIALS_SECRET_ARN`,
  };
}

/** The instance's circuit-breaker endpoint and sync-lag system: `erp`, or `erp:<name>` past the primary. */
export function erpEndpoint(name: string, index: number): string {
  return index === 0 ? 'erp' : `erp:${name}`;
}

/**
 * Environment variable with the routing and budgets of every instance as JSON (name, warehouses,
 * request budget, in order). Set only when an environment has more than one instance: without it
 * the functions have the single primary instance holding every warehouse.
 */
export const ERP_INSTANCES_ENV_VAR = 'ERP_INSTANCES';

/** What ERP_INSTANCES carries per instance; the connection is in its own variables. */
export type ErpInstanceRouting = Pick<ErpInstance, 'name' | 'warehouses' | 'requestBudget'>;

/** The ERP_INSTANCES value of `instances`, or undefined for a single instance. */
export function erpInstancesVariable(instances: readonly ErpInstance[]): string | undefined {
  if (instances.length < 2) return undefined;
  return JSON.stringify(
    instances.map(({ name, warehouses, requestBudget }) => ({ name, warehouses, requestBudget })),
  );
}

/** The routing a function was given: ERP_INSTANCES, or the single primary instance holding every warehouse. */
export function erpInstancesFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): readonly ErpInstanceRouting[] {
  const json = env[ERP_INSTANCES_ENV_VAR];
  if (json === undefined || json === '')
    return [{ name: PRIMARY_ERP_INSTANCE, warehouses: [], requestBudget: DEFAULT_ERP_REQUEST_BUDGET }];
  return JSON.parse(json) as ErpInstanceRouting[];
}

/** What is watched of one ERP instance: its breaker's endpoint and its sync-lag service levels. */
export interface ErpInstanceWatch {
  readonly instance: string;
  /** `erp` for the primary, else `erp:<instance>` (the CircuitBreakerOpen `Endpoint`). */
  readonly endpoint: string;
  /** The service levels of changes procurement -> this instance, on its own SystemPair. */
  readonly slos: readonly SyncLagSlo[];
}

/**
 * Each instance's watch, primary first. The SLOs towards the ERP from procurement are copied per
 * instance onto its own pair (`procurement-erp:<instance>`) and flow (`<flow>-<instance>`, which
 * names its alarm); the primary's are the single-ERP ones, unchanged.
 */
export function erpInstanceWatches(
  instances: readonly Pick<ErpInstance, 'name'>[],
  slos: readonly SyncLagSlo[],
): ErpInstanceWatch[] {
  const primary = instances[0]?.name ?? PRIMARY_ERP_INSTANCE;
  const toErp = systemPair('procurement', 'erp');
  return instances.map(({ name }, index) => ({
    instance: name,
    endpoint: erpEndpoint(name, index),
    slos: slos
      .filter((slo) => slo.dimensions.SystemPair === toErp)
      .map((slo) =>
        index === 0
          ? slo
          : {
              ...slo,
              flow: `${slo.flow}-${name}`,
              description: `${slo.description} (business unit ${name})`,
              dimensions: {
                ...slo.dimensions,
                SystemPair: systemPair('procurement', erpSyncSystem(name, primary)),
              },
            },
      ),
  }));
}
