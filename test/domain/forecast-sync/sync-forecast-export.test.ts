import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractViolation } from '../../../domain/failures';
import { ExportChecksumMismatch, type ForecastSyncProgress } from '../../../domain/forecast-sync';
import { byKey, csv, HEADER, rejectCollector, run, sha256, workspace } from './support';

let ws: ReturnType<typeof workspace>;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

const row = (sku: string, site: string, week: string, qty: string, uom = 'EA', pack = '1', version = '1') =>
  [sku, site, week, qty, uom, pack, version].join(',');

describe('syncForecastExport: rejected rows', () => {
  it('counts every kind of bad row and writes each with its 1-based line number and raw text', async () => {
    // Prepare
    const rows = [
      row('SKU-1', 'DC-1', '2026-12-07', '10'), // line 2: good
      '', // 3 empty_line
      HEADER, // 4 duplicate_header
      'SKU-1,DC-1,2026-12-07,10,EA,1', // 5 column_count
      'SKU-1,DC-1,2026-12-07,10,EA,1,1,extra', // 6 column_count
      row('', 'DC-1', '2026-12-07', '10'), // 7 invalid_sku
      row('SKU 1', 'DC-1', '2026-12-07', '10'), // 8 invalid_sku (space)
      row('SKU-1', '', '2026-12-07', '10'), // 9 invalid_site
      row('SKU-1', 'DC-1', '2026-02-29', '10'), // 10 invalid_date (2026 is not a leap year)
      row('SKU-1', 'DC-1', '2026-13-01', '10'), // 11 invalid_date
      row('SKU-1', 'DC-1', '07/12/2026', '10'), // 12 invalid_date
      row('SKU-1', 'DC-1', '2026-12-07', 'ten'), // 13 invalid_qty
      row('SKU-1', 'DC-1', '2026-12-07', '1e3'), // 14 invalid_qty
      row('SKU-1', 'DC-1', '2026-12-07', ''), // 15 invalid_qty
      row('SKU-1', 'DC-1', '2026-12-07', '-1'), // 16 negative_qty
      row('SKU-1', 'DC-1', '2026-12-07', '1.0001'), // 17 qty_precision
      row('SKU-1', 'DC-1', '2026-12-07', '1', 'BOX'), // 18 unknown_uom
      row('SKU-1', 'DC-1', '2026-12-07', '1', 'ea'), // 19 unknown_uom (case matters)
      row('SKU-1', 'DC-1', '2026-12-07', '1', 'CS', '0'), // 20 invalid_pack_size
      row('SKU-1', 'DC-1', '2026-12-07', '1', 'CS', '1.5'), // 21 invalid_pack_size
      row('SKU-1', 'DC-1', '2026-12-07', '2000000000', 'PAL', '960'), // 22 qty_overflow
      row('SKU-1', 'DC-1', '2026-12-07', '1', 'EA', '1', '2'), // 23 plan_version_mismatch
      row('SKU-1', 'DC-1', '2026-12-07', '1', 'EA', '1', 'v1'), // 24 plan_version_mismatch
      `${'X'.repeat(300)},DC-1,2026-12-07,1,EA,1,1`, // 25 line_too_long (maxLineBytes 256 below)
      row('SKU-2', 'DC-1', '2026-12-08', '5'), // 26 good (a Tuesday: accepted by default)
    ];
    const rejects = rejectCollector();

    // Act
    const { summary } = await run(ws.store, 'PLAN-A', 1, csv(rows), {
      rejects: rejects.stream,
      tuning: { maxLineBytes: 256 },
    });

    // Assess
    expect(summary.rows).toBe(25);
    expect(summary.accepted).toBe(2);
    expect(summary.rejected).toBe(23);
    expect(summary.rejectedByReason).toEqual({
      empty_line: 1,
      duplicate_header: 1,
      column_count: 2,
      invalid_sku: 2,
      invalid_site: 1,
      invalid_date: 3,
      invalid_qty: 3,
      negative_qty: 1,
      qty_precision: 1,
      unknown_uom: 2,
      invalid_pack_size: 2,
      qty_overflow: 1,
      plan_version_mismatch: 2,
      line_too_long: 1,
    });
    expect(rejects.lines.map((r) => [r.line, r.reason])).toEqual([
      [3, 'empty_line'],
      [4, 'duplicate_header'],
      [5, 'column_count'],
      [6, 'column_count'],
      [7, 'invalid_sku'],
      [8, 'invalid_sku'],
      [9, 'invalid_site'],
      [10, 'invalid_date'],
      [11, 'invalid_date'],
      [12, 'invalid_date'],
      [13, 'invalid_qty'],
      [14, 'invalid_qty'],
      [15, 'invalid_qty'],
      [16, 'negative_qty'],
      [17, 'qty_precision'],
      [18, 'unknown_uom'],
      [19, 'unknown_uom'],
      [20, 'invalid_pack_size'],
      [21, 'invalid_pack_size'],
      [22, 'qty_overflow'],
      [23, 'plan_version_mismatch'],
      [24, 'plan_version_mismatch'],
      [25, 'line_too_long'],
    ]);
    expect(rejects.lines[3]!.raw).toBe('SKU-1,DC-1,2026-12-07,10,EA,1,1,extra');
    expect(rejects.lines[22]!.raw).toHaveLength(256); // truncated, never buffered whole
  });

  it('rejects a week_start that is not a Monday only when asked to', async () => {
    const text = csv([row('SKU-1', 'DC-1', '2026-12-07', '1'), row('SKU-1', 'DC-1', '2026-12-08', '1')]);
    const rejects = rejectCollector();

    const { summary } = await run(ws.store, 'PLAN-A', 1, text, {
      rejectNonMondayWeekStart: true,
      rejects: rejects.stream,
    });

    expect(summary.rejectedByReason).toEqual({ week_start_not_monday: 1 });
    expect(rejects.lines).toEqual([
      { line: 3, reason: 'week_start_not_monday', raw: 'SKU-1,DC-1,2026-12-08,1,EA,1,1' },
    ]);
  });

  it('fails the run with a contract violation when the first line is not the header', async () => {
    await expect(run(ws.store, 'PLAN-A', 1, `${row('SKU-1', 'DC-1', '2026-12-07', '1')}\n`)).rejects.toThrow(
      ContractViolation,
    );
    await expect(run(ws.store, 'PLAN-A', 1, '')).rejects.toThrow(/empty file/);
  });

  it('accepts a UTF-8 byte order mark before the header', async () => {
    const { summary } = await run(
      ws.store,
      'PLAN-A',
      1,
      `\uFEFF${csv([row('SKU-1', 'DC-1', '2026-12-07', '1')])}`,
    );
    expect(summary.accepted).toBe(1);
  });
});

