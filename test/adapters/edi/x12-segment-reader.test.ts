/**
 * The streaming reader against node-x12's whole-string parse: every interchange below, good or
 * broken, reads to the same sets on both paths whatever the chunk size, and receiving it gives the
 * same outcome, the same 997 and the same events.
 */
import { describe, expect, it } from 'vitest';
import { nodeX12Codec } from '../../../adapters/edi/x12-codec';
import { openStreamed, streamingX12Codec } from '../../../adapters/edi/x12-segment-reader';
import { receiveInterchange } from '../../../domain/edi/inbound-interchange';
import type { InterchangeItem, OpenedInterchange } from '../../../domain/edi/interchange';
import type { X12Codec } from '../../../domain/ports/edi-x12';
import { shipNoticeSet } from '../../../scripts/bench/edi-interchanges';
import { GUIDE_855, partnerInterchange, purchaseOrder } from '../../fixtures/edi';
import { inboundWorld } from '../../support/edi-memory';

const NOW = new Date('2026-11-28T09:20:00Z');
const KEY = 'inbound/acme-beverages/file.x12';
// The guide's 856 shape, one item (the bench generates the same shape, larger).
const ASN = shipNoticeSet('0201', 1);
const good = [{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }];
const withoutSe = GUIDE_855.filter((l) => !l.startsWith('SE'));

/** Interchanges good and broken: every case of the guide's envelope and of the 997's codes. */
const FILES: [string, string][] = [
  ['the guide 855', partnerInterchange(good)],
  [
    '855 and 856 groups',
    partnerInterchange([...good, { gs01: 'SH', gs06: '56', sets: ASN }], { isa13: '000000102' }),
  ],
  ["| ^ ' separators", partnerInterchange(good, { separators: { e: '|', c: '^', s: "'" } })],
  ['^ : newline separators', partnerInterchange(good, { separators: { e: '^', c: ':', s: '\n' } })],
  ['CR/LF after terminators', partnerInterchange(good).replaceAll('~\n', '~\r\n')],
  ['one line', partnerInterchange(good).replaceAll('~\n', '~')],
  ['no newline at the end', partnerInterchange(good).trimEnd()],
  [
    'SE01 wrong (AK5 R 4)',
    partnerInterchange([{ ...good[0]!, sets: GUIDE_855.map((l) => l.replace('SE*6', 'SE*9')) }]),
  ],
  [
    'SE02 differs (AK5 R 3)',
    partnerInterchange([{ ...good[0]!, sets: GUIDE_855.map((l) => l.replace('SE*6*0101', 'SE*6*0199')) }]),
  ],
  ['SE missing (AK5 R 2)', partnerInterchange([{ ...good[0]!, sets: withoutSe }])],
  [
    'a second set without SE before it',
    partnerInterchange([
      { ...good[0]!, sets: [...withoutSe, ...GUIDE_855.map((l) => l.replaceAll('0101', '0102'))] },
    ]),
  ],
  ['ST02 repeated (AK5 R 23)', partnerInterchange([{ ...good[0]!, sets: [...GUIDE_855, ...GUIDE_855] }])],
  [
    'an 850 in a PR group (AK5 R 1)',
    partnerInterchange([{ ...good[0]!, sets: GUIDE_855.map((l) => l.replace('ST*855', 'ST*850')) }]),
  ],
  [
    'bad content (AK5 R 5)',
    partnerInterchange([{ ...good[0]!, sets: GUIDE_855.map((l) => l.replace('ACK*IQ', 'ACK*ZZ')) }]),
  ],
  ['GE02 differs (AK9 R 4)', partnerInterchange([{ ...good[0]!, ge: 'GE*1*56' }])],
  ['GE01 wrong (AK9 R 5)', partnerInterchange([{ ...good[0]!, ge: 'GE*2*55' }])],
  ['GE missing', partnerInterchange(good).replace('GE*1*55~\n', '')],
  ['IEA disagreeing', partnerInterchange(good, { iea: 'IEA*2*000000101' })],
  ['IEA missing', partnerInterchange(good).replace('IEA*1*000000101~\n', '')],
  [
    'a 997 rejecting our 850',
    partnerInterchange([
      {
        gs01: 'FA',
        gs06: '77',
        sets: ['ST*997*0001', 'AK1*PO*7', 'AK2*850*0001', 'AK5*R*5', 'AK9*R*1*1*0', 'SE*6*0001'],
      },
    ]),
  ],
  ['no readable ISA', 'GS*PR*garbage~'],
  ['a short file', 'ISA*00*'],
  ['an unknown sender', partnerInterchange(good).replaceAll('ACMEBEV        ', 'STRANGER       ')],
  ['a set outside any group', partnerInterchange(good).replace(/GS\*[^~]*~\n/, '')],
];

async function receive(codec: X12Codec, text: string) {
  const { ports, published, metrics } = await inboundWorld(NOW, purchaseOrder(), codec);
  ports.mailbox.files.set(KEY, text);
  const outcome = await receiveInterchange(KEY, ports);
  return { outcome, published, metrics, files: [...ports.mailbox.files] };
}

async function items(opened: OpenedInterchange): Promise<InterchangeItem[] | string> {
  if (opened.kind === 'unreadable') return opened.reason;
  const all: InterchangeItem[] = [];
  try {
    for await (const item of opened.items) all.push(item);
  } catch (error) {
    return `unstructured: ${(error as Error).constructor.name}`;
  }
  return all;
}

async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

describe('X12 streaming reader', () => {
  it.each(FILES)('reads %s to the same sets as node-x12, in chunks of any size', async (_case, text) => {
    const whole = await items(await nodeX12Codec.open(chunked(text, text.length || 1)));
    for (const size of [1, 7, 105, 106, 4096])
      expect(await items(await openStreamed(chunked(text, size)))).toEqual(whole);
  });

  it.each(FILES)(
    'receives %s as the whole-string path does: outcome, 997 and events',
    async (_case, text) => {
      const whole = await receive(nodeX12Codec, text);
      const streamed = await receive(streamingX12Codec, text);
      if (whole.outcome.outcome === 'kept-for-a-person') {
        // The reasons name what each reader found wrong, in its own words.
        expect(streamed.outcome.outcome).toBe('kept-for-a-person');
        expect(streamed.published.map((e) => (e.data as { code: string }).code)).toEqual(
          whole.published.map((e) => (e.data as { code: string }).code),
        );
        return;
      }
      expect(streamed).toEqual(whole);
    },
  );

  it('reads an interchange of many sets without holding them: each set is handed on as its SE arrives', async () => {
    const sets = Array.from({ length: 3 }, (_, i) => ASN.map((l) => l.replaceAll('0201', `020${i + 1}`)));
    const text = partnerInterchange([{ gs01: 'SH', gs06: '56', sets: sets.flat() }]);
    const opened = await openStreamed(chunked(text, 64));
    if (opened.kind !== 'interchange') throw new Error(opened.reason);
    const kinds: string[] = [];
    for await (const item of opened.items)
      kinds.push(item.kind === 'set' ? `set ${item.set.header.elements[1]}` : item.kind);
    expect(kinds).toEqual(['group', 'set 0201', 'set 0202', 'set 0203', 'group-end', 'end']);
  });
});
