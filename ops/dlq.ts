/**
 * Dead-letter queues: their depth, what is in them (without consuming it) and the redrive of all
 * or some of their messages back to the queue they came from.
 *
 * A redrive receives a message, sends its original body to the source queue and deletes it from
 * the DLQ only once that send succeeded: a failure in between leaves the message in the DLQ (at
 * worst it is sent twice, which the consumers' idempotency suppresses), never lost. Messages a
 * filter leaves out are made visible again at once.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  deadLetterQueues,
  resolveDeadLetterQueues,
  type DeadLetterQueueRef,
  type StackTopology,
} from './topology';

/** Depth of one DLQ. */
export interface DeadLetterQueueDepth {
  consumer: string;
  kind: DeadLetterQueueRef['kind'];
  queue: string;
  /** Messages waiting (ApproximateNumberOfMessages). */
  depth: number;
  /** Messages someone holds right now (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  /** Where a redrive sends them. */
  source: string;
}

/** One dead-lettered message, as an operator reads it. */
export interface DeadLetter {
  messageId: string;
  queue: string;
  consumer: string;
  kind: DeadLetterQueueRef['kind'];
  /** `detail-type` of the EventBridge event in the body. */
  eventType?: string;
  correlationId?: string;
  /** `contract`, `transient`, `business`, `delivery` (EventBridge could not deliver) or `retries-exhausted`. */
  failureClass: string;
  /** Why it failed, one line. */
  failureReason: string;
  /** Queue the redrive sends it to. */
  sourceQueue: string;
  receiveCount?: number;
  sentAt?: string;
  body: string;
}

/** Which messages a redrive moves. */
export interface RedriveFilter {
  eventType?: string;
  correlationId?: string;
}

/** Progress of a long operation. */
export type Progress = (line: string) => void;

/** What a redrive did (or would do). */
export interface RedriveResult {
  dryRun: boolean;
  /** Moved (or, in a dry run, would move). */
  moved: DeadLetter[];
  /** Left in the DLQ because the filter did not select them. */
  kept: number;
  /** Selected but not moved: the send or the delete failed (the message stays in the DLQ unless the delete failed). */
  failed: { message: DeadLetter; error: string }[];
}

/** Every DLQ of the stack with its depth. */
export async function listDeadLetterQueues(
  sqs: SQSClient,
  topology: StackTopology,
): Promise<DeadLetterQueueDepth[]> {
  return Promise.all(
    deadLetterQueues(topology).map(async (queue) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return {
        consumer: queue.consumer,
        kind: queue.kind,
        queue: queue.name,
        depth: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        source: queue.source.name,
      };
    }),
  );
}

/** Options of a DLQ scan. */
export interface ScanOptions {
  /** Seconds each message stays hidden while the scan pages through the queue. @default 60 */
  holdSeconds?: number;
  /** Long-poll wait of each receive; an empty long poll means the queue has nothing more visible. @default 1 */
  waitSeconds?: number;
  /** Stop after this many messages. @default 10000 */
  max?: number;
  onProgress?: Progress;
}

interface Held {
  letter: DeadLetter;
  receiptHandle: string;
  queue: DeadLetterQueueRef;
  groupId?: string;
}

/**
 * The messages of the consumer's DLQs (or of one DLQ), without consuming them: each is hidden
 * while the scan pages through the queue, then made visible again.
 */
export async function peekDeadLetters(
  sqs: SQSClient,
  topology: StackTopology,
  name: string,
  options: ScanOptions = {},
): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const queue of resolveDeadLetterQueues(topology, name)) {
    const held = await scan(sqs, queue, options);
    await release(sqs, held);
    letters.push(...held.map((h) => h.letter));
  }
  return letters;
}

/** Moves the selected messages of the consumer's DLQs (or of one DLQ) back to the source queue. */
export async function redrive(
  sqs: SQSClient,
  topology: StackTopology,
  name: string,
  options: ScanOptions & RedriveFilter & { dryRun?: boolean } = {},
): Promise<RedriveResult> {
  const result: RedriveResult = { dryRun: options.dryRun === true, moved: [], kept: 0, failed: [] };
  const progress = options.onProgress ?? (() => undefined);
  for (const queue of resolveDeadLetterQueues(topology, name)) {
    const held = await scan(sqs, queue, options);
    const selected = held.filter((h) => selects(h.letter, options));
    const others = held.filter((h) => !selects(h.letter, options));
    result.kept += others.length;
    if (result.dryRun) {
      result.moved.push(...selected.map((h) => h.letter));
      await release(sqs, held);
      continue;
    }
    await release(sqs, others);
    for (const [index, item] of selected.entries()) {
      try {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queue.source.url,
            MessageBody: item.letter.body,
            ...(item.groupId ? { MessageGroupId: item.groupId } : {}),
          }),
        );
      } catch (error) {
        result.failed.push({ message: item.letter, error: `send failed: ${(error as Error).message}` });
        await release(sqs, [item]);
        continue;
      }
      try {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: item.receiptHandle }));
        result.moved.push(item.letter);
      } catch (error) {
        // Sent but still in the DLQ: a second redrive would send it again (idempotency suppresses it).
        result.failed.push({
          message: item.letter,
          error: `sent to ${queue.source.name} but not deleted from the DLQ: ${(error as Error).message}`,
        });
      }
      progress(`${queue.name}: moved ${index + 1}/${selected.length} to ${queue.source.name}`);
    }
  }
  return result;
}

