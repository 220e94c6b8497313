/**
 * Bus -> SQS deliveries in SendMessageBatch calls: one call per queue at a time, and the messages
 * that arrive meanwhile go together in the next one (up to 10). At low rates every message still
 * leaves at once; under load the local SQS sees a tenth of the requests. Each message succeeds or
 * fails on its own (a failed entry rejects only its delivery, which the bus retries), so the queue
 * receives exactly what one SendMessage per event would have put there.
 */
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { SqsCall } from './stand-in';

const SQS_MAX_PER_BATCH = 10;
/** A batch's total size limit (SQS: the sum of the bodies and attributes, 1 MiB). */
const SQS_MAX_BATCH_BYTES = 1024 * 1024;

type Entry = Omit<SendMessageBatchRequestEntry, 'Id'>;

interface Pending {
  entry: Entry;
  resolve(): void;
  reject(error: Error): void;
}

/** Sends messages to SQS queues in batches; one per runtime. */
export class SqsBatchSender {
  private readonly queues = new Map<string, { pending: Pending[]; sending: boolean }>();

  constructor(private readonly sqs: SqsCall) {}

  /** Resolves once the message is on the queue; rejects with the entry's error. */
  send(queueUrl: string, entry: Entry): Promise<void> {
    let queue = this.queues.get(queueUrl);
    if (!queue) {
      queue = { pending: [], sending: false };
      this.queues.set(queueUrl, queue);
    }
    const sent = new Promise<void>((resolve, reject) => queue.pending.push({ entry, resolve, reject }));
    if (!queue.sending) void this.drain(queueUrl, queue);
    return sent;
  }

  private async drain(queueUrl: string, queue: { pending: Pending[]; sending: boolean }): Promise<void> {
    queue.sending = true;
    // One turn of the event loop gathers the deliveries of the events routed together.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (queue.pending.length > 0) {
        const batch = takeBatch(queue.pending);
        try {
          const response = await this.sqs('SendMessageBatch', {
            QueueUrl: queueUrl,
            Entries: batch.map((p, index) => ({ ...p.entry, Id: String(index) })),
          });
          const failed = new Map((response.Failed ?? []).map((f) => [f.Id, f]));
          for (const [index, p] of batch.entries()) {
            const failure = failed.get(String(index));
            if (failure)
              p.reject(Object.assign(new Error(failure.Message ?? failure.Code), { name: failure.Code }));
            else p.resolve();
          }
        } catch (error) {
          for (const p of batch) p.reject(error as Error);
        }
      }
    } finally {
      queue.sending = false;
    }
  }
}

/** The next batch: up to 10 messages within the size limit (always at least one). */
function takeBatch(pending: Pending[]): Pending[] {
  let count = 0;
  let bytes = 0;
  while (count < Math.min(SQS_MAX_PER_BATCH, pending.length)) {
    const { entry } = pending[count]!;
    bytes +=
      Buffer.byteLength(entry.MessageBody ?? '') + JSON.stringify(entry.MessageAttributes ?? {}).length;
    if (count > 0 && bytes > SQS_MAX_BATCH_BYTES) break;
    count++;
  }
  return pending.splice(0, count);
}
