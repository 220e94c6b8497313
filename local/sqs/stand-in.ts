/**
 * The SQS (and S3) stand-in: fauxqs, assembled here from its `buildApp` and its stores rather than
 * with `startFauxqs`, so that the runtime can also reach it without a socket.
 *
 * Functions in their workers call it over HTTP like any AWS endpoint, and so does the runtime's SDK
 * client (`clients.sqs`). The bus's SQS targets and their dead letters, and the event source
 * mappings' receive and delete, skip the loopback socket, a large share of the main thread under
 * load (docs/performance.md, "Local runtime"): {@link SqsStandIn.call} hands a JSON request to fauxqs's router with Fastify's
 * `inject`, so fauxqs runs the same code as for a request from the network.
 */
import type {
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageBatchResult,
} from '@aws-sdk/client-sqs';
import { buildApp, type FauxqsServer } from 'fauxqs';

/** The SQS actions the runtime calls on its hot paths, with their JSON input and output. */
export interface SqsActions {
  ReceiveMessage: [ReceiveMessageRequest, ReceiveMessageResult];
  DeleteMessageBatch: [DeleteMessageBatchRequest, DeleteMessageBatchResult];
  SendMessageBatch: [SendMessageBatchRequest, SendMessageBatchResult];
}

/**
 * Calls an SQS action in process, as the JSON protocol carries it: no SDK middleware (serialize,
 * sign, retry, deserialize), which was most of what remained of those calls' cost. Binary
 * attribute values come back base64-encoded, as on the wire. Rejects with an error named after
 * the SQS error code.
 */
export type SqsCall = <A extends keyof SqsActions>(
  action: A,
  input: SqsActions[A][0],
  signal?: AbortSignal,
) => Promise<SqsActions[A][1]>;

/** What the runtime uses of fauxqs (the shape of its `FauxqsServer`), and the in-process way in. */
export type SqsStandIn = Pick<FauxqsServer, 'port' | 'createQueue' | 'inspectQueue' | 'stop'> & {
  readonly call: SqsCall;
  /**
   * Creates a bucket; `writeOnce` (a bucket with Object Lock and the audit trail's deny-delete
   * policy) refuses to replace an object (412 PreconditionFailed, as S3 answers our writes, which
   * all carry `If-None-Match: *`) and to delete one (403 AccessDenied, as the policy does).
   */
  createBucket(
    name: string,
    options?: {
      writeOnce?: boolean;
      /** Called after each object written, as S3 tells EventBridge when the bucket asks it to. */
      onObjectCreated?: (key: string, size: number) => void;
    },
  ): { bucketName: string };
};

/** fauxqs's account id in queue URLs and ARNs. */
const ACCOUNT_ID = '000000000000';
const LOOPBACK = '127.0.0.1';

interface SqsStore {
  region?: string;
  createQueue(name: string, url: string, arn: string, attributes?: Record<string, string>): void;
  buildQueueUrl(name: string, port: string, requestHost: string, region: string): string;
  inspectQueue: FauxqsServer['inspectQueue'];
}
interface S3Store {
  createBucket(name: string): void;
  putObject(bucket: string, key: string, ...rest: unknown[]): unknown;
  deleteObject(bucket: string, key: string): void;
  buckets: Map<string, Map<string, unknown>>;
}
type S3ErrorClass = new (code: string, message: string, statusCode?: number) => Error;
type Stores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>['stores']>;

/**
 * The store classes are not exported by the package (only `buildApp`, which accepts them, and
 * `startFauxqs`, which hides them), so they come from its dist folder, next to the entry point.
 * The lock file pins the version; the runtime tests fail if the layout moves.
 */
async function fauxqsStores(): Promise<{
  sqs: SqsStore;
  s3: S3Store;
  stores: Stores;
  S3Error: S3ErrorClass;
}> {
  const dist = new URL('.', import.meta.resolve('fauxqs'));
  const load = async <T>(path: string, name: string) =>
    ((await import(new URL(path, dist).href)) as Record<string, new () => T>)[name]!;
  const [Sqs, Sns, S3, S3Error] = await Promise.all([
    load<SqsStore>('sqs/sqsStore.js', 'SqsStore'),
    load<object>('sns/snsStore.js', 'SnsStore'),
    load<S3Store>('s3/s3Store.js', 'S3Store'),
    import(new URL('common/errors.js', dist).href).then(
      (module: Record<string, S3ErrorClass>) => module.S3Error!,
    ),
  ]);
  const sqs = new Sqs();
  const s3 = new S3();
  return {
    sqs,
    s3,
    S3Error,
    stores: { sqsStore: sqs, snsStore: new Sns(), s3Store: s3 } as unknown as Stores,
  };
}

