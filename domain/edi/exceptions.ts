/** Integration exceptions of the EDI exchange: what a person must see, naming the file it concerns. */
import { createHash } from 'node:crypto';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { IntegrationException } from '../../canonical/generated/types';
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

/**
 * The codes of inbound input refused as malformed (an unreadable or unknown interchange, a wrong
 * envelope, a rejected group or set): the file stays in `inbound/<partner>/` and these exceptions
 * are what operators list as rejected files (ops `edi rejected`, the dashboards).
 */
export const REJECTED_INPUT_CODES = [
  'EDI_INTERCHANGE_UNREADABLE',
  'EDI_UNKNOWN_SENDER',
  'EDI_INTERCHANGE_ENVELOPE',
  'EDI_GROUP_REJECTED',
  'EDI_DOCUMENT_REJECTED',
] as const;

/** A code of {@link REJECTED_INPUT_CODES}. */
export type RejectedInputCode = (typeof REJECTED_INPUT_CODES)[number];

/** Whether an exception code says the partner's input was refused as malformed. */
export function isRejectedInputCode(code: string): code is RejectedInputCode {
  return (REJECTED_INPUT_CODES as readonly string[]).includes(code);
}

/** A rejected inbound file as an operator sees it. */
export interface RejectedEdiFile {
  /** The mailbox key of the file, kept unchanged. */
  readonly key: string;
  /** The trading partner, or the folder the file was written in when the sender is no partner. */
  readonly partner: string;
  /** Whether the sender is a known partner (no 997 went back otherwise). */
  readonly knownSender: boolean;
  readonly code: RejectedInputCode;
  readonly reason: string;
  /** When it was received (the exception's raisedAt). */
  readonly receivedAt: string;
  readonly exceptionId: string;
  /** OPEN until a person resolves the exception. */
  readonly status: string;
}

/** The rejected file an integration exception names, or undefined when it names none. */
export function rejectedEdiFile(
  exception: Pick<
    IntegrationException,
    'exceptionId' | 'code' | 'message' | 'objectType' | 'objectId' | 'raisedAt' | 'status' | 'details'
  >,
): RejectedEdiFile | undefined {
  if (exception.objectType !== 'EdiInterchange' || !isRejectedInputCode(exception.code)) return undefined;
  const details = parsedDetails(exception.details);
  const key = typeof details.file === 'string' ? details.file : exception.objectId;
  const partnerId = typeof details.partnerId === 'string' ? details.partnerId : undefined;
  return {
    key,
    partner: partnerId ?? /^inbound\/([^/]+)\//.exec(key)?.[1] ?? '-',
    // Envelope, group and set rejections are only raised once the sender is known as a partner.
    knownSender:
      partnerId !== undefined ||
      (exception.code !== 'EDI_INTERCHANGE_UNREADABLE' && exception.code !== 'EDI_UNKNOWN_SENDER'),
    code: exception.code,
    // The message starts with the key; the reason is what follows it.
    reason: exception.message.startsWith(`${key}`)
      ? exception.message.slice(key.length).replace(/^[\s:]+/, '')
      : exception.message,
    receivedAt: exception.raisedAt,
    exceptionId: exception.exceptionId,
    status: exception.status,
  };
}

function parsedDetails(details: string | null | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(details ?? '{}') as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    // Details are cut at 16,000 characters: a long document leaves no JSON; the file is still objectId.
    return {};
  }
}
