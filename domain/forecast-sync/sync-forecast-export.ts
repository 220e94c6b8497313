/**
 * Bulk forecast synchronisation: streams a published export once, validates and converts every row,
 * aggregates per (sku, site, week_start), compares with the previous processed version of the plan
 * and emits only the lines that changed beyond the threshold policy, as EventBridge-sized batches.
 *
 * Two passes, memory independent of the file size (see README.md):
 * 1. stream + sha256 + validate; accepted rows go as compact records into K scratch partitions;
 * 2. only once the checksum is confirmed: per partition, aggregate (bounded hash table), merge with
 *    the previous snapshot's partition, emit changes and write the new snapshot partition.
 */
import { createHash } from 'node:crypto';
import { ContractViolation } from '../failures';
import type { ByteSink, ByteSource } from '../ports/byte-streams';
import type { ScratchArea, ScratchStorage } from '../ports/scratch-storage';
import { ChangeBatcher, DEFAULT_BATCH_LIMITS, type BatchLimits, type BatchSink } from './change-batcher';
import { CompiledChangePolicy, DEFAULT_CHANGE_POLICY, type ChangePolicy } from './change-policy';
import {
  ACCEPTED,
  EXPORT_HEADER,
  ExportRowParser,
  LINE_TOO_LONG,
  reasonOf,
  type RejectReason,
} from './export-row';
import { IN_NEW, IN_PREVIOUS, KeyTable, OVERFLOW } from './key-table';
import {
  closeQuietly,
  forEachRecord,
  forEachRecordInScratch,
  log2,
  nextPowerOfTwo,
  PartitionSpill,
  subPassOf,
  type RecordVisitor,
} from './partition-records';
import type { SnapshotManifest, SnapshotStore } from '../ports/snapshot-store';
import { SnapshotWriter, untilDrained } from './snapshot-writer';

/** One published export to synchronise (from the `forecast.published` event). */
export interface ForecastExport {
  /** `plan.plan_id`; a canonical identifier. */
  planId: string;
  /** `plan.version`; every row's plan_version must equal it. */
  version: number;
  /** The file's bytes: `Readable.fromWeb(response.body)` in production, a file stream locally. */
  input: ByteSource;
  /** `export.sha256` (hex); when given, a mismatch fails the run before anything is emitted. */
  expectedSha256?: string;
  /** `export.rows`: sizes the partitions; reported back, never trusted for correctness. */
  declaredRows?: number;
}

/** Progress of a run, reported at most every `progressIntervalMs`. */
export interface ForecastSyncProgress {
  phase: 'ingest' | 'diff';
  /** Data rows read so far (ingest) or in total (diff). */
  rows: number;
  bytes: number;
  partitionsDone: number;
  partitions: number;
  /** Rows per wall-clock second since the run started. */
  rowsPerSecond: number;
  elapsedMs: number;
}

/** What a run did. */
export interface ForecastSyncSummary {
  planId: string;
  version: number;
  /** `stale`: an older version than the latest processed; `duplicate`: the same version again. */
  outcome: 'processed' | 'duplicate' | 'stale';
  /** The latest processed version before this run, if any. */
  previousVersion: number | null;
  /** Data rows (lines after the header). */
  rows: number;
  declaredRows: number | null;
  accepted: number;
  rejected: number;
  /** Rejected rows per reason (reasons with no rows are left out). */
  rejectedByReason: Partial<Record<RejectReason, number>>;
  /** Distinct (sku, site, week_start) keys in the new snapshot. */
  keys: number;
  /** Keys whose summed quantity left the exact range: not emitted, previous value kept. */
  keysOverflowed: number;
  changesEmitted: number;
  changesByKind: { added: number; changed: number; removed: number };
  batches: number;
  entries: number;
  partitions: number;
  bytes: number;
  durationMs: number;
  /** sha256 (hex) of the export bytes; null when the export was not read. */
  sha256: string | null;
}

