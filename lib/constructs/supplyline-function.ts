import { existsSync } from 'node:fs';
import { RemovalPolicy, Stack, Validations, type CfnElement, type Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { FUNCTION_BUNDLING } from '../../application/bundling';
import { TABLE_OPERATIONS, type BucketAccess, type TableOperation } from '../../application/functions';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../application/metrics';
import { EVENT_BUS_ENV_VAR } from '../../application/resources';

/** The Node.js runtime of every function: the project's toolchain runs the same Node major. */
export const SUPPLYLINE_RUNTIME = lambda.Runtime.NODEJS_22_X;

/** A table a function can bind to: the table, its index names and the variable carrying its name. */
export interface BindableTable {
  readonly table: dynamodb.ITable;
  /** Global secondary index names: grants name each index instead of a `/index/*` wildcard. */
  readonly indexNames: readonly string[];
  /** e.g. `IDEMPOTENCY_TABLE_NAME`. */
  readonly envVar: string;
}

/** Properties of {@link SupplylineFunction}. */
export interface SupplylineFunctionProps {
  /** Handler file (absolute, or relative to the working directory), exporting `handler`. */
  readonly entry: string;
  readonly description?: string;
  /** 1-900 seconds. */
  readonly timeout: Duration;
  /** 128-10240 MB. */
  readonly memorySize: number;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Customer-managed key of the log group. @default the CloudWatch Logs service key */
  readonly logEncryptionKey?: kms.IKey;
  /** Concurrent executions reserved (and capped) for this function. @default unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** Run in these subnets of a VPC with this security group. @default outside any VPC */
  readonly network?: {
    readonly vpc: ec2.IVpc;
    readonly subnets: ec2.SubnetSelection;
    readonly securityGroup: ec2.ISecurityGroup;
  };
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** POWERTOOLS_SERVICE_NAME. @default 'supplyline' (the `service` metric dimension alarms expect) */
  readonly serviceName?: string;
  /** Extra environment variables. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A NodejsFunction with the house defaults: arm64, Node 22, local esbuild (no Docker), ESM +
 * minify + source maps with the `createRequire` banner, the AWS SDK bundled (faster INIT than the
 * runtime's copy), X-Ray tracing, its own log group with retention, Powertools environment, and a
 * role with no managed policy. The `bind*` helpers grant access AND set the environment variable
 * the handler reads, so the two cannot drift apart.
 */
export class SupplylineFunction extends nodejs.NodejsFunction {
  /** The function's log group (retention set); `logGroup` returns the same group as ILogGroup. */
  public readonly functionLogGroup: logs.LogGroup;
  /** The execution role (no managed policies; each grant is explicit). */
  public override readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SupplylineFunctionProps) {
    validateProps(id, props);
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
      encryptionKey: props.logEncryptionKey,
    });
    // Own role without AWSLambdaBasicExecutionRole: write access to its own log group only.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: SUPPLYLINE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: props.network.subnets,
            securityGroups: [props.network.securityGroup],
          }
        : {}),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      role,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? METRICS_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        // Stack traces point into the TypeScript sources (the bundle ships its source map).
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        ...FUNCTION_BUNDLING,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        format: nodejs.OutputFormat.ESM,
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });
    this.functionLogGroup = logGroup;
    this.role = role;

    const policy = role.node.tryFindChild('DefaultPolicy');
    if (props.network) {
      // Lambda attaches the function to the VPC through ENIs it manages with these actions.
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'The AWS-maintained policy Lambda documents for VPC placement (ENI create/describe/delete, which ' +
          'support no resource-level scoping); added by CDK because the function runs in the ERP VPC.',
      });
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Runtime pinned to nodejs22.x, the Node major of the project toolchain (node@22) that runs the same ' +
        'handlers in tests and the local runtime; moves together with the toolchain.',
    });
    // X-Ray accepts no resource-level permissions: PutTraceSegments/PutTelemetryRecords need "*".
    // Tests assert every Resource "*" statement in the template has only these X-Ray actions.
    Validations.of(policy ?? role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) supports no resource-level permissions.',
    });
  }

  /**
   * Grants exactly the item operations named (Query on the indexes too) and sets the table's name
   * variable. A `read` or `readWrite` shorthand grants every read or every read and write.
   */
  public bindTable(
    binding: BindableTable,
    operations: 'read' | 'readWrite' | readonly TableOperation[],
  ): this {
    const table = binding.table;
    const ops = typeof operations === 'string' ? tableOperations(operations) : operations;
    const queries = ops.includes('query');
    const resources = [
      table.tableArn,
      ...(queries ? binding.indexNames.map((index) => `${table.tableArn}/index/${index}`) : []),
    ];
    this.addToRolePolicy(new iam.PolicyStatement({ actions: tableActions(ops), resources }));
    // The table key, only through DynamoDB and with exact actions (grantEncrypt would add
    // ReEncrypt* and GenerateDataKey*).
    const key = table.encryptionKey;
    if (key) {
      const writes = ops.some((op) => TABLE_WRITE_OPERATIONS.includes(op));
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])],
          resources: [key.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }
    this.addEnvironment(binding.envVar, table.tableName);
    return this;
  }

  /** Grants sending to (or consuming from) the queue and sets `<envVar>` to its URL. */
  public bindQueue(queue: sqs.IQueue, access: 'send' | 'consume', envVar: string): this {
    if (access === 'send') queue.grantSendMessages(this);
    else queue.grantConsumeMessages(this);
    this.addEnvironment(envVar, queue.queueUrl);
    return this;
  }

  /** True once {@link bindBus} made this function a producer on the bus. */
  public hasBusGrant = false;

  /** Grants events:PutEvents on this bus only and sets EVENT_BUS_NAME. */
  public bindBus(bus: events.IEventBus, envVar: string = EVENT_BUS_ENV_VAR): this {
    bus.grantPutEventsTo(this);
    this.hasBusGrant = true;
    this.addEnvironment(envVar, bus.eventBusName);
    return this;
  }

  /** Grants read-only access to the secret and sets `<envVar>` to its ARN (never its value). */
  public bindSecret(secret: secretsmanager.ISecret, envVar: string): this {
    // GetSecretValue only: grantRead adds DescribeSecret, which no function calls.
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    secret.encryptionKey?.grantDecrypt(this);
    this.addEnvironment(envVar, secret.secretArn);
    return this;
  }

  /**
   * Grants starting executions and/or answering task tokens (SendTaskSuccess, SendTaskFailure) of
   * exactly this state machine, and sets `<envVar>` to its ARN. Takes the ARN built from the
   * machine's fixed name: a reference to the resource would make the function depend on a
   * machine that already depends on functions.
   */
  public bindStateMachine(
    stateMachineArn: string,
    access: 'start' | 'taskResponse' | 'startAndTaskResponse',
    envVar: string,
  ): this {
    const actions = [
      ...(access !== 'taskResponse' ? STATE_MACHINE_START_ACTIONS : []),
      ...(access !== 'start' ? STATE_MACHINE_TASK_RESPONSE_ACTIONS : []),
    ];
    this.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [stateMachineArn] }));
    this.addEnvironment(envVar, stateMachineArn);
    return this;
  }

  /**
   * Grants listing and reading (and writing) objects of the bucket, or with `write` adding objects
   * only, and sets `<envVar>` to its name.
   */
  public bindBucket(bucket: s3.IBucket, access: BucketAccess, envVar: string): this {
    const reads = access !== 'write';
    // writeOnce code reads and writes keys it knows (If-None-Match), write code only adds objects:
    // neither lists.
    if (reads && access !== 'writeOnce')
      this.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      );
    const objects = bucket.arnForObjects('*');
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          ...(reads ? BUCKET_READ_ACTIONS : BUCKET_APPEND_ACTIONS),
          ...(access === 'readWrite'
            ? BUCKET_WRITE_ACTIONS
            : access === 'append' || access === 'writeOnce'
              ? BUCKET_APPEND_ACTIONS
              : []),
        ],
        resources: [objects],
      }),
    );
    // SSE-KMS: reading decrypts, writing asks for a data key (the bucket key caches it per bucket).
    if (reads) bucket.encryptionKey?.grant(this, 'kms:Decrypt');
    if (access !== 'read') bucket.encryptionKey?.grant(this, 'kms:GenerateDataKey');
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    const stack = Stack.of(this);
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnElement);
    Validations.of(policy ?? this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        'Object access within this one bucket: object keys are per run and cannot be listed in advance.',
    });
    this.addEnvironment(envVar, bucket.bucketName);
    return this;
  }
}

