/**
 * One file a partner put in its inbound mailbox, end to end:
 *
 * 1. Read the file as a stream, one transaction set at a time (separators from the ISA): what is
 *    kept of each set is its verdict, what an accepted 855 or 856 says, and the text of a set an
 *    exception attaches, so a large file is never held whole. No readable ISA, an unknown sender,
 *    or a sender writing in another partner's folder: nobody to answer; kept for a person as an
 *    integration exception naming the file (the file itself stays where it is: files are never
 *    changed).
 * 2. Check every group that is not a 997 and answer it with a 997 (functional-acknowledgement.ts),
 *    written to `outbound/<partner>/`. Its interchange number and date are recorded per file, so a
 *    retry writes the same 997.
 * 3. A repeat of the same sender and ISA13 in another file is a duplicate: acknowledged again,
 *    counted, nothing applied.
 * 4. Accepted 855s become `purchase-order.acknowledged`, the event the procurement platform's
 *    webhook produces, for the revision of the last 850 sent; accepted original 856s become
 *    `shipment.milestone-reported`; rejected sets, 855 line rejections, cancelled or replaced
 *    ASNs, and 997s rejecting our 850s become integration exceptions with their reasons and the
 *    set's text.
 */
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import { Decimal } from '../decimal';
import type { EdiLedger, ReceivedFile } from '../ports/edi-ledger';
import type { EdiMailbox } from '../ports/edi-mailbox';
import type { X12Codec } from '../ports/edi-x12';
import { readAcknowledgement855, type PartnerAcknowledgement } from './acknowledgement-855';
import {
  readAdvanceShipNotice856,
  shipmentMilestoneEvent,
  type AdvanceShipNotice,
} from './advance-ship-notice-856';
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

/** Receives the file at `key` (see the file header). */
export async function receiveInterchange(key: string, ports: InboundPorts): Promise<InboundOutcome> {
  const facts: ExceptionFacts = { key, tenantId: ports.tenantId, now: ports.now, newId: ports.newId };
  const keep = async (code: string, reason: string, partnerId?: string) => {
    await publishCounted([ediException(code, reason, facts, { partnerId })], ports);
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
  if (events.length > 0) await publishCounted(events, ports);
  return { outcome: 'acknowledged', ...result, published: events.length };
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
  /** What each accepted 856 says, by the set's position in the group. */
  readonly shipNotices: ReadonlyMap<number, AdvanceShipNotice>;
  /** The text of each set an exception attaches (see {@link needsDocument}), by position. */
  readonly documents: ReadonlyMap<number, string>;
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
        shipNotices: Map<number, AdvanceShipNotice>;
        documents: Map<number, string>;
        acknowledgementSets: ReceivedTransactionSet[];
      }
    | undefined;
  // What the content check of the set being added read, so the set is read once.
  let last855: PartnerAcknowledgement | string | undefined;
  let last856: AdvanceShipNotice | string | undefined;
  const contentChecks = {
    '855': (set: ReceivedTransactionSet) => {
      last855 = readAcknowledgement855(set, partner);
      return typeof last855 === 'string' ? last855 : undefined;
    },
    '856': (set: ReceivedTransactionSet) => {
      last856 = readAdvanceShipNotice856(set, partner);
      return typeof last856 === 'string' ? last856 : undefined;
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
        shipNotices: new Map(),
        documents: new Map(),
        acknowledgementSets: [],
      };
    } else if (item.kind === 'set' && current) {
      const index = current.setCount++;
      if (!current.check) {
        current.acknowledgementSets.push(item.set);
        continue;
      }
      last855 = last856 = undefined;
      const answer = current.check.add(item.set);
      const accepted = answer.verdict.status === 'A';
      const read855 = accepted && typeof last855 === 'object' ? last855 : undefined;
      const read856 = accepted && typeof last856 === 'object' ? last856 : undefined;
      if (read855) current.acknowledgements855.set(index, read855);
      if (read856) current.shipNotices.set(index, read856);
      if (needsDocument(answer, read855, read856)) current.documents.set(index, documentText(item.set));
    } else if (item.kind === 'group-end' && current) {
      groups.push({
        header: current.header,
        isAcknowledgement: !current.check,
        setCount: current.setCount,
        acknowledgement: current.check?.finish(item.trailer),
        acknowledgements855: current.acknowledgements855,
        shipNotices: current.shipNotices,
        documents: current.documents,
        acknowledgementSets: current.acknowledgementSets,
      });
      current = undefined;
    } else if (item.kind === 'end') trailer = item.trailer;
  }
  return { controlNumber, groups, trailer };
}

/**
 * Whether an exception will attach the set's text: a rejected set, an 855 rejecting lines, an 856
 * cancelling or replacing a shipment (997s rejecting our 850s keep their whole set anyway).
 */
function needsDocument(
  answer: SetAcknowledgement,
  read855: PartnerAcknowledgement | undefined,
  read856: AdvanceShipNotice | undefined,
): boolean {
  if (answer.verdict.status === 'R') return true;
  if (read855) return rejectedLines(read855).length > 0;
  return read856 !== undefined && read856.purpose !== 'original';
}

/** The lines an 855 confirms nothing of (rejected, or the whole order rejected). */
function rejectedLines(read: PartnerAcknowledgement): PartnerAcknowledgement['lines'] {
  return read.lines.filter((line) => !Decimal.of(line.confirmedQuantityEa).isPositive());
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
          { partnerId: partner.partnerId, document: group.documents.get(index) },
        ),
      );
      continue;
    }
    const reference = `edi:${partner.partnerId}:${interchange.controlNumber}:${acknowledgement.controlNumber}:${set.controlNumber}`;
    const asn = group.shipNotices.get(index);
    if (set.setId === '856' && asn) {
      events.push(shipmentEvent(asn, group.documents.get(index), partner, at, reference, facts));
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
            document: group.documents.get(index),
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
  }
  return events;
}

/**
 * An accepted 856: an original becomes the shipment milestone; a cancellation or replacement of a
 * shipment id is for a person (the ERP's draft receipt may already be at the dock).
 */
function shipmentEvent(
  asn: AdvanceShipNotice,
  document: string | undefined,
  partner: TradingPartner,
  at: string,
  reference: string,
  facts: ExceptionFacts,
): CanonicalEvent {
  if (asn.purpose === 'original') return shipmentMilestoneEvent(asn, { partner, reference, ...facts });
  return ediException(
    'EDI_SHIPMENT_NOT_APPLIED',
    `${at}: the ${asn.purpose} of shipment ${asn.milestone.shipmentId} is not applied automatically; a person must update the ERP receipt`,
    facts,
    { partnerId: partner.partnerId, shipmentId: asn.milestone.shipmentId, document },
  );
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
        {
          partnerId: partner.partnerId,
          groupControlNumber: element(ak1, 2),
          // Our GS06 is the 850's ISA13, which starts its file name in outbound/<partner>/.
          purchaseOrderFile: `${MAILBOX.outboundPrefix(partner.partnerId)}${padded(Number(element(ak1, 2)), 9)}-850-*.x12`,
          document: documentText(set),
        },
      ),
    );
  }
  return events;
}
