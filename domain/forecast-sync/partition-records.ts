/**
 * The compact binary record both passes and the snapshots share, and hash partitioning.
 *
 * Record: `u32 hash (LE) | u8 keyLength | key bytes (sku,site,week_start) | f64 milli-eaches (LE)`.
 * The hash travels with the record so nothing downstream re-hashes, and partitions of different
 * counts can be derived from any record (the partition is the hash's high bits).
 */
import type { ByteSource } from '../ports/byte-streams';
import type { ScratchAppender, ScratchArea } from '../ports/scratch-storage';

/** Bytes of a record besides its key. */
export const RECORD_OVERHEAD = 4 + 1 + 8;

/** log2 of a power of two. */
export function log2(powerOfTwo: number): number {
  return 31 - Math.clz32(powerOfTwo);
}

/** Smallest power of two >= n (n >= 1). */
export function nextPowerOfTwo(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}

/** Partition of a hash among 2^bits partitions: its high bits (so sub-splitting uses the next bits). */
export function partitionOf(hash: number, bits: number): number {
  return bits === 0 ? 0 : hash >>> (32 - bits);
}

/** Which of 2^subBits sub-passes of a partition (2^partitionBits partitions) a hash belongs to. */
export function subPassOf(hash: number, partitionBits: number, subBits: number): number {
  return subBits === 0 ? 0 : (hash << partitionBits) >>> (32 - subBits);
}

/**
 * Appends records to one scratch file per partition, with a write buffer per partition whose size
 * shrinks as partitions grow so the total buffer memory stays fixed. Writes are synchronous (see
 * domain/ports/scratch-storage.ts).
 */
export class PartitionSpill {
  /** Records written per partition (an upper bound of its distinct keys). */
  readonly records: Float64Array;
  /** The scratch file of each partition. */
  readonly names: string[];
  private readonly files: ScratchAppender[];
  private readonly buffers: Buffer[];
  private readonly fill: Int32Array;
  private readonly bits: number;

  constructor(area: ScratchArea, name: string, partitions: number, totalBufferBytes: number) {
    this.bits = log2(partitions);
    const size = Math.max(16 * 1024, Math.floor(totalBufferBytes / partitions));
    this.records = new Float64Array(partitions);
    this.fill = new Int32Array(partitions);
    this.names = [];
    this.files = [];
    this.buffers = [];
    for (let p = 0; p < partitions; p++) {
      const file = `${name}-${p}.bin`;
      this.names.push(file);
      this.files.push(area.append(file));
      this.buffers.push(Buffer.allocUnsafe(size));
    }
  }

  /** Appends a record whose key is `src[keyStart, keyEnd)`. */
  add(hash: number, src: Uint8Array, keyStart: number, keyEnd: number, milli: number): void {
    const p = partitionOf(hash, this.bits);
    const keyLength = keyEnd - keyStart;
    let buf = this.buffers[p]!;
    let o = this.fill[p]!;
    if (o + RECORD_OVERHEAD + keyLength > buf.length) {
      this.flush(p);
      buf = this.buffers[p]!;
      o = 0;
    }
    buf.writeUInt32LE(hash, o);
    buf[o + 4] = keyLength;
    o += 5;
    for (let i = keyStart; i < keyEnd; i++) buf[o++] = src[i]!;
    buf.writeDoubleLE(milli, o);
    this.fill[p] = o + 8;
    this.records[p]!++;
  }

  /** Flushes every buffer and closes the files; they stay readable. */
  close(): void {
    for (let p = 0; p < this.files.length; p++) {
      this.flush(p);
      this.files[p]!.close();
    }
    this.files.length = 0;
  }

  private flush(p: number): void {
    const n = this.fill[p]!;
    let written = 0;
    while (written < n) written += this.files[p]!.write(this.buffers[p]!, written, n - written);
    this.fill[p] = 0;
  }
}

/** Called per record: the key is `buf[keyStart, keyStart + keyLength)`. */
export type RecordVisitor = (
  buf: Buffer,
  hash: number,
  keyStart: number,
  keyLength: number,
  milli: number,
) => void;

/** Longest record (255-byte key). */
const MAX_RECORD_BYTES = RECORD_OVERHEAD + 255;

/** Visits the whole records in `buf[0, n)`; returns the offset of the first incomplete one. */
function visitRecords(buf: Buffer, n: number, visit: RecordVisitor): number {
  let o = 0;
  while (o + 5 <= n) {
    const keyLength = buf[o + 4]!;
    const next = o + RECORD_OVERHEAD + keyLength;
    if (next > n) break;
    visit(buf, buf.readUInt32LE(o), o + 5, keyLength, buf.readDoubleLE(o + 5 + keyLength));
    o = next;
  }
  return o;
}

/**
 * Streams the records of a snapshot partition to `visit`. A record straddling two chunks is
 * stitched in a small buffer (no chunk-sized copies). Memory: one chunk plus one record.
 */
export async function forEachRecord(source: ByteSource, visit: RecordVisitor): Promise<void> {
  const stitch = Buffer.allocUnsafe(MAX_RECORD_BYTES);
  let partial = 0; // bytes of a straddling record held in `stitch`
  for await (const chunk of source) {
    let start = 0;
    if (partial > 0) {
      // Complete the straddling record: its length is known once its 5-byte prefix is.
      const take = (need: number) => {
        const n = Math.min(need - partial, chunk.length - start);
        chunk.copy(stitch, partial, start, start + n);
        partial += n;
        start += n;
      };
      if (partial < 5) take(5);
      if (partial >= 5) take(RECORD_OVERHEAD + stitch[4]!);
      if (partial < 5 || partial < RECORD_OVERHEAD + stitch[4]!) continue;
      visitRecords(stitch, partial, visit);
      partial = 0;
    }
    const view = start === 0 ? chunk : chunk.subarray(start);
    const used = visitRecords(view, view.length, visit);
    partial = view.length - used;
    view.copy(stitch, 0, used);
  }
  if (partial > 0) throw new Error(`truncated partition record stream (${partial} trailing bytes)`);
}

/**
 * Visits the records of a scratch file, reading synchronously into the caller's reusable buffer:
 * no allocation per read, which keeps RSS flat (freed chunk buffers linger until a GC).
 */
export function forEachRecordInScratch(
  area: ScratchArea,
  name: string,
  buffer: Buffer,
  visit: RecordVisitor,
): void {
  const file = area.read(name);
  try {
    let filled = 0;
    for (;;) {
      const read = file.read(buffer, filled, buffer.length - filled);
      if (read === 0) break;
      filled += read;
      const used = visitRecords(buffer, filled, visit);
      buffer.copy(buffer, 0, used, filled);
      filled -= used;
    }
    if (filled > 0) throw new Error(`truncated scratch partition ${name} (${filled} trailing bytes)`);
  } finally {
    file.close();
  }
}

/** Closes a spill without letting a close error hide the run's own error (the directory is removed after). */
export function closeQuietly(spill: PartitionSpill | undefined): void {
  try {
    spill?.close();
  } catch {
    // Nothing to do: the scratch area is removed by the caller.
  }
}
