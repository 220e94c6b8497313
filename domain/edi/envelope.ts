/**
 * The envelopes we send (guide, "Envelope"): one interchange, one functional group, its sets.
 * One control number per interchange serves as ISA13 and GS06; a group's sets are numbered from
 * 0001, which keeps ST02 unique within its group as X12 requires.
 */
import {
  controlNumber,
  FUNCTIONAL_IDS,
  x12Date,
  x12Time,
  type OutgoingInterchange,
  type Segment,
} from './interchange';
import type { TradingPartner } from './partners';

/** The largest ISA13 (nine digits). */
export const MAX_INTERCHANGE_CONTROL_NUMBER = 999_999_999;

/** An interchange of one group of `setId` sets from us to `partner`, prepared at `preparedAt`. */
export function outgoingInterchange(
  partner: TradingPartner,
  setId: string,
  interchangeNumber: number,
  preparedAt: Date,
  bodies: readonly (readonly Segment[])[],
): OutgoingInterchange {
  if (
    !Number.isInteger(interchangeNumber) ||
    interchangeNumber < 1 ||
    interchangeNumber > MAX_INTERCHANGE_CONTROL_NUMBER
  )
    throw new RangeError(`interchange control number ${interchangeNumber} is not 1..999999999`);
  const functionalId = FUNCTIONAL_IDS[setId];
  if (!functionalId) throw new RangeError(`no functional group for transaction set ${setId}`);
  return {
    isa: [
      '00',
      ' '.repeat(10),
      '00',
      ' '.repeat(10),
      partner.us.qualifier,
      partner.us.id.padEnd(15),
      partner.partner.qualifier,
      partner.partner.id.padEnd(15),
      // Our times are UTC (the profile states the partner's offset, ours is none).
      x12Date(preparedAt).slice(2),
      x12Time(preparedAt),
      'U',
      '00401',
      controlNumber(interchangeNumber, 9),
      // No TA1 asked for: the 997 answers each group.
      '0',
      partner.usage,
      partner.separators.component,
    ],
    gs: [
      functionalId,
      partner.ourGroupCode,
      partner.partnerGroupCode,
      x12Date(preparedAt),
      x12Time(preparedAt),
      String(interchangeNumber),
      'X',
      '004010',
    ],
    sets: bodies.map((segments, index) => ({ setId, controlNumber: controlNumber(index + 1, 4), segments })),
    separators: partner.separators,
  };
}
