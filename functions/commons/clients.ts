/**
 * AWS SDK clients, created on first use and reused across invocations. Endpoints come only from
 * the SDK's standard configuration (AWS_ENDPOINT_URL_<SERVICE>), which is how the local runtime
 * points the same code at its stand-ins: there is no "if local" anywhere in function code.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

function lazy<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

export const eventBridge = lazy(() => new EventBridgeClient({}));
export const dynamo = lazy(() => new DynamoDBClient({}));
export const documents = lazy(() =>
  DynamoDBDocumentClient.from(dynamo(), { marshallOptions: { removeUndefinedValues: true } }),
);
export const secretsManager = lazy(() => new SecretsManagerClient({}));
export const stepFunctions = lazy(() => new SFNClient({}));

/** A required environment variable; a missing one is a deployment bug worth failing loudly on. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
