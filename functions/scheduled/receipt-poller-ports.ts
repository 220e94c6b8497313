/**
 * The ports of the ERP receipt poller, its own composition root: it is the only scheduled function
 * that reaches the ERP (the procurement flow's ports, functions/commons/commitment-ports.ts) and
 * publishes through the idempotency table (Powertools idempotency). esbuild keeps both whole
 * wherever they are imported, so in functions/scheduled/composition.ts they would also weigh on
 * the safety net's bundle.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { idempotentPublisher } from '../../adapters/aws/idempotent-publisher';
import { TABLES } from '../../application/resources';
import { postedCommitments, publish, tenantId } from '../commons/adapters';
import { dynamo, env, lazy } from '../commons/clients';
import { commitmentPorts } from '../commons/commitment-ports';
import { logger, metrics } from '../commons/powertools';
import type { ReceiptPollerPorts } from './erp-receipt-poller';

/** erp-receipt-poller: the posted commitments, the ERP, the supply store, an idempotent bus. */
export const receiptPollerPorts = /* @__PURE__ */ lazy((): ReceiptPollerPorts => {
  const shared = commitmentPorts();
  return {
    commitments: postedCommitments(),
    get erps() {
      return shared.erps;
    },
    get supply() {
      return shared.supply;
    },
    get requisitions() {
      return shared.requisitions;
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