function selects(letter: DeadLetter, filter: RedriveFilter): boolean {
  if (filter.eventType !== undefined && letter.eventType !== filter.eventType) return false;
  if (filter.correlationId !== undefined && letter.correlationId !== filter.correlationId) return false;
  return true;
}

/** Receives every visible message once, holding each hidden for `holdSeconds`. */
async function scan(sqs: SQSClient, queue: DeadLetterQueueRef, options: ScanOptions): Promise<Held[]> {
  const holdSeconds = options.holdSeconds ?? 60;
  const max = options.max ?? 10_000;
  const held = new Map<string, Held>();
  for (;;) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: options.waitSeconds ?? 1,
        VisibilityTimeout: holdSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = answer.Messages ?? [];
    let fresh = 0;
    for (const message of messages) {
      if (!message.MessageId || !message.ReceiptHandle) continue;
      const seen = held.get(message.MessageId);
      // Received again in the same scan (its hold ran out): keep the newest handle, count it once.
      if (seen) {
        seen.receiptHandle = message.ReceiptHandle;
        continue;
      }
      fresh += 1;
      held.set(message.MessageId, {
        letter: describe(message, queue),
        receiptHandle: message.ReceiptHandle,
        queue,
        ...(message.Attributes?.MessageGroupId ? { groupId: message.Attributes.MessageGroupId } : {}),
      });
    }
    if (messages.length > 0) options.onProgress?.(`${queue.name}: read ${held.size} message(s)`);
    if (messages.length === 0 || fresh === 0 || held.size >= max) break;
  }
  return [...held.values()];
}

/** Makes held messages visible again. */
async function release(sqs: SQSClient, held: readonly Held[]): Promise<void> {
  await Promise.all(
    held.map((h) =>
      sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: h.queue.url,
            ReceiptHandle: h.receiptHandle,
            VisibilityTimeout: 0,
          }),
        )
        // The hold expires by itself anyway.
        .catch(() => undefined),
    ),
  );
}

/** Reads failure class, reason, correlation id and event type off a DLQ message. */
export function describe(message: Message, queue: DeadLetterQueueRef): DeadLetter {
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  let body: { 'detail-type'?: unknown; detail?: { correlationId?: unknown } } | undefined;
  try {
    body = JSON.parse(message.Body ?? '') as typeof body;
  } catch {
    body = undefined;
  }
  const eventType = typeof body?.['detail-type'] === 'string' ? body['detail-type'] : undefined;
  const bodyCorrelation = body?.detail?.correlationId;
  const correlationId =
    attribute('correlationId') ?? (typeof bodyCorrelation === 'string' ? bodyCorrelation : undefined);
  const receiveCount = Number(message.Attributes?.ApproximateReceiveCount);
  const sent = Number(message.Attributes?.SentTimestamp);
  let failureClass: string;
  let failureReason: string;
  if (attribute('failureClass')) {
    failureClass = attribute('failureClass')!;
    failureReason = reasonText(attribute('failureReason'));
  } else if (attribute('ERROR_CODE')) {
    failureClass = 'delivery';
    failureReason =
      `EventBridge could not deliver: ${attribute('ERROR_CODE')!}: ${attribute('ERROR_MESSAGE') ?? ''}`.trim();
  } else {
    failureClass = 'retries-exhausted';
    failureReason = 'SQS moved it after the maximum receive count (no reason recorded)';
  }
  const sourceArn = attribute('sourceQueue');
  return {
    messageId: message.MessageId ?? '',
    queue: queue.name,
    consumer: queue.consumer,
    kind: queue.kind,
    ...(eventType ? { eventType } : {}),
    ...(correlationId ? { correlationId } : {}),
    failureClass,
    failureReason,
    // The consumer records the ARN it read from; the redrive goes to the lane's queue either way.
    sourceQueue:
      sourceArn && sourceArn !== 'unknown'
        ? sourceArn.slice(sourceArn.lastIndexOf(':') + 1)
        : queue.source.name,
    ...(Number.isFinite(receiveCount) && receiveCount > 0 ? { receiveCount } : {}),
    ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
    body: message.Body ?? '',
  };
}

/** `{"message": "...", "errors": [...]}` -> `message (pointer: problem; ...)`. */
function reasonText(json: string | undefined): string {
  if (!json) return '(no reason recorded)';
  try {
    const reason = JSON.parse(json) as {
      message?: string;
      errors?: { pointer?: string; message?: string }[];
    };
    const errors = (reason.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.pointer || '/'}: ${e.message ?? ''}`)
      .join('; ');
    const more = (reason.errors?.length ?? 0) > 3 ? `; +${reason.errors!.length - 3} more` : '';
    return `${reason.message ?? json}${errors ? ` (${errors}${more})` : ''}`;
  } catch {
    return json;
  }
}
