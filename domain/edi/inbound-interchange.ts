/**
 * One file a partner put in its inbound mailbox, end to end:
 *
 * 1. Read the file as a stream, one transaction set at a time (separators from the ISA): what is
 *    kept of each set is its verdict and, for an 855, what it says, so a large file is never held
 *    whole. No readable ISA, an unknown sender, or a sender writing in
 *    another partner's folder: nobody to answer; kept for a person as an integration exception
 *    naming the file (the file itself stays where it is: files are never changed).
 * 2. Check every group that is not a 997 and answer it with a 997 (functional-acknowledgement.ts),
 *    written to `outbound/<partner>/`. Its interchange number and date are recorded per file, so a
 *    retry writes the same 997.
 * 3. A repeat of the same sender and ISA13 in another file is a duplicate: acknowledged again,
 *    counted, nothing applied.
 * 4. Accepted 855s become `purchase-order.acknowledged`, the event the procurement platform's
 *    webhook produces, for the revision of the last 850 sent; rejected sets, and 997s rejecting
 *    our 850s, become integration exceptions with their reasons.
 */
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { EdiLedger, ReceivedFile } from '../ports/edi-ledger';
import type { EdiMailbox } from '../ports/edi-mailbox';
import type { X12Codec } from '../ports/edi-x12';
import { readAcknowledgement855, type PartnerAcknowledgement } from './acknowledgement-855';
import { outgoingInterchange } from './envelope';
import {
  functionalAcknowledgement997,
  groupCheck,
  type GroupAcknowledgement,
  type GroupCheck,
} from './functional-acknowledgement';
import { ediException, type ExceptionFacts } from './exceptions';
import {
  controlNumber as padded,
  element,
  instantOf,
  UnstructuredInterchange,
  type InterchangeItem,
  type ReceivedTransactionSet,
  type Segment,
} from './interchange';
import { MAILBOX, partnerBySender, type TradingPartner } from './partners';

/** What receiving needs. */
export interface InboundPorts {
  readonly partners: readonly TradingPartner[];
  readonly ledger: EdiLedger;
  readonly mailbox: EdiMailbox;
  readonly codec: X12Codec;
  publish(events: readonly CanonicalEvent[]): Promise<void>;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly tenantId: string;
  /** Counts duplicates and rejections (EMF in Lambda). */
  metric?(name: string, value: number, dimensions: Record<string, string>): void;
}

/** What became of one file. */
export type InboundOutcome =
  | { readonly outcome: 'kept-for-a-person'; readonly reason: string }
  | {
      readonly outcome: 'acknowledged' | 'duplicate';
      readonly partnerId: string;
      readonly groups: readonly GroupAcknowledgement[];
      /** The 997's mailbox key, when a group needed one. */
      readonly acknowledgementKey?: string;
      readonly published: number;
    };

