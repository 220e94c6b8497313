/**
 * The ports of the procurement steps in Lambda: the workflow tasks' ports, which the consumers and
 * the poller that take part in the same flow extend.
 *
 * Every port is built on first use, so a function only needs the variables and grants of the ports
 * its step touches (the posting task needs the ERP; the sourcing task does not). Do not spread the
 * ports object (that would build them all): extend it with {@link withPorts}.
 */
import { randomUUID } from 'node:crypto';
import type { CommitmentPorts } from '../../domain/commitment/types';
import {
  businessRules,
  commitmentRegistry,
  procurementPolicy,
  publish,
  supplyStore,
  syncLedger,
  tenantId,
} from './adapters';
import { emitMetric } from './powertools';
import { erpPort, procurementPort, type ProcurementPort } from './ports';

/** The functions' ports: the steps' CommitmentPorts with a procurement port that can also read a request. */
export interface FunctionPorts extends CommitmentPorts {
  procurement: ProcurementPort;
}

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
  publish,
  get ledger() {
    return syncLedger();
  },
  get supply() {
    return supplyStore();
  },
  get commitments() {
    return commitmentRegistry();
  },
  get policy() {
    return procurementPolicy();
  },
  get tenantId() {
    return tenantId();
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
