/**
 * The synthesized application as the local runtime sees it: reads `cdk.out/<env>` (manifest, stack
 * template, asset manifest) and builds a model of what the runtime must run — functions with their
 * bundled assets and environment, queues with their redrive policies, event source mappings, buses,
 * rules and targets, archives, state machines, tables, REST and HTTP API routes and secrets.
 *
 * CloudFormation intrinsics are resolved to LOCAL physical names, ARNs and URLs, deterministically:
 * an explicit name in the template is kept; a name CloudFormation would generate is
 * `<StackName>-<LogicalId>` (without CloudFormation's random suffix), cut to the service's limit.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The account every local ARN uses (fauxqs hard-codes it in its queue ARNs and URLs). */
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
  integration: { type: string; functionName?: string; functionArn?: string; uri?: string };
  /** Content type -> model name. */
  requestModels?: Record<string, string>;
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

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
  Parameters?: Record<string, { Default?: unknown }>;
}

interface AssetManifest {
  files?: Record<string, { source: { path?: string; packaging?: string } }>;
}

/** Finds the stack template in a cloud assembly (via manifest.json). */
export function findStackTemplate(
  cdkOut: string,
  stackName?: string,
): { path: string; stackName: string; region?: string } {
  const manifestPath = join(cdkOut, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`${manifestPath} not found: synthesize first (npm run synth -- <env>)`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    artifacts?: Record<
      string,
      {
        type: string;
        environment?: string;
        displayName?: string;
        properties?: { templateFile?: string; stackName?: string };
      }
    >;
  };
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(
    ([, a]) => a.type === 'aws:cloudformation:stack',
  );
  const wanted = stacks.filter(
    ([id, a]) =>
      !stackName || id === stackName || a.displayName === stackName || a.properties?.stackName === stackName,
  );
  if (wanted.length !== 1) {
    throw new Error(
      `${manifestPath}: ${wanted.length === 0 ? 'no' : 'more than one'} stack${stackName ? ` named ${stackName}` : ''} ` +
        `(stacks: ${stacks.map(([id]) => id).join(', ') || 'none'})`,
    );
  }
  const [id, artifact] = wanted[0]!;
  const templateFile = artifact.properties?.templateFile ?? `${id}.template.json`;
  const region = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(artifact.environment ?? '')?.[1];
  return {
    path: join(cdkOut, templateFile),
    stackName: artifact.properties?.stackName ?? id,
    ...(region && region !== 'unknown-region' ? { region } : {}),
  };
}

/** Loads `cdk.out/<env>` and builds the model. */
export function loadTemplateModel(options: LoadTemplateOptions = {}): TemplateModel {
  const env = options.env ?? 'dev';
  const cdkOut = resolve(options.cdkOut ?? join('cdk.out', env));
  const found = findStackTemplate(cdkOut, options.stackName ?? defaultStackName(cdkOut, env));
  const template = JSON.parse(readFileSync(found.path, 'utf8')) as CfnTemplate;
  const assetsPath = found.path.replace(/\.template\.json$/, '.assets.json');
  const assets = existsSync(assetsPath)
    ? (JSON.parse(readFileSync(assetsPath, 'utf8')) as AssetManifest)
    : {};
  return buildTemplateModel(template, {
    cdkOut,
    templatePath: found.path,
    stackName: found.stackName,
    assets,
    region: options.region ?? found.region ?? 'us-east-1',
    account: options.account ?? LOCAL_ACCOUNT,
    queueBaseUrl:
      options.queueBaseUrl ?? `http://sqs.${options.region ?? found.region ?? 'us-east-1'}.localhost:4566`,
  });
}

function defaultStackName(cdkOut: string, env: string): string | undefined {
  try {
    findStackTemplate(cdkOut);
    return undefined;
  } catch {
    return `Supplyline-${env}`;
  }
}

/** Context of {@link buildTemplateModel}. */
export interface BuildContext {
  cdkOut: string;
  templatePath: string;
  stackName: string;
  assets: AssetManifest;
  region: string;
  account: string;
  queueBaseUrl: string;
}

