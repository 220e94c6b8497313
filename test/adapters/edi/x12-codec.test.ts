/** Reading partner interchanges: separators from each ISA, CR/LF or none, and what cannot be read. */
import { describe, expect, it } from 'vitest';
import { nodeX12Codec } from '../../../adapters/edi/x12-codec';
import { GUIDE_855, partnerInterchange } from '../../fixtures/edi';

const group = [{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }];

describe('X12 codec (node-x12)', () => {
  it.each([
    ['* > ~ with newlines', { e: '*', c: '>', s: '~' }, (t: string) => t],
    ['* > ~ with CR/LF', { e: '*', c: '>', s: '~' }, (t: string) => t.replaceAll('~\n', '~\r\n')],
    ['* > ~ on one line', { e: '*', c: '>', s: '~' }, (t: string) => t.replaceAll('~\n', '~')],
    ["| ^ '", { e: '|', c: '^', s: "'" }, (t: string) => t],
    ['^ : newline', { e: '^', c: ':', s: '\n' }, (t: string) => t],
  ])('reads separators %s from the ISA', (_case, separators, edit) => {
    const decoded = nodeX12Codec.decode(edit(partnerInterchange(group, { separators })));
    expect(decoded).toMatchObject({
      kind: 'interchange',
      interchange: {
        sender: { qualifier: 'ZZ', id: 'ACMEBEV' },
        receiver: { qualifier: 'ZZ', id: 'SUPPLYLINE' },
        controlNumber: '000000101',
        separators: { element: separators.e, component: separators.c, segment: separators.s },
      },
    });
    if (decoded.kind !== 'interchange') return;
    expect(decoded.interchange.strictParseError).toBeUndefined();
    const set = decoded.interchange.groups[0]!.sets[0]!;
    expect(set.segments.map((s) => s.tag)).toEqual(['BAK', 'PO1', 'ACK', 'CTT']);
    expect(set.segments[2]!.elements).toEqual(['IQ', '450', 'EA', '067', '20261209']);
  });

  it('keeps the strict parser message and still gives the structure when counts are wrong', () => {
    const text = partnerInterchange(group).replace('SE*6*0101', 'SE*9*0101');
    const decoded = nodeX12Codec.decode(text);
    expect(decoded.kind).toBe('interchange');
    if (decoded.kind !== 'interchange') return;
    expect(decoded.interchange.strictParseError).toMatch(/SE01/);
    expect(decoded.interchange.groups[0]!.sets[0]!.trailer?.elements[0]).toBe('9');
  });

  it.each([
    ['no ISA', 'GS*PR*X~', /ISA/],
    ['a short file', 'ISA*00*', /shorter/],
    [
      'an ISA that is not fixed length',
      partnerInterchange(group).replace('ACMEBEV        ', 'ACMEBEV'),
      /fixed-length|separators/,
    ],
  ])('cannot read %s (nobody to answer)', (_case, text, reason) => {
    const decoded = nodeX12Codec.decode(text);
    expect(decoded.kind).toBe('unreadable');
    if (decoded.kind === 'unreadable') expect(decoded.reason).toMatch(reason);
  });
});
