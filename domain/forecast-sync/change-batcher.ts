/**
 * Packs changed forecast lines into EventBridge-sized micro-batches: each entry is one canonical
 * `ForecastLinesChanged` (many lines), each batch is one PutEvents call (<= 10 entries).
 */

/** Size limits of the emitted batches. */
export interface BatchLimits {
  /** Entries per batch (PutEvents accepts 10). @default 10 */
  maxEntriesPerBatch: number;
  /** Bytes per entry, detail plus `envelopeReserveBytes`. @default 262144 (256 KiB, conservative) */
  maxEntryBytes: number;
  /** Bytes per batch, summed over its entries (PutEvents request limit). @default 1048576 */
  maxBatchBytes: number;
  /** Lines per entry (canonical `ForecastLinesChanged.lines` maxItems). @default 2000 */
  maxLinesPerEntry: number;
  /** Bytes kept free per entry for the canonical envelope, source and detail-type. @default 2048 */
  envelopeReserveBytes: number;
}

/** The defaults of {@link BatchLimits}. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxEntriesPerBatch: 10,
  maxEntryBytes: 256 * 1024,
  maxBatchBytes: 1024 * 1024,
  maxLinesPerEntry: 2000,
  envelopeReserveBytes: 2048,
};

/** One event entry: the JSON of a canonical `ForecastLinesChanged` object. */
export interface ChangeEntry {
  /** Deterministic id (`<batchId>:e<index>`), also the payload's `batchId`: an idempotency key. */
  entryId: string;
  /** JSON text of `{ planId, planVersion, batchId, lines: ForecastLine[] }`. */
  detail: string;
  /** Lines in the entry. */
  lines: number;
  /** UTF-8 bytes of `detail` plus the envelope reserve: what the limits are checked against. */
  bytes: number;
}

/** One PutEvents call's worth of entries. */
export interface ChangeBatch {
  /** Deterministic id `<planId>:v<version>:p<partition>:b<sequence>`: an idempotency key. */
  batchId: string;
  planId: string;
  version: number;
  partition: number;
  /** Sequence of the batch within its partition, from 0. */
  sequence: number;
  entries: ChangeEntry[];
  /** Sum of the entries' `bytes`. */
  bytes: number;
}

/** Receives each batch; the run waits for it (backpressure), and a rejection fails the run. */
export type BatchSink = (batch: ChangeBatch) => Promise<void>;

const ascii = (text: string) => Buffer.from(text, 'latin1');
const LINE_START = ascii('{"itemCode":"');
const SITE = ascii('","site":"');
const WEEK_START = ascii('","weekStart":"');
const QUANTITY = ascii('","quantityEa":"');
const PREVIOUS = ascii('","previousQuantityEa":');
const NULL_END = ascii('null}');
/** JSON around a line besides the key and the two quantities (at most 20 characters each, quoted). */
const LINE_OVERHEAD =
  LINE_START.length + SITE.length + WEEK_START.length + QUANTITY.length + PREVIOUS.length + 48;

function put(buf: Buffer, o: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[o++] = bytes[i]!;
  return o;
}

/** Writes the canonical decimal text of a milli-each quantity (as {@link formatMilli}); returns the end. */
export function writeMilli(buf: Buffer, o: number, milli: number): number {
  let whole = Math.floor(milli / 1000);
  let fraction = milli - whole * 1000;
  if (fraction < 0) {
    whole -= 1;
    fraction += 1000;
  }
  let digits = 1;
  for (let t = whole; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let i = o + digits - 1; i >= o; i--) {
    const q = Math.floor(whole / 10);
    buf[i] = 48 + whole - q * 10;
    whole = q;
  }
  o += digits;
  if (fraction > 0) {
    const d1 = Math.floor(fraction / 100);
    const d2 = Math.floor(fraction / 10) % 10;
    const d3 = fraction % 10;
    buf[o++] = 46;
    buf[o++] = 48 + d1;
    if (d2 !== 0 || d3 !== 0) buf[o++] = 48 + d2;
    if (d3 !== 0) buf[o++] = 48 + d3;
  }
  return o;
}

/**
 * Builds the entries byte by byte into one reused buffer (no string per line: emitting a first
 * load of millions of lines must not churn the heap), then one string per entry.
 */
export class ChangeBatcher {
  /** Lines, entries and batches delivered to the sink so far. */
  linesEmitted = 0;
  entriesEmitted = 0;
  batchesEmitted = 0;
  private partition = 0;
  private sequence = 0;
  private readonly body: Buffer;
  private bodyLength = 0;
  private lines = 0;
  private entries: ChangeEntry[] = [];
  private batchBytes = 0;
  private readonly ready: ChangeBatch[] = [];
  private readonly prefixBytes: number;

