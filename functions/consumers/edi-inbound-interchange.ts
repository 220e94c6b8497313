/**
 * Consumer of the mailbox bucket's `Object Created` events (S3 -> EventBridge -> the
 * edi-inbound-interchange queue): each file a partner put under `inbound/<partner>/` is received
 * (domain/edi/inbound-interchange.ts): answered with a 997, applied, or kept for a person.
 *
 * What cannot be taken is never an error here (it becomes an integration exception naming the
 * file); only a failing AWS call fails a record, which SQS delivers again, and a record that is
 * not an S3 event at all ends in the DLQ after the queue's receives.
 *
 * Environment: EDI_TRADING_PARTNERS, EDI_LEDGER_TABLE_NAME, EDI_MAILBOX_BUCKET_NAME,
 * EVENT_BUS_NAME, TENANT_ID.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  receiveInterchange,
  type InboundOutcome,
  type InboundPorts,
} from '../../domain/edi/inbound-interchange';
import { publish, tenantId } from '../commons/adapters';
import { ediPorts } from '../commons/edi';
import { emitMetric, logger, metrics } from '../commons/powertools';

/** The mailbox key of an EventBridge `Object Created` event, or undefined when the body is not one. */
export function objectKeyOf(body: string): string | undefined {
  try {
    const event = JSON.parse(body) as { 'detail-type'?: unknown; detail?: { object?: { key?: unknown } } };
    const key = event.detail?.object?.key;
    return event['detail-type'] === 'Object Created' && typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Receives each file of the batch; records whose AWS calls failed are reported for redelivery. */
export async function receiveMailboxFiles(
  event: SQSEvent,
  receive: (key: string) => Promise<InboundOutcome>,
  log: Pick<typeof logger, 'info' | 'error'>,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const key = objectKeyOf(record.body);
    if (key === undefined) {
      log.error('not an S3 Object Created event: left for the DLQ', { messageId: record.messageId });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const outcome = await receive(key);
      log.info(`EDI file ${outcome.outcome}`, {
        key,
        ...(outcome.outcome === 'kept-for-a-person'
          ? { reason: outcome.reason }
          : { acknowledgement: outcome.acknowledgementKey, published: outcome.published }),
      });
    } catch (error) {
      log.error('EDI file not received: delivered again', { key, error: String(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

const ports = (): InboundPorts => ({
  ...ediPorts(),
  publish,
  now: () => new Date(),
  newId: randomUUID,
  tenantId: tenantId(),
  metric: (name, value, dimensions) => emitMetric(name, value, 'Count', dimensions),
});

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  try {
    return await receiveMailboxFiles(event, (key) => receiveInterchange(key, ports()), logger);
  } finally {
    metrics.publishStoredMetrics();
  }
}