/** Object reads. */
export const BUCKET_READ_ACTIONS = ['s3:GetObject'] as const;

/** Object writes (single PutObject uploads, DeleteObjects; no multipart, no bucket administration). */
export const BUCKET_WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject'] as const;

/** Adding objects to a write-once trail: no delete. */
export const BUCKET_APPEND_ACTIONS = ['s3:PutObject'] as const;

/** Starting an execution (the ASL of a started workflow decides everything else). */
export const STATE_MACHINE_START_ACTIONS = ['states:StartExecution'] as const;

/**
 * Answering a task token the state machine waits on: the functions only ever report success
 * (a refusal travels in the result, and the workflow's own timeout ends a wait nobody answers).
 */
export const STATE_MACHINE_TASK_RESPONSE_ACTIONS = ['states:SendTaskSuccess'] as const;

/**
 * The IAM action of each item operation. No batch operations, DescribeTable or table
 * administration: no function makes them. Scan is an operation of its own, granted only where a
 * catalog entry lists it.
 */
export const TABLE_OPERATION_ACTIONS: Readonly<Record<TableOperation, string>> = {
  get: 'dynamodb:GetItem',
  query: 'dynamodb:Query',
  scan: 'dynamodb:Scan',
  put: 'dynamodb:PutItem',
  update: 'dynamodb:UpdateItem',
  delete: 'dynamodb:DeleteItem',
};