/** Receives the file at `key` (see the file header). */
export async function receiveInterchange(key: string, ports: InboundPorts): Promise<InboundOutcome> {
  const facts: ExceptionFacts = { key, tenantId: ports.tenantId, now: ports.now, newId: ports.newId };
  const keep = async (code: string, reason: string, partnerId?: string) => {
    await ports.publish([ediException(code, reason, facts, { partnerId })]);
    ports.metric?.('EdiFilesKeptForAPerson', 1, { Reason: code });
    return { outcome: 'kept-for-a-person', reason } as const;
  };
  const opened = await ports.codec.open(ports.mailbox.stream(key));
  if (opened.kind === 'unreadable') return keep('EDI_INTERCHANGE_UNREADABLE', `${key}: ${opened.reason}`);
  const partner = partnerBySender(ports.partners, opened.sender, opened.receiver);
  const folder = MAILBOX.inboundPartnerOf(key);
  if (!partner || partner.partnerId !== folder)
    return keep(
      'EDI_UNKNOWN_SENDER',
      `${key}: the ISA sender and receiver are not a trading partner writing in its own inbound folder`,
    );
  let interchange: ReadInterchange;
  try {
    interchange = await readInterchange(opened.controlNumber, opened.items, partner);
  } catch (error) {
    if (!(error instanceof UnstructuredInterchange)) throw error;
    return keep('EDI_INTERCHANGE_UNREADABLE', `${key}: ${error.message}`, partner.partnerId);
  }

  const envelopeProblem = interchangeEnvelopeProblem(interchange);
  const answered = interchange.groups.filter((group) => !group.isAcknowledgement);
  const acknowledgements = answered.map((group) =>
    envelopeProblem ? rejectedWhole(group) : group.acknowledgement!,
  );

  const file = await answerOnce(partner, key, ports);
  const firstKey = await ports.ledger.claimInterchange(partner.partnerId, interchange.controlNumber, key);
  let acknowledgementKey: string | undefined;
  if (acknowledgements.length > 0) {
    acknowledgementKey = `${MAILBOX.outboundPrefix(partner.partnerId)}${padded(file.acknowledgementNumber, 9)}-997.x12`;
    const text = ports.codec.encode(
      outgoingInterchange(
        partner,
        '997',
        file.acknowledgementNumber,
        new Date(file.preparedAt),
        acknowledgements.map(functionalAcknowledgement997),
      ),
    );
    await ports.mailbox.write(acknowledgementKey, text);
  }
  const result = { partnerId: partner.partnerId, groups: acknowledgements, acknowledgementKey };
  if (firstKey !== key) {
    ports.metric?.('EdiDuplicateInterchanges', 1, { Partner: partner.partnerId });
    return { outcome: 'duplicate', ...result, published: 0 };
  }

  const events: CanonicalEvent[] = [];
  if (envelopeProblem)
    events.push(
      ediException('EDI_INTERCHANGE_ENVELOPE', `${key}: ${envelopeProblem}`, facts, {
        partnerId: partner.partnerId,
      }),
    );
  for (const [index, group] of answered.entries())
    events.push(...(await groupEvents(group, acknowledgements[index]!, partner, interchange, facts, ports)));
  for (const group of interchange.groups.filter((g) => g.isAcknowledgement)) {
    await recordAcknowledgementsOfOurOrders(group.acknowledgementSets, partner, ports);
    events.push(...rejectionsOfOurOrders(group.acknowledgementSets, partner, facts));
  }
  if (events.length > 0) await ports.publish(events);
  return { outcome: 'acknowledged', ...result, published: events.length };
}

/** The 997's number and date for this file: taken once, then the same on every retry. */
async function answerOnce(partner: TradingPartner, key: string, ports: InboundPorts): Promise<ReceivedFile> {
  const acknowledgementNumber = await ports.ledger.nextInterchangeNumber(partner.partnerId);
  return ports.ledger.recordReceivedFile({
    partnerId: partner.partnerId,
    key,
    acknowledgementNumber,
    preparedAt: ports.now().toISOString(),
  });
}

/** What is kept of one functional group once read: its answer, never its sets (but a 997's). */
interface ReadGroup {
  readonly header: Segment;
  /** A 997 group (GS01 `FA`): answers what we sent, is not itself answered. */
  readonly isAcknowledgement: boolean;
  readonly setCount: number;
  /** The group's answer (not for a 997 group). */
  readonly acknowledgement?: GroupAcknowledgement;
  /** What each accepted 855 says, by the set's position in the group. */
  readonly acknowledgements855: ReadonlyMap<number, PartnerAcknowledgement>;
  /** The sets of a 997 group (small: they answer our own groups). */
  readonly acknowledgementSets: readonly ReceivedTransactionSet[];
}

/** What is kept of an interchange once read. */
interface ReadInterchange {
  readonly controlNumber: string;
  readonly groups: readonly ReadGroup[];
  readonly trailer: Segment | null;
}

