/**
 * The composition root of the scheduled functions: each one's ports, built once per execution
 * environment from the shared adapters (functions/commons/adapters.ts).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { idempotentPublisher } from '../../adapters/aws/idempotent-publisher';
import { TABLES } from '../../application/resources';
import {
  forecastSnapshots,
  forecastSyncRecords,
  postedCommitments,
  publish,
  tenantId,
} from '../commons/adapters';
import { dynamo, env, lazy } from '../commons/clients';
import { commitmentPorts } from '../commons/commitment-ports';
import { logger, metrics } from '../commons/powertools';
import type { ReceiptPollerPorts } from './erp-receipt-poller';
import type { SafetyNetPorts } from './forecast-sync-safety-net';

/** erp-receipt-poller: the posted commitments, the ERP, the supply store, an idempotent bus. */
export const receiptPollerPorts = /* @__PURE__ */ lazy((): ReceiptPollerPorts => {
  const shared = commitmentPorts();
  return {
    commitments: postedCommitments(),
    get erp() {
      return shared.erp;
    },
    get supply() {
      return shared.supply;
    },
    publishOnce: idempotentPublisher((event) => publish([event]), {
      client: dynamo(),
      tableName: env(TABLES.idempotency.envVar),
      onDuplicate: () => metrics.addMetric('DuplicatesSuppressed', MetricUnit.Count, 1),
    }),
    logger,
    tenantId: tenantId(),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
  };
});

/** forecast-sync-safety-net: the forecast sync bucket and the bus. */
export const safetyNetPorts = /* @__PURE__ */ lazy((): SafetyNetPorts => ({
  records: forecastSyncRecords(),
  store: forecastSnapshots(),
  publish,
  logger,
  now: () => new Date(),
  newId: () => crypto.randomUUID(),
}));