/**
 * Makes the buckets in `writeOnce` refuse to replace or delete an object, in the store every S3
 * action goes through. A multipart upload's completion does not pass here (nothing of ours uses
 * one on a write-once bucket), and there are no object versions: a locked bucket locally holds
 * one object per key.
 */
function guardWriteOnce(s3: S3Store, writeOnce: ReadonlySet<string>, S3Error: S3ErrorClass): void {
  const putObject = s3.putObject.bind(s3);
  const deleteObject = s3.deleteObject.bind(s3);
  s3.putObject = (bucket, key, ...rest) => {
    if (writeOnce.has(bucket) && s3.buckets.get(bucket)?.has(key))
      throw new S3Error(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
      );
    return putObject(bucket, key, ...rest);
  };
  s3.deleteObject = (bucket, key) => {
    if (writeOnce.has(bucket)) throw new S3Error('AccessDenied', 'Access Denied', 403);
    deleteObject(bucket, key);
  };
}

/** Calls the bucket's listener after each object written (fauxqs's S3 notifies nobody itself). */
function announceObjectsCreated(
  s3: S3Store,
  listeners: ReadonlyMap<string, (key: string, size: number) => void>,
): void {
  const putObject = s3.putObject.bind(s3);
  s3.putObject = (bucket, key, ...rest) => {
    const written = putObject(bucket, key, ...rest);
    const body = rest[0];
    listeners.get(bucket)?.(key, Buffer.isBuffer(body) ? body.length : 0);
    return written;
  };
}

/**
 * Starts fauxqs on an ephemeral port of the loopback, with `region` as its default region: queue
 * and bucket URLs name `*.localhost`, which the workers resolve to 127.0.0.1, so that is where it
 * must listen, whatever address the runtime's other endpoints use.
 */
export async function startSqsStandIn(options: { region: string }): Promise<SqsStandIn> {
  const { region } = options;
  const { sqs, s3, stores, S3Error } = await fauxqsStores();
  sqs.region = region;
  const writeOnce = new Set<string>();
  guardWriteOnce(s3, writeOnce, S3Error);
  const objectCreated = new Map<string, (key: string, size: number) => void>();
  announceObjectsCreated(s3, objectCreated);
  const app = buildApp({ logger: false, defaultRegion: region, stores });
  const port = Number(new URL(await app.listen({ port: 0, host: LOOPBACK })).port);

  const call: SqsCall = async (action, input, signal) => {
    const response = await abortable(
      app.inject({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
        payload: JSON.stringify(input),
      }) as Promise<InjectedResponse>,
      signal,
    );
    const body = JSON.parse(response.rawPayload.toString('utf8') || '{}') as Record<string, unknown>;
    if (response.statusCode >= 300) {
      const type = String(body.__type ?? 'InternalError');
      throw Object.assign(new Error(String(body.message ?? body.Message ?? type)), {
        name: type.slice(type.lastIndexOf('#') + 1),
        statusCode: response.statusCode,
      });
    }
    return body;
  };

  return {
    port,
    call,
    createQueue(name, queueOptions) {
      const queueRegion = queueOptions?.region ?? region;
      const queueUrl = sqs.buildQueueUrl(name, String(port), `${LOOPBACK}:${port}`, queueRegion);
      const queueArn = `arn:aws:sqs:${queueRegion}:${ACCOUNT_ID}:${name}`;
      sqs.createQueue(name, queueUrl, queueArn, queueOptions?.attributes);
      return { queueUrl, queueArn, queueName: name };
    },
    createBucket(name, options) {
      s3.createBucket(name);
      if (options?.writeOnce) writeOnce.add(name);
      if (options?.onObjectCreated) objectCreated.set(name, options.onObjectCreated);
      return { bucketName: name };
    },
    inspectQueue: (name) => sqs.inspectQueue(name),
    stop: () => app.close(),
  };
}

/** What `call` reads of Fastify's injected response. */
interface InjectedResponse {
  statusCode: number;
  rawPayload: Buffer;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  const aborted = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort);
    // A poller's signal lives as long as the poller: one listener per request would pile up.
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
