/**
 * EDI trading partners (shared/contracts/edi-x12.md, "Who trades by EDI"): the suppliers that
 * receive their purchase orders as X12 850 and answer with 855 and 856, and how each is addressed.
 * Profiles are configuration per environment (application/edi-partners.ts); these are the rules.
 */

/** A document a partner may send us (997s are always accepted: they answer what we sent). */
export type PartnerDocument = '855' | '856';

/** Separators of one interchange: element (ISA position 4), component (ISA16), segment terminator. */
export interface X12Separators {
  readonly element: string;
  readonly component: string;
  readonly segment: string;
}

/** An ISA party: its qualifier (ISA05/ISA07) and id (ISA06/ISA08, without the padding). */
export interface InterchangeParty {
  readonly qualifier: string;
  readonly id: string;
}

/** One supplier trading by EDI. */
export interface TradingPartner {
  /** Mailbox folder name: `outbound/<partnerId>/`, `inbound/<partnerId>/`. */
  readonly partnerId: string;
  /** The procurement platform's and the ERP's supplier code. */
  readonly supplierNumber: string;
  /** The partner in the ISA: sender (ISA05/06) when it sends, receiver (ISA07/08) when we send. */
  readonly partner: InterchangeParty;
  /** The partner's GS application code (GS02 when it sends, GS03 when we send). */
  readonly partnerGroupCode: string;
  /** Us in the ISA, as this partner knows us. */
  readonly us: InterchangeParty;
  /** Our GS application code with this partner. */
  readonly ourGroupCode: string;
  /** ISA15: `T` test, `P` production. */
  readonly usage: 'T' | 'P';
  /** The separators we use when sending to this partner. */
  readonly separators: X12Separators;
  /** The documents the partner sends. */
  readonly sends: readonly PartnerDocument[];
  /** The partner's local time offset from UTC in minutes (its dates and times are local). @default 0 */
  readonly utcOffsetMinutes?: number;
  /** A partner whose 855 can only give the ship date (ACK04 `068`): its transit days to delivery. */
  readonly transitDays?: number;
}

/** Characters the guide lets a partner use. */
export const ELEMENT_SEPARATORS = ['*', '|', '^'] as const;
export const SEGMENT_TERMINATORS = ['~', "'", '\n'] as const;

const ISA_ID = /^[A-Za-z0-9 ._-]{1,15}$/;
const QUALIFIER = /^[A-Z0-9]{2}$/;
const GS_CODE = /^[A-Za-z0-9 ._-]{2,15}$/;
const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** What is wrong with a set of profiles (empty when they are usable). */
export function tradingPartnerProblems(partners: readonly TradingPartner[]): string[] {
  const problems: string[] = [];
  const seen = { partnerId: new Set<string>(), supplier: new Set<string>(), sender: new Set<string>() };
  for (const p of partners) {
    const at = `EDI partner '${p.partnerId}'`;
    if (!PARTNER_ID.test(p.partnerId))
      problems.push(`${at}: partnerId must be lower-case letters, digits and '-'`);
    for (const [name, party] of [
      ['partner', p.partner],
      ['us', p.us],
    ] as const) {
      if (!QUALIFIER.test(party.qualifier)) problems.push(`${at}: ${name}.qualifier must be 2 characters`);
      if (!ISA_ID.test(party.id)) problems.push(`${at}: ${name}.id must be 1-15 characters`);
    }
    for (const [name, code] of [
      ['partnerGroupCode', p.partnerGroupCode],
      ['ourGroupCode', p.ourGroupCode],
    ] as const)
      if (!GS_CODE.test(code)) problems.push(`${at}: ${name} must be 2-15 characters`);
    const { element, component, segment } = p.separators;
    if (!(ELEMENT_SEPARATORS as readonly string[]).includes(element))
      problems.push(`${at}: element separator must be one of ${ELEMENT_SEPARATORS.join(' ')}`);
    if (!(SEGMENT_TERMINATORS as readonly string[]).includes(segment))
      problems.push(`${at}: segment terminator must be ~, ' or a newline`);
    if (component.length !== 1 || [element, segment].includes(component) || /[A-Za-z0-9 ]/.test(component))
      problems.push(`${at}: component separator must be one special character unlike the others`);
    if (
      p.utcOffsetMinutes !== undefined &&
      (!Number.isInteger(p.utcOffsetMinutes) || Math.abs(p.utcOffsetMinutes) > 14 * 60)
    )
      problems.push(`${at}: utcOffsetMinutes must be a whole number of minutes within ±14 h`);
    if (p.transitDays !== undefined && (!Number.isInteger(p.transitDays) || p.transitDays < 0))
      problems.push(`${at}: transitDays must be a whole number of days, 0 or more`);
    const sender = senderKey(p.partner);
    for (const [set, value, what] of [
      [seen.partnerId, p.partnerId, 'partnerId'],
      [seen.supplier, p.supplierNumber, 'supplierNumber'],
      [seen.sender, sender, 'ISA sender (qualifier + id)'],
    ] as const) {
      if (set.has(value)) problems.push(`${at}: ${what} is used by another partner`);
      set.add(value);
    }
  }
  return problems;
}

function senderKey(party: InterchangeParty): string {
  return `${party.qualifier}:${party.id.trim()}`;
}

/** The partner sending as `sender` (ISA05/06) to `receiver` (ISA07/08), if it is one of ours. */
export function partnerBySender(
  partners: readonly TradingPartner[],
  sender: InterchangeParty,
  receiver: InterchangeParty,
): TradingPartner | undefined {
  return partners.find(
    (p) => senderKey(p.partner) === senderKey(sender) && senderKey(p.us) === senderKey(receiver),
  );
}

/** The partner serving `supplierNumber`, if that supplier trades by EDI. */
export function partnerForSupplier(
  partners: readonly TradingPartner[],
  supplierNumber: string,
): TradingPartner | undefined {
  return partners.find((p) => p.supplierNumber === supplierNumber);
}

/** Mailbox keys (guide, "Transport"): one interchange per file. */
export const MAILBOX = {
  outboundPrefix: (partnerId: string) => `outbound/${partnerId}/`,
  inboundPrefix: (partnerId: string) => `inbound/${partnerId}/`,
  /** The partner folder of an inbound key, or undefined when the key is not under `inbound/<partner>/`. */
  inboundPartnerOf(key: string): string | undefined {
    const match = /^inbound\/([^/]+)\/./.exec(key);
    return match?.[1];
  },
} as const;
