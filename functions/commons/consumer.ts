/**
 * The SQS consumer framework every queue consumer uses: EventBridge rule -> SQS queue -> Lambda
 * (event source mapping with ReportBatchItemFailures). Each record is an EventBridge event whose
 * `detail` is a canonical event. What happens to a record depends only on its failure class:
 *
 * - waiting (an open breaker, our own request budget spent, a 429's Retry-After): not a failure.
 *   The message is sent again with a delay as long as the cause and the original is let go, so the
 *   receive count is not spent (consumer-deferral.ts); past a deferral cap far above a breaker's
 *   cool-down, an integration exception tells a person.
 * - transient (TransientFailure, unknown errors): reported in batchItemFailures so SQS delivers it
 *   again after a short backoff (2, 4, 8... s), not the queue's whole visibility timeout. Past the
 *   last delivery (maxReceiveCount, counting failed deliveries of deferred copies) a system's
 *   TransientFailure (an outage) is deferred, looked at again at most every minute up to the
 *   deferral cap; an unknown error (a defect, no system to wait for) is dead-lettered with its reason.
 * - business (BusinessRejection): not retried; an `integration-exception.raised` event is published.
 * - contract (ContractViolation, invalid detail, unreadable body): not retried; the original body
 *   goes to the consumer's DLQ at once with the reason in message attributes.
 *
 * The business function runs once per business change: Powertools idempotency keyed on the event's
 * `idempotencyKey`, never the SQS message id, so EventBridge/SQS redeliveries and archive replays of
 * a change that was already handled are suppressed (counted, logged).
 */
