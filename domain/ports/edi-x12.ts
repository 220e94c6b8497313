/** X12 text to and from the interchanges the EDI rules work with. */
import type { DecodedInterchange, OpenedInterchange, OutgoingInterchange } from '../edi/interchange';

/** Encodes and decodes X12 004010 interchanges. */
export interface X12Codec {
  /** The text of `interchange`, with SE, GE and IEA counted. */
  encode(interchange: OutgoingInterchange): string;
  /** The interchange in `text`, separators read from its ISA, or why it cannot be read. */
  decode(text: string): DecodedInterchange;
  /**
   * The interchange in a file read as text chunks, separators from its ISA, one transaction set at
   * a time (a file may be larger than the memory a function has).
   */
  open(chunks: AsyncIterable<string>): Promise<OpenedInterchange>;
}
