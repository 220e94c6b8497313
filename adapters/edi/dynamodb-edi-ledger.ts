/**
 * The EDI ledger in DynamoDB (TABLES.ediLedger), one partition per trading partner:
 *
 *   pk PARTNER#<id>, sk COUNTER                                   last interchange control number (ADD)
 *   pk PARTNER#<id>, sk 850#<po>#R<revision, 10 digits>#<rank><purpose>   one 850 sent
 *   pk PARTNER#<id>, sk FILE#<key>                                the 997 answering one received file
 *   pk PARTNER#<id>, sk INTERCHANGE#<ISA13>                       the first file carrying an ISA13
 *   pk PARTNER#<id>, sk AWAIT997#<ISA13, 9 digits>                an 850 interchange and its 997, if any
 *   pk SUPPLIER#<number>, sk SHIPMENT#<id>                        a shipment id's latest version (dynamodb-shipment-versions.ts)
 *
 * The 850s of an order sort by revision, then original/replace before cancellation, so the last
 * one sent is the first of a descending query. Conditional puts keep the first writer's record.
 *
 * Overdue 997s are one query per partner over its AWAIT997# items: the 850s still awaited plus
 * those answered in the last ACKNOWLEDGED_RETENTION_SECONDS (expired by TTL), so the read stays
 * bounded by what is in flight, not by the partner's history.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../aws/sdk-errors';
import { MAX_INTERCHANGE_CONTROL_NUMBER } from '../../domain/edi/envelope';
import type { TransmissionPurpose } from '../../domain/edi/purchase-order-850';
import type { EdiLedger, PurchaseOrderTransmission, ReceivedFile } from '../../domain/ports/edi-ledger';

/** Received files and interchanges are remembered this long for duplicates (partners resend within days). */
export const RECEIVED_RETENTION_SECONDS = 400 * 24 * 3600;

/** An answered 850 is remembered this long, so a late re-send of it is not awaited again. */
const ACKNOWLEDGED_RETENTION_SECONDS = 30 * 24 * 3600;

const PURPOSE_RANK: Readonly<Record<TransmissionPurpose, string>> = { '00': '1', '05': '2', '01': '3' };

const partitionOf = (partnerId: string) => `PARTNER#${partnerId}`;
const awaitedKey = (interchangeNumber: number) => `AWAIT997#${String(interchangeNumber).padStart(9, '0')}`;
const transmissionKey = (poNumber: string, revision: number, purpose: TransmissionPurpose) =>
  `850#${poNumber}#R${String(revision).padStart(10, '0')}#${PURPOSE_RANK[purpose]}${purpose}`;

/** {@link EdiLedger} on DynamoDB. */
export class DynamoDbEdiLedger implements EdiLedger {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async nextInterchangeNumber(partnerId: string): Promise<number> {
    const answer = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partitionOf(partnerId), sk: 'COUNTER' },
        UpdateExpression: 'ADD lastNumber :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const taken = Number(answer.Attributes?.lastNumber);
    if (!Number.isSafeInteger(taken) || taken < 1)
      throw new Error(`EDI counter of ${partnerId} returned ${taken}`);
    // After 999,999,999 numbers start again at 1 (the guide checks repeats, not order).
    return ((taken - 1) % MAX_INTERCHANGE_CONTROL_NUMBER) + 1;
  }

  async transmissionOf(
    partnerId: string,
    poNumber: string,
    revision: number,
    purpose: TransmissionPurpose,
  ): Promise<PurchaseOrderTransmission | undefined> {
    return this.get<PurchaseOrderTransmission>(partnerId, transmissionKey(poNumber, revision, purpose));
  }

  async latestTransmission(
    partnerId: string,
    poNumber: string,
  ): Promise<PurchaseOrderTransmission | undefined> {
    const answer = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partitionOf(partnerId), ':prefix': `850#${poNumber}#R` },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = answer.Items?.[0];
    return item ? (strip(item) as unknown as PurchaseOrderTransmission) : undefined;
  }

  async recordTransmission(transmission: PurchaseOrderTransmission): Promise<PurchaseOrderTransmission> {
    const sk = transmissionKey(transmission.poNumber, transmission.revision, transmission.purpose);
    return this.putFirst(transmission.partnerId, sk, { ...transmission });
  }

  async recordReceivedFile(file: ReceivedFile): Promise<ReceivedFile> {
    return this.putFirst(file.partnerId, `FILE#${file.key}`, { ...file, expiresAt: this.expiry() });
  }

  async claimInterchange(partnerId: string, controlNumber: string, key: string): Promise<string> {
    const kept = await this.putFirst<{ firstKey: string }>(partnerId, `INTERCHANGE#${controlNumber}`, {
      firstKey: key,
      expiresAt: this.expiry(),
    });
    return kept.firstKey;
  }

  async awaitAcknowledgement(transmission: PurchaseOrderTransmission): Promise<void> {
    await this.putFirst(transmission.partnerId, awaitedKey(transmission.interchangeNumber), {
      ...transmission,
    });
  }

  async recordAcknowledgement(
    partnerId: string,
    interchangeNumber: number,
    receivedAt: string,
  ): Promise<void> {
    // An update, not a put: it keeps the 850's facts, and answers a 997 for an unknown number too.
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partitionOf(partnerId), sk: awaitedKey(interchangeNumber) },
        UpdateExpression: 'SET acknowledgedAt = if_not_exists(acknowledgedAt, :at), expiresAt = :expiry',
        ExpressionAttributeValues: {
          ':at': receivedAt,
          ':expiry': this.expiry(ACKNOWLEDGED_RETENTION_SECONDS),
        },
      }),
    );
  }

  async unacknowledgedSentBefore(
    partnerId: string,
    sentBefore: string,
  ): Promise<PurchaseOrderTransmission[]> {
    const overdue: PurchaseOrderTransmission[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: 'attribute_not_exists(acknowledgedAt) AND preparedAt <= :before',
          ExpressionAttributeValues: {
            ':pk': partitionOf(partnerId),
            ':prefix': 'AWAIT997#',
            ':before': sentBefore,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) overdue.push(strip(item) as unknown as PurchaseOrderTransmission);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return overdue;
  }

  private expiry(retentionSeconds = RECEIVED_RETENTION_SECONDS): number {
    return Math.floor(this.now().getTime() / 1000) + retentionSeconds;
  }

  /** Puts the item unless one is there; returns the one kept. */
  private async putFirst<T>(partnerId: string, sk: string, item: Record<string, unknown>): Promise<T> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: partitionOf(partnerId), sk, ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return strip(item) as T;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const kept = await this.get<T>(partnerId, sk);
      if (!kept) throw new Error(`EDI ledger: ${sk} of ${partnerId} refused a put yet cannot be read`);
      return kept;
    }
  }

  private async get<T>(partnerId: string, sk: string): Promise<T | undefined> {
    const answer = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: partitionOf(partnerId), sk },
        ConsistentRead: true,
      }),
    );
    return answer.Item ? (strip(answer.Item) as T) : undefined;
  }
}

/** The item without its keys and expiry. */
function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...rest } = item;
  return rest;
}
