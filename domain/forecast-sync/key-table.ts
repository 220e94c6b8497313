/**
 * Aggregates one partition: an open-addressing hash table keyed by the record's key bytes, using the
 * hash the parser already computed. No string per row (a Map<string, ...> would allocate one per
 * record, and hold several times the memory); strings are only made for keys that are emitted.
 */

/** Entry flags. */
export const IN_NEW = 1;
export const IN_PREVIOUS = 2;
/** The sum of the new rows left the exact float64 integer range. */
export const OVERFLOW = 4;

export class KeyTable {
  /** Number of entries; entries are `0 .. size-1` in first-seen order. */
  size = 0;
  hashes: Uint32Array;
  keyOffsets: Int32Array;
  keyLengths: Uint8Array;
  /** New version quantity (milli-eaches). */
  quantities: Float64Array;
  /** Previous version quantity (milli-eaches), when flagged IN_PREVIOUS. */
  previous: Float64Array;
  flags: Uint8Array;
  arena: Buffer;
  private arenaUsed = 0;
  private slots: Int32Array;
  private mask: number;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(16, initialCapacity);
    this.hashes = new Uint32Array(capacity);
    this.keyOffsets = new Int32Array(capacity);
    this.keyLengths = new Uint8Array(capacity);
    this.quantities = new Float64Array(capacity);
    this.previous = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.arena = Buffer.allocUnsafe(capacity * 32);
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = this.slots.length - 1;
  }

  /** Empties the table, keeping its storage for the next partition. */
  clear(): void {
    this.size = 0;
    this.arenaUsed = 0;
    this.slots.fill(-1);
  }

  /** Index of the key `src[start, start+length)`, inserting it (quantity 0, no flags) when absent. */
  upsert(src: Uint8Array, hash: number, start: number, length: number): number {
    const slots = this.slots;
    let s = hash & this.mask;
    for (;;) {
      const e = slots[s]!;
      if (e < 0) break;
      if (this.hashes[e] === hash && this.keyEquals(e, src, start, length)) return e;
      s = (s + 1) & this.mask;
    }
    if (this.size * 2 >= this.mask) {
      this.grow();
      return this.upsert(src, hash, start, length);
    }
    const e = this.size++;
    if (this.arenaUsed + length > this.arena.length) {
      const arena = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + length));
      this.arena.copy(arena, 0, 0, this.arenaUsed);
      this.arena = arena;
    }
    const arena = this.arena;
    let o = this.arenaUsed;
    for (let i = start, end = start + length; i < end; i++) arena[o++] = src[i]!;
    this.keyOffsets[e] = this.arenaUsed;
    this.arenaUsed = o;
    this.keyLengths[e] = length;
    this.hashes[e] = hash;
    this.quantities[e] = 0;
    this.previous[e] = 0;
    this.flags[e] = 0;
    slots[s] = e;
    return e;
  }

  private keyEquals(e: number, src: Uint8Array, start: number, length: number): boolean {
    if (this.keyLengths[e] !== length) return false;
    const arena = this.arena;
    const o = this.keyOffsets[e]! - start;
    for (let i = start, end = start + length; i < end; i++) if (arena[o + i] !== src[i]) return false;
    return true;
  }

  private grow(): void {
    const capacity = this.hashes.length * 2;
    const widen = <T extends Uint32Array | Int32Array | Uint8Array | Float64Array>(
      a: T,
      make: (n: number) => T,
    ) => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.hashes = widen(this.hashes, (n) => new Uint32Array(n));
    this.keyOffsets = widen(this.keyOffsets, (n) => new Int32Array(n));
    this.keyLengths = widen(this.keyLengths, (n) => new Uint8Array(n));
    this.quantities = widen(this.quantities, (n) => new Float64Array(n));
    this.previous = widen(this.previous, (n) => new Float64Array(n));
    this.flags = widen(this.flags, (n) => new Uint8Array(n));
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let e = 0; e < this.size; e++) {
      let s = this.hashes[e]! & this.mask;
      while (this.slots[s]! >= 0) s = (s + 1) & this.mask;
      this.slots[s] = e;
    }
  }
}
