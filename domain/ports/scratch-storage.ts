/**
 * Scratch storage: files that live only as long as one run (the bulk forecast sync spills its rows
 * into partitions there). Local disk in Lambda (`/tmp`) and everywhere else:
 * adapters/planning/local-scratch.ts.
 *
 * The calls are synchronous on purpose: the run does nothing else while it spills or reads back,
 * and one 16 KB-1 MB write or read to local disk costs less than a promise per call.
 */

/** Where runs get their scratch areas. */
export interface ScratchStorage {
  /** A new, private, empty area for one run. */
  createArea(): ScratchArea;
}

/** The scratch files of one run. */
export interface ScratchArea {
  /** Creates an empty file (or empties it) to append to. */
  append(name: string): ScratchAppender;
  /** Opens a file written earlier in the run, to read from its start. */
  read(name: string): ScratchReader;
  /** Removes the area and every file in it. */
  remove(): void;
}

/** Appends to one scratch file. */
export interface ScratchAppender {
  /** Writes `bytes[offset, offset + length)`; returns how many bytes were written. */
  write(bytes: Uint8Array, offset: number, length: number): number;
  close(): void;
}

/** Reads one scratch file from its start. */
export interface ScratchReader {
  /** Reads up to `length` bytes into `into` at `offset`; returns how many (0 at the end). */
  read(into: Uint8Array, offset: number, length: number): number;
  close(): void;
}
