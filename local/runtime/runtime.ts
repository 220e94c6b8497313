/**
 * The local runtime: runs what `cdk synth` produced, on one machine, with no AWS account.
 * Everything is wired from the synthesized template (assembly/): DynamoDB tables
 * (dynalite), queues with their redrive policies (fauxqs), the event bus with its rules, targets
 * and archive (local/eventbridge), Lambda functions from their bundled assets (worker threads),
 * event source mappings, schedules, state machines (aws-local-stepfunctions behind a Step
 * Functions endpoint), Secrets Manager and the REST API. See local/runtime/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { randomBytes, randomUUID } from 'node:crypto';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { MetricStore, startCloudWatchEndpoint } from '../dashboard/metrics';
import { startDashboard } from '../dashboard/server';
import { EventArchive } from '../eventbridge/archive';
import {
  EventBus,
  type BusActivity,
  type DeadLetter,
  type EventEnvelope,
  type RuleTarget,
} from '../eventbridge/bus';
import { startEventBridgeServer, type EventBridgeServer } from '../eventbridge/server';
import type { ExecutionRecord, LocalStepFunctions } from '../stepfunctions/engine';
import { startApiGateway, type AccessLogEntry, type ApiGatewayServer } from '../apigateway/proxy';
import type { AwsJsonServer } from '../http/aws-json';
import { LambdaRunner, type InvocationRecord, type LogSink } from '../lambda/functions';
import { LocalSecrets, startSecretsEndpoint, type SecretValue } from '../secretsmanager/endpoint';
import { SqsBatchSender } from '../sqs/batch-sender';
import { SqsEventSource, type BatchOutcome } from '../lambda/sqs-event-source';
import { startSqsStandIn, type SqsCall, type SqsStandIn } from '../sqs/stand-in';
import { localStateMachines, startStepFunctionsEndpoint } from '../stepfunctions/endpoint';
import {
  findFunction,
  findQueue,
  loadTemplateModel,
  type FunctionModel,
  type QueueModel,
  type RestApiModel,
  type RuleModel,
  type TargetModel,
  type TemplateModel,
} from '../../assembly';

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
}

/** Depth of one queue. */
export interface QueueDepth {
  /** Ready to receive (incl. in-flight messages whose visibility expired). */
  visible: number;
  inFlight: number;
  delayed: number;
}

