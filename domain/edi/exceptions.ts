/** Integration exceptions of the EDI exchange: what a person must see, naming the file it concerns. */
import { createHash } from 'node:crypto';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { ReceivedTransactionSet, Segment } from './interchange';

/** The file an exception concerns, and what stamps its event. */
export interface ExceptionFacts {
  readonly key: string;
  readonly tenantId: string;
  readonly now: () => Date;
  readonly newId: () => string;
}

/**
 * `integration-exception.raised` for `code` about the file `facts.key`: one exception per file,
 * code and message, so a retry raises the same one.
 */
export function ediException(
  code: string,
  message: string,
  facts: ExceptionFacts,
  details: Readonly<Record<string, unknown>>,
  category: 'BUSINESS' | 'TECHNICAL' = 'TECHNICAL',
): CanonicalEvent {
  const exceptionId = `EXC-${createHash('sha256').update(`edi|${facts.key}|${code}|${message}`).digest('hex').slice(0, 32)}`;
  const raisedAt = facts.now();
  return buildEvent(
    'integration-exception.raised',
    {
      exceptionId,
      category,
      code,
      message: message.slice(0, 2000),
      status: 'OPEN',
      objectType: 'EdiInterchange',
      objectId: facts.key.slice(0, 200),
      system: 'supplyline',
      raisedAt: raisedAt.toISOString(),
      details: JSON.stringify({ file: facts.key, ...details }).slice(0, 16_000),
    },
    {
      sourceObjectId: exceptionId,
      sourceVersion: 1,
      occurredAt: raisedAt,
      correlationId: exceptionId,
      idempotencyKey: `IntegrationException#${exceptionId}`,
      tenantId: facts.tenantId,
    },
    facts,
  );
}

/**
 * A transaction set as X12 text (`*` and `~`, one segment a line): the document an exception
 * attaches, so a person reads what the partner sent without opening the interchange.
 */
export function documentText(set: ReceivedTransactionSet): string {
  const line = (segment: Segment) => [segment.tag, ...segment.elements].join('*') + '~';
  return [set.header, ...set.segments, ...(set.trailer ? [set.trailer] : [])].map(line).join('\n');
}