describe('syncForecastExport: conversion and aggregation', () => {
  it('converts CS and PAL to eaches with pack_size and sums several rows of one key exactly', async () => {
    const text = csv([
      row('SKU-1', 'DC-1', '2026-12-07', '2', 'CS', '12'), // 24
      row('SKU-1', 'DC-1', '2026-12-07', '0.5', 'PAL', '960'), // 480
      row('SKU-1', 'DC-1', '2026-12-07', '0.1', 'EA', '6'), // 0.1 (EA ignores pack_size)
      row('SKU-1', 'DC-1', '2026-12-07', '0.2', 'EA', '6'), // 0.2 -> 504.3, not 504.30000000000004
      row('SKU-2', 'DC-1', '2026-12-07', '1.250', 'CS', '3'), // 3.75 (trailing zeros are fine)
    ]);

    const { lines, summary } = await run(ws.store, 'PLAN-A', 1, text);

    expect(summary.keys).toBe(2);
    expect(byKey(lines)).toEqual({
      'SKU-1|DC-1|2026-12-07': [null, '504.3'],
      'SKU-2|DC-1|2026-12-07': [null, '3.75'],
    });
  });

  it('handles CRLF line ends and a missing final newline, whatever the chunking', async () => {
    const rows = [row('SKU-1', 'DC-1', '2026-12-07', '7'), row('SKU-2', 'DC-2', '2026-12-14', '8')];
    for (const [text, chunkSize] of [
      [csv(rows, { lineEnding: '\r\n' }), 1],
      [csv(rows, { lineEnding: '\r\n', finalNewline: false }), 3],
      [csv(rows, { finalNewline: false }), 5],
      [csv(rows), 64 * 1024],
    ] as const) {
      const local = workspace();
      try {
        const rejects = rejectCollector();
        const { summary, lines } = await run(local.store, 'PLAN-A', 1, text, {
          chunkSize,
          rejects: rejects.stream,
        });
        expect(summary).toMatchObject({ rows: 2, accepted: 2, rejected: 0 });
        expect(rejects.lines).toEqual([]);
        expect(byKey(lines)).toEqual({
          'SKU-1|DC-1|2026-12-07': [null, '7'],
          'SKU-2|DC-2|2026-12-14': [null, '8'],
        });
      } finally {
        local.cleanup();
      }
    }
  });

  it('keeps a key whose sum leaves the exact range out of the changes and keeps its previous value', async () => {
    const big = row('SKU-1', 'DC-1', '2026-12-07', '1000000000000'); // 10^12 eaches, the row maximum
    await run(ws.store, 'PLAN-A', 1, csv([row('SKU-1', 'DC-1', '2026-12-07', '5')]));

    const { summary, lines } = await run(
      ws.store,
      'PLAN-A',
      2,
      csv(Array.from({ length: 10 }, () => big.replace(/,1$/, ',2'))),
    );

    expect(summary.keysOverflowed).toBe(1);
    expect(lines).toEqual([]);
    const third = await run(
      ws.store,
      'PLAN-A',
      3,
      csv([row('SKU-1', 'DC-1', '2026-12-07', '5', 'EA', '1', '3')]),
    );
    expect(third.lines).toEqual([]); // still 5 in the snapshot: no change
  });
});

