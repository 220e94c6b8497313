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
