/**
 * The shipment ids' latest versions in the EDI ledger table (TABLES.ediLedger), one item per
 * supplier and shipment id (ADR 10 decision 17):
 *
 *   pk SUPPLIER#<supplier number>, sk SHIPMENT#<shipment id>
 *     issuedAt        epoch ms of the latest version taken (its BSN03/BSN04)
 *     applyingUntil   epoch ms until which that version is being applied (0 once released)
 *
 * Taking is one conditional update, so of two versions delivered at the same moment exactly one
 * order holds: the older either is stale or was taken first, and the newer then waits for it.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ShipmentVersionClaim, ShipmentVersions } from '../../domain/ports/shipment-versions';
import { isConditionFailure } from '../aws/sdk-errors';
import { RECEIVED_RETENTION_SECONDS } from './dynamodb-edi-ledger';

const keyOf = (supplierNumber: string, shipmentId: string) => ({
  pk: `SUPPLIER#${supplierNumber}`,
  sk: `SHIPMENT#${shipmentId}`,
});

/** {@link ShipmentVersions} on DynamoDB. */
export class DynamoDbShipmentVersions implements ShipmentVersions {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** @inheritdoc */
  async take(
    supplierNumber: string,
    shipmentId: string,
    issuedAt: string,
    until: string,
  ): Promise<ShipmentVersionClaim> {
    const key = keyOf(supplierNumber, shipmentId);
    const now = this.now().getTime();
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET issuedAt = :issued, applyingUntil = :until, expiresAt = :expiry',
          ConditionExpression:
            'attribute_not_exists(issuedAt) OR issuedAt = :issued OR (issuedAt < :issued AND applyingUntil <= :now)',
          ExpressionAttributeValues: {
            ':issued': Date.parse(issuedAt),
            ':until': Date.parse(until),
            ':now': now,
            // Partners re-send within days; kept as long as the files received are.
            ':expiry': Math.floor(now / 1000) + RECEIVED_RETENTION_SECONDS,
          },
        }),
      );
      return { outcome: 'taken' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const latest = Number(Item?.issuedAt ?? 0);
      if (latest > Date.parse(issuedAt))
        return { outcome: 'superseded', latestIssuedAt: new Date(latest).toISOString() };
      // Released between the update and the read: the wait is short and the next take succeeds.
      return { outcome: 'busy', until: new Date(Number(Item?.applyingUntil ?? now)).toISOString() };
    }
  }

  /** @inheritdoc */
  async release(supplierNumber: string, shipmentId: string, issuedAt: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(supplierNumber, shipmentId),
          UpdateExpression: 'SET applyingUntil = :released',
          ConditionExpression: 'issuedAt = :issued',
          ExpressionAttributeValues: { ':released': 0, ':issued': Date.parse(issuedAt) },
        }),
      );
    } catch (error) {
      // A newer version was taken meanwhile: its applying is its own.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
