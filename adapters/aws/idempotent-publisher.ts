/**
 * Publishing each business change once. The key is the event's business idempotency key (object
 * identity + revision), never a transport id: a vendor's redelivery, an SQS redrive and an archive
 * replay all carry the same key and are answered with the first publication's event id.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { CanonicalEvent } from '../../canonical/envelope';

/** How long a business key is remembered: longer than any vendor's redelivery window (24 h). */
export const IDEMPOTENCY_WINDOW_SECONDS = 7 * 24 * 3600;

export function idempotentPublisher(
  publish: (event: CanonicalEvent) => Promise<void>,
  options: { client: DynamoDBClient; tableName: string; onDuplicate?: (event: CanonicalEvent) => void },
): (event: CanonicalEvent, lambdaContext?: Context) => Promise<{ eventId: string; duplicate: boolean }> {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const publishOnce = makeIdempotent(
    async (event: CanonicalEvent): Promise<{ eventId: string }> => {
      await publish(event);
      return { eventId: event.eventId };
    },
    { persistenceStore, config },
  );
  return async (event, lambdaContext) => {
    // With the invocation's remaining time, an in-progress record of a crashed invocation expires with it.
    if (lambdaContext) config.registerLambdaContext(lambdaContext);
    const { eventId } = await publishOnce(event);
    const duplicate = eventId !== event.eventId;
    if (duplicate) options.onDuplicate?.(event);
    return { eventId, duplicate };
  };
}
