/**
 * The sync-lag ledger in DynamoDB. One partition per business object (`<type>#<id>`):
 *   STATE#<system>                      the object's state as each system last confirmed it
 *   LAG#<from>><to>#<version>           a change's source event time, target confirmation, lag
 *   EVENT#<occurredAt>#<eventId>        the object's history (GSI byCorrelationId)
 *   STALE#<occurredAt>#<eventId>        an older version that arrived late and was not applied
 * The `byObjectType` index (objectType, sourceEventTime) feeds the dashboard's lag per object type.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { SyncStatus } from '../../canonical/generated/types';
import type {
  ChangeConfirmation,
  ConfirmedState,
  LedgerPort,
  LedgerRef,
  SourceChange,
} from '../../domain/ports/sync-ledger';
import { lagSeconds, systemOfSync, type SyncSystem, type SystemName } from '../../domain/sync-lag';

/** Ledger entries are kept for a quarter: long enough for month-end reconciliation. */
const RETENTION_SECONDS = 92 * 24 * 3600;

/** A business object the ledger tracks (the port's reference). */
export type ObjectRef = LedgerRef;

const partition = (ref: ObjectRef) => `${ref.objectType}#${ref.objectId}`;

export class SyncLedger implements LedgerPort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private expiresAt(): number {
    return Math.floor(this.now().getTime() / 1000) + RETENTION_SECONDS;
  }

  /** Adds an event to the object's history. */
  async recordEvent(ref: ObjectRef, event: CanonicalEvent): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: partition(ref),
          sk: `EVENT#${event.occurredAt}#${event.eventId}`,
          correlationId: event.correlationId,
          eventType: event.eventType,
          eventId: event.eventId,
          occurredAt: event.occurredAt,
          expiresAt: this.expiresAt(),
        },
      }),
    );
  }

  /** An older version that arrived after a newer one: kept for the record, never applied. */
  async recordStale(event: CanonicalEvent): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `${event.eventType}#${event.sourceObjectId}`,
          sk: `STALE#${event.occurredAt}#${event.eventId}`,
          correlationId: event.correlationId,
          sourceVersion: event.sourceVersion,
          idempotencyKey: event.idempotencyKey,
          expiresAt: this.expiresAt(),
        },
      }),
    );
  }

  /** The source system changed the object at `sourceEventAt`: the lag to each target starts then. */
  async recordSourceChange(ref: ObjectRef, change: SourceChange): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: {
          pk: partition(ref),
          sk: `LAG#${change.from}>${change.to}#${String(change.version).padStart(16, '0')}`,
        },
        UpdateExpression:
          'SET objectType = :type, sourceEventTime = if_not_exists(sourceEventTime, :at), correlationId = :c, expiresAt = :exp',
        ExpressionAttributeValues: {
          ':type': ref.objectType,
          ':at': change.sourceEventAt,
          ':c': change.correlationId,
          ':exp': this.expiresAt(),
        },
      }),
    );
  }

  /**
   * The target confirmed the change: records the lag and returns it (seconds), or undefined when
   * no source change was recorded for that version.
   */
  async recordConfirmation(ref: ObjectRef, change: ChangeConfirmation): Promise<number | undefined> {
    const key = {
      pk: partition(ref),
      sk: `LAG#${change.from}>${change.to}#${String(change.version).padStart(16, '0')}`,
    };
    const existing = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key }));
    const sourceEventAt = existing.Item?.sourceEventTime as string | undefined;
    if (!sourceEventAt) return undefined;
    const lag = lagSeconds(sourceEventAt, change.confirmedAt);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET confirmedAt = :at, lagSeconds = :lag',
        ExpressionAttributeValues: { ':at': change.confirmedAt, ':lag': lag },
      }),
    );
    return lag;
  }

  /** The object's state as one system confirmed it. */
  async recordState(ref: ObjectRef, state: ConfirmedState): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: partition(ref), sk: `STATE#${state.system}`, ...state, expiresAt: this.expiresAt() },
      }),
    );
  }

  /** Everything the ledger knows about one object (open exceptions are added by the caller). */
  async status(ref: ObjectRef): Promise<Omit<SyncStatus, 'openExceptions'>> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition(ref) },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const bySk = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
    return {
      objectType: ref.objectType,
      objectId: ref.objectId,
      systems: bySk('STATE#').map((item) => ({
        system: item.system as SystemName,
        reference: (item.reference as string | null) ?? null,
        state: (item.state as string | null) ?? null,
        version: (item.version as number | null) ?? null,
        confirmedAt: (item.confirmedAt as string | null) ?? null,
      })),
      lags: bySk('LAG#').map((item) => {
        const [from, to] = String(item.sk).slice(4).split('#')[0]!.split('>') as [SyncSystem, SyncSystem];
        // The status speaks of systems; which ERP instance is the order's warehouse's.
        return {
          fromSystem: systemOfSync(from),
          toSystem: systemOfSync(to),
          sourceEventAt: item.sourceEventTime as string,
          confirmedAt: (item.confirmedAt as string | undefined) ?? null,
          lagSeconds: (item.lagSeconds as number | undefined) ?? null,
          outOfOrder: 'no' as const,
        };
      }),
      history: bySk('EVENT#').map((item) => ({
        eventType: item.eventType as string,
        eventId: item.eventId as string,
        occurredAt: item.occurredAt as string,
        correlationId: item.correlationId as string,
      })),
    };
  }
}