describe('syncForecastExport: versions, checksum and changes', () => {
  const v = (version: number, qty: string, sku = 'SKU-1') =>
    row(sku, 'DC-1', '2026-12-07', qty, 'EA', '1', String(version));

  it('emits nothing when the same version is published again (duplicate)', async () => {
    const text = csv([v(3, '100')]);
    const first = await run(ws.store, 'PLAN-A', 3, text);
    expect(first.lines).toHaveLength(1);

    const again = await run(ws.store, 'PLAN-A', 3, text);

    expect(again.summary.outcome).toBe('duplicate');
    expect(again.batches).toEqual([]);
    expect(again.summary.sha256).toBeNull();
  });

  it('ignores a version older than the latest processed one (stale)', async () => {
    await run(ws.store, 'PLAN-A', 5, csv([v(5, '100')]));

    const older = await run(ws.store, 'PLAN-A', 4, csv([v(4, '999')]));
    const next = await run(ws.store, 'PLAN-A', 6, csv([v(6, '100')]));

    expect(older.summary).toMatchObject({ outcome: 'stale', previousVersion: 5 });
    expect(older.batches).toEqual([]);
    expect(next.summary.previousVersion).toBe(5); // the stale run changed nothing
    expect(next.lines).toEqual([]);
  });

  it('emits nothing and stores nothing when the checksum does not match, with a clear error', async () => {
    await run(ws.store, 'PLAN-A', 1, csv([v(1, '100')]));
    const text = csv([v(2, '500')]);

    const attempt = run(ws.store, 'PLAN-A', 2, text, { expectedSha256: sha256('something else') });

    await expect(attempt).rejects.toThrow(ExportChecksumMismatch);
    await expect(attempt).rejects.toThrow(/sha256 mismatch .*nothing was emitted/);
    expect(await ws.store.latest('PLAN-A')).toMatchObject({ version: 1 });
    const retried = await run(ws.store, 'PLAN-A', 2, text, { expectedSha256: sha256(text) });
    expect(retried.lines).toEqual([
      {
        itemCode: 'SKU-1',
        site: 'DC-1',
        weekStart: '2026-12-07',
        quantityEa: '500',
        previousQuantityEa: '100',
      },
    ]);
  });

  it('emits a change exactly at the threshold and not one just under it', async () => {
    await run(
      ws.store,
      'PLAN-A',
      1,
      csv([v(1, '100', 'SKU-AT'), v(1, '100', 'SKU-UNDER'), v(1, '100', 'SKU-DOWN')]),
    );

    const { lines } = await run(
      ws.store,
      'PLAN-A',
      2,
      csv([v(2, '110', 'SKU-AT'), v(2, '109.999', 'SKU-UNDER'), v(2, '90', 'SKU-DOWN')]),
    );

    expect(byKey(lines)).toEqual({
      'SKU-AT|DC-1|2026-12-07': ['100', '110'],
      'SKU-DOWN|DC-1|2026-12-07': ['100', '90'],
    });
  });

  it('applies a configured threshold and absolute minimum', async () => {
    const policy = { relativeThreshold: '0.25', minAbsoluteChangeEa: '5' };
    await run(ws.store, 'PLAN-A', 1, csv([v(1, '4', 'SKU-SMALL'), v(1, '100', 'SKU-BIG')]), { policy });

    const { lines } = await run(
      ws.store,
      'PLAN-A',
      2,
      csv([v(2, '8', 'SKU-SMALL'), v(2, '125', 'SKU-BIG')]),
      {
        policy,
      },
    );

    // SKU-SMALL doubled but moved only 4 eaches; SKU-BIG moved exactly 25%.
    expect(byKey(lines)).toEqual({ 'SKU-BIG|DC-1|2026-12-07': ['100', '125'] });
  });

  it('emits new keys with a null previous quantity and removed keys with quantity 0', async () => {
    await run(
      ws.store,
      'PLAN-A',
      1,
      csv([v(1, '10', 'SKU-KEPT'), v(1, '10', 'SKU-GONE'), v(1, '0', 'SKU-ZERO')]),
    );

    const { lines, summary } = await run(
      ws.store,
      'PLAN-A',
      2,
      csv([v(2, '10', 'SKU-KEPT'), v(2, '3', 'SKU-NEW'), v(2, '0.5', 'SKU-TINY')]),
    );

    expect(byKey(lines)).toEqual({
      'SKU-NEW|DC-1|2026-12-07': [null, '3'],
      'SKU-GONE|DC-1|2026-12-07': ['10', '0'],
    }); // SKU-TINY is new but under the 1-each minimum; SKU-ZERO disappeared at 0
    expect(summary.changesByKind).toEqual({ added: 1, changed: 0, removed: 1 });
  });

  it('reports progress at a bounded rate and a complete summary', async () => {
    const progress: ForecastSyncProgress[] = [];
    let now = 0;
    const rows = Array.from({ length: 2000 }, (_, i) => row(`SKU-${i}`, 'DC-1', '2026-12-07', '1'));

    const { summary } = await run(ws.store, 'PLAN-A', 1, csv(rows), {
      chunkSize: 1000,
      clock: () => (now += 10),
      tuning: { progressIntervalMs: 200 },
      onProgress: (p) => progress.push(p),
    });

    const ingest = progress.filter((p) => p.phase === 'ingest');
    expect(ingest.length).toBeGreaterThan(1);
    for (let i = 1; i < ingest.length; i++) {
      expect(ingest[i]!.elapsedMs - ingest[i - 1]!.elapsedMs).toBeGreaterThanOrEqual(200);
    }
    expect(progress.at(-1)).toMatchObject({ phase: 'diff', rows: 2000, partitionsDone: summary.partitions });
    expect(summary).toMatchObject({
      planId: 'PLAN-A',
      version: 1,
      outcome: 'processed',
      rows: 2000,
      accepted: 2000,
      rejectedByReason: {},
      changesEmitted: 2000,
      sha256: sha256(csv(rows)),
    });
    expect(summary.batches).toBeGreaterThan(0);
    expect(summary.durationMs).toBeGreaterThan(0);
  });
});