/** Builds the model from a parsed template (exported for tests with hand-written templates). */
export function buildTemplateModel(template: CfnTemplate, context: BuildContext): TemplateModel {
  const resolver = new IntrinsicResolver(template, context);
  const warnings = resolver.warnings;
  const resources = Object.entries(template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const props = (r: CfnResource) => (r.Properties ?? {}) as Record<string, unknown>;
  const str = (value: unknown) => resolver.string(value);

  const invokeConfigs = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => ({
    functionName: functionNameOf(str(props(r).FunctionName)),
    retries: num(resolver.value(props(r).MaximumRetryAttempts)),
    maxAge: num(resolver.value(props(r).MaximumEventAgeInSeconds)),
  }));
  const functions: FunctionModel[] = ofType('AWS::Lambda::Function').flatMap(([logicalId, r]) => {
    const p = props(r);
    const invokeConfig = invokeConfigs.find((c) => c.functionName === resolver.physicalName(logicalId));
    const assetDir = functionAssetDir(logicalId, r, context);
    if (!assetDir) {
      warnings.push(`function ${logicalId}: no bundled asset found (inline or S3 code cannot run locally)`);
      return [];
    }
    const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {}) as Record<string, unknown>;
    return [
      {
        logicalId,
        constructId: constructIdOf(r, logicalId),
        ...(cdkPathOf(r) ? { cdkPath: cdkPathOf(r) } : {}),
        name: resolver.physicalName(logicalId),
        arn: resolver.attribute(logicalId, 'Arn'),
        assetDir,
        handler: typeof p.Handler === 'string' ? p.Handler : 'index.handler',
        ...(typeof p.Runtime === 'string' ? { runtime: p.Runtime } : {}),
        environment: Object.fromEntries(
          Object.entries(variables)
            .map(([k, v]) => [k, resolver.value(v)] as const)
            .filter(([, v]) => v !== NO_VALUE)
            .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        ),
        timeoutSeconds: num(resolver.value(p.Timeout)) ?? 3,
        memoryMb: num(resolver.value(p.MemorySize)) ?? 128,
        ...(num(resolver.value(p.ReservedConcurrentExecutions)) !== undefined
          ? { reservedConcurrency: num(resolver.value(p.ReservedConcurrentExecutions))! }
          : {}),
        asyncMaximumRetryAttempts: invokeConfig?.retries ?? 2,
        asyncMaximumEventAgeSeconds: invokeConfig?.maxAge ?? 21_600,
      },
    ];
  });

  const queues: QueueModel[] = ofType('AWS::SQS::Queue').map(([logicalId, r]) => {
    const p = props(r);
    const redrive = resolver.json(p.RedrivePolicy) as
      { deadLetterTargetArn?: string; maxReceiveCount?: unknown } | undefined;
    const allow = resolver.json(p.RedriveAllowPolicy) as
      { redrivePermission?: string; sourceQueueArns?: string[] } | undefined;
    const fifo = resolver.value(p.FifoQueue) === true || resolver.value(p.FifoQueue) === 'true';
    const attributes: Record<string, string> = {};
    const copy = (name: string) => {
      const value = resolver.value(p[name]);
      if (value !== undefined && value !== NO_VALUE) attributes[name] = String(value);
    };
    for (const name of [
      'VisibilityTimeout',
      'MessageRetentionPeriod',
      'DelaySeconds',
      'MaximumMessageSize',
      'ReceiveMessageWaitTimeSeconds',
      'ContentBasedDeduplication',
    ])
      copy(name);
    if (fifo) attributes.FifoQueue = 'true';
    const redrivePolicy =
      redrive?.deadLetterTargetArn !== undefined
        ? {
            deadLetterTargetArn: redrive.deadLetterTargetArn,
            maxReceiveCount: Number(redrive.maxReceiveCount ?? 10),
          }
        : undefined;
    if (redrivePolicy) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: redrivePolicy.deadLetterTargetArn,
        maxReceiveCount: String(redrivePolicy.maxReceiveCount),
      });
    }
    const name = resolver.attribute(logicalId, 'QueueName');
    return {
      logicalId,
      ...(cdkPathOf(r) ? { cdkPath: cdkPathOf(r) } : {}),
      name,
      arn: resolver.attribute(logicalId, 'Arn'),
      url: resolver.attribute(logicalId, 'QueueUrl'),
      fifo,
      visibilityTimeoutSeconds: num(resolver.value(p.VisibilityTimeout)) ?? 30,
      ...(redrivePolicy ? { redrivePolicy } : {}),
      ...(allow?.redrivePermission
        ? {
            redriveAllowPolicy: {
              redrivePermission: allow.redrivePermission,
              ...(allow.sourceQueueArns ? { sourceQueueArns: allow.sourceQueueArns } : {}),
            },
          }
        : {}),
      attributes,
    };
  });

  const eventSourceMappings: EventSourceMappingModel[] = ofType('AWS::Lambda::EventSourceMapping').flatMap(
    ([logicalId, r]) => {
      const p = props(r);
      const source = str(p.EventSourceArn);
      if (!source.startsWith('arn:aws:sqs:') && !source.includes(':sqs:')) {
        warnings.push(
          `event source mapping ${logicalId}: source ${source} is not an SQS queue; not run locally`,
        );
        return [];
      }
      const functionName = functionNameOf(str(p.FunctionName));
      const types = (resolver.value(p.FunctionResponseTypes) as string[] | undefined) ?? [];
      const scaling = resolver.value(p.ScalingConfig) as { MaximumConcurrency?: unknown } | undefined;
      return [
        {
          logicalId,
          queueArn: source,
          functionName,
          batchSize: num(resolver.value(p.BatchSize)) ?? 10,
          maximumBatchingWindowSeconds: num(resolver.value(p.MaximumBatchingWindowInSeconds)) ?? 0,
          ...(num(scaling?.MaximumConcurrency) !== undefined
            ? { maximumConcurrency: num(scaling?.MaximumConcurrency)! }
            : {}),
          reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
          enabled: resolver.value(p.Enabled) !== false && resolver.value(p.Enabled) !== 'false',
        },
      ];
    },
  );

  const buses: BusModel[] = ofType('AWS::Events::EventBus').map(([logicalId]) => ({
    logicalId,
    name: resolver.attribute(logicalId, 'Name'),
    arn: resolver.attribute(logicalId, 'Arn'),
  }));

  const rules: RuleModel[] = ofType('AWS::Events::Rule').map(([logicalId, r]) => {
    const p = props(r);
    const busName = p.EventBusName === undefined ? 'default' : busNameOf(str(p.EventBusName));
    const targets = ((resolver.value(p.Targets) as Record<string, unknown>[] | undefined) ?? []).map((t) =>
      targetModel(t),
    );
    const pattern = resolver.json(p.EventPattern) as Record<string, unknown> | undefined;
    const schedule = p.ScheduleExpression === undefined ? undefined : str(p.ScheduleExpression);
    const description = p.Description === undefined ? undefined : str(p.Description);
    return {
      logicalId,
      ...(cdkPathOf(r) ? { cdkPath: cdkPathOf(r) } : {}),
      name: resolver.physicalName(logicalId),
      arn: resolver.attribute(logicalId, 'Arn'),
      busName,
      ...(description !== undefined ? { description } : {}),
      ...(pattern ? { eventPattern: pattern } : {}),
      ...(schedule ? { scheduleExpression: schedule } : {}),
      enabled: p.State === undefined || str(p.State) === 'ENABLED',
      targets,
    };
  });

  const archives: ArchiveModel[] = ofType('AWS::Events::Archive').map(([logicalId, r]) => {
    const p = props(r);
    const pattern = resolver.json(p.EventPattern) as Record<string, unknown> | undefined;
    return {
      logicalId,
      name: resolver.physicalName(logicalId),
      arn: resolver.attribute(logicalId, 'Arn'),
      busArn: str(p.SourceArn),
      ...(pattern ? { eventPattern: pattern } : {}),
      retentionDays: num(resolver.value(p.RetentionDays)) ?? 0,
    };
  });

  const stateMachines: StateMachineModel[] = ofType('AWS::StepFunctions::StateMachine').flatMap(
    ([logicalId, r]) => {
      const p = props(r);
      const definition = stateMachineDefinition(logicalId, p, resolver, context);
      if (definition === undefined) {
        warnings.push(`state machine ${logicalId}: definition not found in the assembly`);
        return [];
      }
      const substitutions = Object.fromEntries(
        Object.entries((p.DefinitionSubstitutions as Record<string, unknown> | undefined) ?? {}).map(
          ([k, v]) => [k, resolver.string(v)],
        ),
      );
      return [
        {
          logicalId,
          ...(cdkPathOf(r) ? { cdkPath: cdkPathOf(r) } : {}),
          name: resolver.attribute(logicalId, 'Name'),
          arn: resolver.attribute(logicalId, 'Arn'),
          type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
          definition,
          substitutions,
        },
      ];
    },
  );

  const tables: TableModel[] = ofType('AWS::DynamoDB::Table').map(([logicalId, r]) => {
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

  const apis = ofType('AWS::ApiGateway::RestApi').map(([logicalId, r]) =>
    restApiModel(logicalId, r, resources, resolver),
  );

  const httpApis = ofType('AWS::ApiGatewayV2::Api').flatMap(([logicalId, r]) => {
    const protocol = str(props(r).ProtocolType);
    if (protocol !== 'HTTP') {
      warnings.push(`API ${logicalId}: protocol ${protocol} is not served locally`);
      return [];
    }
    return [httpApiModel(logicalId, r, resources, resolver)];
  });

  const secrets: SecretModel[] = ofType('AWS::SecretsManager::Secret').map(([logicalId, r]) => {
    const p = props(r);
    const generate = resolver.value(p.GenerateSecretString) as Record<string, unknown> | undefined;
    return {
      logicalId,
      constructId: constructIdOf(r, logicalId),
      name: resolver.secretName(logicalId),
      arn: resolver.attribute(logicalId, 'Arn'),
      ...(p.Description !== undefined ? { description: str(p.Description) } : {}),
      ...(p.SecretString !== undefined ? { secretString: str(p.SecretString) } : {}),
      ...(generate
        ? {
            generate: {
              passwordLength: num(generate.PasswordLength) ?? 32,
              excludePunctuation:
                generate.ExcludePunctuation === true || generate.ExcludePunctuation === 'true',
              ...(typeof generate.SecretStringTemplate === 'string'
                ? { secretStringTemplate: generate.SecretStringTemplate }
                : {}),
              ...(typeof generate.GenerateStringKey === 'string'
                ? { generateStringKey: generate.GenerateStringKey }
                : {}),
            },
          }
        : {}),
    };
  });

  const buckets: BucketModel[] = ofType('AWS::S3::Bucket').map(([logicalId, r]) => ({
    logicalId,
    constructId: constructIdOf(r, logicalId),
    name: resolver.physicalName(logicalId),
    arn: resolver.attribute(logicalId, 'Arn'),
  }));

  const outputs = Object.fromEntries(
    Object.entries(template.Outputs ?? {}).map(([key, output]) => [key, resolver.value(output.Value)]),
  );

  return {
    stackName: context.stackName,
    region: context.region,
    account: context.account,
    cdkOut: context.cdkOut,
    templatePath: context.templatePath,
    functions,
    queues,
    eventSourceMappings,
    buses,
    rules,
    archives,
    stateMachines,
    tables,
    apis,
    httpApis,
    secrets,
    buckets,
    outputs,
    warnings,
  };

  function targetModel(t: Record<string, unknown>): TargetModel {
    const arn = String(t.Arn);
    const service = arn.split(':')[2];
    const kind: TargetModel['kind'] =
      service === 'sqs'
        ? 'sqs'
        : service === 'lambda'
          ? 'lambda'
          : service === 'states'
            ? 'states'
            : service === 'events'
              ? 'events'
              : 'other';
    const retry = t.RetryPolicy as
      { MaximumRetryAttempts?: unknown; MaximumEventAgeInSeconds?: unknown } | undefined;
    const transformer = t.InputTransformer as
      { InputPathsMap?: Record<string, string>; InputTemplate?: string } | undefined;
    const sqsParameters = t.SqsParameters as { MessageGroupId?: string } | undefined;
    return {
      id: String(t.Id),
      arn,
      kind,
      ...((t.DeadLetterConfig as { Arn?: string } | undefined)?.Arn
        ? { deadLetterArn: (t.DeadLetterConfig as { Arn: string }).Arn }
        : {}),
      ...(retry
        ? {
            retryPolicy: {
              ...(num(retry.MaximumRetryAttempts) !== undefined
                ? { maximumRetryAttempts: num(retry.MaximumRetryAttempts)! }
                : {}),
              ...(num(retry.MaximumEventAgeInSeconds) !== undefined
                ? { maximumEventAgeSeconds: num(retry.MaximumEventAgeInSeconds)! }
                : {}),
            },
          }
        : {}),
      ...(typeof t.Input === 'string' ? { input: t.Input } : {}),
      ...(typeof t.InputPath === 'string' ? { inputPath: t.InputPath } : {}),
      ...(transformer?.InputTemplate !== undefined
        ? {
            inputTransformer: {
              inputTemplate: transformer.InputTemplate,
              ...(transformer.InputPathsMap ? { inputPathsMap: transformer.InputPathsMap } : {}),
            },
          }
        : {}),
      ...(sqsParameters?.MessageGroupId ? { messageGroupId: sqsParameters.MessageGroupId } : {}),
    };
  }
}

function restApiModel(
  logicalId: string,
  api: CfnResource,
  resources: [string, CfnResource][],
  resolver: IntrinsicResolver,
): RestApiModel {
  const belongs = (r: CfnResource) => {
    const ref = (r.Properties?.RestApiId as { Ref?: string } | undefined)?.Ref;
    return ref === logicalId;
  };
  const rootId = resolver.attribute(logicalId, 'RootResourceId');
  const pathOf = new Map<string, string>([[rootId, '/']]);
  const apiResources = resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::Resource' && belongs(r));
  // Parents may come after children in the template: resolve until nothing changes.
  let pending = apiResources;
  while (pending.length > 0) {
    const next = pending.filter(([id, r]) => {
      const parent = resolver.string(r.Properties?.ParentId);
      const parentPath = pathOf.get(parent);
      if (parentPath === undefined) return true;
      const part = resolver.string(r.Properties?.PathPart);
      pathOf.set(resolver.ref(id) as string, `${parentPath === '/' ? '' : parentPath}/${part}`);
      return false;
    });
    if (next.length === pending.length) {
      resolver.warnings.push(
        `REST API ${logicalId}: resources without a known parent: ${next.map(([id]) => id).join(', ')}`,
      );
      break;
    }
    pending = next;
  }
  const routes: ApiRouteModel[] = resources
    .filter(([, r]) => r.Type === 'AWS::ApiGateway::Method' && belongs(r))
    .flatMap(([methodId, r]) => {
      const p = (r.Properties ?? {}) as Record<string, unknown>;
      const resourceId = resolver.string(p.ResourceId);
      const resourcePath = pathOf.get(resourceId);
      if (resourcePath === undefined) {
        resolver.warnings.push(`REST API method ${methodId}: unknown resource ${resourceId}`);
        return [];
      }
      const integration = (p.Integration ?? {}) as Record<string, unknown>;
      const type = String(integration.Type ?? 'MOCK');
      const uri = integration.Uri === undefined ? undefined : resolver.string(integration.Uri);
      const functionArn = uri ? /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1] : undefined;
      const requestModels = p.RequestModels as Record<string, unknown> | undefined;
      return [
        {
          resourcePath,
          resourceId,
          httpMethod: String(p.HttpMethod),
          apiKeyRequired: p.ApiKeyRequired === true || p.ApiKeyRequired === 'true',
          authorizationType: String(p.AuthorizationType ?? 'NONE'),
          integration: {
            type,
            ...(uri ? { uri } : {}),
            ...(functionArn ? { functionArn, functionName: functionNameOf(functionArn) } : {}),
          },
          ...(requestModels
            ? {
                requestModels: Object.fromEntries(
                  Object.entries(requestModels).map(([k, v]) => [k, resolver.string(v)]),
                ),
              }
            : {}),
        },
      ];
    });
  const gatewayResponses: Record<string, GatewayResponseModel> = {};
  for (const [, r] of resources) {
    if (r.Type !== 'AWS::ApiGateway::GatewayResponse' || !belongs(r)) continue;
    const p = resolver.value(r.Properties ?? {}) as Record<string, unknown>;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(
      (p.ResponseParameters as Record<string, string> | undefined) ?? {},
    )) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
      if (header) headers[header] = value.replace(/^'(.*)'$/, '$1');
    }
    const templates = (p.ResponseTemplates as Record<string, string> | undefined) ?? {};
    gatewayResponses[String(p.ResponseType)] = {
      ...(p.StatusCode !== undefined ? { statusCode: Number(p.StatusCode) } : {}),
      headers,
      ...(templates['application/json'] !== undefined ? { template: templates['application/json'] } : {}),
    };
  }
  const stageNames = resources
    .filter(([, r]) => r.Type === 'AWS::ApiGateway::Stage' && belongs(r))
    .map(([, r]) => resolver.string(r.Properties?.StageName));
  const p = api.Properties ?? {};
  return {
    logicalId,
    id: resolver.ref(logicalId) as string,
    name: p.Name === undefined ? logicalId : resolver.string(p.Name),
    stageNames,
    binaryMediaTypes: ((resolver.value(p.BinaryMediaTypes) as string[] | undefined) ?? []).map((t) =>
      t.replace('~1', '/'),
    ),
    routes,
    gatewayResponses,
  };
}

