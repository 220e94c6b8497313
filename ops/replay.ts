/**
 * Replays a time window of the bus's archive back onto the bus (EventBridge StartReplay), limited
 * to the rules of one event type when asked, and reports what the consumers did with the replayed
 * events: every replayed event carries `replay-name`, each consumer delivery of one counts as
 * `ReplaysProcessed`, and one whose business change was already handled counts as
 * `DuplicatesSuppressed` (idempotency on the business key) instead of being applied again.
 *
 * The counts come from the CloudWatch metrics (namespace Supplyline, dimension service) over the
 * replay's window: in AWS they appear after a few minutes, locally at once.
 */
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeReplayCommand,
  StartReplayCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../adapters/aws/idempotent-publisher';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../application/metrics';
import type { Progress } from './dlq';
import { rulesForEventType, type StackTopology } from './topology';

/** What to replay. */
export interface ReplayRequest {
  from: Date;
  to: Date;
  /** Only the rules that accept this `detail-type` receive the replayed events. */
  eventType?: string;
  /** @default `ops-<timestamp>` */
  replayName?: string;
}

/** How long to wait for what. */
export interface ReplayWaiting {
  /** @default 500 */
  pollMs?: number;
  /** The counts must hold still this long (and the consumer queues be empty) to be final. @default 2000 */
  settleMs?: number;
  /** Metrics need this long to show up (CloudWatch ingestion in AWS). @default 0 */
  metricsDelayMs?: number;
  /** @default 120000 + metricsDelayMs */
  timeoutMs?: number;
  onProgress?: Progress;
}

/** The outcome of a replay. */
export interface ReplayReport {
  replayName: string;
  state: string;
  stateReason?: string;
  /** Rules the replay was limited to (empty: every rule of the bus). */
  rules: string[];
  replayStartTime?: string;
  replayEndTime?: string;
  lastReplayedEventTime?: string;
  /** Consumer deliveries of replayed events (metric ReplaysProcessed). */
  replayed: number;
  /** Of those, already-handled business changes the consumers suppressed (metric DuplicatesSuppressed). */
  duplicatesSuppressed: number;
  /** Replayed deliveries that did change something (not seen before). */
  applied: number;
  /** False when the counts had not settled before the timeout. */
  settled: boolean;
}

/**
 * The archive keeps events longer (90 days in prod) than the consumers remember what they handled
 * (IDEMPOTENCY_WINDOW_SECONDS): an event replayed from before that window would be applied again,
 * not suppressed as a duplicate. Such a replay is refused, saying from when one may start.
 */
export function refuseBeyondIdempotencyWindow(from: Date, now: Date): void {
  const earliest = new Date(now.getTime() - IDEMPOTENCY_WINDOW_SECONDS * 1000);
  if (from < earliest)
    throw new Error(
      `--from ${from.toISOString()} is older than the consumers' idempotency window ` +
        `(${IDEMPOTENCY_WINDOW_SECONDS / 86_400} days): its events would be executed again, not ` +
        `suppressed. Replay from ${earliest.toISOString()} or later; older events need an operator's ` +
        `decision per event (ops dlq show / status purchase-order).`,
    );
}

