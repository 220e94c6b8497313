/**
 * X12 read as a stream, segment by segment (docs/adr/0010-edi-x12-trading-partners.md): the
 * separators come from each file's fixed-length ISA, then each segment is split as its terminator
 * arrives, and the segments are handed on one transaction set at a time. Memory holds the set being
 * read, never the file, so a 50 MB interchange is read in a Lambda's memory.
 *
 * node-x12 cannot do this: its stream mode re-checks the ISA length at the start of every chunk
 * (strict mode throws on the second chunk) and drops a chunk shorter than an ISA, and its object
 * model holds every segment of the file. The grouping below follows its lenient parse, so a file
 * reads to the same structure on both paths (test/adapters/edi/x12-segment-reader.test.ts).
 */
import {
  UnstructuredInterchange,
  type InterchangeItem,
  type OpenedInterchange,
  type ReceivedTransactionSet,
  type Segment,
} from '../../domain/edi/interchange';
import type { X12Separators } from '../../domain/edi/partners';
import type { X12Codec } from '../../domain/ports/edi-x12';
import { isaParties, ISA_LENGTH, nodeX12Codec, separatorsOf } from './x12-codec';

/** The interchange in a file read as text chunks (see the file header). */
export async function openStreamed(chunks: AsyncIterable<string>): Promise<OpenedInterchange> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head = '';
  while (head.length < ISA_LENGTH) {
    const next = await iterator.next();
    if (next.done) break;
    head += next.value;
  }
  const separators = separatorsOf(head);
  if (typeof separators === 'string') return { kind: 'unreadable', reason: separators };
  const rest = (async function* () {
    yield head.slice(ISA_LENGTH);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  return {
    kind: 'interchange',
    ...isaParties(head, separators),
    separators,
    items: interchangeItems(segmentsOf(rest, separators)),
  };
}

/** The segments after the ISA, split as their terminators arrive. */
export async function* segmentsOf(
  chunks: AsyncIterable<string>,
  separators: X12Separators,
): AsyncGenerator<Segment> {
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let start = 0;
    for (
      let end = text.indexOf(separators.segment);
      end >= 0;
      end = text.indexOf(separators.segment, start)
    ) {
      const segment = segmentOf(text.slice(start, end), separators.element);
      if (segment) yield segment;
      start = end + 1;
    }
    carry = text.slice(start);
  }
  const last = segmentOf(carry, separators.element);
  if (last) yield last;
}

/** One segment's text as node-x12 reads it: whitespace before the tag skipped, IEA02 as an integer. */
function segmentOf(raw: string, element: string): Segment | undefined {
  const text = raw.trimStart();
  if (text === '') return undefined;
  const elements = text.split(element);
  const tag = elements.shift()!;
  if (elements.length === 0) throw new UnstructuredInterchange(`segment '${tag}' has no elements`);
  if (tag === 'IEA' && elements.length === 2) elements[1] = `${Number.parseInt(elements[1]!, 10)}`;
  return { tag, elements };
}

/** GS, sets, GE and IEA from the segments, grouped as node-x12's lenient parse groups them. */
export async function* interchangeItems(segments: AsyncIterable<Segment>): AsyncGenerator<InterchangeItem> {
  let inGroup = false;
  let set: { header: Segment; segments: Segment[] } | undefined;
  let ended = false;
  const closeSet = (trailer: Segment | null): ReceivedTransactionSet => {
    const closed = { header: set!.header, segments: set!.segments, trailer };
    set = undefined;
    return closed;
  };
  for await (const segment of segments) {
    const outside = () => new UnstructuredInterchange(`${segment.tag} appears outside of a functional group`);
    switch (segment.tag) {
      case 'ISA':
        throw new UnstructuredInterchange('the file holds more than one interchange');
      case 'GS':
        if (set) yield { kind: 'set', set: closeSet(null) };
        if (inGroup) yield { kind: 'group-end', trailer: null };
        inGroup = true;
        yield { kind: 'group', header: segment };
        break;
      case 'ST':
        if (!inGroup) throw outside();
        if (set) yield { kind: 'set', set: closeSet(null) };
        set = { header: segment, segments: [] };
        break;
      case 'SE':
        if (!inGroup || !set) throw outside();
        yield { kind: 'set', set: closeSet(segment) };
        break;
      case 'GE':
        if (!inGroup) throw outside();
        if (set) yield { kind: 'set', set: closeSet(null) };
        inGroup = false;
        yield { kind: 'group-end', trailer: segment };
        break;
      case 'IEA':
        if (set) yield { kind: 'set', set: closeSet(null) };
        if (inGroup) yield { kind: 'group-end', trailer: null };
        inGroup = false;
        ended = true;
        yield { kind: 'end', trailer: segment };
        break;
      default:
        // Outside a set node-x12 notes it and goes on; so do we.
        set?.segments.push(segment);
    }
  }
  if (ended) return;
  if (set) yield { kind: 'set', set: closeSet(null) };
  if (inGroup) yield { kind: 'group-end', trailer: null };
  yield { kind: 'end', trailer: null };
}

/** node-x12 to write, and to decode a file held whole; the stream reader to open a file. */
export const streamingX12Codec: X12Codec = { ...nodeX12Codec, open: openStreamed };
