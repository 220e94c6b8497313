/**
 * The EDI ledger in DynamoDB (TABLES.ediLedger), one partition per trading partner:
 *
 *   pk PARTNER#<id>, sk COUNTER                                   last interchange control number (ADD)
 *   pk PARTNER#<id>, sk 850#<po>#R<revision, 10 digits>#<rank><purpose>   one 850 sent
 *   pk PARTNER#<id>, sk FILE#<key>                                the 997 answering one received file
 *   pk PARTNER#<id>, sk INTERCHANGE#<ISA13>                       the first file carrying an ISA13
 *
 * The 850s of an order sort by revision, then original/replace before cancellation, so the last
 * one sent is the first of a descending query. Conditional puts keep the first writer's record.
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
const RECEIVED_RETENTION_SECONDS = 400 * 24 * 3600;

const PURPOSE_RANK: Readonly<Record<TransmissionPurpose, string>> = { '00': '1', '05': '2', '01': '3' };

const partitionOf = (partnerId: string) => `PARTNER#${partnerId}`;
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

  private expiry(): number {
    return Math.floor(this.now().getTime() / 1000) + RECEIVED_RETENTION_SECONDS;
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