describe('syncForecastExport: partitions', () => {
  const rowsFor = (version: number, count: number, bump: (i: number) => boolean) =>
    Array.from({ length: count }, (_, i) =>
      row(
        `SKU-${i % 97}`,
        `DC-${i % 7}`,
        `2027-01-${String(4 + (i % 3) * 7).padStart(2, '0')}`,
        bump(i) ? '50' : '20',
        'EA',
        '1',
        String(version),
      ),
    );

  it('gives the same changes with one partition, many partitions, sub-passes and a re-partitioned previous snapshot', async () => {
    // 97 skus x 7 sites x 3 weeks, each key several times, unsorted.
    const v1 = csv(rowsFor(1, 5000, () => false));
    const v2 = csv(rowsFor(2, 4000, (i) => i % 11 === 0));
    const setups = [
      { label: 'one partition', v1: { targetRowsPerPartition: 1e9 }, v2: { targetRowsPerPartition: 1e9 } },
      { label: 'many partitions', v1: { targetRowsPerPartition: 100 }, v2: { targetRowsPerPartition: 100 } },
      {
        label: 'sub-passes',
        v1: { maxRecordsPerPass: 64 },
        v2: { maxRecordsPerPass: 64, targetRowsPerPartition: 1e9 },
      },
      { label: 'repartitioned', v1: { targetRowsPerPartition: 1e9 }, v2: { targetRowsPerPartition: 50 } },
    ];
    const results: Record<string, string>[] = [];
    for (const setup of setups) {
      const local = workspace();
      try {
        await run(local.store, 'PLAN-P', 1, v1, { tuning: setup.v1, declaredRows: 5000 });
        const { lines, summary } = await run(local.store, 'PLAN-P', 2, v2, {
          tuning: setup.v2,
          declaredRows: 4000,
        });
        expect(summary.keys, setup.label).toBe(97 * 7 * 3);
        const sorted = Object.fromEntries(
          Object.entries(byKey(lines)).sort(([a], [b]) => a.localeCompare(b)),
        );
        results.push(Object.fromEntries(Object.entries(sorted).map(([k, [p, q]]) => [k, `${p}->${q}`])));
        if (setup.label === 'repartitioned') {
          expect((await local.store.latest('PLAN-P'))!.partitions).toBeGreaterThan(1);
        }
      } finally {
        local.cleanup();
      }
    }
    expect(Object.keys(results[0]!).length).toBeGreaterThan(0);
    for (const result of results.slice(1)) expect(result).toEqual(results[0]);
  });
});
