/**
 * The local DynamoDB: dynalite in-process, with the tables the application declares
 * (application/resources.ts), so tests and the local runtime use the same key schemas as AWS.
 * dynalite lacks TTL and transactions; nothing on our paths relies on either (docs/adr/0004).
 */
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { TABLES, type TableSpec } from '../../application/resources';
import { LOCAL_CREDENTIALS } from '../http/aws-json';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** Physical table name per table key. */
  tableNames: Record<keyof typeof TABLES, string>;
  stop(): Promise<void>;
}

/** The stand-ins' credentials (tests import them from here with the table helper). */
export { LOCAL_CREDENTIALS };

export function createTableInput(tableName: string, spec: TableSpec): CreateTableCommandInput {
  const attributes = new Map<string, 'S' | 'N'>();
  const keys = [
    spec.partitionKey,
    spec.sortKey,
    ...spec.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  for (const key of keys) if (key) attributes.set(key.name, key.type);
  const keySchema = (partitionKey: { name: string }, sortKey?: { name: string }) => [
    { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    ...(spec.indexes.length
      ? {
          GlobalSecondaryIndexes: spec.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

/** Starts dynalite on a loopback port (in memory, or persisted under `path`) and creates the tables. */
export async function startLocalDynamo(
  options: { port?: number; path?: string; prefix?: string } = {},
): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const prefix = options.prefix ?? 'supplyline-local';
  const tableNames = Object.fromEntries(
    Object.keys(TABLES).map((key) => [key, `${prefix}-${key}`]),
  ) as LocalDynamo['tableNames'];
  for (const [key, spec] of Object.entries(TABLES) as [keyof typeof TABLES, TableSpec][]) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableNames[key], spec)));
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
  }
  return {
    endpoint,
    client,
    tableNames,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
