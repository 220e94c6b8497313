/**
 * Lambda for the local runtime: the template's functions in worker threads, run from their bundled
 * assets with the stand-ins' endpoints in their environment, and the SQS event source mappings
 * that feed them.
 */
import type { TemplateModel } from '../../assembly';
import { findQueue } from '../../assembly';
import type { SqsCall } from '../sqs/stand-in';
import { LambdaRunner, type InvocationResult, type LogSink } from './functions';
import { SqsEventSource, type BatchOutcome } from './sqs-event-source';

/** The endpoints of the stand-ins, as the functions' AWS SDK clients find them. */
export interface StandInEndpoints {
  sqs: string;
  dynamodb: string;
  eventbridge: string;
  stepfunctions: string;
  secretsmanager: string;
  s3: string;
}

/** The running local Lambda. */
export interface LocalLambda {
  runner: LambdaRunner;
  stop(): Promise<void>;
}

/** Starts a worker pool per function (workers start on first invocation). */
export function startLambda(
  assembly: Pick<TemplateModel, 'functions' | 'region' | 'apis' | 'httpApis'>,
  options: {
    endpoints: StandInEndpoints;
    /** Environment variables for every function, after the endpoints. */
    overrides?: Readonly<Record<string, string>>;
    /** Environment variables per function, applied last. */
    functionOverrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** Workers per function without reserved concurrency. @default 4 */
    concurrency?: number;
    logs: LogSink;
    log: (line: string) => void;
  },
): LocalLambda {
  options.log(`starting Lambda (${assembly.functions.length} functions, from their bundled assets)`);
  // Functions an API route invokes answer clients; every other one runs at background priority.
  const answersClients = new Set(
    [...assembly.apis.flatMap((api) => api.routes), ...assembly.httpApis.flatMap((api) => api.routes)].map(
      (route) => route.integration.functionName,
    ),
  );
  const { endpoints } = options;
  const runner = new LambdaRunner({
    functions: assembly.functions,
    region: assembly.region,
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
    ...(options.concurrency !== undefined ? { defaultConcurrency: options.concurrency } : {}),
    logs: options.logs,
  });
  return { runner, stop: () => runner.stop() };
}

/** The running event source mappings. */
export interface LocalEventSourceMappings {
  eventSources: SqsEventSource[];
  /** Stops polling (before the functions and the queues go away). */
  stop(): Promise<void>;
}

/** Starts the pollers of the enabled SQS event source mappings, calling fauxqs in process. */
export function startEventSourceMappings(
  assembly: Pick<TemplateModel, 'eventSourceMappings' | 'queues' | 'region'>,
  options: {
    sqs: SqsCall;
    invoke: (functionName: string, event: unknown) => Promise<InvocationResult>;
    /** Long-poll wait. @default 20 */
    pollWaitSeconds?: number;
    onBatch: (outcome: BatchOutcome) => void;
    log: (line: string) => void;
  },
): LocalEventSourceMappings {
  const { log } = options;
  const eventSources = assembly.eventSourceMappings
    .filter((mapping) => mapping.enabled)
    .flatMap((mapping) => {
      const queue = findQueue(assembly, mapping.queueArn);
      if (!queue) {
        log(`warning: event source ${mapping.logicalId}: queue ${mapping.queueArn} not in the template`);
        return [];
      }
      return [
        new SqsEventSource({
          sqs: options.sqs,
          queueUrl: queue.url,
          queueArn: queue.arn,
          functionName: mapping.functionName,
          invoke: options.invoke,
          region: assembly.region,
          batchSize: mapping.batchSize,
          maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
          ...(mapping.maximumConcurrency !== undefined
            ? { maximumConcurrency: mapping.maximumConcurrency }
            : {}),
          reportBatchItemFailures: mapping.reportBatchItemFailures,
          ...(options.pollWaitSeconds !== undefined ? { waitTimeSeconds: options.pollWaitSeconds } : {}),
          onBatch: options.onBatch,
          reportError: (message, error) => log(`${message}: ${(error as Error)?.message ?? String(error)}`),
        }).start(),
      ];
    });
  log(`started ${eventSources.length} event source mappings`);
  return {
    eventSources,
    stop: () => Promise.all(eventSources.map((source) => source.stop())).then(() => undefined),
  };
}
