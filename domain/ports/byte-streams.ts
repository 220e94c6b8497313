/**
 * Bytes in and out of the business rules, as the shapes they need: a Node `Readable` is a
 * {@link ByteSource} and a Node `Writable` a {@link ByteSink}, so adapters pass their streams as
 * they are and the domain imports no stream module.
 */

/** Bytes arriving in chunks (an export being downloaded, a stored snapshot partition). */
export interface ByteSource extends AsyncIterable<Buffer> {
  /** Stops reading and releases the source (a run that does not need it). */
  destroy(): void;
}

/** Events of a {@link ByteSink} the domain waits for. */
export type ByteSinkEvent = 'drain' | 'finish' | 'close' | 'error';

/** Bytes leaving in chunks, with backpressure (a snapshot partition, the rejected rows). */
export interface ByteSink {
  /** Queues the chunk; false when the sink wants the writer to wait for `drain`. */
  write(chunk: Uint8Array | string): boolean;
  /** No more chunks: the sink emits `finish` once every byte is stored. */
  end(): void;
  once(event: 'drain' | 'finish' | 'close', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: ByteSinkEvent, listener: (...args: never[]) => void): unknown;
}
