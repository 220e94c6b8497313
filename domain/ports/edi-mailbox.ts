/** The trading partners' mailbox (guide, "Transport"): one interchange per file, never changed once written. */

/**
 * One mailbox file to read as a stream, as many times as its reader needs (a large interchange is
 * checked in a first read and applied in a second, so it is never held whole).
 */
export interface MailboxFile {
  /**
   * The file's text as it arrives, in chunks (whole characters). Every read is of the version the
   * first read saw: a file replaced since fails the read, so two reads never mix two versions.
   */
  stream(): AsyncIterable<string>;
}

/** Reads what partners sent and writes what we send. */
export interface EdiMailbox {
  /** The text of the file at `key`. */
  read(key: string): Promise<string>;
  /** The file at `key`, to read as a stream (see {@link MailboxFile}). */
  file(key: string): MailboxFile;
  /**
   * Writes `text` at `key` unless a file is already there (files are never changed): a retry
   * writing the same file again finds it and returns `already-there`.
   */
  write(key: string, text: string): Promise<'written' | 'already-there'>;
}
