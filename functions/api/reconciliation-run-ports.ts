/** The ports of an on-demand reconciliation run: the lease, the runs' status, the hand-off on the bus. */
import { buildEvent } from '../../canonical/envelope';
import { DynamoDbReconciliationLease } from '../../adapters/aws/reconciliation-lease';
import { DynamoDbReconciliationRuns } from '../../adapters/aws/reconciliation-runs';
import { TABLES } from '../../application/resources';
import type { RunRequestPorts } from '../../domain/reconciliation/on-demand';
import { publish, tenantId } from '../commons/adapters';
import { documents, env } from '../commons/clients';

/** A new run's id: sortable by its start. */
export function newRunId(startedAt: Date): string {
  return `${startedAt.toISOString().replace(/[-:.]/g, '')}-${crypto.randomUUID().slice(0, 8)}`;
}

/** The lease that keeps runs one at a time, in the circuit-breaker table (shared coordination state). */
export function reconciliationLease(): DynamoDbReconciliationLease {
  return new DynamoDbReconciliationLease(documents(), env(TABLES.circuitBreaker.envVar));
}

/** The runs' status records (circuit-breaker table, beside the lease). */
export function reconciliationRuns(): DynamoDbReconciliationRuns {
  return new DynamoDbReconciliationRuns(documents(), env(TABLES.circuitBreaker.envVar));
}

/** Asking for a run: the lease, its status, `reconciliation-run.requested` for the bulk lane. */
export function runRequestPorts(): RunRequestPorts {
  const now = () => new Date();
  return {
    lease: reconciliationLease(),
    runs: reconciliationRuns(),
    handOff: {
      handOver: async (request) =>
        publish([
          buildEvent(
            'reconciliation-run.requested',
            request,
            {
              sourceObjectId: request.runId,
              sourceVersion: 1,
              occurredAt: now().toISOString(),
              correlationId: request.runId,
              idempotencyKey: `reconciliation-run:${request.runId}:requested`,
              tenantId: tenantId(),
            },
            { now, newId: () => crypto.randomUUID() },
          ),
        ]),
    },
    now,
  };
}