/** Reads the interchange's items a set at a time, checking each set as it comes. */
async function readInterchange(
  controlNumber: string,
  items: AsyncIterable<InterchangeItem>,
  partner: TradingPartner,
): Promise<ReadInterchange> {
  const groups: ReadGroup[] = [];
  let trailer: Segment | null = null;
  let current:
    | {
        header: Segment;
        check?: GroupCheck;
        setCount: number;
        acknowledgements855: Map<number, PartnerAcknowledgement>;
        acknowledgementSets: ReceivedTransactionSet[];
      }
    | undefined;
  let last855: PartnerAcknowledgement | string | undefined;
  const contentChecks = {
    '855': (set: ReceivedTransactionSet) => {
      last855 = readAcknowledgement855(set, partner);
      return typeof last855 === 'string' ? last855 : undefined;
    },
  };
  for await (const item of items) {
    if (item.kind === 'group') {
      const isAcknowledgement = element(item.header, 1) === 'FA';
      current = {
        header: item.header,
        check: isAcknowledgement ? undefined : groupCheck(item.header, partner.sends, contentChecks),
        setCount: 0,
        acknowledgements855: new Map(),
        acknowledgementSets: [],
      };
    } else if (item.kind === 'set' && current) {
      const index = current.setCount++;
      if (!current.check) {
        current.acknowledgementSets.push(item.set);
        continue;
      }
      last855 = undefined;
      const answer = current.check.add(item.set);
      if (answer.verdict.status === 'A' && last855 !== undefined && typeof last855 !== 'string')
        current.acknowledgements855.set(index, last855);
    } else if (item.kind === 'group-end' && current) {
      groups.push({
        header: current.header,
        isAcknowledgement: !current.check,
        setCount: current.setCount,
        acknowledgement: current.check?.finish(item.trailer),
        acknowledgements855: current.acknowledgements855,
        acknowledgementSets: current.acknowledgementSets,
      });
      current = undefined;
    } else if (item.kind === 'end') trailer = item.trailer;
  }
  return { controlNumber, groups, trailer };
}

/** What is wrong with the ISA/IEA pair, when the counts say so. */
function interchangeEnvelopeProblem(interchange: ReadInterchange): string | undefined {
  if (!interchange.trailer) return 'the interchange has no IEA trailer';
  // The X12 library reads ISA13 and IEA02 as integers.
  if (Number(element(interchange.trailer, 2)) !== Number(interchange.controlNumber))
    return `IEA02 (${element(interchange.trailer, 2)}) is not ISA13 (${interchange.controlNumber})`;
  if (element(interchange.trailer, 1) !== String(interchange.groups.length))
    return `IEA01 (${element(interchange.trailer, 1)}) is not the number of groups (${interchange.groups.length})`;
  if (!/^\d{9}$/.test(interchange.controlNumber))
    return `ISA13 (${interchange.controlNumber}) is not 9 digits`;
  return undefined;
}

/** A group of an interchange whose own envelope is wrong: rejected whole, nothing in it applied. */
function rejectedWhole(group: ReadGroup): GroupAcknowledgement {
  return {
    functionalId: element(group.header, 1),
    controlNumber: element(group.header, 6),
    status: 'R',
    included: group.setCount,
    received: group.setCount,
    sets: [],
  };
}

