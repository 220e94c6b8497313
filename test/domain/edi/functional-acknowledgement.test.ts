/**
 * Checking a partner's groups and the 997 answering each (guide, "997"): every AK5 code of the
 * guide, group rejections, and the AK9 statuses, from interchanges as text through the codec.
 */
import { describe, expect, it } from 'vitest';
import { nodeX12Codec } from '../../../adapters/edi/x12-codec';
import { readAcknowledgement855 } from '../../../domain/edi/acknowledgement-855';
import {
  acknowledgeGroup,
  functionalAcknowledgement997,
  type GroupAcknowledgement,
} from '../../../domain/edi/functional-acknowledgement';
import type { ReceivedInterchange } from '../../../domain/edi/interchange';
import { GUIDE_855, PARTNER, partnerInterchange } from '../../fixtures/edi';

function received(text: string): ReceivedInterchange {
  const decoded = nodeX12Codec.decode(text);
  if (decoded.kind !== 'interchange') throw new Error(`not decoded: ${JSON.stringify(decoded)}`);
  return decoded.interchange;
}
const check855 = {
  '855': (set: Parameters<typeof readAcknowledgement855>[0]) => {
    const read = readAcknowledgement855(set, PARTNER);
    return typeof read === 'string' ? read : undefined;
  },
};
function acknowledge(
  sets: readonly string[],
  group: { gs01?: string; ge?: string } = {},
): GroupAcknowledgement {
  const text = partnerInterchange([
    { gs01: group.gs01 ?? 'PR', gs06: '55', sets, ...(group.ge ? { ge: group.ge } : {}) },
  ]);
  return acknowledgeGroup(received(text).groups[0]!, PARTNER.sends, check855);
}
const text997 = (ack: GroupAcknowledgement) =>
  functionalAcknowledgement997(ack).map((s) => [s.tag, ...s.elements].join('*'));
const second = (edit: (lines: string[]) => string[]) =>
  edit([...GUIDE_855].map((l) => l.replaceAll('0101', '0102')));

describe('997 functional acknowledgement of a partner group', () => {
  it('accepts the guide 855: AK1, AK2, AK5 A, AK9 A', () => {
    expect(text997(acknowledge(GUIDE_855))).toEqual(['AK1*PR*55', 'AK2*855*0101', 'AK5*A', 'AK9*A*1*1*1']);
  });

  it.each([
    [
      '1',
      'a document the partner does not send',
      (l: string[]) => l.map((x) => x.replace('ST*855', 'ST*850')),
    ],
    ['2', 'a set without SE', (l: string[]) => l.slice(0, -1)],
    ['3', 'ST02 and SE02 that differ', (l: string[]) => [...l.slice(0, -1), 'SE*6*0999']],
    ['4', 'an SE01 that is not the segment count', (l: string[]) => [...l.slice(0, -1), 'SE*7*0102']],
    [
      '5',
      'segments that are not an 855 of the guide',
      (l: string[]) => l.map((x) => x.replace('ACK*IQ', 'ACK*ZZ')),
    ],
  ] as const)(
    'rejects with AK5 R %s %s; the other set of the group is accepted (AK9 P)',
    (code, _case, edit) => {
      const ack = acknowledge([...GUIDE_855, ...second(edit)]);
      const answer = text997(ack);
      expect(answer).toContain(`AK5*R*${code}`);
      expect(answer.at(-1)).toBe('AK9*P*2*2*1');
      expect(ack.sets[0]!.verdict).toEqual({ status: 'A' });
    },
  );

  it('rejects a repeated ST02 within the group with AK5 R 23', () => {
    const answer = text997(acknowledge([...GUIDE_855, ...GUIDE_855]));
    expect(answer).toEqual(['AK1*PR*55', 'AK2*855*0101', 'AK5*A', 'AK2*855*0101', 'AK5*R*23', 'AK9*P*2*2*1']);
  });

  it('rejects a set in the wrong functional group as not supported (AK5 R 1), and a group with none accepted (AK9 R)', () => {
    expect(text997(acknowledge(GUIDE_855, { gs01: 'SH' }))).toEqual([
      'AK1*SH*55',
      'AK2*855*0101',
      'AK5*R*1',
      'AK9*R*1*1*0',
    ]);
  });

  it.each([
    ['GE02 differs from GS06', 'GE*1*56', 'AK9*R*1*1*0*4'],
    ['GE01 is not the number of sets', 'GE*2*55', 'AK9*R*2*1*0*5'],
  ])('rejects the whole group when %s', (_case, ge, ak9) => {
    const ack = acknowledge(GUIDE_855, { ge });
    expect(text997(ack)).toEqual(['AK1*PR*55', ak9]);
  });
});
