/**
 * The composition root of the vendor webhooks: the intake pipeline's ports
 * (adapters/webhooks/intake.ts), built once per execution environment from the shared adapters
 * (functions/commons/adapters.ts).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { IntakePorts } from '../../adapters/webhooks/intake';
import { WEBHOOK_EDGE_SECRET_ENV_VAR } from '../../application/resources';
import {
  deliveryLedger,
  deliveryQuarantine,
  publish,
  secrets,
  syncLedger,
  tenantId,
} from '../commons/adapters';
import { logger, metrics } from '../commons/powertools';

/** The intake ports of a vendor whose signing secrets the listed variables name (current first). */
export function intakePorts(secretArnVariables: readonly string[]): IntakePorts {
  const deliveries = deliveryLedger();
  const ledger = syncLedger();
  // Set where the webhooks sit behind CloudFront + WAF (lib/constructs/webhook-edge.ts).
  const edgeSecretArn = process.env[WEBHOOK_EDGE_SECRET_ENV_VAR];
  return {
    ...(edgeSecretArn ? { edgeSecret: () => secrets().get(edgeSecretArn) } : {}),
    secrets: () => secrets().getAll(secretArnVariables.map((name) => process.env[name])),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    tenantId: tenantId(),
    claim: (event, version, inProgressUntil) => deliveries.claim(event, version, inProgressUntil),
    complete: (event, version) => deliveries.complete(event, version),
    release: (event, version, claim) => deliveries.release(event, version, claim),
    publish: (event) => publish([event]),
    duplicateSuppressed: () => metrics.addMetric('DuplicatesSuppressed', MetricUnit.Count, 1),
    recordStale: async (event) => {
      metrics.addMetric('StaleVersionsIgnored', MetricUnit.Count, 1);
      await ledger.recordStale(event);
    },
    quarantine: deliveryQuarantine(),
    quarantined: () => metrics.addMetric('DeliveriesQuarantined', MetricUnit.Count, 1),
    held: () => metrics.addMetric('DeliveriesHeld', MetricUnit.Count, 1),
    signatureRefused: () => metrics.addMetric('UnsignedDeliveriesRefused', MetricUnit.Count, 1),
    log: logger,
  };
}
