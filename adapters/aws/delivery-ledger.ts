/**
 * Webhook deliveries claimed once, in one DynamoDB write on the normal path. The claim records the
 * business change (object version, or the idempotency key when the vendor gives no version) with
 * the event id it will be published under, in progress until the publish is confirmed:
 * - newer version or new key: claimed in progress, published, then completed; a failed publish
 *   releases the claim, so the vendor's retry publishes it (the delivery was answered 503);
 * - same version or key, completed: a duplicate, answered with the first event's id;
 * - same version or key, in progress: another invocation is publishing it, retry later; once the
 *   claim's invocation is certainly over (its deadline and a margin have passed) the claim is
 *   abandoned (the function died between claim and publish) and the retry takes it over;
 * - older version: stale, recorded and not applied.
 * One write per delivery instead of three (version record + Powertools' in-progress and completed
 * records): webhook intake is the highest-volume write path (docs/adr/0005, scripts/cost.ts). The
 * completion is a second, small write, the price of never answering `duplicate` for an event that
 * was not published.
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

const IN_PROGRESS = 'in-progress';
const COMPLETED = 'completed';

type ObjectVersion = { objectKey: string; version: number };

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

  /**
   * Claims the delivery's change, in progress until `inProgressUntil` (the claiming invocation's
   * deadline plus a margin) unless completed before.
   */
  async claim(
    event: CanonicalEvent,
    version: ObjectVersion | undefined,
    inProgressUntil: Date,
  ): Promise<DeliveryClaim> {
    const key = this.key(event, version?.objectKey);
    const now = this.now();
    const claim = {
      ':eventId': event.eventId,
      ':key': event.idempotencyKey,
      ':seenAt': now.toISOString(),
      ':inProgress': IN_PROGRESS,
      ':until': inProgressUntil.getTime(),
      ':now': now.getTime(),
    };
    // A record without a state was written before claims had one: it counts as completed.
    const abandoned = '(#state = :inProgress AND inProgressUntil < :now)';
    try {
      if (version) {
        const claimed = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression:
              'SET #version = :version, eventId = :eventId, idempotencyKey = :key, seenAt = :seenAt, ' +
              '#state = :inProgress, inProgressUntil = :until',
            ConditionExpression: `attribute_not_exists(#version) OR #version < :version OR (#version = :version AND ${abandoned})`,
            ExpressionAttributeNames: { '#version': 'version', '#state': 'state' },
            ExpressionAttributeValues: { ...claim, ':version': version.version },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        const old = claimed.Attributes;
        return {
          outcome: 'claimed',
          previous:
            typeof old?.version === 'number'
              ? {
                  version: old.version,
                  eventId: String(old.eventId ?? ''),
                  ...(old.state === IN_PROGRESS && typeof old.inProgressUntil === 'number'
                    ? { inProgressUntil: old.inProgressUntil }
                    : {}),
                }
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
              seenAt: claim[':seenAt'],
              state: IN_PROGRESS,
              inProgressUntil: claim[':until'],
              expiresAt: Math.floor(now.getTime() / 1000) + DELIVERY_MEMORY_SECONDS,
            },
            ConditionExpression: `attribute_not_exists(pk) OR ${abandoned}`,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':inProgress': IN_PROGRESS,
              ':now': claim[':now'],
            },
          }),
        );
      }
      return { outcome: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Only duplicates, stale versions and claims in progress read: the normal path is the write above.
    const existing = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const item = existing.Item ?? {};
    if (version && typeof item.version === 'number' && item.version > version.version)
      return { outcome: 'stale' };
    if (item.state === IN_PROGRESS && typeof item.inProgressUntil === 'number') {
      const waitMs = item.inProgressUntil - this.now().getTime();
      return { outcome: 'in-progress', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    return { outcome: 'duplicate', eventId: typeof item.eventId === 'string' ? item.eventId : undefined };
  }

  /** Marks the claim completed once the bus confirmed the event, only while it is still this event's claim. */
  async complete(event: CanonicalEvent, version: ObjectVersion | undefined): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(event, version?.objectKey),
          UpdateExpression: 'SET #state = :completed REMOVE inProgressUntil',
          ConditionExpression: 'eventId = :eventId',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':eventId': event.eventId, ':completed': COMPLETED },
        }),
      );
    } catch (error) {
      // A newer version claimed the object meanwhile: its own completion follows.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Gives the claim back after a failed publish, only while it is still this event's claim: the
   * previous claim comes back as it was, so an older version arriving before the retry is still
   * stale, and an abandoned claim taken over stays abandoned.
   */
  async release(
    event: CanonicalEvent,
    version: ObjectVersion | undefined,
    claim: DeliveryClaim,
  ): Promise<void> {
    const key = this.key(event, version?.objectKey);
    const previous = claim.outcome === 'claimed' ? claim.previous : undefined;
    try {
      if (version) {
        const restore = !previous
          ? { expression: 'REMOVE #version, eventId, #state, inProgressUntil', values: {} }
          : previous.inProgressUntil === undefined
            ? {
                expression:
                  'SET #version = :old, eventId = :oldEventId, #state = :completed REMOVE inProgressUntil',
                values: { ':completed': COMPLETED },
              }
            : {
                expression:
                  'SET #version = :old, eventId = :oldEventId, #state = :inProgress, inProgressUntil = :oldUntil',
                values: { ':inProgress': IN_PROGRESS, ':oldUntil': previous.inProgressUntil },
              };
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: restore.expression,
            ConditionExpression: 'eventId = :eventId',
            ExpressionAttributeNames: { '#version': 'version', '#state': 'state' },
            ExpressionAttributeValues: {
              ':eventId': event.eventId,
              ...(previous ? { ':old': previous.version, ':oldEventId': previous.eventId } : {}),
              ...restore.values,
            },
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