/** Tuning knobs; the defaults keep peak RSS well under 128 MiB. */
export interface ForecastSyncTuning {
  /** Rows per partition the partition count aims at. @default 65536 */
  targetRowsPerPartition: number;
  /** Upper bound of partitions (open files during pass 1; Lambda allows 1024 descriptors). @default 512 */
  maxPartitions: number;
  /** Records aggregated at once; a bigger partition is aggregated in several sub-passes. @default 131072 */
  maxRecordsPerPass: number;
  /** Total write-buffer memory of the scratch partitions. @default 4 MiB */
  spillBufferBytes: number;
  /** Longest accepted line; longer lines are rejected (`line_too_long`) without being buffered. @default 16384 */
  maxLineBytes: number;
  /** Minimum interval between progress callbacks. @default 1000 */
  progressIntervalMs: number;
}

/** Default {@link ForecastSyncTuning}. */
export const DEFAULT_TUNING: ForecastSyncTuning = {
  targetRowsPerPartition: 65536,
  maxPartitions: 512,
  maxRecordsPerPass: 131072,
  spillBufferBytes: 4 * 1024 * 1024,
  maxLineBytes: 16384,
  progressIntervalMs: 1000,
};

/** Dependencies and settings of a run. */
export interface ForecastSyncOptions {
  /** Previous snapshots and the latest processed version per plan. */
  store: SnapshotStore;
  /** Receives the change batches; only called after the checksum is confirmed. */
  onBatch: BatchSink;
  onProgress?: (progress: ForecastSyncProgress) => void;
  /**
   * Receives one NDJSON line per rejected row: `{"line":<1-based>,"reason":"...","raw":"..."}`.
   * Not ended by the run.
   */
  rejects?: ByteSink;
  /** @default DEFAULT_CHANGE_POLICY (10%, 1 each) */
  policy?: ChangePolicy;
  /** Reject rows whose week_start is not a Monday (the contract does not say it must be). @default false */
  rejectNonMondayWeekStart?: boolean;
  limits?: Partial<BatchLimits>;
  tuning?: Partial<ForecastSyncTuning>;
  /** Where the run spills its partitions (a private area is made and removed). */
  scratch: ScratchStorage;
  /** @default Date.now */
  clock?: () => number;
}

/** The export's bytes do not hash to the published sha256: nothing was emitted or stored. */
export class ExportChecksumMismatch extends ContractViolation {
  constructor(
    readonly planId: string,
    readonly version: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `forecast export of plan ${planId} version ${version}: sha256 mismatch (expected ${expected}, got ${actual}); nothing was emitted`,
      'planning',
      { planId, version, expected, actual },
    );
  }
}

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:/#-]{0,63}$/;
const SCRATCH_READ_BYTES = 1024 * 1024;

/** Visits the records of one partition of the previous snapshot (from the store or re-partitioned). */
type PartitionReader = (partition: number, visit: RecordVisitor) => Promise<void>;

/**
 * Synchronises one published forecast export. Resolves with the run summary; rejects (emitting and
 * storing nothing) on a checksum mismatch or a missing header, and on I/O or sink errors (batches
 * already delivered are redelivered with the same ids when the run is retried).
 */
