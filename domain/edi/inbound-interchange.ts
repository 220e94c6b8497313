/**
 * One file a partner put in its inbound mailbox, end to end, in two reads of the file as a stream
 * (one transaction set at a time, separators from the ISA), so a large file is never held whole:
 *
 * 1. First read: check every set and group, keeping only each set's verdict. No readable ISA, an
 *    unknown sender, or a sender writing in another partner's folder: nobody to answer; kept for a
 *    person as an integration exception naming the file (the file itself stays where it is: files
 *    are never changed).
 * 2. Answer every group that is not a 997 with a 997 (functional-acknowledgement.ts), written to
 *    `outbound/<partner>/`. Its interchange number and date are recorded per file, so a retry
 *    writes the same 997. An ISA/IEA that disagree reject every group: nothing is applied.
 * 3. A repeat of the same sender and ISA13 in another file is a duplicate: acknowledged again,
 *    counted, nothing applied (and the file is not read again).
 * 4. Second read, once the file is answered and claimed: each answered set is mapped and its events
 *    are published {@link EVENTS_PER_PUBLISH} at a time. Accepted 855s become
 *    `purchase-order.acknowledged`, the event the procurement platform's webhook produces, for the
 *    revision of the last 850 sent; accepted 856s (originals, cancellations and replacements)
 *    become `shipment.milestone-reported`; rejected sets, 855 line rejections and 997s rejecting
 *    our 850s become integration exceptions with their reasons and the set's text. A publish that fails
 *    fails the file, which is received again whole: the same 997, the same idempotency keys.
 */
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import { Decimal } from '../decimal';
import type { EdiLedger, ReceivedFile } from '../ports/edi-ledger';
import type { EdiMailbox, MailboxFile } from '../ports/edi-mailbox';
import type { X12Codec } from '../ports/edi-x12';
import { readAcknowledgement855, type PartnerAcknowledgement } from './acknowledgement-855';
import { readAdvanceShipNotice856, shipmentMilestoneEvent } from './advance-ship-notice-856';
import { outgoingInterchange } from './envelope';
import {
  functionalAcknowledgement997,
  groupCheck,
  type GroupAcknowledgement,
  type GroupCheck,
  type SetAcknowledgement,
} from './functional-acknowledgement';
import { documentText, ediException, isRejectedInputCode, type ExceptionFacts } from './exceptions';
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

/**
 * Events handed to `publish` at a time: what a large file holds of its mapped events at once. Ten
 * is one PutEvents call; 50 (five calls) held a 50 MB file of 856s at 137 MiB RSS, 5 at 97 MiB.
 */
export const EVENTS_PER_PUBLISH = 10;