import { runBounded } from '../../domain/concurrency';
import { randomUUID } from 'node:crypto';
import {
  IdempotencyConfig,
  IdempotencyAlreadyInProgressError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ChangeMessageVisibilityCommand,
  SendMessageCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../../adapters/aws/idempotent-publisher';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { ValidationResult } from '../../canonical/generated/validators';
import type { CanonicalEvents } from '../../canonical/generated/types';
import type { EventType } from '../../canonical/schemas/events';
import {
  DEFAULT_MAX_DEFERRAL_SECONDS,
  SQS_MAX_DELAY_SECONDS,
  deferralHistoryOf,
  deferralOf,
  deferredAttributes,
  failureBackoff,
  type Deferral,
  type DeferralHistory,
} from './consumer-deferral';
import { integrationException } from './integration-exception';
import { decode, reasonJson, receiveCountOf, type Decoded, type FailureReason } from './consumer-record';
import {
  BusinessRejection,
  NotYetKnown,
  TransientFailure,
  type ContractViolation,
  classifyFailure,
  type FailureClass,
} from '../../domain/failures';
import { beginInvocation } from './invocation';

/** What the business function learns about the delivery besides the event. */
export interface ConsumerContext {
  /**
   * Deliveries so far, this one included: 1 on the first. SQS's ApproximateReceiveCount plus the
   * failed deliveries of earlier copies of a deferred message (deferrals themselves do not count).
   */
  receiveCount: number;
  /** An operator replayed the event from the archive. */
  isReplay: boolean;
  /** Logger whose every line carries the event's correlationId. */
  logger: Logger;
}

/** The consumer's business logic for one canonical event. Throw a failure class to say what went wrong. */
export type BusinessFunction = (event: CanonicalEvent, ctx: ConsumerContext) => Promise<void>;

/** Canonical validator per EventBridge detail-type the consumer accepts. */
export type DetailValidators = Readonly<Record<string, (data: unknown) => ValidationResult<CanonicalEvent>>>;

/**
 * The validators of the event types a consumer accepts, named one by one: importing the generated
 * module's functions by name lets the bundler keep only these (a lookup by name kept the whole
 * module; size in docs/performance.md).
 */
export function canonicalValidators<T extends EventType>(validators: {
  [K in T]: (data: unknown) => ValidationResult<CanonicalEvents[K]>;
}): DetailValidators {
  return validators as unknown as DetailValidators;
}

/** The metrics the consumer emits (Powertools Metrics in Lambda). */
export type ConsumerMetrics = Pick<Metrics, 'addMetric' | 'publishStoredMetrics'>;

/** The consumer's side effects, passed in so Lambda, the local runtime and tests share the code. */
export interface ConsumerPorts {
  sqs: SQSClient;
  /** The consumer's DLQ (the one its queue's redrive policy names). */
  deadLetterQueueUrl: string;
  /** Powertools idempotency records (TABLES.idempotency). */
  idempotency: { client: DynamoDBClient; tableName: string };
  /** Publishes a canonical event (the integration exception of a business rejection). */
  publish: (event: CanonicalEvent) => Promise<void>;
  logger: Logger;
  metrics: ConsumerMetrics;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default crypto.randomUUID */
  newId?: () => string;
  /** URL of the source queue from its ARN. @default the standard SQS endpoint URL of the ARN */
  queueUrlOf?: (queueArn: string) => string;
}

/** How a consumer behaves. */
export interface ConsumerOptions {
  /** Consumer name (the route's consumer): log key and idempotency scope. */
  name: string;
  validators: DetailValidators;
  process: BusinessFunction;
  /** Records processed at once; records of the same idempotencyKey always run one after another. @default 5 */
  concurrency?: number;
  /** Longest visibility delay set from a Retry-After. @default 900 */
  maxVisibilityDelaySeconds?: number;
  /** The queue's maxReceiveCount; when set, the last transient failure is dead-lettered with its reason. */
  maxReceiveCount?: number;
  /**
   * How long a message may wait in all (deferred for an open breaker, our request budget or a
   * Retry-After) before an integration exception tells a person. @default DEFAULT_MAX_DEFERRAL_SECONDS (30 min)
   */
  maxDeferralSeconds?: number;
  /**
   * For a replayed delivery of a change already handled (an operator's recovery after a restart):
   * finishes follow-up work that died with the runtime that started it (a workflow), and changes
   * nothing when that work reached its outcome. Without it, such a replay is only suppressed.
   */
  resume?: BusinessFunction;
  /** How long a processed idempotencyKey is remembered. @default IDEMPOTENCY_WINDOW_SECONDS (7 days) */
  idempotencyWindowSeconds?: number;
}

/** What the idempotent section remembers per business change. */
interface Outcome {
  /** Random per attempt: a result with another token was stored by an earlier delivery. */
  token: string;
  outcome: 'processed' | 'rejected';
  code?: string;
}

/** The first delivery's outcome for a duplicate, undefined when this delivery ran. */
type RunResult = { duplicateOf?: Outcome; outcome: Outcome };

/** Longest wait between two looks at a system that stayed down past the receive count. */
const OUTAGE_RECHECK_SECONDS = 60;
/** SQS's longest visibility timeout. */
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Builds the SQS handler of one consumer. Never throws for a record: every record is either done
 * (processed, suppressed, raised as an exception, dead-lettered) or reported for retry.
 */
export function createConsumer(
  options: ConsumerOptions,
  ports: ConsumerPorts,
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  const concurrency = Math.max(1, options.concurrency ?? 5);
  const maxDelay = Math.min(SQS_MAX_VISIBILITY_SECONDS, options.maxVisibilityDelaySeconds ?? 900);
  const maxDeferral = options.maxDeferralSeconds ?? DEFAULT_MAX_DEFERRAL_SECONDS;
  const now = ports.now ?? (() => new Date());
  const newId = ports.newId ?? randomUUID;
  const queueUrlOf = ports.queueUrlOf ?? queueUrlFromArn;

  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: options.idempotencyWindowSeconds ?? IDEMPOTENCY_WINDOW_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: ports.idempotency.tableName,
    awsSdkV3Client: ports.idempotency.client,
  });

  // Runs once per idempotencyKey. A business rejection is an outcome, remembered like a success,
  // so a redelivery does not raise the same exception again.
  const runOnce = makeIdempotent(
    async (event: CanonicalEvent, attempt: { token: string; ctx: ConsumerContext }): Promise<Outcome> => {
      try {
        await options.process(event, attempt.ctx);
        return { token: attempt.token, outcome: 'processed' };
      } catch (error) {
        if (!(error instanceof BusinessRejection)) throw error;
        await ports.publish(integrationException(event, error, options.name, now(), newId));
        attempt.ctx.logger.warn('business rejection raised as an integration exception', {
          failureClass: 'business',
          code: error.code,
          system: error.system,
          reason: error.message,
        });
        return { token: attempt.token, outcome: 'rejected', code: error.code };
      }
    },
    // The consumer name scopes the keys: two consumers of the same event each process it once.
    { persistenceStore, config, keyPrefix: `consumer:${options.name}`, dataIndexArgument: 0 },
  );

  async function run(event: CanonicalEvent, ctx: ConsumerContext): Promise<RunResult> {
    const token = randomUUID();
    const outcome = await runOnce(event, { token, ctx });
    return outcome.token === token ? { outcome } : { outcome, duplicateOf: outcome };
  }

  async function deadLetter(
    record: SQSRecord,
    failureClass: FailureClass,
    reason: FailureReason,
    logger: Logger,
    correlationId?: string,
  ): Promise<boolean> {
    const attributes: Record<string, MessageAttributeValue> = {
      failureClass: text(failureClass),
      failureReason: text(reasonJson(reason)),
      sourceQueue: text(record.eventSourceARN || 'unknown'),
      sourceMessageId: text(record.messageId),
      receiveCount: { DataType: 'Number', StringValue: String(receiveCountOf(record)) },
      consumer: text(options.name),
      ...(correlationId ? { correlationId: text(correlationId) } : {}),
    };
    try {
      await ports.sqs.send(
        new SendMessageCommand({
          QueueUrl: ports.deadLetterQueueUrl,
          MessageBody: record.body,
          MessageAttributes: attributes,
        }),
      );
      logger.error('record dead-lettered', { failureClass, reason: reason.message });
      return true;
    } catch (error) {
      // Not lost: reported for retry, and SQS's redrive moves it after maxReceiveCount.
      logger.error('could not dead-letter the record; it will be retried', {
        failureClass,
        reason: reason.message,
        error: error as Error,
      });
      return false;
    }
  }

  async function delay(record: SQSRecord, seconds: number, logger: Logger): Promise<void> {
    const visibility = Math.min(maxDelay, Math.max(1, Math.ceil(seconds)));
    try {
      await ports.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrlOf(record.eventSourceARN),
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: visibility,
        }),
      );
    } catch (error) {
      // The queue's own visibility timeout still brings it back.
      logger.warn('could not delay the record', { visibilityTimeout: visibility, error: error as Error });
    }
  }

  /**
   * The work must wait, which is not a failed delivery: a copy goes back on the queue with the
   * wait as its delay and the original is let go (true). Past the deferral cap, an integration
   * exception tells a person (true). False (SQS redelivers, after the wait) only when neither
   * could be written.
   */
  async function defer(
    record: SQSRecord,
    event: CanonicalEvent,
    deferral: Deferral,
    error: Error,
    history: DeferralHistory,
    logger: Logger,
    { failed = false }: { failed?: boolean } = {},
  ): Promise<boolean> {
    const seconds = Math.min(SQS_MAX_DELAY_SECONDS, Math.max(1, Math.ceil(deferral.seconds)));
    const system = error instanceof TransientFailure ? error.system : 'supplyline';
    if (history.deferredSeconds + seconds > maxDeferral) {
      const reason = `still waiting after ${history.deferrals} deferrals (${Math.round(history.deferredSeconds)} s): ${error.message}`;
      try {
        // What waited for something that never came (NotYetKnown) is a business question for a
        // person (an acknowledgement of a PO we did not post); a system that stayed away is technical.
        const unknown = error instanceof NotYetKnown;
        await ports.publish(
          integrationException(
            event,
            {
              code: unknown ? error.code : 'SYSTEM_UNAVAILABLE',
              message: reason,
              system,
              details: {
                ...(unknown ? error.details : {}),
                cause: deferral.cause,
                deferrals: history.deferrals,
                error: error.message,
              },
            },
            options.name,
            now(),
            newId,
            unknown ? 'BUSINESS' : 'TECHNICAL',
          ),
        );
        ports.metrics.addMetric('DeferralsExhausted', MetricUnit.Count, 1);
        logger.error('deferral cap reached: raised as an integration exception', { reason });
        return true;
      } catch (publishError) {
        logger.error('deferral cap reached but the exception could not be raised; will retry', {
          reason,
          error: publishError as Error,
        });
        await delay(record, seconds, logger);
        return false;
      }
    }
    const next: DeferralHistory = {
      deferrals: history.deferrals + 1,
      deferredSeconds: history.deferredSeconds + seconds,
      // The deliveries before this one on this copy failed; this one too when it was an outage.
      failedDeliveries: history.failedDeliveries + receiveCountOf(record) - (failed ? 0 : 1),
    };
    try {
      await ports.sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrlOf(record.eventSourceARN),
          MessageBody: record.body,
          DelaySeconds: seconds,
          MessageAttributes: deferredAttributes(record, next),
        }),
      );
    } catch (sendError) {
      // Not lost: SQS delivers the original again after the same wait (spending a receive).
      logger.warn('could not defer the record; SQS will deliver it again', { error: sendError as Error });
      await delay(record, seconds, logger);
      return false;
    }
    ports.metrics.addMetric('Deferred', MetricUnit.Count, 1);
    logger.info('deferred: waiting is not a failed delivery', {
      cause: deferral.cause,
      delaySeconds: seconds,
      deferrals: next.deferrals,
      deferredSeconds: next.deferredSeconds,
      reason: error.message,
    });
    return true;
  }

  /** True when the record is done, false when SQS must deliver it again. */
  async function handle(decoded: Decoded): Promise<boolean> {
    const { record } = decoded;
    if (!decoded.ok) {
      const logger = ports.logger.createChild({
        persistentKeys: recordKeys(record, options.name, decoded.correlationId),
      });
      return deadLetter(record, 'contract', decoded.reason, logger, decoded.correlationId);
    }
    const { event, envelope } = decoded;
    const history = deferralHistoryOf(record);
    const receiveCount = history.failedDeliveries + receiveCountOf(record);
    const isReplay = typeof envelope['replay-name'] === 'string' || event.replay === true;
    const logger = ports.logger.createChild({
      persistentKeys: {
        ...recordKeys(record, options.name, event.correlationId),
        eventType: event.eventType,
        eventId: event.eventId,
        idempotencyKey: event.idempotencyKey,
        receiveCount,
        ...(isReplay ? { replay: envelope['replay-name'] ?? true } : {}),
      },
    });
    try {
      const result = await run(event, { receiveCount, isReplay, logger });
      if (result.duplicateOf) {
        ports.metrics.addMetric('DuplicatesSuppressed', MetricUnit.Count, 1);
        logger.info('duplicate suppressed: this business change was already handled', {
          firstOutcome: result.duplicateOf.outcome,
        });
        if (isReplay && options.resume && result.duplicateOf.outcome === 'processed')
          await options.resume(event, { receiveCount, isReplay, logger });
      } else {
        logger.info('record processed', { outcome: result.outcome.outcome });
      }
      if (isReplay) ports.metrics.addMetric('ReplaysProcessed', MetricUnit.Count, 1);
      return true;
    } catch (error) {
      const failureClass = classifyFailure(error);
      if (failureClass === 'contract') {
        const violation = error as ContractViolation;
        return deadLetter(
          record,
          'contract',
          { message: violation.message, system: violation.system, details: violation.details },
          logger,
          event.correlationId,
        );
      }
      if (failureClass === 'business') {
        // Only when publishing the exception itself rejected: nothing was remembered, so retry.
        logger.error('business rejection could not be raised; will retry', { error: error as Error });
        return false;
      }
      const inProgress = error instanceof IdempotencyAlreadyInProgressError;
      // Another invocation is handling the same change: wait for it, a little longer each time.
      const deferral: Deferral | undefined = inProgress
        ? { seconds: failureBackoff(history.deferrals + 2, 60), cause: 'in-progress' }
        : deferralOf(error, history.deferrals);
      if (deferral) return defer(record, event, deferral, error as Error, history, logger);
      const lastDelivery = options.maxReceiveCount !== undefined && receiveCount >= options.maxReceiveCount;
      // A system that stays down past the receive count is still an outage, not work that cannot
      // succeed: it is looked at again every minute at most, up to the deferral cap, never
      // dead-lettered. Only an error no system owns (a defect) is.
      if (lastDelivery && error instanceof TransientFailure)
        return defer(
          record,
          event,
          { seconds: failureBackoff(receiveCount, OUTAGE_RECHECK_SECONDS), cause: 'outage' },
          error,
          history,
          logger,
          { failed: true },
        );
      if (lastDelivery) {
        const sent = await deadLetter(
          record,
          'transient',
          {
            message: `failed on its last delivery (${receiveCount}/${options.maxReceiveCount}): ${(error as Error).message}`,
            ...(error instanceof TransientFailure ? { system: error.system } : {}),
          },
          logger,
          event.correlationId,
        );
        if (sent) return true;
      }
      const backoff = failureBackoff(receiveCount, maxDelay);
      logger.warn('transient failure; SQS will deliver the record again', {
        failureClass,
        retryInSeconds: backoff,
        error: error as Error,
      });
      await delay(record, backoff, logger);
      return false;
    }
  }

  return async (sqsEvent, context) => {
    beginInvocation(context);
    if (context) {
      // In-progress records of an invocation that dies expire with it, not after the whole window.
      config.registerLambdaContext(context);
      ports.logger.addContext(context);
    }
    try {
      const decoded = sqsEvent.Records.map((record) => decode(record, options.validators));
      // One lane per business change: duplicates within a batch run in turn, so the second is
      // suppressed instead of bouncing off the first one's in-progress record.
      const lanes = new Map<string, Decoded[]>();
      for (const item of decoded) {
        const key = item.ok ? item.event.idempotencyKey : `message:${item.record.messageId}`;
        const lane = lanes.get(key);
        if (lane) lane.push(item);
        else lanes.set(key, [item]);
      }
      const failures: string[] = [];
      await runBounded([...lanes.values()], concurrency, async (lane) => {
        for (const item of lane) {
          let done: boolean;
          try {
            done = await handle(item);
          } catch (error) {
            ports.logger.error('unexpected error handling a record', {
              messageId: item.record.messageId,
              error: error as Error,
            });
            done = false;
          }
          if (!done) failures.push(item.record.messageId);
        }
      });
      // Keep the batch order: the event source mapping does not need it, but logs and tests read better.
      const failed = new Set(failures);
      return {
        batchItemFailures: sqsEvent.Records.filter((record) => failed.has(record.messageId)).map(
          (record) => ({ itemIdentifier: record.messageId }),
        ),
      };
    } finally {
      ports.metrics.publishStoredMetrics();
    }
  };
}

function recordKeys(record: SQSRecord, consumer: string, correlationId: string | undefined) {
  // Without a readable event the message id is the only thread to follow.
  return { correlationId: correlationId ?? `sqs:${record.messageId}`, messageId: record.messageId, consumer };
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value.length > 0 ? value : '-' };
}

/** `arn:aws:sqs:eu-west-1:123456789012:name` -> `https://sqs.eu-west-1.amazonaws.com/123456789012/name`. */
export function queueUrlFromArn(arn: string): string {
  const [, partition, service, region, account, name] = arn.split(':');
  if (service !== 'sqs' || !region || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/** Runs `work` over the items with at most `limit` at once (one implementation, in the domain). */
export { runBounded } from '../../domain/concurrency';