/** A running local runtime. */
export interface LocalRuntime {
  model: TemplateModel;
  /** Base URL of the REST API: routes are `<baseUrl>/v1/...`. */
  baseUrl: string;
  /** `x-api-key` value for the governed routes. */
  apiKey: string;
  /** Endpoints of the stand-ins (the AWS_ENDPOINT_URL_* the functions get). */
  endpoints: {
    api: string;
    sqs: string;
    dynamodb: string;
    eventbridge: string;
    stepfunctions: string;
    secretsmanager: string;
    /** GetMetricData/ListMetrics over the functions' EMF metrics (local/dashboard/metrics). */
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
  sqsServer: SqsStandIn;
  /** Queue depths by queue name, DLQs included. */
  queueDepths(): Record<string, QueueDepth>;
  /** Bodies (and receive counts) of the messages in a queue, without receiving them. */
  queueMessages(
    queueName: string,
  ): { body: string; receiveCount: number; state: 'visible' | 'inFlight' | 'delayed' }[];
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

const HISTORY = 5000;

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

  try {
    log(`starting SQS (fauxqs)`);
    const probe = loadTemplateModel({
      cdkOut,
      env,
      ...(options.stackName ? { stackName: options.stackName } : {}),
    });
    const region = probe.region;
    const sqsServer = await startSqsStandIn({ region });
    stops.push(() => sqsServer.stop());
    const sqsEndpoint = `http://127.0.0.1:${sqsServer.port}`;
    const model = loadTemplateModel({
      cdkOut,
      env,
      ...(options.stackName ? { stackName: options.stackName } : {}),
      queueBaseUrl: `http://sqs.${region}.localhost:${sqsServer.port}`,
    });
    log(`loaded ${model.stackName} from ${model.templatePath}`);
    for (const warning of model.warnings) log(`warning: ${warning}`);
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

    // Queues: DLQs need no order (fauxqs resolves the redrive target when it moves a message).
    for (const queue of model.queues) {
      const attributes = { ...queue.attributes };
      if (options.visibilityTimeoutSeconds !== undefined)
        attributes.VisibilityTimeout = String(options.visibilityTimeoutSeconds);
      const created = sqsServer.createQueue(queue.name, { region, attributes });
      if (created.queueUrl !== queue.url || created.queueArn !== queue.arn) {
        throw new Error(
          `queue ${queue.name}: fauxqs made ${created.queueUrl} / ${created.queueArn}, the model expects ${queue.url} / ${queue.arn}`,
        );
      }
    }
    log(
      `created ${model.queues.length} queues (${model.queues.filter((q) => q.redrivePolicy).length} with a redrive policy)`,
    );
    for (const bucket of model.buckets) sqsServer.createBucket(bucket.name);
    if (model.buckets.length > 0) log(`created ${model.buckets.length} S3 buckets (fauxqs)`);
    const sqs = new SQSClient({ region, endpoint: sqsEndpoint, credentials });
    stops.push(() => sqs.destroy());

    log(`starting DynamoDB (dynalite, ${model.tables.length} tables)`);
    const dynamoPath = temporaryData ? undefined : join(dataDir, 'dynamodb');
    if (dynamoPath) mkdirSync(dynamoPath, { recursive: true });
    const dynamo = await startDynamoWorker({ host, ...(dynamoPath ? { path: dynamoPath } : {}) });
    stops.push(() => dynamo.stop());
    const dynamoEndpoint = `http://${host}:${dynamo.port}`;
    const dynamodb = new DynamoDBClient({ region, endpoint: dynamoEndpoint, credentials });
    stops.push(() => dynamodb.destroy());
    for (const table of model.tables) {
      try {
        await dynamodb.send(new CreateTableCommand(table.createTableInput));
      } catch (error) {
        if ((error as Error).name !== 'ResourceInUseException') throw error;
      }
    }

    log(`starting Secrets Manager (${model.secrets.length} secrets)`);
    const secrets = new LocalSecrets(model.secrets, options.secrets ?? {});
    const secretsServer = await startSecretsEndpoint(secrets, { host });
    stops.push(() => secretsServer.close());

    // Functions are created below; the engine and the bus call them through this late binding.
    const functions: { runner?: LambdaRunner } = {};
    const runner = () => {
      if (!functions.runner) throw new Error('the Lambda runner is not started');
      return functions.runner;
    };

    log(`starting Step Functions (${model.stateMachines.length} state machines)`);
    const machines = localStateMachines({
      stateMachines: model.stateMachines,
      invoke: (arn, payload) => runner().invokeOrThrow(arn, payload),
      region,
      account: model.account,
      ...(options.retryIntervalScale !== undefined ? { retryIntervalScale: options.retryIntervalScale } : {}),
      warn: (message) => log(`warning: ${message}`),
    });
    const sfnServer: AwsJsonServer = await startStepFunctionsEndpoint(machines, { host });
    stops.push(() => sfnServer.close());

    log(
      `starting EventBridge (${model.buses.length} buses, ${model.rules.length} rules, ${model.archives.length} archives)`,
    );
    const busActivity: BusActivity[] = [];
    const buses = [
      ...model.buses.map((b) => newBus(b.name)),
      ...(model.buses.some((b) => b.name === 'default') ? [] : [newBus('default')]),
    ];
    function newBus(name: string): EventBus {
      const bus = new EventBus({
        name,
        region,
        account: model.account,
        backoff: { initialDelayMs: 1000, maxDelayMs: 60_000, ...options.eventBridgeBackoff },
        reportError: (message, error) =>
          log(`eventbridge: ${message}: ${(error as Error)?.message ?? String(error)}`),
      });
      bus.observe((activity) => {
        busActivity.push(activity);
        if (busActivity.length > HISTORY) busActivity.shift();
      });
      return bus;
    }
    const archives = model.archives.flatMap((archive) => {
      const bus = buses.find((b) => b.arn === archive.busArn || b.name === archive.busArn);
      if (!bus) {
        log(`warning: archive ${archive.name}: bus ${archive.busArn} not found`);
        return [];
      }
      const local = new EventArchive({
        name: archive.name,
        path: join(dataDir, 'archive', `${archive.name}.jsonl`),
        ...(archive.eventPattern ? { eventPattern: archive.eventPattern } : {}),
        retentionDays: archive.retentionDays,
        region,
        account: model.account,
      });
      local.attach(bus);
      return [local];
    });
    const deliverTo = targetDelivery({
      model,
      sqs: sqsServer.call,
      runner,
      machines: machines.engine,
      log,
    });
    const schedules: NodeJS.Timeout[] = [];
    stops.push(() => schedules.forEach((timer) => clearInterval(timer)));
    for (const rule of model.rules) {
      const bus = buses.find((b) => b.name === rule.busName);
      if (!bus) {
        log(`warning: rule ${rule.name}: bus ${rule.busName} not found`);
        continue;
      }
      const targets = rule.targets.flatMap((target) => deliverTo(rule, target));
      if (rule.eventPattern) {
        bus.addRule({
          name: rule.name,
          eventPattern: rule.eventPattern,
          targets,
          state: rule.enabled ? 'ENABLED' : 'DISABLED',
        });
      } else if (rule.scheduleExpression && rule.enabled) {
        const timer = schedule(rule, targets, bus, options.speedUp ?? 1, log);
        if (timer) schedules.push(timer);
      }
    }
    const eventBridgeServer: EventBridgeServer = await startEventBridgeServer({ buses, archives, host });
    stops.push(() => eventBridgeServer.close());
    // Deliveries still retrying (up to 185 times over 24 h) end with the runtime.
    stops.push(() => buses.forEach((bus) => bus.stop()));
    // CloudWatch receives the EMF lines of the function logs; the ops CLI and the dashboard read them.
    const metrics = new MetricStore();
    const cloudWatchServer = await startCloudWatchEndpoint(metrics, { host });
    stops.push(() => cloudWatchServer.close());

    const endpoints = {
      sqs: sqsEndpoint,
      dynamodb: dynamoEndpoint,
      eventbridge: eventBridgeServer.url,
      stepfunctions: sfnServer.url,
      secretsmanager: secretsServer.url,
      s3: `http://s3.localhost:${sqsServer.port}`,
      cloudwatch: cloudWatchServer.url,
    };
    log(`starting Lambda (${model.functions.length} functions, from their bundled assets)`);
    const answersClients = new Set(
      [...model.apis.flatMap((api) => api.routes), ...model.httpApis.flatMap((api) => api.routes)].map(
        (route) => route.integration.functionName,
      ),
    );
    const lambda = new LambdaRunner({
      functions: model.functions,
      region,
      lowPriority: (fn) => !answersClients.has(fn.name),
      environment: {
        AWS_ENDPOINT_URL_SQS: endpoints.sqs,
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
        AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsmanager,
        // Virtual-hosted bucket names (`<bucket>.s3.localhost`) resolve to the loopback in the workers.
        AWS_ENDPOINT_URL_S3: endpoints.s3,
        // Any other AWS service fails fast (connection refused) instead of reaching for the internet.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        ...options.overrides,
      },
      ...(options.functionOverrides ? { functionEnvironment: options.functionOverrides } : {}),
      ...(options.lambdaConcurrency !== undefined ? { defaultConcurrency: options.lambdaConcurrency } : {}),
      logs: metrics.tee(
        options.functionLogs ?? 'inherit',
        (name) => model.functions.find((f) => f.name === name)?.constructId ?? name,
      ),
    });
    functions.runner = lambda;
    stops.push(() => lambda.stop());
    // Before the functions stop: executions still waiting (approvals, acknowledgements) end here.
    stops.push(() => machines.engine.stop());

    const batches: BatchOutcome[] = [];
    const eventSources = model.eventSourceMappings
      .filter((mapping) => mapping.enabled)
      .flatMap((mapping) => {
        const queue = findQueue(model, mapping.queueArn);
        if (!queue) {
          log(`warning: event source ${mapping.logicalId}: queue ${mapping.queueArn} not in the template`);
          return [];
        }
        return [
          new SqsEventSource({
            sqs: sqsServer.call,
            queueUrl: queue.url,
            queueArn: queue.arn,
            functionName: mapping.functionName,
            invoke: (fn, event) => runner().invoke(fn, event),
            region,
            batchSize: mapping.batchSize,
            maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
            ...(mapping.maximumConcurrency !== undefined
              ? { maximumConcurrency: mapping.maximumConcurrency }
              : {}),
            reportBatchItemFailures: mapping.reportBatchItemFailures,
            ...(options.pollWaitSeconds !== undefined ? { waitTimeSeconds: options.pollWaitSeconds } : {}),
            onBatch: (outcome) => {
              batches.push(outcome);
              if (batches.length > HISTORY) batches.shift();
            },
            reportError: (message, error) => log(`${message}: ${(error as Error)?.message ?? String(error)}`),
          }).start(),
        ];
      });
    // Stop polling before the functions and the queues go away.
    stops.push(() => Promise.all(eventSources.map((source) => source.stop())).then(() => undefined));
    log(`started ${eventSources.length} event source mappings`);

    const apiKey = options.apiKey ?? randomBytes(20).toString('base64url');
    const apiRequests: AccessLogEntry[] = [];
    let apiServer: ApiGatewayServer | undefined;
    // The HTTP APIs share the first REST API's port: `<baseUrl>/v1/...` serves both kinds of route.
    const mounts: (RestApiModel | undefined)[] =
      model.apis.length > 0 ? model.apis : model.httpApis.length > 0 ? [undefined] : [];
    for (const [index, api] of mounts.entries()) {
      const httpApis = index === 0 ? model.httpApis : [];
      if (api) log(`starting REST API ${api.name} (${api.routes.length} routes)`);
      for (const httpApi of httpApis)
        log(`starting HTTP API ${httpApi.name} (${httpApi.routes.length} routes) on the same port`);
      const server = await startApiGateway({
        ...(api ? { api } : {}),
        httpApis,
        invoke: (fn, event) => runner().invoke(fn, event),
        apiKey,
        accountId: model.account,
        host,
        ...(index === 0 && options.port !== undefined ? { port: options.port } : {}),
        onRequest: (entry) => {
          apiRequests.push(entry);
          if (apiRequests.length > HISTORY) apiRequests.shift();
        },
      });
      stops.push(() => server.close());
      apiServer ??= server;
    }

    const clients = {
      sqs,
      dynamodb,
      eventBridge: new EventBridgeClient({ region, endpoint: endpoints.eventbridge, credentials }),
      sfn: new SFNClient({ region, endpoint: endpoints.stepfunctions, credentials, disableHostPrefix: true }),
      secretsManager: new SecretsManagerClient({ region, endpoint: endpoints.secretsmanager, credentials }),
      cloudWatch: new CloudWatchClient({ region, endpoint: endpoints.cloudwatch, credentials }),
    };
    stops.push(() => {
      clients.eventBridge.destroy();
      clients.sfn.destroy();
      clients.secretsManager.destroy();
      clients.cloudWatch.destroy();
    });

    const baseUrl = apiServer?.url ?? '';

    let stopped = false;
    const handle: LocalRuntime = {
      model,
      baseUrl,
      apiKey,
      endpoints: { api: baseUrl, ...endpoints },
      clients,
      lambda,
      stepFunctions: machines.engine,
      bus: buses[0]!,
      buses,
      archives,
      secrets,
      eventSources,
      busActivity,
      batches,
      apiRequests,
      sqsServer,
      queueDepths: () =>
        Object.fromEntries(
          model.queues.map((queue) => {
            const state = sqsServer.inspectQueue(queue.name);
            const now = Date.now();
            const expired = state?.messages.inflight.filter((m) => m.visibilityDeadline <= now).length ?? 0;
            return [
              queue.name,
              {
                visible: (state?.messages.ready.length ?? 0) + expired,
                inFlight: (state?.messages.inflight.length ?? 0) - expired,
                delayed: state?.messages.delayed.length ?? 0,
              },
            ];
          }),
        ),
      queueMessages: (queueName) => {
        const state = sqsServer.inspectQueue(findQueue(model, queueName)?.name ?? queueName);
        if (!state) throw new Error(`no queue ${queueName}`);
        type Inspected = { body: string; approximateReceiveCount: number };
        const row = (m: Inspected, s: 'visible' | 'inFlight' | 'delayed') => ({
          body: m.body,
          receiveCount: m.approximateReceiveCount,
          state: s,
        });
        return [
          ...state.messages.ready.map((m) => row(m as Inspected, 'visible')),
          ...state.messages.inflight.map((m) => row(m.message as Inspected, 'inFlight')),
          ...state.messages.delayed.map((m) => row(m as Inspected, 'delayed')),
        ];
      },
      functionName: (key) => {
        const fn: FunctionModel | undefined = findFunction(model, key);
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
      executions: () => machines.engine.listExecutions(),
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
      const dashboard = await startDashboard(handle, { host, ...options.dashboard });
      stops.push(() => dashboard.close());
      handle.dashboardUrl = dashboard.url;
      log(`dashboard ${dashboard.url}`);
    }
    handle.startupMs = Date.now() - started;
    log(`ready in ${handle.startupMs} ms: API ${baseUrl}/v1 (x-api-key: ${apiKey}), data in ${dataDir}`);
    return handle;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Builds the bus targets of a rule target: SQS (fauxqs), Lambda (async invoke) or Step Functions. */
function targetDelivery(context: {
  model: TemplateModel;
  sqs: SqsCall;
  runner: () => LambdaRunner;
  machines: LocalStepFunctions;
  log: (line: string) => void;
}) {
  const { model, sqs, runner, machines, log } = context;
  const sender = new SqsBatchSender(sqs);
  const queueUrl = (arn: string) => {
    const queue = findQueue(model, arn);
    if (!queue) throw new Error(`queue ${arn} is not in the template`);
    return queue.url;
  };
  return (rule: RuleModel, target: TargetModel): RuleTarget[] => {
    let deliver: (event: EventEnvelope) => Promise<unknown>;
    switch (target.kind) {
      case 'sqs':
        deliver = (event) =>
          sender.send(queueUrl(target.arn), {
            MessageBody: targetInput(target, event),
            ...(target.messageGroupId ? { MessageGroupId: target.messageGroupId } : {}),
          });
        break;
      case 'lambda':
        // EventBridge invokes asynchronously: delivery succeeds once Lambda accepts the event, and
        // Lambda retries a failing function itself (EventInvokeConfig.MaximumRetryAttempts, default 2).
        deliver = async (event) => {
          const payload = JSON.parse(targetInput(target, event)) as unknown;
          const fn = findFunction(model, target.arn);
          if (!fn) throw new Error(`function ${target.arn} is not in the template`);
          void invokeAsync(runner(), fn, payload, log, `rule ${rule.name}`);
        };
        break;
      case 'states':
        deliver = async (event) =>
          machines.startExecution(target.arn, JSON.parse(targetInput(target, event)));
        break;
      default:
        log(
          `warning: rule ${rule.name} target ${target.id} (${target.arn}) is not supported locally; skipped`,
        );
        return [];
    }
    const deadLetterArn = target.deadLetterArn;
    return [
      {
        id: target.id,
        deliver,
        ...(target.retryPolicy ? { retryPolicy: target.retryPolicy } : {}),
        ...(deadLetterArn
          ? {
              // As EventBridge does: the event as the body, why in the message attributes.
              deadLetter: async (letter: DeadLetter) => {
                const text = (value: string): MessageAttributeValue => ({
                  DataType: 'String',
                  StringValue: value || '-',
                });
                await sender.send(queueUrl(deadLetterArn), {
                  MessageBody: JSON.stringify(letter.event),
                  MessageAttributes: {
                    RULE_ARN: text(rule.arn),
                    TARGET_ARN: text(target.arn),
                    ERROR_CODE: text(letter.reason),
                    ERROR_MESSAGE: text(letter.errorMessage.slice(0, 1000)),
                  },
                });
              },
            }
          : {}),
      },
    ];
  };
}

/** An asynchronous invocation with Lambda's retries (1 s, then 2 s apart locally; 1 and 2 minutes in AWS). */
async function invokeAsync(
  runner: LambdaRunner,
  fn: FunctionModel,
  payload: unknown,
  log: (line: string) => void,
  source: string,
): Promise<void> {
  const attempts = fn.asyncMaximumRetryAttempts + 1;
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((done) => setTimeout(done, 1000 * attempt));
    const result = await runner.invoke(fn.name, payload).catch((error: Error) => ({
      ok: false as const,
      error: { errorType: error.name, errorMessage: error.message },
    }));
    if (result.ok) return;
    last = `${result.error.errorType}: ${result.error.errorMessage}`;
  }
  log(`async invocation of ${fn.constructId} from ${source} failed ${attempts} time(s), dropped: ${last}`);
}

/** The text a target receives: the event, a constant Input, an InputPath or an InputTransformer. */
export function targetInput(target: TargetModel, event: EventEnvelope): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(jsonPath(event, target.inputPath) ?? null);
  if (target.inputTransformer) {
    const values = Object.fromEntries(
      Object.entries(target.inputTransformer.inputPathsMap ?? {}).map(([name, path]) => [
        name,
        jsonPath(event, path),
      ]),
    );
    return target.inputTransformer.inputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (whole, name: string) => {
      if (name === 'aws.events.event.json') return JSON.stringify(event);
      if (!(name in values)) return whole;
      const value = values[name];
      return typeof value === 'string' ? value : JSON.stringify(value ?? null);
    });
  }
  return JSON.stringify(event);
}

/** `$.detail.a.b` on an object (the subset of JSONPath EventBridge input paths use). */
function jsonPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter((p) => p !== '')
    .reduce<unknown>(
      (current, key) =>
        current !== null && typeof current === 'object'
          ? (current as Record<string, unknown>)[key]
          : undefined,
      value,
    );
}

