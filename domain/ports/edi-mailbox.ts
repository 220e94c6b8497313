/** The trading partners' mailbox (guide, "Transport"): one interchange per file, never changed once written. */

/** Reads what partners sent and writes what we send. */
export interface EdiMailbox {
  /** The text of the file at `key`. */
  read(key: string): Promise<string>;
  /** The text of the file at `key` as it arrives, in chunks (whole characters). */
  stream(key: string): AsyncIterable<string>;
  /**
   * Writes `text` at `key` unless a file is already there (files are never changed): a retry
   * writing the same file again finds it and returns `already-there`.
   */
  write(key: string, text: string): Promise<'written' | 'already-there'>;
}