async function groupEvents(
  group: ReadGroup,
  acknowledgement: GroupAcknowledgement,
  partner: TradingPartner,
  interchange: ReadInterchange,
  facts: ExceptionFacts,
  ports: InboundPorts,
): Promise<CanonicalEvent[]> {
  const events: CanonicalEvent[] = [];
  const where = `${facts.key} group ${acknowledgement.controlNumber}`;
  if (acknowledgement.groupError)
    events.push(
      ediException('EDI_GROUP_REJECTED', `${where}: ${acknowledgement.groupError.reason}`, facts, {
        partnerId: partner.partnerId,
      }),
    );
  const offset = partner.utcOffsetMinutes ?? 0;
  const sentAt = instantOf(element(group.header, 4), element(group.header, 5).slice(0, 4), offset);
  for (const [index, set] of acknowledgement.sets.entries()) {
    const at = `${where} set ${set.controlNumber}`;
    if (set.verdict.status === 'R') {
      events.push(
        ediException(
          'EDI_DOCUMENT_REJECTED',
          `${at} (${set.setId}): ${set.verdict.reason} (AK5 R ${set.verdict.code})`,
          facts,
          { partnerId: partner.partnerId },
        ),
      );
      continue;
    }
    const read = group.acknowledgements855.get(index);
    if (set.setId !== '855' || !read) continue;
    const sent = await ports.ledger.latestTransmission(partner.partnerId, read.poNumber);
    if (!sent || !sentAt) {
      const why = !sent
        ? `no 850 was sent to ${partner.partnerId} for ${read.poNumber}`
        : 'GS04/GS05 is not a date and time';
      events.push(
        ediException('EDI_ACKNOWLEDGEMENT_NOT_APPLIED', `${at}: ${why}`, facts, {
          partnerId: partner.partnerId,
          poNumber: read.poNumber,
        }),
      );
      continue;
    }
    const reference = `edi:${partner.partnerId}:${interchange.controlNumber}:${acknowledgement.controlNumber}:${set.controlNumber}`;
    events.push(
      buildEvent(
        'purchase-order.acknowledged',
        {
          poNumber: read.poNumber,
          revision: sent.revision,
          supplierNumber: partner.supplierNumber,
          acknowledgedAt: sentAt.toISOString(),
          lines: read.lines,
        },
        {
          sourceObjectId: read.poNumber,
          sourceVersion: sent.revision,
          occurredAt: sentAt,
          correlationId: reference,
          causationId: reference,
          // As the platform's webhook keys it: a later confirmation of the revision is a new fact.
          idempotencyKey: `purchase-order-ack:${read.poNumber}:r${sent.revision}:${sentAt.getTime()}`,
          tenantId: ports.tenantId,
        },
        { now: ports.now, newId: ports.newId },
      ),
    );
  }
  return events;
}

/** Every 850 group a 997 answers, accepted or not, is no longer awaited (missing-acknowledgements.ts). */
async function recordAcknowledgementsOfOurOrders(
  sets: readonly ReceivedTransactionSet[],
  partner: TradingPartner,
  ports: InboundPorts,
): Promise<void> {
  for (const set of sets) {
    const ak1 = set.segments.find((s) => s.tag === 'AK1');
    // Our GS06 is the interchange number (ISA13) of the 850 it answers.
    const interchangeNumber = ak1 && element(ak1, 1) === 'PO' ? Number(element(ak1, 2)) : NaN;
    if (Number.isSafeInteger(interchangeNumber))
      await ports.ledger.recordAcknowledgement(
        partner.partnerId,
        interchangeNumber,
        ports.now().toISOString(),
      );
  }
}

/** A 997 from the partner rejecting (wholly or partly) a group we sent: the partner never took those orders. */
function rejectionsOfOurOrders(
  sets: readonly ReceivedTransactionSet[],
  partner: TradingPartner,
  facts: ExceptionFacts,
): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  for (const set of sets) {
    const ak1 = set.segments.find((s) => s.tag === 'AK1');
    const ak9 = set.segments.find((s) => s.tag === 'AK9');
    if (!ak1 || element(ak1, 1) !== 'PO') continue;
    const rejectedSets = set.segments.filter((s) => s.tag === 'AK5' && element(s, 1) === 'R').length;
    if (rejectedSets === 0 && element(ak9 ?? { tag: 'AK9', elements: [] }, 1) !== 'R') continue;
    events.push(
      ediException(
        'EDI_PURCHASE_ORDER_REJECTED',
        `${partner.partnerId} rejected our 850 interchange group ${element(ak1, 2)} (${facts.key}): the partner did not take the order; a person must act.`,
        facts,
        { partnerId: partner.partnerId, groupControlNumber: element(ak1, 2) },
      ),
    );
  }
  return events;
}
