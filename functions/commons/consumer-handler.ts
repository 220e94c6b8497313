/**
 * The Lambda side of a queue consumer: the consumer framework bound to the AWS ports named by the
 * environment the CDK app sets. A consumer's handler file is one line:
 * `export const handler = consumerHandler({ name, validators, process });`
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { EventBridgePublisher } from '../../adapters/aws/event-publisher';
import {
  DEAD_LETTER_QUEUE_URL_ENV_VAR,
  EVENT_BUS_ENV_VAR,
  MAX_RECEIVE_COUNT_ENV_VAR,
  QUEUE_URL_ENV_VAR,
  TABLES,
} from '../../application/resources';
import { dynamo, env, eventBridge } from './clients';
import { createConsumer, type ConsumerOptions } from './consumer';
import { logger, metrics } from './powertools';

let sqsClient: SQSClient | undefined;
/** The SQS client, created on first use (endpoint from AWS_ENDPOINT_URL_SQS locally). */
export const sqs = (): SQSClient => (sqsClient ??= new SQSClient({}));

/**
 * The SQS handler of a consumer. Environment: DEAD_LETTER_QUEUE_URL, IDEMPOTENCY_TABLE_NAME,
 * EVENT_BUS_NAME, and optionally MAX_RECEIVE_COUNT.
 */
export function consumerHandler(
  options: ConsumerOptions,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  let handle: ReturnType<typeof createConsumer> | undefined;
  return (event, context) => {
    handle ??= createConsumer(
      { ...options, maxReceiveCount: options.maxReceiveCount ?? optionalCount(MAX_RECEIVE_COUNT_ENV_VAR) },
      {
        sqs: sqs(),
        deadLetterQueueUrl: env(DEAD_LETTER_QUEUE_URL_ENV_VAR),
        // One queue per consumer (checked at synth): its URL comes from the deployment.
        queueUrlOf: () => env(QUEUE_URL_ENV_VAR),
        idempotency: { client: dynamo(), tableName: env(TABLES.idempotency.envVar) },
        publish: (() => {
          const publisher = new EventBridgePublisher(eventBridge(), env(EVENT_BUS_ENV_VAR));
          return (canonical) => publisher.publish([canonical]);
        })(),
        logger,
        metrics,
      },
    );
    return handle(event, context);
  };
}

function optionalCount(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`environment variable ${name} must be a positive integer`);
  return count;
}