export async function syncForecastExport(
  exportFile: ForecastExport,
  options: ForecastSyncOptions,
): Promise<ForecastSyncSummary> {
  const { planId, version, input } = exportFile;
  if (!IDENTIFIER.test(planId)) throw new RangeError(`planId '${planId}' is not a canonical identifier`);
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`version ${version} is not >= 1`);
  const clock = options.clock ?? Date.now;
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const limits = { ...DEFAULT_BATCH_LIMITS, ...options.limits };
  const policy = new CompiledChangePolicy(options.policy ?? DEFAULT_CHANGE_POLICY);
  const startedAt = clock();

  const summary: ForecastSyncSummary = {
    planId,
    version,
    outcome: 'processed',
    previousVersion: null,
    rows: 0,
    declaredRows: exportFile.declaredRows ?? null,
    accepted: 0,
    rejected: 0,
    rejectedByReason: {},
    keys: 0,
    keysOverflowed: 0,
    changesEmitted: 0,
    changesByKind: { added: 0, changed: 0, removed: 0 },
    batches: 0,
    entries: 0,
    partitions: 0,
    bytes: 0,
    durationMs: 0,
    sha256: null,
  };

  const previous = await options.store.latest(planId);
  summary.previousVersion = previous?.version ?? null;
  if (previous && version <= previous.version) {
    input.destroy();
    summary.outcome = version === previous.version ? 'duplicate' : 'stale';
    summary.durationMs = clock() - startedAt;
    return summary;
  }

  const partitions = choosePartitions(exportFile.declaredRows, previous, tuning);
  summary.partitions = partitions;
  const readBuffer = Buffer.allocUnsafe(SCRATCH_READ_BYTES);
  const scratch = options.scratch.createArea();
  let spill: PartitionSpill | undefined;
  let previousSpill: PartitionSpill | undefined;
  let snapshotStarted = false;
  try {
    spill = new PartitionSpill(scratch, 'rows', partitions, tuning.spillBufferBytes);
    const sha256 = await ingest(exportFile, options, tuning, spill, summary, clock, startedAt);
    spill.close();
    summary.sha256 = sha256;
    if (exportFile.expectedSha256 !== undefined && exportFile.expectedSha256.toLowerCase() !== sha256) {
      throw new ExportChecksumMismatch(planId, version, exportFile.expectedSha256, sha256);
    }

    // The previous snapshot must be partitioned like this run; re-partition it once if not.
    let previousPartition: PartitionReader | undefined;
    if (previous && previous.partitions === partitions) {
      previousPartition = (p, visit) =>
        forEachRecord(options.store.readPartition(planId, previous.version, p), visit);
    } else if (previous) {
      const respill = new PartitionSpill(scratch, 'previous', partitions, tuning.spillBufferBytes);
      previousSpill = respill;
      for (let q = 0; q < previous.partitions; q++) {
        await forEachRecord(
          options.store.readPartition(planId, previous.version, q),
          (buf, hash, start, length, milli) => respill.add(hash, buf, start, start + length, milli),
        );
      }
      respill.close();
      previousPartition = async (p, visit) =>
        forEachRecordInScratch(scratch, respill.names[p]!, readBuffer, visit);
    }

    snapshotStarted = true;
    await diff(
      exportFile,
      options,
      tuning,
      limits,
      policy,
      scratch,
      spill,
      readBuffer,
      previousPartition,
      summary,
      clock,
      startedAt,
    );

    const manifest: SnapshotManifest = {
      planId,
      version,
      partitions,
      keys: summary.keys,
      sha256,
      committedAt: new Date(clock()).toISOString(),
    };
    await options.store.commit(manifest, previous?.version);
    if (previous) {
      // Only storage is lost if this fails: the new manifest no longer points at it.
      await options.store.discard(planId, previous.version).catch(() => undefined);
    }
    summary.durationMs = clock() - startedAt;
    return summary;
  } catch (error) {
    if (snapshotStarted) await options.store.discard(planId, version).catch(() => undefined);
    throw error;
  } finally {
    closeQuietly(spill);
    closeQuietly(previousSpill);
    scratch.remove();
  }
}

/** Partition count: a power of two from the declared rows, kept equal to the previous one when close. */
function choosePartitions(
  declaredRows: number | undefined,
  previous: SnapshotManifest | undefined,
  tuning: ForecastSyncTuning,
): number {
  const rows = declaredRows ?? previous?.keys ?? 1_000_000;
  const wanted = nextPowerOfTwo(Math.ceil(Math.max(1, rows) / tuning.targetRowsPerPartition));
  const max = nextPowerOfTwo(tuning.maxPartitions + 1) / 2; // largest power of two <= maxPartitions
  let partitions = Math.min(wanted, max);
  // Avoid re-partitioning the previous snapshot for small swings; sub-passes bound memory anyway.
  if (
    previous &&
    previous.partitions >= partitions / 2 &&
    previous.partitions <= Math.min(partitions * 2, max)
  ) {
    partitions = previous.partitions;
  }
  return partitions;
}

