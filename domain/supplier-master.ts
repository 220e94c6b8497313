/**
 * Supplier master changes across business units (shared/contracts/business-rules.md, "Business units
 * and ERP instances"): a change the procurement platform reports (a supplier put on hold, approved
 * again, renamed) applies to every ERP instance that knows the supplier. Each instance's part is
 * done once, under its own key, so an instance that is down only defers its own part: the others are
 * applied at once and are not applied again when the change comes back for the one that waited.
 */
import type { Supplier } from '../canonical/generated/types';
import type { ErpInstances } from './business-units';
import { TransientFailure } from './failures';
import type { ErpSupplierChange } from './ports/erp';

/** What the ERPs take from a supplier's master data: only an APPROVED supplier may receive new orders. */
function erpSupplierChange(supplier: Pick<Supplier, 'status' | 'name'>): ErpSupplierChange {
  return {
    active: supplier.status === 'APPROVED',
    ...(supplier.name !== undefined ? { name: supplier.name } : {}),
  };
}

/** The per-instance idempotency key of one supplier version: instances are applied independently. */
function supplierChangeKey(instance: string, supplierNumber: string, version: number): string {
  return `supplier-master:${instance}:${supplierNumber}:${version}`;
}

/** What the fan-out needs: every instance, and a way to run work once per key. */
export interface SupplierFanOutPorts {
  erps: Pick<ErpInstances, 'all'>;
  /**
   * Runs `work` once per key and remembers its result; a failure remembers nothing, so the key can
   * be run again.
   */
  once<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** How one instance took the change. */
export interface InstanceOutcome {
  instance: string;
  /** `applied`: the instance carries the change; `unknown`: it does not know the supplier. */
  outcome: 'applied' | 'unknown';
}

/**
 * Applies `supplier` at `version` to every instance, in parallel. Resolves with each instance's
 * outcome when all took it; when any failed, rejects with its failure (a TransientFailure first, so
 * the caller waits rather than gives up) after every other instance was applied.
 */
export async function fanOutSupplierChange(
  supplier: Pick<Supplier, 'supplierNumber' | 'status' | 'name'>,
  version: number,
  ports: SupplierFanOutPorts,
): Promise<InstanceOutcome[]> {
  const change = erpSupplierChange(supplier);
  const instances = ports.erps.all();
  const settled = await Promise.allSettled(
    instances.map(({ instance, erp }) =>
      ports.once(supplierChangeKey(instance, supplier.supplierNumber, version), async () =>
        (await erp.applySupplierChange(supplier.supplierNumber, change)) === null ? 'unknown' : 'applied',
      ),
    ),
  );
  const failures = settled.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  if (failures.length > 0) throw failures.find((error) => error instanceof TransientFailure) ?? failures[0];
  return settled.map((result, index) => ({
    instance: instances[index]!.instance,
    outcome: (result as PromiseFulfilledResult<'applied' | 'unknown'>).value,
  }));
}
