/**
 * Work done once per business key, in the idempotency table the consumers already use (Powertools
 * idempotency): the result of a key's first success is remembered and returned to every later
 * call; a failure remembers nothing, so the key runs again on the next delivery.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IDEMPOTENCY_WINDOW_SECONDS } from './idempotent-publisher';

/** `once(key, work)` over the idempotency table; `scope` keeps one caller's keys apart from another's. */
export function oncePerKey(options: {
  client: DynamoDBClient;
  tableName: string;
  scope: string;
}): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
  });
  const config = new IdempotencyConfig({ expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS });
  // The key (second argument) is the payload; the work itself is not hashed.
  const runOnce = makeIdempotent(
    async (work: () => Promise<unknown>, _key: string) => ({ result: await work() }),
    {
      persistenceStore,
      config,
      keyPrefix: options.scope,
      dataIndexArgument: 1,
    },
  );
  return async <T>(key: string, work: () => Promise<T>) => (await runOnce(work, key)).result as T;
}