  constructor(
    private readonly planId: string,
    private readonly version: number,
    private readonly limits: BatchLimits,
    private readonly sink: BatchSink,
  ) {
    // Upper bound of the entry JSON around the lines (ids are at most ~40 characters longer than planId).
    this.prefixBytes = 2 * planId.length + 120;
    const room = limits.maxEntryBytes - this.prefixBytes - limits.envelopeReserveBytes;
    if (room < LINE_OVERHEAD + 255 || limits.maxBatchBytes < limits.maxEntryBytes) {
      throw new RangeError('batch limits too small for one forecast line per entry');
    }
    this.body = Buffer.allocUnsafe(room);
  }

  /** Starts the batches of a partition (batch ids restart at sequence 0). */
  startPartition(partition: number): void {
    this.partition = partition;
    this.sequence = 0;
  }

  /**
   * Adds a line. The key is `key[start, start+length)` = `sku,site,week_start` (validated identifiers:
   * nothing to escape); quantities in milli-eaches, `previous` undefined for a new key.
   * Returns true when a batch is complete: the caller then awaits {@link deliverReady}.
   */
  add(
    key: Uint8Array,
    start: number,
    length: number,
    quantity: number,
    previous: number | undefined,
  ): boolean {
    if (
      this.lines >= this.limits.maxLinesPerEntry ||
      this.bodyLength + LINE_OVERHEAD + length > this.body.length
    ) {
      this.closeEntry();
    }
    const buf = this.body;
    let o = this.bodyLength;
    if (this.lines > 0) buf[o++] = 44;
    o = put(buf, o, LINE_START);
    let i = start;
    const end = start + length;
    for (let c = key[i]!; c !== 44; c = key[++i]!) buf[o++] = c;
    o = put(buf, o, SITE);
    for (let c = key[++i]!; c !== 44; c = key[++i]!) buf[o++] = c;
    o = put(buf, o, WEEK_START);
    for (i++; i < end; i++) buf[o++] = key[i]!;
    o = put(buf, o, QUANTITY);
    o = writeMilli(buf, o, quantity);
    o = put(buf, o, PREVIOUS);
    if (previous === undefined) {
      o = put(buf, o, NULL_END);
    } else {
      buf[o++] = 34;
      o = writeMilli(buf, o, previous);
      buf[o++] = 34;
      buf[o++] = 125;
    }
    this.bodyLength = o;
    this.lines++;
    return this.ready.length > 0;
  }

  /** Delivers complete batches to the sink, in order. */
  async deliverReady(): Promise<void> {
    while (this.ready.length > 0) {
      const batch = this.ready.shift()!;
      await this.sink(batch);
      this.batchesEmitted++;
      this.entriesEmitted += batch.entries.length;
      for (const entry of batch.entries) this.linesEmitted += entry.lines;
    }
  }

  /** Closes and delivers everything pending for the current partition. */
  async endPartition(): Promise<void> {
    this.closeEntry();
    this.closeBatch();
    await this.deliverReady();
  }

  private batchId(): string {
    return `${this.planId}:v${this.version}:p${this.partition}:b${this.sequence}`;
  }

  private closeEntry(): void {
    if (this.lines === 0) return;
    // Size the entry against the current batch first: its id depends on the batch it lands in.
    const estimate = this.prefixBytes + this.limits.envelopeReserveBytes + this.bodyLength;
    if (
      this.entries.length >= this.limits.maxEntriesPerBatch ||
      this.batchBytes + estimate > this.limits.maxBatchBytes
    ) {
      this.closeBatch();
    }
    const entryId = `${this.batchId()}:e${this.entries.length}`;
    const prefix = `{"planId":"${this.planId}","planVersion":${this.version},"batchId":"${entryId}","lines":[`;
    const detail = `${prefix}${this.body.toString('latin1', 0, this.bodyLength)}]}`;
    // Everything is ASCII (validated identifiers, digits), so characters are bytes.
    const bytes = detail.length + this.limits.envelopeReserveBytes;
    this.entries.push({ entryId, detail, lines: this.lines, bytes });
    this.batchBytes += bytes;
    this.lines = 0;
    this.bodyLength = 0;
  }

  private closeBatch(): void {
    if (this.entries.length === 0) return;
    this.ready.push({
      batchId: this.batchId(),
      planId: this.planId,
      version: this.version,
      partition: this.partition,
      sequence: this.sequence,
      entries: this.entries,
      bytes: this.batchBytes,
    });
    this.sequence++;
    this.entries = [];
    this.batchBytes = 0;
  }
}
