/** Shared helpers of the consumer suites: canonical events as an EventBridge rule delivers them to SQS. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mapForecastException } from '../../adapters/planning/mapping';
import type { CanonicalEvent } from '../../canonical/envelope';
import { validateForecastExceptionRaisedV1 } from '../../canonical/generated/validators';
import {
  canonicalValidators,
  createConsumer,
  type BusinessFunction,
  type ConsumerMetrics,
  type ConsumerOptions,
} from '../../functions/commons/consumer';
import { forecastExceptionDelivery } from '../fixtures/planning';

export const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:supplyline-dev-erp-poster';
export const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/supplyline-dev-erp-poster';
export const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/supplyline-dev-erp-poster-dlq';

let ids = 0;
const context = {
  tenantId: 'acme',
  now: () => new Date('2026-11-27T08:00:00Z'),
  newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
};

/** A forecast-exception.raised event; the same exception and plan version is the same business change. */
export function forecastExceptionEvent(exceptionId: string, planVersion = 7): CanonicalEvent {
  return mapForecastException(
    forecastExceptionDelivery({
      event_id: `fe_${exceptionId}_${planVersion}_${ids}`,
      plan: { version: planVersion },
      exception: { exception_id: exceptionId },
    }),
    context,
  );
}

/** The message body an EventBridge rule's SQS target delivers. */
export function eventBridgeBody(detail: unknown, extra: Record<string, unknown> = {}): string {
  const type = (detail as { eventType?: string }).eventType ?? 'forecast-exception.raised';
  return JSON.stringify({
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': type,
    source: 'supplyline.planning',
    account: '123456789012',
    time: '2026-11-27T08:00:01Z',
    region: 'eu-west-1',
    resources: [],
    detail,
    ...extra,
  });
}

let messages = 0;
/** An SQS record as the Lambda event source mapping passes it. */
export function sqsRecord(
  body: string,
  options: { messageId?: string; receiveCount?: number } = {},
): SQSRecord {
  const messageId = options.messageId ?? `msg-${++messages}`;
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1795766400000',
      SenderId: 'AIDAEVENTBRIDGE',
      ApproximateFirstReceiveTimestamp: '1795766400001',
    },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'eu-west-1',
  };
}

/**
 * A consumer of forecast exceptions under test: its own idempotency scope (`name`), a real
 * idempotency table, captured metrics and published events; SQS as the suite mocks it.
 */
export function consumerUnderTest(
  name: string,
  process: BusinessFunction,
  options: Partial<ConsumerOptions>,
  idempotency: { client: DynamoDBClient; tableName: string },
) {
  const metrics: string[] = [];
  const published: CanonicalEvent[] = [];
  const consume = createConsumer(
    {
      name,
      validators: canonicalValidators({ 'forecast-exception.raised': validateForecastExceptionRaisedV1 }),
      process,
      ...options,
    },
    {
      sqs: new SQSClient({ region: 'eu-west-1' }),
      deadLetterQueueUrl: DLQ_URL,
      idempotency,
      publish: async (event) => void published.push(event),
      logger: new Logger({ serviceName: 'supplyline', logLevel: 'INFO' }),
      metrics: {
        addMetric: (metric: string) => void metrics.push(metric),
        publishStoredMetrics: () => undefined,
      } as unknown as ConsumerMetrics,
      now: () => new Date('2026-11-27T09:00:00Z'),
    },
  );
  return { consume, metrics, published };
}