/** Receives the file at `key` (see the file header). */
export async function receiveInterchange(key: string, ports: InboundPorts): Promise<InboundOutcome> {
  const facts: ExceptionFacts = { key, tenantId: ports.tenantId, now: ports.now, newId: ports.newId };
  const keep = async (code: string, reason: string, partnerId?: string) => {
    await publishCounted([ediException(code, reason, facts, { partnerId })], ports);
    return { outcome: 'kept-for-a-person', reason } as const;
  };
  const file = ports.mailbox.file(key);
  const first = await firstRead(key, file, ports);
  if ('kept' in first) return keep(...first.kept);
  const { partner, interchange } = first;

  const envelopeProblem = interchangeEnvelopeProblem(interchange);
  const answered = interchange.groups.filter((group) => !group.isAcknowledgement);
  const acknowledgements = answered.map((group) =>
    envelopeProblem ? rejectedWhole(group) : group.acknowledgement!,
  );

  const received = await answerOnce(partner, key, ports);
  const firstKey = await ports.ledger.claimInterchange(partner.partnerId, interchange.controlNumber, key);
  let acknowledgementKey: string | undefined;
  if (acknowledgements.length > 0) {
    acknowledgementKey = `${MAILBOX.outboundPrefix(partner.partnerId)}${padded(received.acknowledgementNumber, 9)}-997.x12`;
    const text = ports.codec.encode(
      outgoingInterchange(
        partner,
        '997',
        received.acknowledgementNumber,
        new Date(received.preparedAt),
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

  // Checked, answered and claimed: only now is anything of the file applied, a batch at a time.
  const out = eventBatches((events) => publishCounted(events, ports));
  // Opened before anything is published, so a file replaced since its first read changes nothing.
  const again = needsSecondRead(interchange.groups, acknowledgements)
    ? await ports.codec.open(file.stream())
    : undefined;
  if (envelopeProblem)
    await out.add(
      ediException('EDI_INTERCHANGE_ENVELOPE', `${key}: ${envelopeProblem}`, facts, {
        partnerId: partner.partnerId,
      }),
    );
  for (const acknowledgement of acknowledgements)
    if (acknowledgement.groupError)
      await out.add(
        ediException(
          'EDI_GROUP_REJECTED',
          `${key} group ${acknowledgement.controlNumber}: ${acknowledgement.groupError.reason}`,
          facts,
          { partnerId: partner.partnerId },
        ),
      );
  if (again?.kind === 'interchange')
    await applyInterchange(again.items, interchange, acknowledgements, partner, facts, ports, out);
  else if (again) throw new Error(`${key} was unreadable on its second read`);
  await out.flush();
  return { outcome: 'acknowledged', ...result, published: out.published };
}

/** What the first read found: the file checked, or why it is kept for a person. */
type FirstRead =
  | { readonly kept: readonly [code: string, reason: string, partnerId?: string] }
  | { readonly partner: TradingPartner; readonly interchange: CheckedInterchange };

/** The first read; nothing of what was read outlives it but each set's verdict. */
async function firstRead(key: string, file: MailboxFile, ports: InboundPorts): Promise<FirstRead> {
  const opened = await ports.codec.open(file.stream());
  if (opened.kind === 'unreadable')
    return { kept: ['EDI_INTERCHANGE_UNREADABLE', `${key}: ${opened.reason}`] };
  const partner = partnerBySender(ports.partners, opened.sender, opened.receiver);
  const folder = MAILBOX.inboundPartnerOf(key);
  if (!partner || partner.partnerId !== folder)
    return {
      kept: [
        'EDI_UNKNOWN_SENDER',
        `${key}: the ISA sender and receiver are not a trading partner writing in its own inbound folder`,
      ],
    };
  try {
    return { partner, interchange: await checkInterchange(opened.controlNumber, opened.items, partner) };
  } catch (error) {
    if (!(error instanceof UnstructuredInterchange)) throw error;
    return { kept: ['EDI_INTERCHANGE_UNREADABLE', `${key}: ${error.message}`, partner.partnerId] };
  }
}

/**
 * Publishes, then counts each rejection of malformed input by its code (`EdiInboundRejected`, the
 * dashboards' widget): after the publish, so a retry of a failed publish counts once.
 */
async function publishCounted(events: readonly CanonicalEvent[], ports: InboundPorts): Promise<void> {
  await ports.publish(events);
  for (const event of events) {
    const code =
      event.eventType === 'integration-exception.raised' ? (event.data as { code: string }).code : '';
    if (isRejectedInputCode(code)) ports.metric?.('EdiInboundRejected', 1, { Reason: code });
  }
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

/** What the first read keeps of one functional group: its answer, never its sets. */
interface CheckedGroup {
  readonly header: Segment;
  /** A 997 group (GS01 `FA`): answers what we sent, is not itself answered. */
  readonly isAcknowledgement: boolean;
  readonly setCount: number;
  /** The group's answer (not for a 997 group). */
  readonly acknowledgement?: GroupAcknowledgement;
}

/** What the first read keeps of an interchange: its envelope and each group's answer. */
interface CheckedInterchange {
  readonly controlNumber: string;
  readonly groups: readonly CheckedGroup[];
  readonly trailer: Segment | null;
}

/**
 * The 855s and 856s are read as they are checked, so a set's content decides its AK5; what they
 * say is read again when the set is applied (the first read keeps only the verdict).
 */
function contentChecks(partner: TradingPartner) {
  return {
    '855': (set: ReceivedTransactionSet) => problemOf(readAcknowledgement855(set, partner)),
    '856': (set: ReceivedTransactionSet) => problemOf(readAdvanceShipNotice856(set, partner)),
  };
}

function problemOf(read: object | string): string | undefined {
  return typeof read === 'string' ? read : undefined;
}

/** First read: checks the interchange a set at a time, keeping only each set's answer. */
async function checkInterchange(
  controlNumber: string,
  items: AsyncIterable<InterchangeItem>,
  partner: TradingPartner,
): Promise<CheckedInterchange> {
  const groups: CheckedGroup[] = [];
  const checks = contentChecks(partner);
  let trailer: Segment | null = null;
  let current: { header: Segment; check?: GroupCheck; setCount: number } | undefined;
  for await (const item of items) {
    if (item.kind === 'group') {
      const isAcknowledgement = element(item.header, 1) === 'FA';
      current = {
        header: item.header,
        check: isAcknowledgement ? undefined : groupCheck(item.header, partner.sends, checks),
        setCount: 0,
      };
    } else if (item.kind === 'set' && current) {
      current.setCount += 1;
      current.check?.add(item.set);
    } else if (item.kind === 'group-end' && current) {
      groups.push({
        header: current.header,
        isAcknowledgement: !current.check,
        setCount: current.setCount,
        acknowledgement: current.check?.finish(item.trailer),
      });
      current = undefined;
    } else if (item.kind === 'end') trailer = item.trailer;
  }
  return { controlNumber, groups, trailer };
}

/** Whether any set is to be applied: a group with answered sets, or a 997 group. */
function needsSecondRead(
  groups: readonly CheckedGroup[],
  acknowledgements: readonly GroupAcknowledgement[],
): boolean {
  return groups.some((group) => group.isAcknowledgement) || acknowledgements.some((a) => a.sets.length > 0);
}

/** Events handed on {@link EVENTS_PER_PUBLISH} at a time, so a large file's are never all held. */
function eventBatches(publish: InboundPorts['publish']) {
  let batch: CanonicalEvent[] = [];
  let published = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    await publish(sending);
    published += sending.length;
  };
  return {
    async add(...events: CanonicalEvent[]) {
      batch.push(...events);
      if (batch.length >= EVENTS_PER_PUBLISH) await flush();
    },
    flush,
    get published() {
      return published;
    },
  };
}
type EventBatches = ReturnType<typeof eventBatches>;

/**
 * Second read: each set again, in the order the first read answered them, mapped to its events
 * (the first read's verdict decides; its answer says nothing changed in between).
 */
async function applyInterchange(
  items: AsyncIterable<InterchangeItem>,
  interchange: CheckedInterchange,
  acknowledgements: readonly GroupAcknowledgement[],
  partner: TradingPartner,
  facts: ExceptionFacts,
  ports: InboundPorts,
  out: EventBatches,
): Promise<void> {
  const changed = () => new Error(`${facts.key} changed between its two reads`);
  let groupIndex = -1;
  let answeredIndex = -1;
  let setIndex = 0;
  let group: CheckedGroup | undefined;
  for await (const item of items) {
    if (item.kind === 'group') {
      group = interchange.groups[++groupIndex];
      if (!group || element(group.header, 6) !== element(item.header, 6)) throw changed();
      if (!group.isAcknowledgement) answeredIndex += 1;
      setIndex = 0;
    } else if (item.kind === 'set' && group) {
      if (group.isAcknowledgement) {
        await recordAcknowledgementOfOurOrders(item.set, partner, ports);
        await out.add(...rejectionsOfOurOrders(item.set, partner, facts));
        continue;
      }
      const acknowledgement = acknowledgements[answeredIndex]!;
      const answer = acknowledgement.sets[setIndex++];
      // A group rejected whole answers no set: nothing in it is applied.
      if (!answer) continue;
      if (answer.controlNumber !== element(item.set.header, 2)) throw changed();
      await out.add(
        ...(await setEvents(item.set, answer, group, acknowledgement, partner, interchange, facts, ports)),
      );
    }
  }
  if (groupIndex !== interchange.groups.length - 1) throw changed();
}

/** The events of one answered set (see the file header, 4). */
async function setEvents(
  received: ReceivedTransactionSet,
  set: SetAcknowledgement,
  group: CheckedGroup,
  acknowledgement: GroupAcknowledgement,
  partner: TradingPartner,
  interchange: CheckedInterchange,
  facts: ExceptionFacts,
  ports: InboundPorts,
): Promise<CanonicalEvent[]> {
  const at = `${facts.key} group ${acknowledgement.controlNumber} set ${set.controlNumber}`;
  if (set.verdict.status === 'R')
    return [
      ediException(
        'EDI_DOCUMENT_REJECTED',
        `${at} (${set.setId}): ${set.verdict.reason} (AK5 R ${set.verdict.code})`,
        facts,
        { partnerId: partner.partnerId, document: documentText(received) },
      ),
    ];
  const reference = `edi:${partner.partnerId}:${interchange.controlNumber}:${acknowledgement.controlNumber}:${set.controlNumber}`;
  if (set.setId === '856') {
    const asn = readAdvanceShipNotice856(received, partner);
    if (typeof asn === 'string') return [];
    // Original, cancellation or replacement alike: the shipment consumer applies its purpose.
    return [shipmentMilestoneEvent(asn, { partner, reference, ...facts })];
  }
  if (set.setId !== '855') return [];
  const read = readAcknowledgement855(received, partner);
  if (typeof read === 'string') return [];
  const offset = partner.utcOffsetMinutes ?? 0;
  const sentAt = instantOf(element(group.header, 4), element(group.header, 5).slice(0, 4), offset);
  const sent = await ports.ledger.latestTransmission(partner.partnerId, read.poNumber);
  if (!sent || !sentAt) {
    const why = !sent
      ? `no 850 was sent to ${partner.partnerId} for ${read.poNumber}`
      : 'GS04/GS05 is not a date and time';
    return [
      ediException('EDI_ACKNOWLEDGEMENT_NOT_APPLIED', `${at}: ${why}`, facts, {
        partnerId: partner.partnerId,
        poNumber: read.poNumber,
      }),
    ];
  }
  const events: CanonicalEvent[] = [];
  // The acknowledgement still applies (a rejected line confirms 0); a person decides what next.
  const rejected = rejectedLines(read);
  if (rejected.length > 0)
    events.push(
      ediException(
        'EDI_PURCHASE_ORDER_LINES_REJECTED',
        `${at}: ${partner.partnerId} rejected ${read.acknowledgementType === 'RJ' ? 'the whole order' : `line(s) ${rejected.map((l) => l.lineNo).join(', ')}`} of ${read.poNumber}; a person must source them elsewhere or cancel.`,
        facts,
        {
          partnerId: partner.partnerId,
          poNumber: read.poNumber,
          lines: rejected.map((l) => l.lineNo),
          document: documentText(received),
        },
      ),
    );
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
  return events;
}

/** The lines an 855 confirms nothing of (rejected, or the whole order rejected). */
function rejectedLines(read: PartnerAcknowledgement): PartnerAcknowledgement['lines'] {
  return read.lines.filter((line) => !Decimal.of(line.confirmedQuantityEa).isPositive());
}

/** What is wrong with the ISA/IEA pair, when the counts say so. */
function interchangeEnvelopeProblem(interchange: CheckedInterchange): string | undefined {
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
function rejectedWhole(group: CheckedGroup): GroupAcknowledgement {
  return {
    functionalId: element(group.header, 1),
    controlNumber: element(group.header, 6),
    status: 'R',
    included: group.setCount,
    received: group.setCount,
    sets: [],
  };
}

/** The 850 group a 997 set answers, accepted or not, is no longer awaited (missing-acknowledgements.ts). */
async function recordAcknowledgementOfOurOrders(
  set: ReceivedTransactionSet,
  partner: TradingPartner,
  ports: InboundPorts,
): Promise<void> {
  const ak1 = set.segments.find((s) => s.tag === 'AK1');
  // Our GS06 is the interchange number (ISA13) of the 850 it answers.
  const interchangeNumber = ak1 && element(ak1, 1) === 'PO' ? Number(element(ak1, 2)) : NaN;
  if (Number.isSafeInteger(interchangeNumber))
    await ports.ledger.recordAcknowledgement(partner.partnerId, interchangeNumber, ports.now().toISOString());
}

/** A 997 from the partner rejecting (wholly or partly) a group we sent: the partner never took those orders. */
function rejectionsOfOurOrders(
  set: ReceivedTransactionSet,
  partner: TradingPartner,
  facts: ExceptionFacts,
): CanonicalEvent[] {
  const ak1 = set.segments.find((s) => s.tag === 'AK1');
  const ak9 = set.segments.find((s) => s.tag === 'AK9');
  if (!ak1 || element(ak1, 1) !== 'PO') return [];
  const rejectedSets = set.segments.filter((s) => s.tag === 'AK5' && element(s, 1) === 'R').length;
  if (rejectedSets === 0 && element(ak9 ?? { tag: 'AK9', elements: [] }, 1) !== 'R') return [];
  return [
    ediException(
      'EDI_PURCHASE_ORDER_REJECTED',
      `${partner.partnerId} rejected our 850 interchange group ${element(ak1, 2)} (${facts.key}): the partner did not take the order; a person must act.`,
      facts,
      {
        partnerId: partner.partnerId,
        groupControlNumber: element(ak1, 2),
        // Our GS06 is the 850's ISA13, which starts its file name in outbound/<partner>/.
        purchaseOrderFile: `${MAILBOX.outboundPrefix(partner.partnerId)}${padded(Number(element(ak1, 2)), 9)}-850-*.x12`,
        document: documentText(set),
      },
    ),
  ];
}
