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

/**
 * The budget of one short AWS call (DynamoDB item reads and writes, PutEvents, secrets): the SDK
 * default has no request timeout, so a stalled connection ran into the function's own timeout and
 * the function was killed halfway. With this budget a slow dependency ends in an error the handler
 * maps to a clean 503 or a retry, well inside the shortest function timeout (10 s, the webhooks).
 * Long or streaming calls (S3 objects, SQS long polls, synchronous Express executions) keep the
 * SDK defaults.
 */
export const SHORT_CALL_BUDGET = {
  /** TCP connect. */
  connectionTimeoutMs: 1_000,
  /** Socket idle time while a request is in flight. */
  requestTimeoutMs: 2_000,
  /** The first attempt and one retry. */
  maxAttempts: 2,
  /** Upper bound of the SDK's backoff before a retry (standard mode: 100 ms base, jittered). */
  backoffAllowanceMs: 1_000,
} as const;

/** The longest a call within the budget can take before it fails. */
export function worstCaseMs(budget: typeof SHORT_CALL_BUDGET): number {
  return (
    budget.maxAttempts * (budget.connectionTimeoutMs + budget.requestTimeoutMs) +
    (budget.maxAttempts - 1) * budget.backoffAllowanceMs
  );
}

const shortCalls = {
  maxAttempts: SHORT_CALL_BUDGET.maxAttempts,
  requestHandler: {
    connectionTimeout: SHORT_CALL_BUDGET.connectionTimeoutMs,
    requestTimeout: SHORT_CALL_BUDGET.requestTimeoutMs,
  },
};

export const eventBridge = /* @__PURE__ */ lazy(() => new EventBridgeClient(shortCalls));
export const dynamo = /* @__PURE__ */ lazy(() => new DynamoDBClient(shortCalls));
export const documents = /* @__PURE__ */ lazy(() =>
  DynamoDBDocumentClient.from(dynamo(), { marshallOptions: { removeUndefinedValues: true } }),
);
export const secretsManager = /* @__PURE__ */ lazy(() => new SecretsManagerClient(shortCalls));
export const stepFunctions = /* @__PURE__ */ lazy(() => new SFNClient({}));
export const sqs = /* @__PURE__ */ lazy(() => new SQSClient({}));
export const s3 = /* @__PURE__ */ lazy(() => new S3Client({}));

/** A required environment variable; a missing one is a deployment bug worth failing loudly on. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
