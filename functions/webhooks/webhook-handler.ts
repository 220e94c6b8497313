/**
 * The Lambda side of a vendor webhook: API Gateway proxy event in, the intake pipeline with its AWS
 * ports, problem+json or 202 out. Failures that a retry can fix become 503 with Retry-After, which
 * both vendors treat as "deliver again later".
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { receiveWebhook, type IntakePorts, type VendorWebhook } from '../../adapters/webhooks/intake';
import { problem } from '../../adapters/webhooks/problem';
import { TransientFailure } from '../../domain/failures';
import { logger, metrics } from '../commons/powertools';
import { intakePorts } from './composition';

/** The API Gateway handler of one vendor's webhook, its signing secrets named by the listed variables. */
export function webhookHandler(vendor: VendorWebhook, secretArnVariables: readonly string[]) {
  let ports: IntakePorts | undefined;

  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    // The claim of this delivery lapses with this invocation (see adapters/webhooks/intake.ts).
    const deadline = new Date(Date.now() + context.getRemainingTimeInMillis());
    ports ??= intakePorts(secretArnVariables);
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(event.headers ?? {}))
      headers[name.toLowerCase()] = value ?? undefined;
    const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const requestId = event.requestContext?.requestId ?? crypto.randomUUID();
    try {
      const response = await receiveWebhook(vendor, { headers, body, requestId, deadline }, ports);
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
