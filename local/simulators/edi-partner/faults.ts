/**
 * Faults a trading partner's files can carry (issue #19, "Locally"), each one a thing the product
 * must answer with a rejecting 997 or count as a repeat, never lose:
 *
 * - a malformed segment (a tag no X12 segment has) inside the 855: AK5 `R` `5`;
 * - a wrong count (SE01 one more than the segments from ST to SE): AK5 `R` `4`;
 * - a duplicate interchange (the same file, same ISA13, written twice): acknowledged twice, applied once;
 * - another separator set than the profile's: read from the ISA like any other.
 */
import type { Segment } from '../../../domain/edi/interchange';
import type { X12Separators } from '../../../domain/edi/partners';

/** Shares (0..1) of answers that carry each fault. */
export interface EdiPartnerFaults {
  /** The 855 holds a segment whose tag is not an X12 tag. */
  malformedSegmentRate: number;
  /** The 855's SE01 is one more than its segments. */
  wrongCountRate: number;
  /** The 855's interchange is written a second time, under another file name. */
  duplicateInterchangeRate: number;
  /** Every file of the answer uses {@link ALTERNATE_SEPARATORS} instead of the profile's separators. */
  alternateSeparatorsRate: number;
}

/** Every fault off. */
export const NO_EDI_PARTNER_FAULTS: EdiPartnerFaults = {
  malformedSegmentRate: 0,
  wrongCountRate: 0,
  duplicateInterchangeRate: 0,
  alternateSeparatorsRate: 0,
};

/** The guide's most unlike separator set: `^` elements, `:` components, a newline ends each segment. */
export const ALTERNATE_SEPARATORS: X12Separators = { element: '^', component: ':', segment: '\n' };

/** The segment a malformed 855 carries after its BAK. */
export const MALFORMED_SEGMENT: Segment = { tag: 'A#K', elements: ['IA', '1', 'EA'] };

/** `body` with {@link MALFORMED_SEGMENT} after its first segment. */
export function withMalformedSegment(body: readonly Segment[]): Segment[] {
  return [body[0]!, MALFORMED_SEGMENT, ...body.slice(1)];
}

/** `text` with every SE01 one more than it was. */
export function withWrongSegmentCount(text: string, separators: X12Separators): string {
  const e = escape(separators.element);
  const s = escape(separators.segment);
  return text.replace(
    new RegExp(`(^|${s}\\r?\\n?)SE${e}(\\d+)${e}`, 'g'),
    (_match, before: string, count: string) =>
      `${before}SE${separators.element}${Number(count) + 1}${separators.element}`,
  );
}

function escape(character: string): string {
  return character === '\n' ? '\\n' : character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