/** Starts the replay, waits for it and for the consumers, and reports the counts. */
export async function replay(
  clients: { eventBridge: EventBridgeClient; cloudWatch: CloudWatchClient; sqs: SQSClient },
  topology: StackTopology,
  request: ReplayRequest,
  waiting: ReplayWaiting = {},
): Promise<ReplayReport> {
  if (!topology.archive) throw new Error(`stack ${topology.stackName} has no event archive`);
  if (!(request.from < request.to)) throw new Error('--from must be before --to');
  refuseBeyondIdempotencyWindow(request.from, new Date());
  const progress = waiting.onProgress ?? (() => undefined);
  const pollMs = waiting.pollMs ?? 500;
  const settleMs = waiting.settleMs ?? 2000;
  const metricsDelayMs = waiting.metricsDelayMs ?? 0;
  const deadline = Date.now() + (waiting.timeoutMs ?? 120_000 + metricsDelayMs);
  const replayName =
    request.replayName ??
    `ops-${new Date()
      .toISOString()
      .replace(/[^0-9]/g, '')
      .slice(0, 14)}`;
  const rules = request.eventType ? rulesForEventType(topology, request.eventType) : [];
  if (request.eventType && rules.length === 0)
    throw new Error(`no rule of ${topology.bus.name} accepts event type '${request.eventType}'`);

  // Metric data points are per minute: count from the start of the minute the replay starts in.
  const metricsFrom = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  await clients.eventBridge.send(
    new StartReplayCommand({
      ReplayName: replayName,
      Description: `ops replay${request.eventType ? ` of ${request.eventType}` : ''}`,
      EventSourceArn: topology.archive.arn,
      EventStartTime: request.from,
      EventEndTime: request.to,
      Destination: {
        Arn: topology.bus.arn,
        ...(rules.length > 0 ? { FilterArns: rules.map((r) => r.arn) } : {}),
      },
    }),
  );
  progress(`replay ${replayName} started (${request.from.toISOString()} .. ${request.to.toISOString()})`);

  let described = await clients.eventBridge.send(new DescribeReplayCommand({ ReplayName: replayName }));
  while (
    described.State === 'STARTING' ||
    described.State === 'RUNNING' ||
    described.State === 'CANCELLING'
  ) {
    if (Date.now() > deadline) break;
    await sleep(pollMs);
    described = await clients.eventBridge.send(new DescribeReplayCommand({ ReplayName: replayName }));
    progress(`replay ${replayName}: ${described.State ?? '?'}`);
  }

  // Wait for the consumers: their queues drained and the counts holding still.
  const queues = topology.consumers
    .filter((c) => rules.length === 0 || rules.some((r) => r.arn === c.ruleArn))
    .map((c) => c.queue.url);
  if (metricsDelayMs > 0)
    progress(`waiting ${Math.round(metricsDelayMs / 1000)} s for CloudWatch to show the metrics`);
  const settleAfter = Date.now() + metricsDelayMs;
  let counts = await replayCounts(clients.cloudWatch, metricsFrom);
  let stableSince = Date.now();
  let settled = false;
  while (Date.now() < deadline) {
    await sleep(pollMs);
    const next = await replayCounts(clients.cloudWatch, metricsFrom);
    const backlog = await queueBacklog(clients.sqs, queues);
    if (next.replayed !== counts.replayed || next.duplicates !== counts.duplicates || backlog > 0) {
      stableSince = Date.now();
      if (next.replayed !== counts.replayed || next.duplicates !== counts.duplicates)
        progress(`consumers: ${next.replayed} replayed deliveries, ${next.duplicates} duplicates suppressed`);
    }
    counts = next;
    if (Date.now() >= settleAfter && Date.now() - stableSince >= settleMs) {
      settled = true;
      break;
    }
  }
  const iso = (date: Date | undefined) => (date ? date.toISOString() : undefined);
  const duplicates = Math.min(counts.duplicates, counts.replayed);
  return {
    replayName,
    state: described.State ?? 'UNKNOWN',
    ...(described.StateReason ? { stateReason: described.StateReason } : {}),
    rules: rules.map((r) => r.name),
    ...(described.ReplayStartTime ? { replayStartTime: iso(described.ReplayStartTime) } : {}),
    ...(described.ReplayEndTime ? { replayEndTime: iso(described.ReplayEndTime) } : {}),
    ...(described.EventLastReplayedTime
      ? { lastReplayedEventTime: iso(described.EventLastReplayedTime) }
      : {}),
    replayed: counts.replayed,
    duplicatesSuppressed: duplicates,
    applied: counts.replayed - duplicates,
    settled,
  };
}

/** Sums of ReplaysProcessed and DuplicatesSuppressed since `from`. */
export async function replayCounts(
  cloudWatch: CloudWatchClient,
  from: Date,
): Promise<{ replayed: number; duplicates: number }> {
  const query = (id: string, metricName: string) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: METRICS_NAMESPACE,
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
      },
      Period: 60,
      Stat: 'Sum',
    },
  });
  const answer = await cloudWatch.send(
    new GetMetricDataCommand({
      StartTime: from,
      EndTime: new Date(Date.now() + 60_000),
      MetricDataQueries: [query('replayed', 'ReplaysProcessed'), query('duplicates', 'DuplicatesSuppressed')],
    }),
  );
  const sum = (id: string) =>
    (answer.MetricDataResults ?? [])
      .filter((r) => r.Id === id)
      .flatMap((r) => r.Values ?? [])
      .reduce((a, b) => a + b, 0);
  return { replayed: sum('replayed'), duplicates: sum('duplicates') };
}

async function queueBacklog(sqs: SQSClient, urls: readonly string[]): Promise<number> {
  const depths = await Promise.all(
    urls.map(async (url) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    }),
  );
  return depths.reduce((a, b) => a + b, 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