function httpApiModel(
  logicalId: string,
  api: CfnResource,
  resources: [string, CfnResource][],
  resolver: IntrinsicResolver,
): HttpApiModel {
  const id = resolver.ref(logicalId) as string;
  const belongs = (r: CfnResource) => resolver.string(r.Properties?.ApiId) === id;
  const integrations = new Map(
    resources
      .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration' && belongs(r))
      .map(([integrationId, r]) => [resolver.ref(integrationId) as string, [integrationId, r] as const]),
  );
  const routes: HttpRouteModel[] = resources
    .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && belongs(r))
    .flatMap(([routeId, r]) => {
      const p = (r.Properties ?? {}) as Record<string, unknown>;
      const routeKey = resolver.string(p.RouteKey);
      const target = p.Target === undefined ? '' : resolver.string(p.Target);
      const found = integrations.get(/^integrations\/(.+)$/.exec(target)?.[1] ?? '');
      if (!found) {
        resolver.warnings.push(
          `HTTP API route ${routeId} (${routeKey}): target '${target}' is not an integration`,
        );
        return [];
      }
      const [integrationId, integration] = found;
      const ip = (integration.Properties ?? {}) as Record<string, unknown>;
      const uri = ip.IntegrationUri === undefined ? undefined : resolver.string(ip.IntegrationUri);
      // Lambda integrations name the function ARN itself or its `.../functions/<arn>/invocations` URI.
      const functionArn = uri
        ? (/functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1] ??
          (/^arn:[^:]+:lambda:/.test(uri) ? uri : undefined))
        : undefined;
      const type = String(resolver.value(ip.IntegrationType) ?? 'AWS_PROXY');
      const version = ip.PayloadFormatVersion === undefined ? '' : resolver.string(ip.PayloadFormatVersion);
      if (!version) {
        resolver.warnings.push(
          `HTTP API integration ${integrationId}: no PayloadFormatVersion (required for Lambda)`,
        );
      }
      const [method, path] = routeKey === '$default' ? ['ANY', '/{proxy+}'] : routeKey.split(/\s+/, 2);
      return [
        {
          routeKey,
          method: method!,
          path: path ?? '/',
          authorizationType:
            p.AuthorizationType === undefined ? 'NONE' : resolver.string(p.AuthorizationType),
          integration: {
            type,
            payloadFormatVersion: version || '1.0',
            ...(uri ? { uri } : {}),
            ...(functionArn ? { functionArn, functionName: functionNameOf(functionArn) } : {}),
            timeoutMs: num(resolver.value(ip.TimeoutInMillis)) ?? 30_000,
          },
        },
      ];
    });
  const stageNames = resources
    .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Stage' && belongs(r))
    .map(([, r]) => resolver.string(r.Properties?.StageName));
  const p = api.Properties ?? {};
  return {
    logicalId,
    id,
    name: p.Name === undefined ? logicalId : resolver.string(p.Name),
    stageNames,
    routes,
  };
}

