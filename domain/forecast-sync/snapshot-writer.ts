/**
 * Writing a snapshot partition to the store's sink: records buffered into 64 KB chunks, written with
 * backpressure, and the end awaited until the store has every byte.
 */
import type { ByteSink, ByteSinkEvent } from '../ports/byte-streams';
import { RECORD_OVERHEAD } from './partition-records';

const SNAPSHOT_BUFFER_BYTES = 64 * 1024;

/** Resolves on the sink's next `drain`; rejects if it fails first. */
export function untilDrained(sink: ByteSink): Promise<void> {
  return settleOn(sink, { drain: 'resolve', error: 'reject' });
}

/**
 * Resolves once the sink emitted `finish` (every byte stored); rejects if it fails or closes before.
 * Call it before writing, so that no event is missed.
 */
export function untilFinished(sink: ByteSink): Promise<void> {
  return settleOn(sink, { finish: 'resolve', error: 'reject', close: 'premature' });
}

/** Settles on the first of `outcomes`' events and removes the other listeners. */
function settleOn(
  sink: ByteSink,
  outcomes: Partial<Record<ByteSinkEvent, 'resolve' | 'reject' | 'premature'>>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const listeners = new Map<ByteSinkEvent, (error?: Error) => void>();
    const settle = (event: ByteSinkEvent, error?: Error) => {
      for (const [other, listener] of listeners) if (other !== event) sink.removeListener(other, listener);
      const outcome = outcomes[event];
      if (outcome === 'resolve') resolve();
      else
        reject(
          outcome === 'premature' ? new Error('premature close: the sink closed before finishing') : error,
        );
    };
    for (const event of Object.keys(outcomes) as ByteSinkEvent[]) {
      const listener = (error?: Error) => settle(event, error);
      listeners.set(event, listener);
      if (event === 'error') sink.once('error', listener);
      else sink.once(event, () => listener());
    }
  });
}

/** Buffers snapshot records and writes them to the store's stream with backpressure. */
export class SnapshotWriter {
  private buf = Buffer.allocUnsafe(SNAPSHOT_BUFFER_BYTES);
  private fill = 0;
  private blocked = false;
  private readonly done: Promise<void>;

  constructor(private readonly stream: ByteSink) {
    this.done = untilFinished(stream);
    this.done.catch(() => undefined); // observed in end(); avoids an unhandled rejection meanwhile
  }

  get needsDrain(): boolean {
    return this.blocked;
  }

  add(hash: number, src: Buffer, keyStart: number, keyLength: number, milli: number): void {
    if (this.fill + RECORD_OVERHEAD + keyLength > this.buf.length) this.push();
    const buf = this.buf;
    let o = this.fill;
    buf.writeUInt32LE(hash, o);
    buf[o + 4] = keyLength;
    o += 5;
    src.copy(buf, o, keyStart, keyStart + keyLength);
    buf.writeDoubleLE(milli, o + keyLength);
    this.fill = o + keyLength + 8;
  }

  async drain(): Promise<void> {
    if (this.blocked) await untilDrained(this.stream);
    this.blocked = false;
  }

  async end(): Promise<void> {
    this.push();
    this.stream.end();
    await this.done;
  }

  private push(): void {
    if (this.fill === 0) return;
    if (!this.stream.write(this.buf.subarray(0, this.fill))) this.blocked = true;
    this.buf = Buffer.allocUnsafe(SNAPSHOT_BUFFER_BYTES);
    this.fill = 0;
  }
}
