import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DEAD_LETTER_QUEUE_URL_ENV_VAR,
  MAX_RECEIVE_COUNT_ENV_VAR,
  QUEUE_URL_ENV_VAR,
} from '../../application/resources';
import { isObjectsCreated, type ResolvedRoute } from '../../application/routing';
import { VISIBILITY_TIMEOUT_FACTOR } from '../../application/routing/lanes';

/** Properties of {@link ConsumerLane}. */
export interface ConsumerLaneProps {
  /** The route with every default applied (`resolveRoutes()`). */
  readonly route: ResolvedRoute;
  /** The bus the rule listens on (the default bus, where S3 sends, for a route on a bucket's objects). */
  readonly bus: events.IEventBus;
  /** The physical name of the bucket of a route on a bucket's objects. */
  readonly bucketName?: string;
  /**
   * The function draining the queue; its timeout must not exceed the route's. It learns its DLQ
   * (DEAD_LETTER_QUEUE_URL, with send access) and the route's MAX_RECEIVE_COUNT.
   */
  readonly consumer: lambda.Function;
  /** Customer-managed key of the queues (EventBridge can use it; the AWS-managed SQS key it cannot). */
  readonly encryptionKey: kms.IKey;
  /** Physical queue names are `<prefix>-<consumer>[-dlq|-delivery-dlq]` (operators redrive by name). */
  readonly queueNamePrefix: string;
  readonly alarms: {
    /** Alarm when a DLQ holds more than this many messages. @default 0 */
    readonly dlqDepthThreshold?: number;
    /** Alarm when the queue's oldest message is older than this. */
    readonly oldestMessageAgeSeconds: number;
    readonly actions?: readonly cloudwatch.IAlarmAction[];
    /** Where the alarms live (the monitoring nested stack keeps them out of the main stack's 500). @default the lane */
    readonly scope?: Construct;
  };
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/** DLQs keep messages for the SQS maximum so nothing expires before a person redrives it. */
export const DLQ_RETENTION = Duration.days(14);

/**
 * One consumer of canonical events: EventBridge rule (route pattern) -> SQS queue (KMS, TLS-only,
 * DLQ after maxReceiveCount) -> Lambda event source mapping (batch, window, MaximumConcurrency,
 * partial batch failures). EventBridge delivery failures go to a separate delivery DLQ.
 * Alarms: each DLQ deeper than the threshold, and the queue's oldest message age.
 */
export class ConsumerLane extends Construct {
  public readonly route: ResolvedRoute;
  public readonly queue: sqs.Queue;
  /** Messages the consumer failed `maxReceiveCount` times. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Events EventBridge could not deliver to the queue. */
  public readonly deliveryDeadLetterQueue: sqs.Queue;
  public readonly rule: events.Rule;
  public readonly eventSource: sources.SqsEventSource;
  public readonly dlqDepthAlarm: cloudwatch.Alarm;
  public readonly deliveryDlqDepthAlarm: cloudwatch.Alarm;
  public readonly oldestMessageAgeAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ConsumerLaneProps) {
    super(scope, id);
    validate(props);
    const { route } = props;
    this.route = route;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const queueName = `${props.queueNamePrefix}-${route.consumer}`;
    // The DLQ names its only allowed source queue by ARN built from the name: referencing the
    // queue construct would be a circular dependency (the queue's redrive policy names the DLQ).
    const sourceQueueArn = Stack.of(this).formatArn({ service: 'sqs', resource: queueName });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${queueName}-dlq`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'SourceQueueRef', sourceQueueArn)],
      },
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      // Data key reuse keeps KMS calls (and cost) per message low.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(route.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: route.maxReceiveCount },
      removalPolicy,
    });
    this.deliveryDeadLetterQueue = new sqs.Queue(this, 'DeliveryDeadLetterQueue', {
      queueName: `${queueName}-delivery-dlq`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
      removalPolicy,
    });
    Validations.of(this.deliveryDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the EventBridge target dead-letter queue (rule DeadLetterConfig), a terminal queue ' +
        'watched by a depth alarm; cdk-nag only recognises queues used as DLQ by other queues or functions.',
    });

    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.bus,
      description: `${route.consumer} (${route.lane}): ${route.description}`.slice(0, 512),
      eventPattern: toEventPattern(route, props.bucketName),
      targets: [
        new targets.SqsQueue(this.queue, {
          deadLetterQueue: this.deliveryDeadLetterQueue,
          retryAttempts: route.delivery.retryAttempts,
          maxEventAge: Duration.seconds(route.delivery.maxEventAgeSeconds),
        }),
      ],
    });

    this.eventSource = new sources.SqsEventSource(this.queue, {
      batchSize: route.batchSize,
      maxBatchingWindow:
        route.maxBatchingWindowSeconds > 0 ? Duration.seconds(route.maxBatchingWindowSeconds) : undefined,
      maxConcurrency: route.maxConcurrency,
      reportBatchItemFailures: true,
    });
    props.consumer.addEventSource(this.eventSource);
    // The consumer dead-letters contract violations itself, with the reason (functions/commons/consumer.ts).
    // Exact actions: grantSendMessages would add kms:GenerateDataKey* and kms:ReEncrypt*.
    props.consumer.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );
    // Work that must wait (an open breaker, the request budget) is deferred by sending it to the same
    // queue again with a delay, so waiting spends no receive count (functions/commons/consumer-deferral.ts).
    props.consumer.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    props.encryptionKey.grant(props.consumer, 'kms:GenerateDataKey', 'kms:Decrypt');
    props.consumer.addEnvironment(DEAD_LETTER_QUEUE_URL_ENV_VAR, this.deadLetterQueue.queueUrl);
    props.consumer.addEnvironment(MAX_RECEIVE_COUNT_ENV_VAR, String(route.maxReceiveCount));
    // The queue's URL as deployed, rather than one rebuilt from its ARN (endpoints differ by partition and locally).
    props.consumer.addEnvironment(QUEUE_URL_ENV_VAR, this.queue.queueUrl);

    const threshold = props.alarms.dlqDepthThreshold ?? 0;
    const alarmScope = props.alarms.scope ? new Construct(props.alarms.scope, id) : this;
    this.dlqDepthAlarm = depthAlarm(
      alarmScope,
      'DeadLetterQueueDepthAlarm',
      this.deadLetterQueue,
      threshold,
      `${route.consumer}: messages the consumer could not process are waiting in ${queueName}-dlq`,
    );
    this.deliveryDlqDepthAlarm = depthAlarm(
      alarmScope,
      'DeliveryDeadLetterQueueDepthAlarm',
      this.deliveryDeadLetterQueue,
      threshold,
      `${route.consumer}: EventBridge could not deliver events to ${queueName}`,
    );
    this.oldestMessageAgeAlarm = new cloudwatch.Alarm(alarmScope, 'OldestMessageAgeAlarm', {
      alarmDescription: `${route.consumer} (${route.lane} lane) is falling behind: oldest message older than ${props.alarms.oldestMessageAgeSeconds}s`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: props.alarms.oldestMessageAgeSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.dlqDepthAlarm, this.deliveryDlqDepthAlarm, this.oldestMessageAgeAlarm]) {
      alarm.addAlarmAction(...(props.alarms.actions ?? []));
    }
  }
}

function depthAlarm(scope: Construct, id: string, queue: sqs.IQueue, threshold: number, description: string) {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    }),
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** The route's pattern in the shape events.Rule takes; a route on a bucket's objects names the bucket. */
export function toEventPattern(route: ResolvedRoute, bucketName?: string): events.EventPattern {
  const pattern = route.pattern;
  if (isObjectsCreated(pattern)) {
    if (bucketName === undefined)
      throw new Error(`ConsumerLane '${route.consumer}': give the name of its bucket`);
    return {
      source: ['aws.s3'],
      detailType: ['Object Created'],
      detail: {
        bucket: { name: [bucketName] },
        object: { key: [{ prefix: pattern.objectsCreated.prefix }] },
      },
    };
  }
  return {
    source: [...pattern.source],
    detailType: [...pattern['detail-type']],
    ...(pattern.detail ? { detail: { ...pattern.detail } } : {}),
  };
}

function validate(props: ConsumerLaneProps): void {
  const { route } = props;
  const problems: string[] = [];
  const fnTimeout = props.consumer.timeout?.toSeconds() ?? 3;
  if (fnTimeout > route.timeoutSeconds) {
    problems.push(`consumer timeout ${fnTimeout}s exceeds the route's ${route.timeoutSeconds}s`);
  }
  if (route.visibilityTimeoutSeconds < VISIBILITY_TIMEOUT_FACTOR * fnTimeout) {
    problems.push(
      `visibility timeout ${route.visibilityTimeoutSeconds}s is below ${VISIBILITY_TIMEOUT_FACTOR}x the consumer timeout (${fnTimeout}s)`,
    );
  }
  if (route.visibilityTimeoutSeconds > 43_200)
    problems.push('visibility timeout above the SQS maximum of 12 h');
  const longest = `${props.queueNamePrefix}-${route.consumer}-delivery-dlq`;
  if (longest.length > 80) problems.push(`queue name '${longest}' is longer than SQS's 80 characters`);
  if (!/^[A-Za-z0-9_-]+$/.test(props.queueNamePrefix))
    problems.push('queueNamePrefix may hold only A-Z a-z 0-9 _ -');
  if (props.alarms.oldestMessageAgeSeconds <= 0)
    problems.push('alarms.oldestMessageAgeSeconds must be positive');
  if (problems.length > 0) throw new Error(`ConsumerLane '${route.consumer}': ${problems.join('; ')}`);
}