function stateMachineDefinition(
  logicalId: string,
  p: Record<string, unknown>,
  resolver: IntrinsicResolver,
  context: BuildContext,
): string | undefined {
  if (p.DefinitionString !== undefined) return resolver.string(p.DefinitionString);
  if (p.Definition !== undefined) return JSON.stringify(resolver.value(p.Definition));
  const location = p.DefinitionS3Location as { Key?: unknown } | undefined;
  if (location?.Key !== undefined) {
    const key = resolver.string(location.Key);
    const file = assetFile(key, context);
    if (file && existsSync(file)) return readFileSync(file, 'utf8');
    resolver.warnings.push(`state machine ${logicalId}: asset ${key} not in ${context.cdkOut}`);
  }
  return undefined;
}

/** The local file of an asset object key (`<hash>.json` / `<hash>.zip`), via the asset manifest. */
function assetFile(objectKey: string, context: BuildContext): string | undefined {
  const hash = objectKey.replace(/\.[a-z]+$/, '');
  const source = context.assets.files?.[hash]?.source.path;
  if (source) return join(context.cdkOut, source);
  for (const candidate of [`asset.${hash}`, `asset.${objectKey}`, `asset.${hash}.json`]) {
    if (existsSync(join(context.cdkOut, candidate))) return join(context.cdkOut, candidate);
  }
  return undefined;
}

