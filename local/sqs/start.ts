/**
 * SQS (and S3) for the local runtime: fauxqs with the template's queues and buckets, an SDK client
 * on it, and the queue inspection the dashboard and tests read (without receiving anything).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { findQueue, type TemplateModel } from '../../assembly';
import { LOCAL_CREDENTIALS } from '../http/aws-json';
import { startSqsStandIn, type SqsStandIn } from './stand-in';

/** Depth of one queue. */
export interface QueueDepth {
  /** Ready to receive (incl. in-flight messages whose visibility expired). */
  visible: number;
  inFlight: number;
  delayed: number;
}

/** A message of a queue, as inspection shows it. */
export interface InspectedMessage {
  body: string;
  receiveCount: number;
  state: 'visible' | 'inFlight' | 'delayed';
}

/** The running local SQS. */
export interface LocalSqs {
  server: SqsStandIn;
  /** SDK client over HTTP, as a function would call it. */
  client: SQSClient;
  endpoint: string;
  /** The S3 endpoint fauxqs serves on the same port (virtual-hosted bucket names). */
  s3Endpoint: string;
  /** Base of the queue URLs the assembly must be resolved with (fauxqs finds a queue by its exact URL). */
  queueBaseUrl: string;
  /** Creates the assembly's queues (with its redrive policies) and buckets. */
  createResources(
    assembly: TemplateModel,
    options?: {
      visibilityTimeoutSeconds?: number;
      /** An object was written in a bucket that sends its object events to EventBridge. */
      objectCreated?: (bucket: string, key: string, size: number) => void;
    },
  ): void;
  /** Queue depths by queue name, DLQs included. */
  queueDepths(assembly: TemplateModel): Record<string, QueueDepth>;
  /** Bodies (and receive counts) of the messages in a queue, without receiving them. */
  queueMessages(assembly: TemplateModel, queueName: string): InspectedMessage[];
  stop(): Promise<void>;
}

/**
 * Starts fauxqs in the assembly's region. It starts before the assembly is read with its queue
 * URLs, since those contain its port: read the assembly again with {@link LocalSqs.queueBaseUrl},
 * then {@link LocalSqs.createResources}.
 */
export async function startSqs(
  assembly: Pick<TemplateModel, 'region'>,
  options: { log: (line: string) => void },
): Promise<LocalSqs> {
  const { region } = assembly;
  options.log(`starting SQS (fauxqs)`);
  const server = await startSqsStandIn({ region });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new SQSClient({ region, endpoint, credentials: LOCAL_CREDENTIALS });
  return {
    server,
    client,
    endpoint,
    s3Endpoint: `http://s3.localhost:${server.port}`,
    queueBaseUrl: `http://sqs.${region}.localhost:${server.port}`,
    createResources: (model, { visibilityTimeoutSeconds, objectCreated } = {}) => {
      // DLQs need no order (fauxqs resolves the redrive target when it moves a message).
      for (const queue of model.queues) {
        const attributes = { ...queue.attributes };
        if (visibilityTimeoutSeconds !== undefined)
          attributes.VisibilityTimeout = String(visibilityTimeoutSeconds);
        const created = server.createQueue(queue.name, { region, attributes });
        if (created.queueUrl !== queue.url || created.queueArn !== queue.arn) {
          throw new Error(
            `queue ${queue.name}: fauxqs made ${created.queueUrl} / ${created.queueArn}, the model expects ${queue.url} / ${queue.arn}`,
          );
        }
      }
      options.log(
        `created ${model.queues.length} queues (${model.queues.filter((q) => q.redrivePolicy).length} with a redrive policy)`,
      );
      for (const bucket of model.buckets)
        server.createBucket(bucket.name, {
          ...(bucket.objectLock ? { writeOnce: true } : {}),
          ...(bucket.eventBridge && objectCreated
            ? { onObjectCreated: (key: string, size: number) => objectCreated(bucket.name, key, size) }
            : {}),
        });
      if (model.buckets.length > 0) options.log(`created ${model.buckets.length} S3 buckets (fauxqs)`);
    },
    queueDepths: (model) =>
      Object.fromEntries(
        model.queues.map((queue) => {
          const state = server.inspectQueue(queue.name);
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
    queueMessages: (model, queueName) => {
      const state = server.inspectQueue(findQueue(model, queueName)?.name ?? queueName);
      if (!state) throw new Error(`no queue ${queueName}`);
      type Inspected = { body: string; approximateReceiveCount: number };
      const row = (m: Inspected, s: InspectedMessage['state']) => ({
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
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}
