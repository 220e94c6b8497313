import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  TABLES,
  pascalCase,
  type KeyAttribute,
  type TableKey,
  type TableSpec,
} from '../../application/resources';
import type { BindableTable } from './supplyline-function';

/** Properties of {@link DataTables}. */
export interface DataTablesProps {
  /** RETAIN + deletion protection (prod) or DESTROY (dev). */
  readonly retainData: boolean;
  /** The customer-managed key of every table. */
  readonly encryptionKey: kms.IKey;
  /** @default TABLES from application/resources.ts */
  readonly specs?: Readonly<Record<TableKey, TableSpec>>;
}

/**
 * The application's DynamoDB tables, built from the table specs: on-demand, point-in-time
 * recovery, encryption with the customer-managed data key, TTL where the spec has one, deletion protection and
 * RETAIN when data is kept.
 */
export class DataTables extends Construct {
  /** Every table with what a function needs to bind to it. */
  public readonly tables: Readonly<Record<TableKey, BindableTable & { readonly table: dynamodb.Table }>>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const specs = props.specs ?? TABLES;
    const built = {} as Record<TableKey, BindableTable & { readonly table: dynamodb.Table }>;
    for (const [key, spec] of Object.entries(specs) as [TableKey, TableSpec][]) {
      const table = new dynamodb.Table(this, `${pascalCase(key)}Table`, {
        partitionKey: attribute(spec.partitionKey),
        sortKey: spec.sortKey ? attribute(spec.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: props.encryptionKey,
        timeToLiveAttribute: spec.timeToLiveAttribute,
        deletionProtection: props.retainData,
        removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      for (const index of spec.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      built[key] = { table, envVar: spec.envVar, indexNames: spec.indexes.map((index) => index.name) };
    }
    this.tables = built;
  }
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  };
}