function functionAssetDir(logicalId: string, r: CfnResource, context: BuildContext): string | undefined {
  const fromMetadata = r.Metadata?.['aws:asset:path'];
  if (typeof fromMetadata === 'string' && existsSync(join(context.cdkOut, fromMetadata))) {
    return join(context.cdkOut, fromMetadata);
  }
  const key = (r.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  if (typeof key === 'string') {
    const file = assetFile(key, context);
    if (file && existsSync(file)) return file;
  }
  void logicalId;
  return undefined;
}

function cdkPathOf(r: CfnResource): string | undefined {
  const path = r.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}

/** The construct id a resource was created with: the path segment before `Resource`. */
function constructIdOf(r: CfnResource, logicalId: string): string {
  const parts = (cdkPathOf(r) ?? '').split('/');
  if (parts.at(-1) === 'Resource') parts.pop();
  return parts.at(-1) || logicalId;
}

/** `arn:aws:lambda:r:a:function:name[:qualifier]` or a plain name -> name. */
export function functionNameOf(arnOrName: string): string {
  const match = /:function:([^:]+)/.exec(arnOrName);
  return match ? match[1]! : arnOrName;
}

function busNameOf(nameOrArn: string): string {
  const match = /:event-bus\/(.+)$/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}

function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '' || value === NO_VALUE) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Marker for `Ref: AWS::NoValue` (the property is dropped). */
export const NO_VALUE = Symbol('AWS::NoValue');