const TABLE_WRITE_OPERATIONS: readonly TableOperation[] = ['put', 'update', 'delete'];

/** `read`: get and query; `readWrite`: those and put, update, delete (never scan). */
export function tableOperations(access: 'read' | 'readWrite'): TableOperation[] {
  return ['get', 'query', ...(access === 'readWrite' ? TABLE_WRITE_OPERATIONS : [])];
}

/** The DynamoDB actions of these operations, in catalog order. */
export function tableActions(operations: 'read' | 'readWrite' | readonly TableOperation[]): string[] {
  const ops = typeof operations === 'string' ? tableOperations(operations) : operations;
  return TABLE_OPERATIONS.filter((op) => ops.includes(op)).map((op) => TABLE_OPERATION_ACTIONS[op]);
}

function validateProps(id: string, props: SupplylineFunctionProps): void {
  const problems: string[] = [];
  if (!/\.(ts|mts|js|mjs)$/.test(props.entry))
    problems.push(`entry '${props.entry}' must be a .ts/.mts/.js/.mjs file`);
  else if (!existsSync(props.entry)) problems.push(`entry '${props.entry}' does not exist`);
  const seconds = props.timeout.toSeconds();
  if (seconds < 1 || seconds > 900) problems.push(`timeout ${seconds}s must be 1-900 s`);
  if (!Number.isInteger(props.memorySize) || props.memorySize < 128 || props.memorySize > 10_240) {
    problems.push(`memorySize ${props.memorySize} must be an integer 128-10240 MB`);
  }
  if (problems.length > 0) throw new Error(`SupplylineFunction ${id}: ${problems.join('; ')}`);
}
