/**
 * The latest source version seen per business object, so an older version arriving late (delivery
 * is at least once and unordered) is recognised as stale instead of overwriting a newer one.
 * One conditional write decides it, so concurrent deliveries cannot both win.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { VersionOutcome } from '../webhooks/intake';

export class VersionLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(objectKey: string, version: number, seenAt: Date): Promise<VersionOutcome> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: objectKey, sk: 'VERSION' },
          UpdateExpression: 'SET #version = :version, seenAt = :seenAt',
          ConditionExpression: 'attribute_not_exists(#version) OR #version <= :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': version, ':seenAt': seenAt.toISOString() },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return result.Attributes?.version === version ? 'same' : 'newer';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }
}