const NAME_LIMITS: Record<string, number> = {
  'AWS::Lambda::Function': 64,
  'AWS::SQS::Queue': 80,
  'AWS::Events::Rule': 64,
  'AWS::Events::Archive': 48,
  'AWS::StepFunctions::StateMachine': 80,
  'AWS::DynamoDB::Table': 255,
  'AWS::SecretsManager::Secret': 256,
  'AWS::S3::Bucket': 63,
};

const EXPLICIT_NAME: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Events::Archive': 'ArchiveName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
};

/**
 * Resolves CloudFormation intrinsics to local values: Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::Select, Fn::Split, Fn::If (conditions assumed false unless trivially true), pseudo parameters.
 */
export class IntrinsicResolver {
  readonly warnings: string[] = [];
  private readonly resources: Record<string, CfnResource>;

  constructor(
    private readonly template: CfnTemplate,
    private readonly context: BuildContext,
  ) {
    this.resources = template.Resources ?? {};
  }

  /** Resolves any value; objects and arrays recursively. */
  value(input: unknown): unknown {
    if (Array.isArray(input)) return input.map((v) => this.value(v)).filter((v) => v !== NO_VALUE);
    if (input === null || typeof input !== 'object') return input;
    const entries = Object.entries(input as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      switch (key) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
          return this.attribute(String(id), String(this.value(attr)));
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown];
          const list = this.value(parts) as unknown[];
          return list.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(sep);
        }
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.value(list) as unknown[])[Number(this.value(index))];
        }
        case 'Fn::Split': {
          const [sep, text] = arg as [string, unknown];
          return String(this.value(text)).split(sep);
        }
        case 'Fn::If': {
          const [, , otherwise] = arg as [string, unknown, unknown];
          return this.value(otherwise);
        }
        case 'Fn::Base64':
          return Buffer.from(String(this.value(arg))).toString('base64');
        case 'Fn::GetAZs':
          return ['a', 'b', 'c'].map((z) => `${this.context.region}${z}`);
        case 'Fn::ImportValue':
          this.warnings.push(`Fn::ImportValue ${JSON.stringify(arg)} cannot be resolved locally`);
          return `local-import-${String(this.value(arg))}`;
        default:
          break;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const resolved = this.value(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  /** Resolves to a string (objects as JSON). */
  string(input: unknown): string {
    const value = this.value(input);
    if (value === undefined || value === NO_VALUE) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  /** A JSON property that may be given as an object or as JSON text. */
  json(input: unknown): unknown {
    if (input === undefined) return undefined;
    const value = this.value(input);
    if (typeof value === 'string') {
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    }
    return value;
  }

  ref(name: string): string | typeof NO_VALUE {
    switch (name) {
      case 'AWS::Region':
        return this.context.region;
      case 'AWS::AccountId':
        return this.context.account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.context.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.context.region}:${this.context.account}:stack/${this.context.stackName}/local`;
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        break;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) return String(parameter.Default ?? '');
    const resource = this.resources[name];
    if (!resource) {
      this.warnings.push(`Ref ${name}: no such resource or parameter`);
      return `local-unresolved-${name}`;
    }
    const { region, account } = this.context;
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return this.attribute(name, 'QueueUrl');
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
        return this.attribute(name, 'Arn');
      case 'AWS::KMS::Key':
        return `local-key-${shortHash(name, 8)}`;
      case 'AWS::ApiGateway::RestApi':
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::Deployment':
      case 'AWS::ApiGateway::ApiKey':
      case 'AWS::ApiGateway::UsagePlan':
      case 'AWS::ApiGateway::RequestValidator':
      case 'AWS::ApiGateway::Model':
        return resource.Type === 'AWS::ApiGateway::Model' && resource.Properties?.Name !== undefined
          ? this.string(resource.Properties.Name)
          : shortHash(name, 10);
      case 'AWS::ApiGateway::Stage':
      case 'AWS::ApiGatewayV2::Stage':
        return this.string(resource.Properties?.StageName);
      case 'AWS::ApiGatewayV2::Api':
        return shortHash(name, 10);
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Route':
        return shortHash(name, 7);
      default:
        void region;
        void account;
        return this.physicalName(name);
    }
  }

  attribute(logicalId: string, attribute: string): string {
    const resource = this.resources[logicalId];
    const { region, account } = this.context;
    if (!resource) {
      this.warnings.push(`Fn::GetAtt ${logicalId}.${attribute}: no such resource`);
      return `local-unresolved-${logicalId}.${attribute}`;
    }
    const name = () => this.physicalName(logicalId);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${region}:${account}:function:${name()}`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${region}:${account}:${name()}`;
      case 'AWS::SQS::Queue.QueueName':
        return name();
      case 'AWS::SQS::Queue.QueueUrl':
        return `${this.context.queueBaseUrl}/${account}/${name()}`;
      case 'AWS::Events::EventBus.Arn':
        return `arn:aws:events:${region}:${account}:event-bus/${name()}`;
      case 'AWS::Events::EventBus.Name':
        return name();
      case 'AWS::Events::Rule.Arn': {
        const bus = resource.Properties?.EventBusName;
        const busName = bus === undefined ? 'default' : busNameOf(this.string(bus));
        return `arn:aws:events:${region}:${account}:rule/${busName === 'default' ? '' : `${busName}/`}${name()}`;
      }
      case 'AWS::Events::Archive.Arn':
        return `arn:aws:events:${region}:${account}:archive/${name()}`;
      case 'AWS::StepFunctions::StateMachine.Arn':
        return `arn:aws:states:${region}:${account}:stateMachine:${name()}`;
      case 'AWS::StepFunctions::StateMachine.Name':
        return name();
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${region}:${account}:table/${name()}`;
      case 'AWS::SecretsManager::Secret.Arn':
      case 'AWS::SecretsManager::Secret.Id': {
        const secretName = this.secretName(logicalId);
        return `arn:aws:secretsmanager:${region}:${account}:secret:${secretName}-${shortHash(logicalId, 6)}`;
      }
      case 'AWS::SNS::Topic.TopicArn':
      case 'AWS::SNS::Topic.Arn':
        return `arn:aws:sns:${region}:${account}:${name()}`;
      case 'AWS::KMS::Key.Arn':
        return `arn:aws:kms:${region}:${account}:key/${this.ref(logicalId) as string}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${account}:role/${name()}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${account}:log-group:${name()}:*`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${name()}`;
      case 'AWS::S3::Bucket.DomainName':
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${name()}.s3.localhost`;
      case 'AWS::ApiGateway::RestApi.RootResourceId':
        return `${shortHash(logicalId, 10)}-root`;
      case 'AWS::ApiGateway::Resource.ResourceId':
        return this.ref(logicalId) as string;
      case 'AWS::ApiGatewayV2::Api.ApiId':
        return this.ref(logicalId) as string;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `https://${this.ref(logicalId) as string}.execute-api.${region}.amazonaws.com`;
      default:
        return `local-${logicalId}.${attribute}`;
    }
  }

  /** The physical name: explicit in the template, else `<StackName>-<LogicalId>` within the service limit. */
  physicalName(logicalId: string): string {
    const resource = this.resources[logicalId];
    const property = resource ? EXPLICIT_NAME[resource.Type] : undefined;
    const explicit = property ? resource?.Properties?.[property] : undefined;
    if (explicit !== undefined) return this.string(explicit);
    const limit = resource ? (NAME_LIMITS[resource.Type] ?? 128) : 128;
    let generated = `${this.context.stackName}-${logicalId}`;
    if (generated.length > limit) generated = `${generated.slice(0, limit - 9)}-${shortHash(logicalId, 8)}`;
    // Bucket names are lower case, as CloudFormation generates them.
    if (resource?.Type === 'AWS::S3::Bucket') generated = generated.toLowerCase();
    if (resource?.Type === 'AWS::SQS::Queue' && resource.Properties?.FifoQueue)
      generated = `${generated.slice(0, limit - 5)}.fifo`;
    return generated;
  }

  /** Secret name: explicit, else `<StackName>/<ConstructId>`. */
  secretName(logicalId: string): string {
    const resource = this.resources[logicalId];
    if (resource?.Properties?.Name !== undefined) return this.string(resource.Properties.Name);
    return `${this.context.stackName}/${resource ? constructIdOf(resource, logicalId) : logicalId}`;
  }

  private sub(arg: unknown): string {
    const [text, variables] = Array.isArray(arg)
      ? (arg as [string, Record<string, unknown>])
      : [String(arg), {}];
    return text.replace(/\$\{(!?)([^}]+)\}/g, (whole, bang: string, expr: string) => {
      if (bang) return `\${${expr}}`;
      if (expr in variables) return this.string(variables[expr]);
      const dot = expr.indexOf('.');
      if (dot > 0 && this.resources[expr.slice(0, dot)])
        return this.attribute(expr.slice(0, dot), expr.slice(dot + 1));
      const ref = this.ref(expr);
      return ref === NO_VALUE ? '' : ref;
    });
  }
}

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Finds a function by physical name, ARN, logical id, construct id (`PlanningWebhook`) or key (`planning-webhook`). */
export function findFunction(model: TemplateModel, id: string): FunctionModel | undefined {
  const name = functionNameOf(id);
  const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return (
    model.functions.find((f) => f.name === name || f.arn === id || f.logicalId === id) ??
    model.functions.find((f) => f.constructId === id || kebab(f.constructId) === id)
  );
}

/** Finds a queue by name, ARN, URL or logical id. */
export function findQueue(model: TemplateModel, id: string): QueueModel | undefined {
  return model.queues.find((q) => q.name === id || q.arn === id || q.url === id || q.logicalId === id);
}
