/**
 * The Lambda side of a vendor webhook: API Gateway proxy event in, the intake pipeline with its AWS
 * ports, problem+json or 202 out. Failures that a retry can fix become 503 with Retry-After, which
 * both vendors treat as "deliver again later".
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { EVENT_BUS_ENV_VAR, TABLES } from '../../application/resources';
import { EventBridgePublisher } from '../../adapters/aws/event-publisher';
import { SecretCache } from '../../adapters/aws/secrets';
import { DeliveryLedger } from '../../adapters/aws/delivery-ledger';
import { SyncLedger } from '../../adapters/aws/sync-ledger';
import { receiveWebhook, type IntakePorts, type VendorWebhook } from '../../adapters/webhooks/intake';
import { problem } from '../../adapters/webhooks/problem';
import { TransientFailure } from '../../domain/failures';
import { documents, env, eventBridge, secretsManager } from '../commons/clients';
import { logger, metrics } from '../commons/powertools';

export function webhookHandler(vendor: VendorWebhook, secretArnVariables: readonly string[]) {
  let ports: IntakePorts | undefined;
  const buildPorts = (): IntakePorts => {
    const secrets = new SecretCache(secretsManager());
    const publisher = new EventBridgePublisher(eventBridge(), env(EVENT_BUS_ENV_VAR));
    const deliveries = new DeliveryLedger(documents(), env(TABLES.syncLedger.envVar));
    const ledger = new SyncLedger(documents(), env(TABLES.syncLedger.envVar));
    return {
      secrets: () => secrets.getAll(secretArnVariables.map((name) => process.env[name])),
      now: () => new Date(),
      newId: () => crypto.randomUUID(),
      tenantId: process.env.TENANT_ID ?? 'default',
      claim: (event, version) => deliveries.claim(event, version),
      release: (event, version, claim) => deliveries.release(event, version, claim),
      publish: (event) => publisher.publish([event]),
      duplicateSuppressed: () => metrics.addMetric('DuplicatesSuppressed', MetricUnit.Count, 1),
      recordStale: async (event) => {
        metrics.addMetric('StaleVersionsIgnored', MetricUnit.Count, 1);
        await ledger.recordStale(event);
      },
      log: logger,
    };
  };

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    ports ??= buildPorts();
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(event.headers ?? {}))
      headers[name.toLowerCase()] = value ?? undefined;
    const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const requestId = event.requestContext?.requestId ?? crypto.randomUUID();
    try {
      const response = await receiveWebhook(vendor, { headers, body, requestId }, ports);
      metrics.addMetric(
        response.statusCode < 300 ? 'WebhooksAccepted' : 'WebhooksRefused',
        MetricUnit.Count,
        1,
      );
      return response;
    } catch (error) {
      const retryable = error instanceof TransientFailure;
      logger.error('webhook not accepted', { system: vendor.system, error: error as Error });
      return problem(
        503,
        retryable ? 'try-again' : 'internal-error',
        'The delivery could not be accepted durably; deliver it again.',
        { instance: `urn:supplyline:request:${requestId}`, headers: { 'retry-after': '5' } },
      );
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
