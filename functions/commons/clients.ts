/**
 * AWS SDK clients, created on first use and reused across invocations. Endpoints come only from
 * the SDK's standard configuration (AWS_ENDPOINT_URL_<SERVICE>), which is how the local runtime
 * points the same code at its stand-ins: there is no "if local" anywhere in function code.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * `create()`'s value, built on the first call and kept for the execution environment. Callers mark
 * `lazy(...)` calls at module scope `@__PURE__`, so a bundle that never uses one drops it and its
 * imports.
 */
export function lazy<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

export const eventBridge = /* @__PURE__ */ lazy(() => new EventBridgeClient({}));
export const dynamo = /* @__PURE__ */ lazy(() => new DynamoDBClient({}));
export const documents = /* @__PURE__ */ lazy(() =>
  DynamoDBDocumentClient.from(dynamo(), { marshallOptions: { removeUndefinedValues: true } }),
);
export const secretsManager = /* @__PURE__ */ lazy(() => new SecretsManagerClient({}));
export const stepFunctions = /* @__PURE__ */ lazy(() => new SFNClient({}));
export const sqs = /* @__PURE__ */ lazy(() => new SQSClient({}));
export const s3 = /* @__PURE__ */ lazy(() => new S3Client({}));

/** A required environment variable; a missing one is a deployment bug worth failing loudly on. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
