/**
 * The composition root of the procurement flow: the ports of its steps in Lambda (the workflow
 * tasks'), and of the consumers that take part in the same flow (acknowledgement-sync and the two
 * evaluations). With the receipt poller they are the only functions that reach the ERP and the
 * procurement platform (functions/commons/connectors.ts). Their ports are assembled here and not in
 * their kind's root because esbuild cannot drop the connectors' module-level setup: imported by
 * the consumers' root, the connectors would be in every consumer's bundle.
 *
 * Every port is built on first use, so a function only needs the variables and grants of the ports
 * its step touches (the posting task needs the ERP; the sourcing task does not). Do not spread the
 * ports object (that would build them all): extend it with {@link withPorts}.
 */
import { randomUUID } from 'node:crypto';
import type { CommitmentPorts } from '../../domain/commitment/types';
// The module itself, not the forecast-sync index: the index would bring the sync engine into the
// workflow tasks' bundles.
import {
  DEFAULT_BULK_EVALUATION_SETTINGS,
  type BulkEvaluationSettings,
} from '../../domain/forecast-sync/change-exceptions';
import type { ChangeEvaluationPorts } from '../consumers/forecast-change-evaluation';
import {
  businessRules,
  commitmentRegistry,
  procurementPolicy,
  publish,
  requisitionBook,
  sendTaskSuccess,
  startCommitment,
  supplyStore,
  syncLedger,
  tenantId,
  workflowSettings,
} from './adapters';
import { lazy } from './clients';
import { emitMetric } from './powertools';
import { erpInstancePorts, procurementPort } from './connectors';

/** The functions' ports: the steps' CommitmentPorts (the domain's procurement port already reads a request). */
export type FunctionPorts = CommitmentPorts;

const PORTS: FunctionPorts = {
  get procurement() {
    return procurementPort();
  },
  get erps() {
    return erpInstancePorts();
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
  get requisitions() {
    return requisitionBook();
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

/** acknowledgement-sync: the steps' ports and the answer to the waiting workflow. */
export const acknowledgementPorts = /* @__PURE__ */ lazy(() => withPorts({ sendTaskSuccess }));

/** forecast-exception-evaluation: the steps' ports, the workflow's deadlines and its start. */
export const evaluationPorts = /* @__PURE__ */ lazy(() =>
  withPorts({ settings: workflowSettings(), startCommitment }),
);

/** Environment variable with the optional JSON {@link BulkEvaluationSettings}. */
export const BULK_EVALUATION_SETTINGS_ENV_VAR = 'BULK_EVALUATION_SETTINGS';

function bulkSettings(): BulkEvaluationSettings {
  const raw = process.env[BULK_EVALUATION_SETTINGS_ENV_VAR];
  return raw
    ? { ...DEFAULT_BULK_EVALUATION_SETTINGS, ...(JSON.parse(raw) as Partial<BulkEvaluationSettings>) }
    : DEFAULT_BULK_EVALUATION_SETTINGS;
}

/** forecast-change-evaluation: the steps' ports, read on demand (most batches need none). */
export const changeEvaluationPorts = /* @__PURE__ */ lazy((): ChangeEvaluationPorts => {
  const shared = commitmentPorts();
  return {
    // Getters: a port is built only when a line needs it.
    get procurement() {
      return shared.procurement;
    },
    get erps() {
      return shared.erps;
    },
    get supply() {
      return shared.supply;
    },
    get policy() {
      return shared.policy;
    },
    get tenantId() {
      return shared.tenantId;
    },
    get settings() {
      return workflowSettings(businessRules());
    },
    warehouseForSite: (site) => shared.warehouseForSite(site),
    publish: (events) => shared.publish(events),
    startCommitment,
    metric: shared.metric,
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    bulk: bulkSettings(),
  };
});
