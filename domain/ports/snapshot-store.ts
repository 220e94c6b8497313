/**
 * The port through which a bulk forecast sync run keeps, per plan, the aggregated forecast of the
 * latest processed version, partitioned like the run's own partitions. Filesystem implementation in
 * `adapters/planning/fs-snapshot-store.ts`; the S3 one in `adapters/aws/s3-snapshot-store.ts`.
 */
import type { ByteSink, ByteSource } from './byte-streams';

/** What a processed version left behind; the manifest of the latest one marks the plan's progress. */
export interface SnapshotManifest {
  planId: string;
  version: number;
  /** Partition count (a power of two); records are in partition `hash >>> (32 - log2(partitions))`. */
  partitions: number;
  /** Distinct keys in the snapshot. */
  keys: number;
  /** sha256 of the export the snapshot was computed from. */
  sha256: string;
  /** ISO time the run committed it. */
  committedAt: string;
}

/** Storage of partitioned forecast snapshots and of the latest processed version per plan. */
export interface SnapshotStore {
  /** The manifest of the latest processed version of the plan, if any. */
  latest(planId: string): Promise<SnapshotManifest | undefined>;
  /** Streams the records of one partition of a committed snapshot (binary record format). */
  readPartition(planId: string, version: number, partition: number): ByteSource;
  /**
   * A stream to write one partition of a new snapshot. The run ends it and waits for `finish`: the
   * implementation must only finish once the bytes are durable.
   */
  writePartition(planId: string, version: number, partition: number): ByteSink;
  /**
   * Makes `manifest` the plan's latest version, only if the latest is still
   * `expectedPreviousVersion` (undefined = none); otherwise throws (a concurrent run won).
   */
  commit(manifest: SnapshotManifest, expectedPreviousVersion: number | undefined): Promise<void>;
  /** Deletes a snapshot that is no longer the latest (or was never committed). */
  discard(planId: string, version: number): Promise<void>;
}
