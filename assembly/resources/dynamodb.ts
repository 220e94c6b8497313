/** DynamoDB: tables as the CreateTable input of the local DynamoDB, with their TTL attribute. */
import type { Projection, TableModel } from '../model';
import { constructIdOf } from '../names';
import { ofType, props, type ReaderInput } from './common';

/** `AWS::DynamoDB::Table` as the CreateTable input of the local DynamoDB. */
export function readTables(input: ReaderInput): TableModel[] {
  const { resolver } = input;
  return ofType(input, 'AWS::DynamoDB::Table').map(([logicalId, r]) => {
    const p = resolver.value(props(r)) as Record<string, unknown>;
    const name = resolver.physicalName(logicalId);
    const index = (i: Record<string, unknown>) => ({
      IndexName: String(i.IndexName),
      KeySchema: i.KeySchema as TableModel['createTableInput']['KeySchema'],
      Projection: (i.Projection as Projection | undefined) ?? { ProjectionType: 'ALL' as const },
    });
    const gsis = (p.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
    const lsis = (p.LocalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    return {
      logicalId,
      constructId: constructIdOf(r, logicalId),
      name,
      arn: resolver.attribute(logicalId, 'Arn'),
      createTableInput: {
        TableName: name,
        AttributeDefinitions:
          p.AttributeDefinitions as TableModel['createTableInput']['AttributeDefinitions'],
        KeySchema: p.KeySchema as TableModel['createTableInput']['KeySchema'],
        BillingMode: 'PAY_PER_REQUEST',
        ...(gsis.length ? { GlobalSecondaryIndexes: gsis.map(index) } : {}),
        ...(lsis.length ? { LocalSecondaryIndexes: lsis.map(index) } : {}),
      },
      ...(ttl?.Enabled && ttl.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
    };
  });
}