/** Pass 1: stream, hash, split lines, validate, spill accepted rows. Returns the sha256 (hex). */
async function ingest(
  exportFile: ForecastExport,
  options: ForecastSyncOptions,
  tuning: ForecastSyncTuning,
  spill: PartitionSpill,
  summary: ForecastSyncSummary,
  clock: () => number,
  startedAt: number,
): Promise<string> {
  const parser = new ExportRowParser(exportFile.version, options.rejectNonMondayWeekStart ?? false);
  const sha256 = createHash('sha256');
  const rejects = options.rejects;
  const rejectCounts = new Float64Array(32);
  const carry = Buffer.allocUnsafe(tuning.maxLineBytes);
  let carryLength = 0;
  let carryTooLong = false;
  let lineNumber = 0;
  let accepted = 0;
  let rejectsBlocked = false;
  let lastProgress = startedAt;

  const reject = (verdict: number, buf: Buffer, start: number, end: number): void => {
    rejectCounts[verdict]!++;
    if (rejects) {
      const raw = buf.toString('utf8', start, end);
      const line = `{"line":${lineNumber},"reason":"${reasonOf(verdict)}","raw":${JSON.stringify(raw)}}\n`;
      if (!rejects.write(line)) rejectsBlocked = true;
    }
  };

  const handleLine = (buf: Buffer, start: number, end: number, tooLong: boolean): void => {
    if (end > start && buf[end - 1] === 13) end--;
    lineNumber++;
    if (lineNumber === 1) {
      checkHeader(exportFile, buf, start, end, tooLong);
      return;
    }
    if (tooLong) return reject(LINE_TOO_LONG, buf, start, Math.min(end, start + tuning.maxLineBytes));
    const verdict = parser.parse(buf, start, end);
    if (verdict === ACCEPTED) {
      spill.add(parser.hash, buf, start, parser.keyEnd, parser.eachesMilli);
      accepted++;
    } else {
      reject(verdict, buf, start, end);
    }
  };

  const keepPartialLine = (chunk: Buffer, start: number, end: number): void => {
    const room = carry.length - carryLength;
    if (end - start > room) carryTooLong = true;
    const n = Math.min(room, end - start);
    chunk.copy(carry, carryLength, start, start + n);
    carryLength += n;
  };

  for await (const chunk of exportFile.input as AsyncIterable<Buffer>) {
    sha256.update(chunk);
    summary.bytes += chunk.length;
    let pos = 0;
    if (carryLength > 0 || carryTooLong) {
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        keepPartialLine(chunk, 0, chunk.length);
        continue;
      }
      keepPartialLine(chunk, 0, newline);
      handleLine(carry, 0, carryLength, carryTooLong);
      carryLength = 0;
      carryTooLong = false;
      pos = newline + 1;
    }
    for (let newline = chunk.indexOf(10, pos); newline >= 0; newline = chunk.indexOf(10, pos)) {
      handleLine(chunk, pos, newline, newline - pos > tuning.maxLineBytes);
      pos = newline + 1;
    }
    if (pos < chunk.length) keepPartialLine(chunk, pos, chunk.length);

    if (rejectsBlocked && rejects) {
      await untilDrained(rejects);
      rejectsBlocked = false;
    }
    const now = clock();
    if (options.onProgress && now - lastProgress >= tuning.progressIntervalMs) {
      lastProgress = now;
      const rows = Math.max(0, lineNumber - 1);
      options.onProgress({
        phase: 'ingest',
        rows,
        bytes: summary.bytes,
        partitionsDone: 0,
        partitions: summary.partitions,
        rowsPerSecond: rows / Math.max(0.001, (now - startedAt) / 1000),
        elapsedMs: now - startedAt,
      });
    }
  }
  // The last line may lack its newline.
  if (carryLength > 0 || carryTooLong) handleLine(carry, 0, carryLength, carryTooLong);
  if (lineNumber === 0) {
    throw new ContractViolation(
      `forecast export of plan ${exportFile.planId}: empty file (no header)`,
      'planning',
    );
  }

  summary.rows = lineNumber - 1;
  summary.accepted = accepted;
  summary.rejected = summary.rows - accepted;
  for (let verdict = 1; verdict < rejectCounts.length; verdict++) {
    if (rejectCounts[verdict]! > 0) summary.rejectedByReason[reasonOf(verdict)] = rejectCounts[verdict]!;
  }
  return sha256.digest('hex');
}

