/**
 * The model of a synthesized application: what the local runtime runs and ops inspects —
 * functions with their bundled assets and environment, queues with their redrive policies, event
 * source mappings, buses, rules and targets, archives, state machines, tables, REST and HTTP API
 * routes, secrets and buckets — plus the CloudFormation input the readers build it from.
 * Types only: the readers are in `resources/`, the loader in `loader.ts`.
 */
export const LOCAL_ACCOUNT = '000000000000';

/** Where local physical resources live: region/account of the ARNs, and the SQS endpoint for queue URLs. */
export interface LocalNaming {
  /** @default the stack's region from the manifest, else `us-east-1` */
  region?: string;
  /** @default LOCAL_ACCOUNT */
  account?: string;
  /**
   * Base URL of the local SQS queue URLs (queue URL = `<base>/<account>/<name>`): fauxqs names
   * queues `http://sqs.<region>.localhost:<port>/...` and finds them by that exact URL.
   * @default http://sqs.<region>.localhost:4566
   */
  queueBaseUrl?: string;
}

/** A Lambda function and how to run it from its bundled asset. */
export interface FunctionModel {
  logicalId: string;
  /** Construct id from the CDK path (`Supplyline-dev/Functions/PlanningWebhook/Resource` -> `PlanningWebhook`). */
  constructId: string;
  cdkPath?: string;
  name: string;
  arn: string;
  /** Absolute folder of the bundled asset (`cdk.out/<env>/asset.<hash>`). */
  assetDir: string;
  /** `index.handler` */
  handler: string;
  runtime?: string;
  environment: Record<string, string>;
  /** Lambda default 3 s. */
  timeoutSeconds: number;
  /** Lambda default 128 MB. */
  memoryMb: number;
  reservedConcurrency?: number;
  /** Asynchronous invocation (EventBridge/schedule targets): retries after a function error. Lambda default 2. */
  asyncMaximumRetryAttempts: number;
  /** Asynchronous invocation: events older than this are dropped. Lambda default 6 h. */
  asyncMaximumEventAgeSeconds: number;
  /**
   * What the function's execution role allows: the statements of the `AWS::IAM::Policy` resources
   * attached to it and of its inline policies, resolved to local ARNs. Absent when the template
   * gives the function no role it declares (nothing is then enforced for it locally).
   */
  permissions?: PermissionStatement[];
}

/** One statement of an identity policy, with its ARNs resolved. */
export interface PermissionStatement {
  effect: 'Allow' | 'Deny';
  /** `Action` (IAM wildcards allowed); absent when the statement has `NotAction`. */
  actions?: string[];
  notActions?: string[];
  /** `Resource` (IAM wildcards allowed); absent when the statement has `NotResource`. */
  resources?: string[];
  notResources?: string[];
  /** The statement has a `Condition` (not evaluated locally). */
  conditional: boolean;
}

/** An SQS queue. */
export interface QueueModel {
  logicalId: string;
  cdkPath?: string;
  name: string;
  arn: string;
  url: string;
  fifo: boolean;
  /** SQS default 30 s. */
  visibilityTimeoutSeconds: number;
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
  redriveAllowPolicy?: { redrivePermission: string; sourceQueueArns?: string[] };
  /** CreateQueue attributes for the local SQS (KMS settings left out: nothing is encrypted locally). */
  attributes: Record<string, string>;
}

/** A Lambda event source mapping from an SQS queue. */
export interface EventSourceMappingModel {
  logicalId: string;
  queueArn: string;
  functionName: string;
  /** Lambda default 10. */
  batchSize: number;
  /** Lambda default 0. */
  maximumBatchingWindowSeconds: number;
  /** ScalingConfig.MaximumConcurrency; undefined = Lambda's default scaling. */
  maximumConcurrency?: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
}

/** An EventBridge bus. */
export interface BusModel {
  logicalId: string;
  name: string;
  arn: string;
}

