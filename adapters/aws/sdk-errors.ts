/** AWS SDK errors that mean "someone wrote first", as the adapters' conditional writes meet them. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A DynamoDB conditional write refused (the item was there, or not as expected). */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error | undefined)?.name === 'ConditionalCheckFailedException'
  );
}

/** An S3 write with If-None-Match refused because the key exists (412). */
export function isPreconditionFailed(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'PreconditionFailed' || $metadata?.httpStatusCode === 412;
}

/** Error names AWS gives when it throttles a caller: waiting and retrying helps. */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/**
 * An AWS error a retry can fix: throttling or a server fault (5xx). Conditional-check failures and
 * other client faults are answers, not outages.
 */
export function isTransientSdkError(error: unknown): boolean {
  const { name, $fault, $metadata } = (error ?? {}) as {
    name?: string;
    $fault?: 'client' | 'server';
    $metadata?: { httpStatusCode?: number };
  };
  if (name !== undefined && THROTTLING.has(name)) return true;
  return $fault === 'server' || ($metadata?.httpStatusCode ?? 0) >= 500;
}