function checkHeader(
  exportFile: ForecastExport,
  buf: Buffer,
  start: number,
  end: number,
  tooLong: boolean,
): void {
  if (buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
  const header = buf.toString('utf8', start, Math.min(end, start + 200));
  if (tooLong || header !== EXPORT_HEADER) {
    throw new ContractViolation(
      `forecast export of plan ${exportFile.planId}: first line is not the header '${EXPORT_HEADER}' (got '${header.slice(0, 100)}')`,
      'planning',
      { planId: exportFile.planId, version: exportFile.version },
    );
  }
}

/** Pass 2: per partition, aggregate, merge with the previous snapshot, emit, write the snapshot. */
async function diff(
  exportFile: ForecastExport,
  options: ForecastSyncOptions,
  tuning: ForecastSyncTuning,
  limits: BatchLimits,
  policy: CompiledChangePolicy,
  scratch: ScratchArea,
  spill: PartitionSpill,
  readBuffer: Buffer,
  previousPartition: PartitionReader | undefined,
  summary: ForecastSyncSummary,
  clock: () => number,
  startedAt: number,
): Promise<void> {
  const { planId, version } = exportFile;
  const partitions = spill.names.length;
  const partitionBits = log2(partitions);
  const batcher = new ChangeBatcher(planId, version, limits, options.onBatch);
  const table = new KeyTable(Math.min(tuning.maxRecordsPerPass, 1 << 16));
  let lastProgress = clock();

  for (let p = 0; p < partitions; p++) {
    batcher.startPartition(p);
    const subBits = log2(nextPowerOfTwo(Math.ceil(spill.records[p]! / tuning.maxRecordsPerPass)));
    const writer = new SnapshotWriter(options.store.writePartition(planId, version, p));
    for (let sub = 0; sub < 1 << subBits; sub++) {
      table.clear();
      const inPass = (hash: number) => subBits === 0 || subPassOf(hash, partitionBits, subBits) === sub;
      forEachRecordInScratch(scratch, spill.names[p]!, readBuffer, (buf, hash, start, length, milli) => {
        if (!inPass(hash)) return;
        const e = table.upsert(buf, hash, start, length);
        const sum = table.quantities[e]! + milli;
        table.quantities[e] = sum;
        table.flags[e]! |= sum > Number.MAX_SAFE_INTEGER ? IN_NEW | OVERFLOW : IN_NEW;
      });
      if (previousPartition) {
        await previousPartition(p, (buf, hash, start, length, milli) => {
          if (!inPass(hash)) return;
          const e = table.upsert(buf, hash, start, length);
          table.previous[e] = milli;
          table.flags[e]! |= IN_PREVIOUS;
        });
      }

      for (let e = 0; e < table.size; e++) {
        const flags = table.flags[e]!;
        const inNew = (flags & IN_NEW) !== 0;
        const inPrevious = (flags & IN_PREVIOUS) !== 0;
        const quantity = table.quantities[e]!;
        const before = table.previous[e]!;
        if ((flags & OVERFLOW) !== 0) {
          summary.keysOverflowed++;
          if (inPrevious) {
            writer.add(table.hashes[e]!, table.arena, table.keyOffsets[e]!, table.keyLengths[e]!, before);
            summary.keys++;
          }
          continue;
        }
        if (inNew) {
          writer.add(table.hashes[e]!, table.arena, table.keyOffsets[e]!, table.keyLengths[e]!, quantity);
          summary.keys++;
        }
        if (!policy.shouldEmit(inPrevious ? before : undefined, inNew ? quantity : undefined)) continue;
        summary.changesByKind[!inPrevious ? 'added' : !inNew ? 'removed' : 'changed']++;
        const ready = batcher.add(
          table.arena,
          table.keyOffsets[e]!,
          table.keyLengths[e]!,
          inNew ? quantity : 0,
          inPrevious ? before : undefined,
        );
        if (ready) await batcher.deliverReady();
        if (writer.needsDrain) await writer.drain();
      }
      if (writer.needsDrain) await writer.drain();
    }
    await writer.end();
    await batcher.endPartition();

    const now = clock();
    if (options.onProgress && (now - lastProgress >= tuning.progressIntervalMs || p === partitions - 1)) {
      lastProgress = now;
      options.onProgress({
        phase: 'diff',
        rows: summary.rows,
        bytes: summary.bytes,
        partitionsDone: p + 1,
        partitions,
        rowsPerSecond: summary.rows / Math.max(0.001, (now - startedAt) / 1000),
        elapsedMs: now - startedAt,
      });
    }
  }
  summary.changesEmitted = batcher.linesEmitted;
  summary.batches = batcher.batchesEmitted;
  summary.entries = batcher.entriesEmitted;
}
