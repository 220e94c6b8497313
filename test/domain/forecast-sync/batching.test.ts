import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BATCH_LIMITS, type ChangeBatch } from '../../../domain/forecast-sync';
import { csv, run, workspace, type EmittedLine } from './support';

let ws: ReturnType<typeof workspace>;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

const rows = (count: number) =>
  Array.from({ length: count }, (_, i) => `SKU-${1000 + i},DC-${i % 5},2026-12-07,${i + 1}.5,EA,1,1`);

function checkLimits(
  batches: ChangeBatch[],
  limits: typeof DEFAULT_BATCH_LIMITS,
  planId: string,
): EmittedLine[] {
  const seen = new Set<string>();
  const lines: EmittedLine[] = [];
  for (const batch of batches) {
    expect(batch.batchId).toBe(`${planId}:v${batch.version}:p${batch.partition}:b${batch.sequence}`);
    expect(seen.has(batch.batchId)).toBe(false);
    seen.add(batch.batchId);
    expect(batch.entries.length).toBeGreaterThan(0);
    expect(batch.entries.length).toBeLessThanOrEqual(limits.maxEntriesPerBatch);
    expect(batch.bytes).toBeLessThanOrEqual(limits.maxBatchBytes);
    expect(batch.bytes).toBe(batch.entries.reduce((sum, entry) => sum + entry.bytes, 0));
    batch.entries.forEach((entry, index) => {
      const payload = JSON.parse(entry.detail) as {
        planId: string;
        planVersion: number;
        batchId: string;
        lines: EmittedLine[];
      };
      expect(entry.entryId).toBe(`${batch.batchId}:e${index}`);
      expect(payload).toMatchObject({ planId, planVersion: batch.version, batchId: entry.entryId });
      expect(entry.bytes).toBe(Buffer.byteLength(entry.detail) + limits.envelopeReserveBytes);
      expect(entry.bytes).toBeLessThanOrEqual(limits.maxEntryBytes);
      expect(payload.lines).toHaveLength(entry.lines);
      expect(entry.lines).toBeLessThanOrEqual(limits.maxLinesPerEntry);
      lines.push(...payload.lines);
    });
  }
  return lines;
}

describe('change batches', () => {
  it('respect entry, line, byte and per-call limits, with deterministic ids', async () => {
    const limits = {
      maxEntriesPerBatch: 4,
      maxLinesPerEntry: 7,
      maxEntryBytes: 3000,
      maxBatchBytes: 9000,
      envelopeReserveBytes: 1024,
    };
    const text = csv(rows(500));

    const first = await run(ws.store, 'PLAN-B', 1, text, {
      limits,
      declaredRows: 500,
      tuning: { targetRowsPerPartition: 100 },
    });
    const again = workspace();
    const second = await run(again.store, 'PLAN-B', 1, text, {
      limits,
      declaredRows: 500,
      tuning: { targetRowsPerPartition: 100 },
    });
    again.cleanup();

    const lines = checkLimits(first.batches, limits, 'PLAN-B');
    expect(lines).toHaveLength(500);
    expect(new Set(lines.map((l) => l.itemCode)).size).toBe(500);
    expect(first.summary).toMatchObject({ changesEmitted: 500, batches: first.batches.length });
    expect(first.summary.entries).toBe(first.batches.reduce((n, b) => n + b.entries.length, 0));
    // Byte budget binds before the line count for some entries, the call budget for some batches.
    expect(first.batches.some((b) => b.entries.length < 4 && b.entries.length > 1)).toBe(true);
    // A re-run of the same input gives the same batches: ids are usable as idempotency keys.
    expect(second.batches).toEqual(first.batches);
  });

  it('pack up to 2000 lines per entry with the default limits', async () => {
    const { batches, summary } = await run(ws.store, 'PLAN-B', 1, csv(rows(4500)), { declaredRows: 4500 });

    const lines = checkLimits(batches, DEFAULT_BATCH_LIMITS, 'PLAN-B');
    expect(lines).toHaveLength(4500);
    expect(summary.partitions).toBe(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.entries.map((e) => e.lines)).toEqual([2000, 2000, 500]);
  });

  it('reject limits too small for a single line', async () => {
    await expect(
      run(ws.store, 'PLAN-B', 1, csv(rows(1)), { limits: { maxEntryBytes: 1000 } }),
    ).rejects.toThrow(RangeError);
  });
});
