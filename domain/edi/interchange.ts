/**
 * X12 interchanges as the EDI rules see them: segments of plain element strings, in envelopes.
 * The codec (adapters/edi/x12-codec.ts) turns text into this and back; the rules never see text.
 */
import type { InterchangeParty, X12Separators } from './partners';

/** One segment: its tag and its elements, `elements[0]` being XX01. */
export interface Segment {
  readonly tag: string;
  readonly elements: readonly string[];
}

/** A transaction set as received: ST, the segments between, and SE when there was one. */
export interface ReceivedTransactionSet {
  readonly header: Segment;
  readonly segments: readonly Segment[];
  readonly trailer: Segment | null;
}

/** A functional group as received: GS, its sets, and GE when there was one. */
export interface ReceivedGroup {
  readonly header: Segment;
  readonly sets: readonly ReceivedTransactionSet[];
  readonly trailer: Segment | null;
}

/** An interchange as received, with the separators read from its ISA. */
export interface ReceivedInterchange {
  readonly sender: InterchangeParty;
  readonly receiver: InterchangeParty;
  /** ISA13. */
  readonly controlNumber: string;
  readonly separators: X12Separators;
  readonly groups: readonly ReceivedGroup[];
  /** IEA, when there was one. */
  readonly trailer: Segment | null;
  /**
   * What the X12 library's strict parse refused, when it did (the structure then comes from its
   * lenient parse, so each set and group can still be answered with its own code).
   */
  readonly strictParseError?: string;
}

/** What the codec made of a file. */
export type DecodedInterchange =
  | { readonly kind: 'interchange'; readonly interchange: ReceivedInterchange }
  /** No readable ISA: nobody to answer. */
  | { readonly kind: 'unreadable'; readonly reason: string }
  /** A readable ISA over segments that form no groups: the sender is known, no group to answer. */
  | {
      readonly kind: 'unstructured';
      readonly sender: InterchangeParty;
      readonly receiver: InterchangeParty;
      readonly controlNumber: string;
      readonly reason: string;
    };

/**
 * An interchange read one transaction set at a time, in file order, so a large file never has to
 * be held whole: GS, each set with its segments, GE (null when the next GS or the end came first),
 * and the IEA (null when the file ended without one).
 */
export type InterchangeItem =
  | { readonly kind: 'group'; readonly header: Segment }
  | { readonly kind: 'set'; readonly set: ReceivedTransactionSet }
  | { readonly kind: 'group-end'; readonly trailer: Segment | null }
  | { readonly kind: 'end'; readonly trailer: Segment | null };

/** Thrown by an interchange's items when its segments form no groups (the `unstructured` case). */
export class UnstructuredInterchange extends Error {}

/** What the codec made of a file's ISA, with the rest of the file to read. */
export type OpenedInterchange =
  | { readonly kind: 'unreadable'; readonly reason: string }
  | {
      readonly kind: 'interchange';
      readonly sender: InterchangeParty;
      readonly receiver: InterchangeParty;
      /** ISA13. */
      readonly controlNumber: string;
      readonly separators: X12Separators;
      /** The rest of the file; throws {@link UnstructuredInterchange} when no groups can be read. */
      readonly items: AsyncIterable<InterchangeItem>;
    };

/** A transaction set to send: ST01, ST02 and the segments between ST and SE (SE is counted on encoding). */
export interface OutgoingTransactionSet {
  readonly setId: string;
  readonly controlNumber: string;
  readonly segments: readonly Segment[];
}

/** One interchange with one functional group to send (GE, IEA and SE are derived on encoding). */
export interface OutgoingInterchange {
  /** ISA01..ISA16, ISA06/ISA08 padded to 15 characters. */
  readonly isa: readonly string[];
  /** GS01..GS08. */
  readonly gs: readonly string[];
  readonly sets: readonly OutgoingTransactionSet[];
  readonly separators: X12Separators;
}

/** Element `position` (1-based, as X12 numbers them) of a segment, '' when absent. */
export function element(segment: Segment, position: number): string {
  return segment.elements[position - 1] ?? '';
}

/** `n` as an X12 control number of `width` digits. */
export function controlNumber(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** CCYYMMDD of a UTC instant shifted by `offsetMinutes`. */
export function x12Date(at: Date, offsetMinutes = 0): string {
  return shifted(at, offsetMinutes).toISOString().slice(0, 10).replaceAll('-', '');
}

/** HHMM of a UTC instant shifted by `offsetMinutes`. */
export function x12Time(at: Date, offsetMinutes = 0): string {
  return shifted(at, offsetMinutes).toISOString().slice(11, 16).replace(':', '');
}

/** `2026-12-07` -> `20261207`. */
export function x12DateOf(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}

/** `20261207` -> `2026-12-07`, or undefined when it is not a calendar date. */
export function isoDateOf(ccyymmdd: string): string | undefined {
  if (!/^\d{8}$/.test(ccyymmdd)) return undefined;
  const iso = `${ccyymmdd.slice(0, 4)}-${ccyymmdd.slice(4, 6)}-${ccyymmdd.slice(6, 8)}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : undefined;
}

/** The UTC instant of a partner's local CCYYMMDD + HHMM. */
export function instantOf(ccyymmdd: string, hhmm: string, offsetMinutes = 0): Date | undefined {
  const date = isoDateOf(ccyymmdd);
  if (!date || !/^([01]\d|2[0-3])[0-5]\d$/.test(hhmm)) return undefined;
  const local = Date.parse(`${date}T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00Z`);
  return new Date(local - offsetMinutes * 60_000);
}

/** An ISO date plus whole days. */
export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function shifted(at: Date, offsetMinutes: number): Date {
  return new Date(at.getTime() + offsetMinutes * 60_000);
}

/** Which GS01 carries which transaction set (guide, "Envelope"). */
export const FUNCTIONAL_IDS: Readonly<Record<string, string>> = {
  '850': 'PO',
  '855': 'PR',
  '856': 'SH',
  '997': 'FA',
};