/** A rule target. */
export interface TargetModel {
  id: string;
  arn: string;
  kind: 'sqs' | 'lambda' | 'states' | 'events' | 'other';
  deadLetterArn?: string;
  retryPolicy?: { maximumRetryAttempts?: number; maximumEventAgeSeconds?: number };
  /** Constant JSON text sent instead of the event. */
  input?: string;
  /** JSONPath of the part of the event sent. */
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
  /** SqsParameters.MessageGroupId (FIFO queues). */
  messageGroupId?: string;
}

/** An EventBridge rule: an event pattern or a schedule. */
export interface RuleModel {
  logicalId: string;
  cdkPath?: string;
  name: string;
  arn: string;
  busName: string;
  description?: string;
  eventPattern?: Record<string, unknown>;
  scheduleExpression?: string;
  enabled: boolean;
  targets: TargetModel[];
}

/** An EventBridge archive. */
export interface ArchiveModel {
  logicalId: string;
  name: string;
  arn: string;
  busArn: string;
  eventPattern?: Record<string, unknown>;
  /** 0 = indefinitely. */
  retentionDays: number;
}

/** A Step Functions state machine: the ASL text before substitution and its substitutions. */
export interface StateMachineModel {
  logicalId: string;
  cdkPath?: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: string;
  substitutions: Record<string, string>;
}

/** A DynamoDB index projection. */
export interface Projection {
  ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  NonKeyAttributes?: string[];
}

/** A DynamoDB table, with the CreateTable input the local DynamoDB gets. */
export interface TableModel {
  logicalId: string;
  constructId: string;
  name: string;
  arn: string;
  createTableInput: {
    TableName: string;
    AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    BillingMode: 'PAY_PER_REQUEST';
    GlobalSecondaryIndexes?: {
      IndexName: string;
      KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
      Projection: Projection;
    }[];
    LocalSecondaryIndexes?: {
      IndexName: string;
      KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
      Projection: Projection;
    }[];
  };
  timeToLiveAttribute?: string;
}

/** One method of a REST API resource. */
export interface ApiRouteModel {
  /** Full resource path, e.g. `/v1/approvals/{approvalId}/decision`. */
  resourcePath: string;
  resourceId: string;
  httpMethod: string;
  apiKeyRequired: boolean;
  authorizationType: string;
  /** The Lambda authorizer of a `CUSTOM` method. */
  authorizer?: AuthorizerModel;
  integration: { type: string; functionName?: string; functionArn?: string; uri?: string };
  /** Content type -> model name. */
  requestModels?: Record<string, string>;
}

/** `AWS::ApiGateway::Authorizer` of type REQUEST or TOKEN with its Lambda function. */
export interface AuthorizerModel {
  logicalId: string;
  type: 'REQUEST' | 'TOKEN';
  functionName: string;
  /** `method.request.header.Authorization`... (TOKEN: the one header). */
  identitySources: string[];
  /** How long an answer is reused for the same identity source values (0: not cached). */
  resultTtlSeconds: number;
}

/** A gateway response (what API Gateway answers itself: unknown route, missing API key...). */
export interface GatewayResponseModel {
  statusCode?: number;
  headers: Record<string, string>;
  /** `application/json` template; `$context.*` variables are filled in. */
  template?: string;
}

/** A REST API with its routes and gateway responses. */
export interface RestApiModel {
  logicalId: string;
  id: string;
  name: string;
  stageNames: string[];
  binaryMediaTypes: string[];
  routes: ApiRouteModel[];
  /** By response type (MISSING_AUTHENTICATION_TOKEN, INVALID_API_KEY, DEFAULT_4XX, DEFAULT_5XX...). */
  gatewayResponses: Record<string, GatewayResponseModel>;
  /**
   * The first stage's throttling (`MethodSettings`): per method by `<METHOD> <resource path>`, and
   * the stage default (`* /*`) for methods without their own. Absent: not throttled.
   */
  throttles?: Record<string, ThrottleModel>;
}

