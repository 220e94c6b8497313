/**
 * Webhook deliveries claimed once, in one DynamoDB write on the normal path. The claim records the
 * business change (object version, or the idempotency key when the vendor gives no version) with
 * the event id it will be published under:
 * - newer version or new key: claimed, then published; a failed publish releases the claim, so the
 *   vendor's retry publishes it (the delivery was answered 503, never 2xx);
 * - same version or key: a duplicate, answered with the first event's id, nothing published;
 * - older version: stale, recorded and not applied.
 * One write per delivery instead of three (version record + Powertools' in-progress and completed
 * records): webhook intake is the highest-volume write path (docs/adr/0005, scripts/cost.ts).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { DeliveryClaim } from '../webhooks/intake';

/** How long an unversioned delivery's key is remembered: longer than any vendor's retry window. */
export const DELIVERY_MEMORY_SECONDS = 7 * 24 * 3600;

export class DeliveryLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private key(event: CanonicalEvent, objectKey?: string) {
    return objectKey
      ? { pk: objectKey, sk: 'VERSION' }
      : { pk: `DELIVERY#${event.idempotencyKey}`, sk: 'CLAIM' };
  }

  async claim(
    event: CanonicalEvent,
    version?: { objectKey: string; version: number },
  ): Promise<DeliveryClaim> {
    const key = this.key(event, version?.objectKey);
    const seenAt = this.now().toISOString();
    try {
      if (version) {
        const claimed = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression:
              'SET #version = :version, eventId = :eventId, idempotencyKey = :key, seenAt = :seenAt',
            ConditionExpression: 'attribute_not_exists(#version) OR #version < :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: {
              ':version': version.version,
              ':eventId': event.eventId,
              ':key': event.idempotencyKey,
              ':seenAt': seenAt,
            },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        const old = claimed.Attributes;
        return {
          outcome: 'claimed',
          previous:
            typeof old?.version === 'number'
              ? { version: old.version, eventId: String(old.eventId ?? '') }
              : undefined,
        };
      } else {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              eventId: event.eventId,
              idempotencyKey: event.idempotencyKey,
              seenAt,
              expiresAt: Math.floor(this.now().getTime() / 1000) + DELIVERY_MEMORY_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      }
      return { outcome: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Only duplicates and stale versions read: the normal path is the single write above.
    const existing = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const item = existing.Item ?? {};
    if (version && typeof item.version === 'number' && item.version > version.version)
      return { outcome: 'stale' };
    return { outcome: 'duplicate', eventId: typeof item.eventId === 'string' ? item.eventId : undefined };
  }

  /**
   * Gives the claim back after a failed publish, only while it is still this event's claim: the
   * previous version comes back, so an older version arriving before the retry is still stale.
   */
  async release(
    event: CanonicalEvent,
    version: { objectKey: string; version: number } | undefined,
    claim: DeliveryClaim,
  ): Promise<void> {
    const key = this.key(event, version?.objectKey);
    const previous = claim.outcome === 'claimed' ? claim.previous : undefined;
    try {
      if (version) {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            ...(previous
              ? {
                  UpdateExpression: 'SET #version = :old, eventId = :oldEventId',
                  ExpressionAttributeValues: {
                    ':eventId': event.eventId,
                    ':old': previous.version,
                    ':oldEventId': previous.eventId,
                  },
                }
              : {
                  UpdateExpression: 'REMOVE #version, eventId',
                  ExpressionAttributeValues: { ':eventId': event.eventId },
                }),
            ConditionExpression: 'eventId = :eventId',
            ExpressionAttributeNames: { '#version': 'version' },
          }),
        );
      } else {
        await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: key,
            ConditionExpression: 'eventId = :eventId',
            ExpressionAttributeValues: { ':eventId': event.eventId },
          }),
        );
      }
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
