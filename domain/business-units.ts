/**
 * Business units: several ERP instances behind one canonical model (shared/contracts/business-rules.md,
 * "Business units and ERP instances"). Each ERP warehouse belongs to exactly one instance, so the
 * site -> warehouse cross-reference also says which instance receives a commitment, its policy
 * checks, its acknowledgement updates and its receipts. The resolver hands the workflow that
 * instance's port; the composition roots build one port per instance.
 */
import type { ErpPort } from './ports/erp';

/** What routing needs of an instance: its name and the warehouses it holds. */
export interface ErpInstanceRoute {
  /** Kebab-case business unit name, e.g. `east`. */
  readonly name: string;
  /** ERP warehouse codes it holds; a single instance holds every warehouse whatever it lists. */
  readonly warehouses: readonly string[];
}

/**
 * The ERP instances of the environment, each behind its own port (`P`: the ERP port, or a narrower
 * reader of one instance, such as reconciliation's bulk reads).
 */
export interface ErpInstances<P = ErpPort> {
  /** The primary instance's name: the one a single-ERP environment has. */
  readonly primary: string;
  /**
   * The ERP of the instance holding `warehouseCode`. A site with no warehouse (null) or a warehouse
   * of no instance reads the primary (first) instance: the warehouse check fails it anyway.
   */
  forWarehouse(warehouseCode: string | null): P;
  /** The name of the instance {@link forWarehouse} picks. */
  instanceFor(warehouseCode: string | null): string;
  /** Every instance, primary first: for changes that apply wherever a supplier is known. */
  all(): readonly { readonly instance: string; readonly erp: P }[];
}

/** Which instance holds `warehouseCode`: the one listing it; the only one when there is one. */
export function instanceOfWarehouse(
  routes: readonly ErpInstanceRoute[],
  warehouseCode: string | null,
): ErpInstanceRoute | undefined {
  if (routes.length === 1) return routes[0];
  if (warehouseCode === null) return undefined;
  return routes.find((route) => route.warehouses.includes(warehouseCode));
}

/** The resolver over `routes`, reaching each instance through `portOf` (called on first use). */
export function erpInstances<P = ErpPort>(
  routes: readonly ErpInstanceRoute[],
  portOf: (instance: string) => P,
): ErpInstances<P> {
  if (routes.length === 0) throw new Error('an environment has at least one ERP instance');
  const instanceFor = (warehouseCode: string | null) =>
    (instanceOfWarehouse(routes, warehouseCode) ?? routes[0]!).name;
  return {
    primary: routes[0]!.name,
    instanceFor,
    forWarehouse: (warehouseCode) => portOf(instanceFor(warehouseCode)),
    all: () => routes.map((route) => ({ instance: route.name, erp: portOf(route.name) })),
  };
}

/** One ERP for every warehouse: the single-instance environment, and tests. */
export function singleErp<P = ErpPort>(erp: P, instance = 'primary'): ErpInstances<P> {
  return erpInstances([{ name: instance, warehouses: [] }], () => erp);
}

/**
 * Every routing problem: names must be unique kebab-case, no warehouse in two instances, and with
 * several instances every warehouse a site maps to in exactly one of them.
 */
export function instanceProblems(
  routes: readonly ErpInstanceRoute[],
  siteWarehouses: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  if (routes.length === 0) problems.push('at least one ERP instance is needed');
  const names = new Set<string>();
  const owner = new Map<string, string>();
  for (const route of routes) {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(String(route.name)))
      problems.push(`ERP instance '${route.name}': name must be kebab-case, at most 31 characters`);
    if (names.has(route.name)) problems.push(`ERP instance '${route.name}': name is used twice`);
    names.add(route.name);
    if (!Array.isArray(route.warehouses)) {
      problems.push(`ERP instance '${route.name}': warehouses must be a list of warehouse codes`);
      continue;
    }
    for (const warehouse of route.warehouses) {
      const other = owner.get(warehouse);
      if (other !== undefined)
        problems.push(`warehouse '${warehouse}' is in ERP instances '${other}' and '${route.name}'`);
      else owner.set(warehouse, route.name);
    }
  }
  if (routes.length > 1)
    for (const [site, warehouse] of Object.entries(siteWarehouses))
      if (!owner.has(warehouse))
        problems.push(`site '${site}' maps to warehouse '${warehouse}', which no ERP instance holds`);
  return problems;
}
