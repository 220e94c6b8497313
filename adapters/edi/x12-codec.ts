/**
 * X12 004010 text <-> the EDI domain's interchanges, with node-x12 (docs/adr/0010-edi-x12.md).
 *
 * Decoding reads the separators from the fixed-length ISA (element at index 3, component at 104,
 * terminator at 105), then parses with node-x12 in strict mode. Strict mode throws on the first
 * envelope error for the whole file; a 997 must answer each set and group with its own code, so
 * when it throws, node-x12's lenient parse gives the structure and the strict message is kept.
 */
import { X12Parser, X12Interchange, X12SerializationOptions, type X12Segment } from 'node-x12';
import {
  UnstructuredInterchange,
  type DecodedInterchange,
  type InterchangeItem,
  type OpenedInterchange,
  type OutgoingInterchange,
  type ReceivedInterchange,
  type Segment,
} from '../../domain/edi/interchange';
import type { InterchangeParty, X12Separators } from '../../domain/edi/partners';
import type { X12Codec } from '../../domain/ports/edi-x12';

/** An ISA with its terminator (guide, "Envelope"). */
export const ISA_LENGTH = 106;

/** The node-x12 codec: whole-string decoding (a file is opened by reading it whole). */
export const nodeX12Codec: X12Codec = { encode, decode, open: openWhole };

/** The text of `interchange`; segments end with the terminator and, unless it is one, a newline. */
export function encode(interchange: OutgoingInterchange): string {
  const { element, component, segment } = interchange.separators;
  const lineBreak = segment !== '\n';
  const options = new X12SerializationOptions({
    elementDelimiter: element,
    subElementDelimiter: component,
    segmentTerminator: segment,
    endOfLine: '\n',
    format: lineBreak,
  } as X12SerializationOptions);
  const x12 = new X12Interchange(options);
  x12.setHeader([...interchange.isa]);
  const group = x12.addFunctionalGroup();
  group.setHeader([...interchange.gs]);
  for (const set of interchange.sets) {
    const transaction = group.addTransaction();
    transaction.setHeader([set.setId, set.controlNumber]);
    for (const seg of set.segments) transaction.addSegment(seg.tag, [...seg.elements]);
  }
  const text = x12.toString(options);
  // Files end with the last terminator, then a newline where segments are on lines.
  return lineBreak ? `${text}\n` : text;
}

/** The separators of an interchange, from its ISA, or why they cannot be read. */
export function separatorsOf(text: string): X12Separators | string {
  if (!text.startsWith('ISA')) return 'the file does not start with an ISA segment';
  if (text.length < ISA_LENGTH) return `the file is shorter than an ISA segment (${ISA_LENGTH} characters)`;
  const separators = { element: text[3]!, component: text[104]!, segment: text[105]! };
  if (/[A-Za-z0-9 ]/.test(separators.element))
    return `ISA position 4 holds '${separators.element}', not a separator`;
  const fields = text.slice(0, 104).split(separators.element);
  if (fields.length !== 17 || fields[16] !== '')
    return 'the ISA is not 16 fixed-length elements of 106 characters with its terminator';
  if (new Set(Object.values(separators)).size !== 3)
    return 'the ISA separators are not three distinct characters';
  return separators;
}

/** The interchange in `text` (see the file header). */
export function decode(text: string): DecodedInterchange {
  const separators = separatorsOf(text);
  if (typeof separators === 'string') return { kind: 'unreadable', reason: separators };
  const { sender, receiver, controlNumber } = isaParties(text, separators);
  const options = new X12SerializationOptions({
    elementDelimiter: separators.element,
    segmentTerminator: separators.segment,
    subElementDelimiter: separators.component,
  } as X12SerializationOptions);
  let strictParseError: string | undefined;
  let parsed: X12Interchange;
  try {
    const strict = new X12Parser(true).parse(text, options);
    if (!(strict instanceof X12Interchange)) throw new Error('the file holds more than one interchange');
    parsed = strict;
  } catch (error) {
    strictParseError = error instanceof Error ? error.message : String(error);
    try {
      parsed = new X12Parser(false).parse(text, options) as X12Interchange;
    } catch (lenient) {
      const reason = `${strictParseError}; no functional groups could be read (${lenient instanceof Error ? lenient.message : String(lenient)})`;
      return { kind: 'unstructured', sender, receiver, controlNumber, reason };
    }
  }
  return {
    kind: 'interchange',
    interchange: {
      sender,
      receiver,
      controlNumber,
      separators,
      groups: parsed.functionalGroups.map((group) => ({
        header: segmentOf(group.header),
        trailer: group.trailer ? segmentOf(group.trailer) : null,
        sets: group.transactions.map((set) => ({
          header: segmentOf(set.header),
          trailer: set.trailer ? segmentOf(set.trailer) : null,
          segments: set.segments.map(segmentOf),
        })),
      })),
      trailer: parsed.trailer ? segmentOf(parsed.trailer) : null,
      ...(strictParseError === undefined ? {} : { strictParseError }),
    },
  };
}

/** Sender (ISA05/06), receiver (ISA07/08) and ISA13, from the ISA text. */
export function isaParties(
  text: string,
  separators: X12Separators,
): { sender: InterchangeParty; receiver: InterchangeParty; controlNumber: string } {
  const isa = text.slice(0, ISA_LENGTH - 1).split(separators.element);
  return {
    sender: { qualifier: isa[5]!, id: isa[6]!.trim() },
    receiver: { qualifier: isa[7]!, id: isa[8]!.trim() },
    controlNumber: isa[13]!,
  };
}

/** A file read whole, then decoded by node-x12 and handed on a set at a time. */
async function openWhole(chunks: AsyncIterable<string>): Promise<OpenedInterchange> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  const decoded = decode(text);
  if (decoded.kind === 'unreadable') return decoded;
  if (decoded.kind === 'unstructured') {
    const { reason, sender, receiver, controlNumber } = decoded;
    return {
      kind: 'interchange',
      sender,
      receiver,
      controlNumber,
      separators: separatorsOf(text) as X12Separators,
      items: {
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.reject(new UnstructuredInterchange(reason)),
        }),
      },
    };
  }
  const { groups, trailer, strictParseError: _, ...isa } = decoded.interchange;
  return { kind: 'interchange', ...isa, items: itemsOf(groups, trailer) };
}

async function* itemsOf(
  groups: ReceivedInterchange['groups'],
  trailer: Segment | null,
): AsyncGenerator<InterchangeItem> {
  for (const group of groups) {
    yield { kind: 'group', header: group.header };
    for (const set of group.sets) yield { kind: 'set', set };
    yield { kind: 'group-end', trailer: group.trailer };
  }
  yield { kind: 'end', trailer };
}

function segmentOf(segment: X12Segment): Segment {
  return { tag: segment.tag, elements: segment.elements.map((e) => e.value) };
}
