/** Shared helpers of the forecast-sync suites. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { FsSnapshotStore } from '../../../adapters/planning/fs-snapshot-store';
import { LocalScratchStorage } from '../../../adapters/planning/local-scratch';
import {
  syncForecastExport,
  type ChangeBatch,
  type ForecastSyncOptions,
  type ForecastSyncSummary,
} from '../../../domain/forecast-sync';

export const HEADER = 'sku,site,week_start,qty,uom,pack_size,plan_version';

/** A canonical ForecastLine as emitted. */
export interface EmittedLine {
  itemCode: string;
  site: string;
  weekStart: string;
  quantityEa: string;
  previousQuantityEa: string | null;
}

/** A CSV export from rows (header added), `\n` line ends and a final newline unless told otherwise. */
export function csv(rows: string[], options: { lineEnding?: string; finalNewline?: boolean } = {}): string {
  const lineEnding = options.lineEnding ?? '\n';
  const text = [HEADER, ...rows].join(lineEnding);
  return options.finalNewline === false ? text : text + lineEnding;
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A Readable of the text cut into chunks of `chunkSize` bytes (exercises lines split across chunks). */
export function chunked(text: string | Buffer, chunkSize = 7): Readable {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

/** A temporary directory and a filesystem snapshot store in it; `cleanup()` removes both. */
export function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'forecast-sync-test-'));
  return {
    dir,
    store: new FsSnapshotStore(join(dir, 'store')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Collects rejects NDJSON lines written by a run. */
export function rejectCollector() {
  const lines: { line: number; reason: string; raw: string }[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const part of parts) lines.push(JSON.parse(part) as { line: number; reason: string; raw: string });
      callback();
    },
  });
  return { stream, lines };
}

/** Runs a sync over text, collecting batches and emitted lines. */
export async function run(
  store: FsSnapshotStore,
  planId: string,
  version: number,
  text: string,
  options: Partial<ForecastSyncOptions> & {
    expectedSha256?: string;
    chunkSize?: number;
    declaredRows?: number;
  } = {},
): Promise<{ summary: ForecastSyncSummary; batches: ChangeBatch[]; lines: EmittedLine[] }> {
  const batches: ChangeBatch[] = [];
  const { expectedSha256, chunkSize, declaredRows, ...rest } = options;
  const summary = await syncForecastExport(
    { planId, version, input: chunked(text, chunkSize), expectedSha256, declaredRows },
    {
      store,
      scratch: new LocalScratchStorage(),
      onBatch: async (batch) => {
        batches.push(batch);
      },
      ...rest,
    },
  );
  const lines = batches.flatMap((batch) =>
    batch.entries.flatMap((entry) => (JSON.parse(entry.detail) as { lines: EmittedLine[] }).lines),
  );
  return { summary, batches, lines };
}

/** Emitted lines keyed `sku|site|week` -> [previous, quantity]. */
export function byKey(lines: EmittedLine[]): Record<string, [string | null, string]> {
  return Object.fromEntries(
    lines.map((l) => [`${l.itemCode}|${l.site}|${l.weekStart}`, [l.previousQuantityEa, l.quantityEa]]),
  );
}
