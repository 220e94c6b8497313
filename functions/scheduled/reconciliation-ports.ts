/**
 * The ports of the daily reconciliation, its own composition root (like the receipt poller's): it
 * reaches both systems, which would otherwise weigh on the safety net's bundle.
 */
import { buildEvent } from '../../canonical/envelope';
import { ErpOrders } from '../../adapters/erp/order-reader';
import { ProcurementOrders } from '../../adapters/procurement/order-reader';
import { DynamoDbReconciliationCheckpoints } from '../../adapters/aws/reconciliation-checkpoints';
import { DynamoDbRecordedOrders } from '../../adapters/aws/reconciliation-records';
import { S3ReconciliationReport } from '../../adapters/aws/reconciliation-report';
import { BUCKETS, TABLES } from '../../application/resources';
import { erpOrdersByInstance } from '../../domain/reconciliation/instances';
import { reconciliationRepairs } from '../../domain/reconciliation/repairs';
import type { ReconciliationPorts } from '../../domain/reconciliation/run';
import {
  DEFAULT_RECONCILIATION_SETTINGS,
  type ReconciliationSettings,
} from '../../domain/reconciliation/types';
import {
  businessRules,
  commitmentRegistry,
  procurementPolicy,
  publish,
  syncLedger,
  tenantId,
} from '../commons/adapters';
import { documents, env, s3 } from '../commons/clients';
import { erpBulkPorts, erpInstancePorts, procurementPurchaseOrders } from '../commons/connectors';

/** The contract's defaults with the environment's approval limit. */
export function reconciliationSettings(): ReconciliationSettings {
  return {
    ...DEFAULT_RECONCILIATION_SETTINGS,
    approvalLimit: procurementPolicy().approvalLimit.toMoneyString(),
    warehouses: [...new Set(Object.values(businessRules().siteWarehouses))],
  };
}

/** The ERP port calls a run makes, each granted by the ERP request budget's bulk lane. */
export const RECONCILIATION_ERP_READS = {
  findPurchaseOrders: 'read',
  committedValue: 'read',
  listReferencedPurchaseOrders: 'read',
} as const;

/** A batch run waits out a spent window; only a budget held by others this long fails it (transient). */
export const RECONCILIATION_ERP_WAIT_MS = 30_000;

/**
 * The run's ERP reads, per ERP instance: each order from the instance its warehouse maps to, each
 * page granted by that instance's request budget's bulk lane (the lane the system APIs' reads
 * share, so critical work keeps the rest).
 */
const erpBulkPages = () =>
  erpOrdersByInstance(
    erpBulkPorts(RECONCILIATION_ERP_READS, RECONCILIATION_ERP_WAIT_MS, (reads) => new ErpOrders(reads)),
  );

/** The ports of one run (the report writer is per run). */
export function reconciliationPorts(): ReconciliationPorts {
  const now = () => new Date();
  const procurement = new ProcurementOrders(procurementPurchaseOrders());
  return {
    orders: new DynamoDbRecordedOrders(documents(), {
      commitments: env(TABLES.workflowCorrelation.envVar),
      ledger: env(TABLES.syncLedger.envVar),
    }),
    procurement,
    erp: erpBulkPages(),
    repairer: reconciliationRepairs({
      erps: erpInstancePorts(),
      procurement,
      ledger: syncLedger(),
      commitments: commitmentRegistry(),
      now,
    }),
    exceptions: {
      // The recorder keeps the first exception of an id: raising it again on the next run is a no-op.
      raise: async (exception) =>
        publish([
          buildEvent(
            'integration-exception.raised',
            exception,
            {
              sourceObjectId: exception.exceptionId,
              sourceVersion: 1,
              occurredAt: exception.raisedAt,
              correlationId: exception.objectId,
              idempotencyKey: `IntegrationException#${exception.exceptionId}`,
              tenantId: tenantId(),
            },
            { now, newId: () => crypto.randomUUID() },
          ),
        ]),
    },
    report: new S3ReconciliationReport(s3(), env(BUCKETS.reconciliationReports.envVar)),
    now,
  };
}

/** The checkpoints of runs in partitions, beside the lease (circuit-breaker table). */
export function reconciliationCheckpoints(): DynamoDbReconciliationCheckpoints {
  return new DynamoDbReconciliationCheckpoints(documents(), env(TABLES.circuitBreaker.envVar));
}