/** A timer per `rate(...)` schedule; cron expressions are reported and not run. */
function schedule(
  rule: RuleModel,
  targets: RuleTarget[],
  bus: EventBus,
  speedUp: number,
  log: (line: string) => void,
): NodeJS.Timeout | undefined {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(rule.scheduleExpression ?? '');
  if (!match) {
    log(
      `warning: rule ${rule.name}: schedule ${rule.scheduleExpression} is not run locally (only rate(...) is)`,
    );
    return undefined;
  }
  const unit = match[2]!.replace(/s$/, '');
  const ms = Number(match[1]) * (unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000);
  const every = Math.max(100, ms / Math.max(speedUp, 1e-9));
  log(
    `schedule ${rule.name}: ${rule.scheduleExpression}${speedUp !== 1 ? ` every ${Math.round(every)} ms (x${speedUp})` : ''}`,
  );
  const timer = setInterval(() => {
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: bus.account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: bus.region,
      resources: [rule.arn],
      detail: {},
    };
    for (const target of targets) {
      Promise.resolve()
        .then(() => target.deliver(event))
        .catch((error: unknown) =>
          log(`schedule ${rule.name} target ${target.id} failed: ${(error as Error).message}`),
        );
    }
  }, every);
  timer.unref();
  return timer;
}

/** dynalite in a worker thread (local/dynamodb/worker.mjs): off the main event loop. */
async function startDynamoWorker(options: {
  host: string;
  path?: string;
}): Promise<{ port: number; stop(): Promise<void> }> {
  const worker = new Worker(new URL('../dynamodb/worker.mjs', import.meta.url), {
    workerData: options,
    name: 'dynalite',
  });
  const message = (type: string) =>
    new Promise<{ port?: number }>((resolve, reject) => {
      const onMessage = (m: { type: string; port?: number }) => {
        if (m.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(m);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const { port } = await message('listening');
  return {
    port: port!,
    stop: async () => {
      const closed = message('closed');
      worker.postMessage({ type: 'close' });
      await closed;
      await worker.terminate();
    },
  };
}
