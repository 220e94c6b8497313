/**
 * The local runtime: runs what `cdk synth` produced, on one machine, with no AWS account. It reads
 * the cloud assembly (assembly/) and composes one stand-in per AWS service, each started from the
 * assembly by its folder's `start<Service>`: SQS and S3 (local/sqs), DynamoDB (local/dynamodb),
 * Secrets Manager (local/secretsmanager), Step Functions (local/stepfunctions), EventBridge
 * (local/eventbridge), CloudWatch metrics (local/cloudwatch), Lambda and its event source mappings
 * (local/lambda) with the access tokens' issuer (local/identity), API Gateway (local/apigateway),
 * then the dashboard (local/dashboard). They stop
 * in the reverse order. See local/runtime/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  findFunction,
  findQueue,
  loadTemplateModel,
  type QueueModel,
  type TemplateModel,
} from '../../assembly';
import type { AccessLogEntry } from '../apigateway/proxy';
import { startApiGateways } from '../apigateway/start';
import type { MetricStore } from '../cloudwatch/metrics';
import { startCloudWatch } from '../cloudwatch/start';
import { dashboardSignIn, startLocalIdentity, type LocalIdentity } from '../identity/start';
import { startDashboard } from '../dashboard/server';
import { startDynamoDb } from '../dynamodb/start';
import type { EventArchive } from '../eventbridge/archive';
import type { BusActivity, EventBus } from '../eventbridge/bus';
import { startEventBridge } from '../eventbridge/start';
import { s3ObjectCreated } from '../eventbridge/s3-events';
import { LOCAL_CREDENTIALS } from '../http/aws-json';
import { startIamEnforcement, type AccessDenial } from '../iam/enforcement';
import type { InvocationRecord, LambdaRunner, LogSink } from '../lambda/functions';
import type { BatchOutcome, SqsEventSource } from '../lambda/sqs-event-source';
import { startEventSourceMappings, startLambda } from '../lambda/start';
import type { LocalSecrets, SecretValue } from '../secretsmanager/endpoint';
import { startSecretsManager } from '../secretsmanager/start';
import type { SqsStandIn } from '../sqs/stand-in';
import { startSqs, type InspectedMessage, type QueueDepth } from '../sqs/start';
import type { ExecutionRecord, LocalStepFunctions } from '../stepfunctions/engine';
import { startStepFunctions } from '../stepfunctions/start';
import type { S3Client } from '@aws-sdk/client-s3';
import { localS3Client } from '../../ops/context';

export type { QueueDepth } from '../sqs/start';

/** How to start the runtime. Every field has a default. */
export interface LocalRuntimeOptions {
  /** Environment whose synth to run. @default 'dev' */
  env?: string;
  /** Cloud assembly folder. @default `cdk.out/<env>` */
  cdkOut?: string;
  /** Stack name or artifact id. @default the only stack in the assembly */
  stackName?: string;
  /** Port of the REST API. @default 0 (a free port) */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
  /**
   * Where state is kept across restarts: DynamoDB tables (`dynamodb/`) and the event archive
   * (`archive/`). Queues and executions are in memory regardless. @default a temporary folder, removed on stop
   */
  dataDir?: string;
  /** Environment variables for every function (e.g. `PROCUREMENT_BASE_URL` of a simulator). */
  overrides?: Readonly<Record<string, string>>;
  /** Environment variables per function (key: construct id `PlanningWebhook`, `planning-webhook` or name). */
  functionOverrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Secret values by secret (construct id camelCase `planningWebhookSigningCurrent`, name or ARN); others are generated. */
  secrets?: Readonly<Record<string, SecretValue>>;
  /** The local API key. @default generated (printed at start) */
  apiKey?: string;
  /** Schedules run this many times faster (rate(1 hour) with 60 runs every minute). @default 1 */
  speedUp?: number;
  /** Visibility timeout of every queue, instead of the template's (tests use 1-2 s to see retries quickly). */
  visibilityTimeoutSeconds?: number;
  /** Scales Step Functions Retry intervals. @default 1 */
  retryIntervalScale?: number;
  /** EventBridge target retry backoff. @default 1 s doubling to 60 s */
  eventBridgeBackoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Workers per function without reserved concurrency. @default 4 */
  lambdaConcurrency?: number;
  /** Long-poll wait of the event source mappings. @default 20 */
  pollWaitSeconds?: number;
  /** Progress and warnings. @default console.log with a `[local]` prefix */
  log?: (line: string) => void;
  /** Function log lines. @default 'inherit' */
  functionLogs?: LogSink;
  /** The operations dashboard (local/dashboard) on its own port; `false` leaves it off. @default a free port */
  dashboard?: false | { port?: number };
  /**
   * Your own OpenID Connect provider for the governed API's access tokens. @default the local
   * provider (local/identity) with demo people and applications
   */
  identity?: { issuer: string; audience?: string; groupsClaim?: string; dashboardClientId?: string };
  /**
   * Enforce each function role's IAM policies on its calls to the stand-ins, as AWS does: a call
   * its role does not allow fails with AccessDenied (local/iam). @default true
   */
  enforceIam?: boolean;
}

