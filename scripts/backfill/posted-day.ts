/**
 * `npx tsx scripts/backfill/posted-day.ts <workflow correlation table>`: the one-off backfill of the
 * `byPostedDay` index (ADR 0011, "Scale"). Posted commitments recorded before the index existed
 * lack `postedDay`/`postedAt`, so no reconciliation run would read them; this sets both from the
 * item's `purchaseOrder.postedAt`, as `recordPosted` now writes them. Run once before deploying the
 * index's reader; running it again changes nothing (only items without `postedDay` are updated).
 * Uses the default AWS credentials and region of the shell.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pathToFileURL } from 'node:url';
import { PostedCommitmentScan, postedDayOf } from '../../adapters/aws/commitments';
import { isConditionFailure } from '../../adapters/aws/sdk-errors';

/** Sets the index's attributes on every posted commitment lacking them; resolves with how many. */
export async function backfillPostedDays(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<number> {
  let updated = 0;
  // Only items still without postedDay: a run again finds none.
  const posted = new PostedCommitmentScan(documents, tableName).posted(
    ' AND attribute_not_exists(postedDay)',
  );
  for await (const { po, item } of posted) {
    if (!po.postedAt) continue;
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
