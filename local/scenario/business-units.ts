/**
 * The seed scenario with business units (`npm start`): one forecast exception per unit, each at a
 * site of a warehouse the unit holds, reaching that unit's own ERP and no other (ADR 0013).
 */
import { ENVIRONMENTS } from '../../application/environments';
import type { LocalEnvironment } from '../environment';
import { acceptedEvent, forecastUplift, until } from './steps';

/** One unit's exception and where its order landed. */
export interface UnitOrder {
  unit: string;
  site: string;
  warehouseCode: string;
  externalRef: string;
  erpNumber: string;
}

/** The first site (in the dev cross-reference) whose warehouse `unit` holds. */
function siteOf(warehouses: readonly string[]): string | undefined {
  return Object.entries(ENVIRONMENTS.dev.business.siteWarehouses).find(([, warehouse]) =>
    warehouses.includes(warehouse),
  )?.[0];
}

/**
 * Raises an exception for every unit but `done` (whose order the main scenario already posted),
 * then checks that each unit's ERP holds its own order and none of the others'.
 */
export async function exceptionPerUnit(
  environment: LocalEnvironment,
  done: Omit<UnitOrder, 'unit'>,
  step: (what: string) => void,
  timeoutMs: number,
): Promise<UnitOrder[]> {
  const units = environment.businessUnits ?? [];
  const erps = environment.erps ?? {};
  const orders: UnitOrder[] = [];
  for (const unit of units) {
    if (unit.warehouses.includes(done.warehouseCode)) {
      orders.push({ unit: unit.name, ...done });
      continue;
    }
    const site = siteOf(unit.warehouses);
    if (!site) throw new Error(`no site maps to a warehouse of business unit ${unit.name}`);
    const exceptionId = `EXC-${unit.name.toUpperCase()}-${Date.now().toString(36).toUpperCase()}`;
    const { event } = environment.planning.sendForecastException(forecastUplift(exceptionId, site));
    step(`Business unit ${unit.name}: forecast uplift for SKU-10442 at ${site}, exception ${exceptionId}`);
    const posted = await until(
      `the purchase order of business unit ${unit.name}`,
      () =>
        acceptedEvent(
          environment.runtime,
          'purchase-order.posted',
          (posted) => (posted.detail as { correlationId?: string }).correlationId === event.event_id,
        ),
      timeoutMs,
    );
    const po = (posted.detail as { data: Record<string, unknown> }).data;
    orders.push({
      unit: unit.name,
      site,
      warehouseCode: String(po.warehouseCode),
      externalRef: String(po.externalRef),
      erpNumber: String(po.erpNumber),
    });
  }
  for (const order of orders) {
    for (const [name, erp] of Object.entries(erps)) {
      const found = await erp.simulator.findPurchaseOrder(order.externalRef);
      if (name === order.unit && !found)
        throw new Error(`${order.externalRef} did not reach the ERP of business unit ${name}`);
      if (name !== order.unit && found)
        throw new Error(`${order.externalRef} of business unit ${order.unit} reached ${name}'s ERP too`);
    }
    step(
      `Business unit ${order.unit}: ${order.externalRef} (${order.site}, ${order.warehouseCode}) is order ${order.erpNumber} in ${order.unit}'s own ERP, in no other`,
    );
  }
  return orders;
}
