/**
 * The Lambda event source mapping for SQS, over the local SQS (fauxqs): long-polls the queue,
 * gathers a batch (BatchSize, MaximumBatchingWindowInSeconds), invokes the function with an SQS
 * event, deletes what succeeded (all of the batch, or all but `batchItemFailures` with
 * ReportBatchItemFailures) and leaves the rest to come back after the queue's visibility timeout.
 * Up to MaximumConcurrency batches are in flight per mapping. The redrive to the DLQ after
 * maxReceiveCount is the queue's own (fauxqs applies the RedrivePolicy on receive, as SQS does).
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { InvocationResult } from './functions';
import type { SqsCall } from '../sqs/stand-in';

/** What one mapping does, from the template's AWS::Lambda::EventSourceMapping. */
export interface SqsEventSourceOptions {
  sqs: SqsCall;
  queueUrl: string;
  queueArn: string;
  functionName: string;
  invoke: (functionName: string, event: SQSEvent) => Promise<InvocationResult>;
  region: string;
  /** @default 10 */
  batchSize?: number;
  /** @default 0 */
  maximumBatchingWindowSeconds?: number;
  /** Batches in flight at once. @default 5 (Lambda starts with five pollers) */
  maximumConcurrency?: number;
  reportBatchItemFailures?: boolean;
  /** Long-poll wait per ReceiveMessage. @default 20 */
  waitTimeSeconds?: number;
  /** Called after every batch (dashboard, tests). */
  onBatch?: (outcome: BatchOutcome) => void;
  /** Where poller errors go. @default console.error */
  reportError?: (message: string, error: unknown) => void;
}

/** What happened to one batch. */
export interface BatchOutcome {
  functionName: string;
  queueArn: string;
  messageIds: string[];
  /** Deleted from the queue. */
  deleted: string[];
  /** Left on the queue (they come back after the visibility timeout). */
  retained: string[];
  invocation: InvocationResult;
}

const SQS_MAX_PER_RECEIVE = 10;

/** One running event source mapping. */
export class SqsEventSource {
  private readonly controller = new AbortController();
  private pollers: Promise<void>[] = [];
  private running = false;
  readonly outcomes: BatchOutcome[] = [];

  constructor(private readonly options: SqsEventSourceOptions) {}

  /** Starts the pollers (idempotent). */
  start(): this {
    if (this.running) return this;
    this.running = true;
    const concurrency = Math.max(1, this.options.maximumConcurrency ?? 5);
    this.pollers = Array.from({ length: concurrency }, () => this.poll());
    return this;
  }

  /** Stops polling and waits for the batches in flight to finish (their messages are deleted or retained as usual). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.controller.abort();
    await Promise.allSettled(this.pollers);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      let messages: Message[];
      try {
        messages = await this.gather();
      } catch (error) {
        if (!this.running) return;
        this.report('receive failed', error);
        await sleep(1000, this.controller.signal);
        continue;
      }
      if (messages.length === 0) continue;
      try {
        await this.process(messages);
      } catch (error) {
        this.report('batch handling failed', error);
      }
    }
  }

  /**
   * One batch: a long poll for the first messages; without a batching window that is the batch
   * (as Lambda invokes with what one poll returned), with one it keeps gathering until BatchSize
   * or the window's end.
   */
  private async gather(): Promise<Message[]> {
    const batchSize = this.options.batchSize ?? 10;
    const windowMs = (this.options.maximumBatchingWindowSeconds ?? 0) * 1000;
    const messages = await this.receive(batchSize, this.options.waitTimeSeconds ?? 20);
    if (messages.length === 0 || windowMs === 0) return messages;
    const windowEnds = Date.now() + windowMs;
    while (this.running && messages.length < batchSize && Date.now() < windowEnds) {
      const remaining = windowEnds - Date.now();
      const wait = Math.min(20, Math.floor(remaining / 1000));
      const received = await this.receive(batchSize - messages.length, wait);
      messages.push(...received);
      if (received.length === 0 && wait === 0) await sleep(Math.min(200, remaining), this.controller.signal);
    }
    return messages;
  }

  private async receive(max: number, waitTimeSeconds: number): Promise<Message[]> {
    const response = await this.options.sqs(
      'ReceiveMessage',
      {
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(SQS_MAX_PER_RECEIVE, max),
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      },
      this.controller.signal,
    );
    return response.Messages ?? [];
  }

  private async process(messages: Message[]): Promise<void> {
    const { functionName, queueArn } = this.options;
    const event: SQSEvent = { Records: messages.map((m) => this.record(m)) };
    const invocation = await this.options.invoke(functionName, event);
    const ids = messages.map((m) => m.MessageId!);
    const failed = invocation.ok ? this.failedIds(invocation.payload, ids) : new Set(ids);
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    await this.delete(done);
    const outcome: BatchOutcome = {
      functionName,
      queueArn,
      messageIds: ids,
      deleted: done.map((m) => m.MessageId!),
      retained: ids.filter((id) => failed.has(id)),
      invocation,
    };
    this.outcomes.push(outcome);
    if (this.outcomes.length > 1000) this.outcomes.shift();
    this.options.onBatch?.(outcome);
  }

  /**
   * The records to retry. Without ReportBatchItemFailures a successful invocation completes the
   * whole batch; with it, a response naming an id outside the batch (or malformed) fails the whole
   * batch, as Lambda does.
   */
  private failedIds(payload: unknown, ids: string[]): Set<string> {
    if (!this.options.reportBatchItemFailures) return new Set();
    if (payload === null || payload === undefined || typeof payload !== 'object') return new Set();
    const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    if (!Array.isArray(failures)) return new Set(ids);
    const failed = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !ids.includes(id)) return new Set(ids);
      failed.add(id);
    }
    return failed;
  }

  private async delete(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += SQS_MAX_PER_RECEIVE) {
      const chunk = messages.slice(i, i + SQS_MAX_PER_RECEIVE);
      const response = await this.options.sqs('DeleteMessageBatch', {
        QueueUrl: this.options.queueUrl,
        Entries: chunk.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle! })),
      });
      for (const failure of response.Failed ?? []) {
        this.report(`could not delete message ${chunk[Number(failure.Id)]?.MessageId}`, failure);
      }
    }
  }

  private record(message: Message): SQSRecord {
    const attributes = (message.Attributes ?? {}) as Record<string, string>;
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'AROALOCAL:local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
        ...(attributes.MessageDeduplicationId
          ? { MessageDeduplicationId: attributes.MessageDeduplicationId }
          : {}),
        ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
        ...(attributes.AWSTraceHeader ? { AWSTraceHeader: attributes.AWSTraceHeader } : {}),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          lambdaAttribute(value),
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region,
    } as SQSRecord;
  }

  private report(message: string, error: unknown): void {
    const text = `[event source ${this.options.functionName} <- ${this.options.queueArn}] ${message}`;
    if (this.options.reportError) this.options.reportError(text, error);
    else console.error(text, error);
  }
}

/** SQS message attribute as Lambda's SQS event spells it (camelCase, binary as base64). */
function lambdaAttribute(value: MessageAttributeValue) {
  return {
    dataType: value.DataType ?? 'String',
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
  };
}

/** Binary values arrive base64-encoded over the JSON protocol (as bytes through the SDK). */
function base64(value: Uint8Array | string): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
