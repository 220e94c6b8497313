/**
 * `npx tsx scripts/backfill/posted-day.ts <workflow correlation table>`: the one-off backfill of the
 * `byPostedDay` index (ADR 0011, "Scale"). Posted commitments recorded before the index existed
 * lack `postedDay`/`postedAt`, so no reconciliation run would read them; this sets both from the
 * item's `purchaseOrder.postedAt`, as `recordPosted` now writes them. Run once before deploying the
 * index's reader; running it again changes nothing (only items without `postedDay` are updated).
 * Uses the default AWS credentials and region of the shell.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pathToFileURL } from 'node:url';
import { postedDayOf } from '../../adapters/aws/commitments';
import { isConditionFailure } from '../../adapters/aws/sdk-errors';
import type { PostedPurchaseOrder } from '../../domain/commitment/types';

/** Sets the index's attributes on every posted commitment lacking them; resolves with how many. */
export async function backfillPostedDays(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<number> {
  let updated = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :posted AND begins_with(pk, :commitment) AND attribute_not_exists(postedDay)',
        ExpressionAttributeValues: { ':posted': 'POSTED', ':commitment': 'COMMITMENT#' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const po = item.purchaseOrder as PostedPurchaseOrder | undefined;
      if (!po?.postedAt) continue;
      const { postedDay, postedAt } = postedDayOf(po.postedAt);
      await documents
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET postedDay = :day, postedAt = :at',
            // A commitment recorded meanwhile already has them: leave it.
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(postedDay)',
            ExpressionAttributeValues: { ':day': postedDay, ':at': postedAt },
          }),
        )
        .then(
          () => updated++,
          (error: unknown) => {
            if (!isConditionFailure(error)) throw error;
          },
        );
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return updated;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [tableName] = process.argv.slice(2);
  if (!tableName) {
    console.error('usage: npx tsx scripts/backfill/posted-day.ts <workflow correlation table name>');
    process.exit(2);
  }
  const updated = await backfillPostedDays(DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName);
  console.log(`${updated} posted commitments given their posting day`);
}