/** A running local runtime. */
export interface LocalRuntime {
  model: TemplateModel;
  /** Base URL of the REST API: routes are `<baseUrl>/v1/...`. */
  baseUrl: string;
  /** `x-api-key` value for the governed routes (metering; the access token authorizes). */
  apiKey: string;
  /** Who issues the governed API's access tokens: the local provider, or yours. */
  identity: LocalIdentity;
  /** Endpoints of the stand-ins (the AWS_ENDPOINT_URL_* the functions get). */
  endpoints: {
    api: string;
    sqs: string;
    dynamodb: string;
    eventbridge: string;
    stepfunctions: string;
    secretsmanager: string;
    /** GetMetricData/ListMetrics over the functions' EMF metrics (local/cloudwatch). */
    cloudwatch: string;
  };
  /** SDK clients pointed at the stand-ins. */
  clients: {
    sqs: SQSClient;
    dynamodb: DynamoDBClient;
    eventBridge: EventBridgeClient;
    sfn: SFNClient;
    secretsManager: SecretsManagerClient;
    cloudWatch: CloudWatchClient;
    /** The local S3 (buckets of the template), e.g. for the dashboard's reconciliation reports. */
    s3: S3Client;
  };
  lambda: LambdaRunner;
  stepFunctions: LocalStepFunctions;
  /** The application's bus (the first one the template declares; `default` if none). */
  bus: EventBus;
  buses: EventBus[];
  archives: EventArchive[];
  secrets: LocalSecrets;
  eventSources: SqsEventSource[];
  /** Everything the buses did, oldest first (last 5000). */
  busActivity: BusActivity[];
  /** Batches the event source mappings handled (last 5000). */
  batches: BatchOutcome[];
  /** REST API access log (last 5000). */
  apiRequests: AccessLogEntry[];
  /** Functions' calls their role does not allow, refused with AccessDenied (last 5000). */
  accessDenials: AccessDenial[];
  sqsServer: SqsStandIn;
  /** Queue depths by queue name, DLQs included. */
  queueDepths(): Record<string, QueueDepth>;
  /** Bodies (and receive counts) of the messages in a queue, without receiving them. */
  queueMessages(queueName: string): InspectedMessage[];
  /** The physical name of a function (construct id `PlanningWebhook`, key `planning-webhook`, name or ARN). */
  functionName(key: string): string;
  queue(nameOrArn: string): QueueModel;
  executions(): ExecutionRecord[];
  invocations(): readonly InvocationRecord[];
  /** The functions' EMF metrics, as CloudWatch would receive them. */
  metrics: MetricStore;
  /** The operations dashboard page, unless `dashboard: false`. */
  dashboardUrl?: string;
  /** Milliseconds from call to ready. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Records kept of each kind of activity (bus, batches, API requests). */
const HISTORY = 5000;

/** Keeps the last {@link HISTORY} entries of a list. */
function remember<T>(list: T[]): (entry: T) => void {
  return (entry) => {
    list.push(entry);
    if (list.length > HISTORY) list.shift();
  };
}

/** Starts everything the synthesized stack declares. */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(`[local] ${line}`));
  const env = options.env ?? 'dev';
  const host = options.host ?? '127.0.0.1';
  const cdkOut = resolve(options.cdkOut ?? join('cdk.out', env));
  const temporaryData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'supplyline-local-'));
  mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`stop: ${(error as Error).message}`);
      }
    }
    if (temporaryData) rmSync(dataDir, { recursive: true, force: true });
  };
  const loadAssembly = (queueBaseUrl?: string) =>
    loadTemplateModel({
      cdkOut,
      env,
      ...(options.stackName ? { stackName: options.stackName } : {}),
      ...(queueBaseUrl ? { queueBaseUrl } : {}),
    });

  try {
    // SQS first: the queue URLs the assembly resolves to contain its port.
    const sqs = await startSqs(loadAssembly(), { log });
    stops.push(() => sqs.stop());
    const model = loadAssembly(sqs.queueBaseUrl);
    const { region } = model;
    log(`loaded ${model.stackName} from ${model.templatePath}`);
    for (const warning of model.warnings) log(`warning: ${warning}`);
    // S3's object events go to the default bus, which starts below (late bound).
    const objectEvents: { bus?: Pick<EventBus, 'putServiceEvent'> } = {};
    sqs.createResources(model, {
      ...(options.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
        : {}),
      objectCreated: (bucket, key, size) => {
        objectEvents.bus?.putServiceEvent(s3ObjectCreated(bucket, key, size));
      },
    });

    const dynamoPath = temporaryData ? undefined : join(dataDir, 'dynamodb');
    if (dynamoPath) mkdirSync(dynamoPath, { recursive: true });
    const dynamo = await startDynamoDb(model, { host, ...(dynamoPath ? { path: dynamoPath } : {}), log });
    stops.push(() => dynamo.stop());

    const secretsManager = await startSecretsManager(model, {
      host,
      ...(options.secrets ? { secrets: options.secrets } : {}),
      log,
    });
    stops.push(() => secretsManager.stop());

    // Functions start below; Step Functions and the bus call them through this late binding.
    const functions: { runner?: LambdaRunner } = {};
    const runner = () => {
      if (!functions.runner) throw new Error('the Lambda runner is not started');
      return functions.runner;
    };

    const stepFunctions = await startStepFunctions(model, {
      host,
      invoke: (arn, payload) => runner().invokeOrThrow(arn, payload),
      ...(options.retryIntervalScale !== undefined ? { retryIntervalScale: options.retryIntervalScale } : {}),
      log,
    });
    stops.push(() => stepFunctions.stop());

    const busActivity: BusActivity[] = [];
    const eventBridge = await startEventBridge(model, {
      host,
      dataDir,
      ...(options.eventBridgeBackoff ? { backoff: options.eventBridgeBackoff } : {}),
      ...(options.speedUp !== undefined ? { speedUp: options.speedUp } : {}),
      sqs: sqs.server.call,
      runner,
      stepFunctions: stepFunctions.engine,
      observe: remember(busActivity),
      log,
    });
    stops.push(() => eventBridge.stop());
    objectEvents.bus = eventBridge.buses.find((bus) => bus.name === 'default');

    // CloudWatch receives the EMF lines of the function logs; the ops CLI and the dashboard read them.
    const cloudWatch = await startCloudWatch({ host });
    stops.push(() => cloudWatch.stop());
    const { metrics } = cloudWatch;

    const endpoints = {
      sqs: sqs.endpoint,
      dynamodb: dynamo.endpoint,
      eventbridge: eventBridge.endpoint,
      stepfunctions: stepFunctions.endpoint,
      secretsmanager: secretsManager.endpoint,
      s3: sqs.s3Endpoint,
      cloudwatch: cloudWatch.endpoint,
    };
    // Before Lambda: the functions verifying access tokens are pointed at this issuer.
    const identity = await startLocalIdentity(model, {
      host,
      log,
      ...(options.identity ? { own: options.identity } : {}),
    });
    stops.push(() => identity.stop());
    const functionOverrides = { ...identity.functionOverrides };
    for (const [fn, variables] of Object.entries(options.functionOverrides ?? {}))
      functionOverrides[fn] = { ...functionOverrides[fn], ...variables };

    // The functions reach the stand-ins through the IAM enforcement; the runtime's own clients do not.
    const accessDenials: AccessDenial[] = [];
    const iam =
      options.enforceIam === false
        ? undefined
        : await startIamEnforcement(model, {
            endpoints,
            host,
            taskTokenStateMachine: (token) => stepFunctions.engine.taskTokenStateMachine(token),
            onDenial: remember(accessDenials),
            log,
          });
    if (iam) stops.push(() => iam.stop());

    const lambda = startLambda(model, {
      endpoints: iam?.endpoints ?? endpoints,
      ...(options.overrides ? { overrides: options.overrides } : {}),
      functionOverrides,
      ...(options.lambdaConcurrency !== undefined ? { concurrency: options.lambdaConcurrency } : {}),
      logs: metrics.tee(
        options.functionLogs ?? 'inherit',
        (name) => model.functions.find((f) => f.name === name)?.constructId ?? name,
      ),
      log,
    });
    functions.runner = lambda.runner;
    stops.push(() => lambda.stop());
    // Before the functions stop: executions still waiting (approvals, acknowledgements) end here.
    stops.push(() => stepFunctions.stopExecutions());

    const batches: BatchOutcome[] = [];
    const mappings = startEventSourceMappings(model, {
      sqs: sqs.server.call,
      invoke: (fn, event) => runner().invoke(fn, event),
      ...(options.pollWaitSeconds !== undefined ? { pollWaitSeconds: options.pollWaitSeconds } : {}),
      onBatch: remember(batches),
      log,
    });
    // Stop polling before the functions and the queues go away.
    stops.push(() => mappings.stop());

    const apiKey = options.apiKey ?? randomBytes(20).toString('base64url');
    const apiRequests: AccessLogEntry[] = [];
    const apiGateway = await startApiGateways(model, {
      host,
      ...(options.port !== undefined ? { port: options.port } : {}),
      apiKey,
      invoke: (fn, event) => runner().invoke(fn, event),
      onRequest: remember(apiRequests),
      log,
    });
    stops.push(() => apiGateway.stop());

    const clients = {
      sqs: sqs.client,
      dynamodb: dynamo.client,
      eventBridge: new EventBridgeClient({
        region,
        endpoint: endpoints.eventbridge,
        credentials: LOCAL_CREDENTIALS,
      }),
      sfn: new SFNClient({
        region,
        endpoint: endpoints.stepfunctions,
        credentials: LOCAL_CREDENTIALS,
        disableHostPrefix: true,
      }),
      secretsManager: new SecretsManagerClient({
        region,
        endpoint: endpoints.secretsmanager,
        credentials: LOCAL_CREDENTIALS,
      }),
      cloudWatch: new CloudWatchClient({
        region,
        endpoint: endpoints.cloudwatch,
        credentials: LOCAL_CREDENTIALS,
      }),
      s3: localS3Client(endpoints.s3, { region, credentials: LOCAL_CREDENTIALS }),
    };
    stops.push(() => {
      clients.eventBridge.destroy();
      clients.sfn.destroy();
      clients.secretsManager.destroy();
      clients.cloudWatch.destroy();
      clients.s3.destroy();
    });

    const baseUrl = apiGateway.baseUrl;
    let stopped = false;
    const handle: LocalRuntime = {
      model,
      baseUrl,
      apiKey,
      identity,
      endpoints: { api: baseUrl, ...endpoints },
      clients,
      lambda: lambda.runner,
      stepFunctions: stepFunctions.engine,
      bus: eventBridge.buses[0]!,
      buses: eventBridge.buses,
      archives: eventBridge.archives,
      secrets: secretsManager.secrets,
      eventSources: mappings.eventSources,
      busActivity,
      batches,
      apiRequests,
      accessDenials,
      sqsServer: sqs.server,
      queueDepths: () => sqs.queueDepths(model),
      queueMessages: (queueName) => sqs.queueMessages(model, queueName),
      functionName: (key) => {
        const fn = findFunction(model, key);
        if (!fn)
          throw new Error(
            `no function ${key} (functions: ${model.functions.map((f) => f.constructId).join(', ')})`,
          );
        return fn.name;
      },
      queue: (nameOrArn) => {
        const queue = findQueue(model, nameOrArn);
        if (!queue) throw new Error(`no queue ${nameOrArn}`);
        return queue;
      },
      executions: () => stepFunctions.engine.listExecutions(),
      invocations: () => runner().invocations,
      metrics,
      startupMs: 0,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        log('stopping');
        await stopAll();
      },
    };
    if (options.dashboard !== false) {
      const signIn = dashboardSignIn(identity);
      const dashboard = await startDashboard(handle, {
        host,
        log,
        // People sign in through the runtime's identity provider to act on the dashboard.
        ...(signIn ? { signIn } : {}),
        ...options.dashboard,
      });
      stops.push(() => dashboard.close());
      handle.dashboardUrl = dashboard.url;
      log(`dashboard ${dashboard.url}`);
    }
    handle.startupMs = Date.now() - started;
    log(
      `ready in ${handle.startupMs} ms: API ${baseUrl}/v1 (x-api-key: ${apiKey}, tokens from ${identity.issuer}), data in ${dataDir}`,
    );
    return handle;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
