/**
 * The quarantine of refused vendor deliveries in DynamoDB (TABLES.webhookQuarantine): one item per
 * delivery, its raw body as a binary attribute (the intake refuses bodies over 256 KiB before it
 * reads them, so an item stays under DynamoDB's 400 KB), encrypted at rest like every table, and
 * deleted by TTL {@link QUARANTINE_RETENTION_DAYS} after its last attempt. A held delivery (accepted,
 * not carried by the canonical model) has no expiry: it was answered 202, so this is its only copy.
 *
 * The intake only writes (one UpdateItem: a vendor's retry of the same delivery adds an attempt);
 * operators read, and resolve after an accepted re-submit.
 */
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  QuarantinePort,
  QuarantineReader,
  QuarantineStatus,
  QuarantinedDelivery,
  RefusedDelivery,
} from '../../domain/ports/quarantine';

/**
 * Longer than either vendor retries (an hour, a day) plus a month-end for someone to look at it;
 * short enough that a vendor's personal data in a body is not kept for good (docs/quarantine.md).
 */
export const QUARANTINE_RETENTION_DAYS = 30;

/** Index of the records by status, most recent attempt last (TABLES.webhookQuarantine). */
export const QUARANTINE_STATUS_INDEX = 'byStatus';

export class DeliveryQuarantine implements QuarantinePort, QuarantineReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async quarantine(delivery: RefusedDelivery): Promise<void> {
    const at = delivery.receivedAt.toISOString();
    const expiresAt = Math.floor(delivery.receivedAt.getTime() / 1000) + QUARANTINE_RETENTION_DAYS * 86_400;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { quarantineId: delivery.quarantineId },
        // Each attempt reopens the record with its own reason; the first receipt stays.
        UpdateExpression:
          'SET #system = :system, eventType = :eventType, deliveryId = :deliveryId, headers = :headers, ' +
          'body = :body, tenantId = :tenantId, reason = :reason, #status = :open, lastAttemptAt = :at, ' +
          'firstReceivedAt = if_not_exists(firstReceivedAt, :at)' +
          (delivery.held ? ' ' : ', expiresAt = :expiresAt ') +
          'ADD attempts :one REMOVE resolvedAt, resolution' +
          (delivery.held ? ', expiresAt' : ''),
        ExpressionAttributeNames: { '#system': 'system', '#status': 'status' },
        ExpressionAttributeValues: {
          ':system': delivery.system,
          ':eventType': delivery.eventType ?? null,
          ':deliveryId': delivery.deliveryId ?? null,
          ':headers': delivery.headers,
          ':body': delivery.body,
          ':tenantId': delivery.tenantId,
          ':reason': delivery.reason,
          ':open': delivery.held ? 'held' : 'open',
          ':at': at,
          ...(delivery.held ? {} : { ':expiresAt': expiresAt }),
          ':one': 1,
        },
      }),
    );
  }

  async list(status: QuarantineStatus, limit = 100): Promise<QuarantinedDelivery[]> {
    const items: QuarantinedDelivery[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: QUARANTINE_STATUS_INDEX,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map(recordOf));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items;
  }

  async get(quarantineId: string): Promise<QuarantinedDelivery | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { quarantineId }, ConsistentRead: true }),
    );
    return Item ? recordOf(Item) : undefined;
  }

  async resolve(quarantineId: string, at: Date, resolution: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { quarantineId },
        // A held record had no expiry; once resolved, its body need not be kept for good either.
        UpdateExpression:
          'SET #status = :resolved, resolvedAt = :at, resolution = :resolution, ' +
          'expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ConditionExpression: 'attribute_exists(quarantineId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':resolved': 'resolved',
          ':at': at.toISOString(),
          ':resolution': resolution,
          ':expiresAt': Math.floor(at.getTime() / 1000) + QUARANTINE_RETENTION_DAYS * 86_400,
        },
      }),
    );
  }
}

function recordOf(item: Record<string, unknown>): QuarantinedDelivery {
  const body = item.body;
  return {
    quarantineId: String(item.quarantineId),
    system: item.system as QuarantinedDelivery['system'],
    ...(typeof item.eventType === 'string' ? { eventType: item.eventType } : {}),
    ...(typeof item.deliveryId === 'string' ? { deliveryId: item.deliveryId } : {}),
    headers: (item.headers ?? {}) as Record<string, string>,
    body: body instanceof Uint8Array ? body : new Uint8Array(),
    tenantId: String(item.tenantId ?? ''),
    reason: item.reason as QuarantinedDelivery['reason'],
    status: item.status as QuarantineStatus,
    firstReceivedAt: String(item.firstReceivedAt),
    lastAttemptAt: String(item.lastAttemptAt),
    attempts: Number(item.attempts ?? 0),
    ...(typeof item.resolvedAt === 'string' ? { resolvedAt: item.resolvedAt } : {}),
    ...(typeof item.resolution === 'string' ? { resolution: item.resolution } : {}),
    ...(item.expiresAt !== undefined
      ? { expiresAt: new Date(Number(item.expiresAt) * 1000).toISOString() }
      : {}),
  };
}