/** Steady requests per second and the burst above it (a token bucket of `burstLimit`). */
export interface ThrottleModel {
  rateLimit: number;
  burstLimit: number;
}

/** One route of an HTTP API (API Gateway v2) with its integration. */
export interface HttpRouteModel {
  /** `POST /v1/webhooks/planning`, or `$default`. */
  routeKey: string;
  /** `POST`, `ANY`; `ANY` for `$default`. */
  method: string;
  /** `/v1/webhooks/planning` (`{param}`, `{param+}` allowed); `/{proxy+}` for `$default`. */
  path: string;
  authorizationType: string;
  integration: {
    type: string;
    /** `1.0` (the REST-style proxy event) or `2.0`. */
    payloadFormatVersion: string;
    functionName?: string;
    functionArn?: string;
    uri?: string;
    /** HTTP API default and maximum: 30 s. */
    timeoutMs: number;
  };
}

/** An HTTP API (API Gateway v2, ProtocolType HTTP) with its routes and stages. */
export interface HttpApiModel {
  logicalId: string;
  id: string;
  name: string;
  /** Named stages (`$default` serves without a prefix). */
  stageNames: string[];
  routes: HttpRouteModel[];
}

/** An S3 bucket (the local S3 is fauxqs's). */
export interface BucketModel {
  logicalId: string;
  constructId: string;
  name: string;
  arn: string;
  /** The bucket's default Object Lock retention, when it has Object Lock. */
  objectLock?: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number };
  /** S3 sends the bucket's object events to EventBridge (NotificationConfiguration.EventBridgeConfiguration). */
  eventBridge?: boolean;
}

/** A Secrets Manager secret and how its value is generated when the caller gives none. */
export interface SecretModel {
  logicalId: string;
  /** Construct id, e.g. `PlanningWebhookSigningCurrent`. */
  constructId: string;
  name: string;
  arn: string;
  description?: string;
  secretString?: string;
  generate?: {
    passwordLength: number;
    excludePunctuation: boolean;
    secretStringTemplate?: string;
    generateStringKey?: string;
  };
}

/** The application as the local runtime runs it. */
export interface TemplateModel {
  stackName: string;
  region: string;
  account: string;
  cdkOut: string;
  templatePath: string;
  functions: FunctionModel[];
  queues: QueueModel[];
  eventSourceMappings: EventSourceMappingModel[];
  buses: BusModel[];
  rules: RuleModel[];
  archives: ArchiveModel[];
  stateMachines: StateMachineModel[];
  tables: TableModel[];
  apis: RestApiModel[];
  /** HTTP APIs (WebSocket APIs are reported in `warnings` and not served). */
  httpApis: HttpApiModel[];
  secrets: SecretModel[];
  buckets: BucketModel[];
  /** Stack outputs, resolved. */
  outputs: Record<string, unknown>;
  /** What the model could not represent (unsupported target kinds, unresolvable intrinsics...). */
  warnings: string[];
}

/** Where to find the synthesized stack. */
export interface LoadTemplateOptions extends LocalNaming {
  /** The cloud assembly folder, e.g. `cdk.out/dev`. @default `cdk.out/<env>` */
  cdkOut?: string;
  /** @default 'dev' */
  env?: string;
  /** Stack (artifact id or stack name); @default the only stack, or `Supplyline-<env>` */
  stackName?: string;
}

/** A resource of a CloudFormation template, as synthesized. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

/** A synthesized CloudFormation template: the parts the reader uses. */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
  Parameters?: Record<string, { Default?: unknown }>;
}

/** `<Stack>.assets.json`: where each asset object key comes from in the cloud assembly. */
export interface AssetManifest {
  files?: Record<string, { source: { path?: string; packaging?: string } }>;
}

/** What the readers know besides the template: where the assembly is and the local naming. */
export interface BuildContext {
  cdkOut: string;
  templatePath: string;
  stackName: string;
  assets: AssetManifest;
  region: string;
  account: string;
  queueBaseUrl: string;
}
