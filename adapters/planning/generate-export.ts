/**
 * Writes a realistic, deterministic (seeded) bulk forecast export for tests and benchmarks,
 * streaming to a file so millions of rows never sit in memory.
 *
 * Every good row has its own (sku, site, week_start) key, in shuffled order by default (the hardest
 * case for aggregation). Quantities depend on (seed, key) and, for `changeRatio` of the keys, on
 * the version, so two versions of the same seed differ in a known fraction of their lines.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { EXPORT_HEADER, type RejectReason } from '../../domain/forecast-sync';

/** Settings of {@link generateForecastExport}. */
export interface GenerateExportOptions {
  /** File to write (overwritten). */
  path: string;
  /** Data rows (lines after the header), good and bad. */
  rows: number;
  /** plan_version written in the rows. */
  planVersion: number;
  /** @default 1 */
  seed?: number;
  /** Fraction of rows that are bad, of every kind in turn. @default 0.001 */
  badRowRatio?: number;
  /** Fraction of keys whose quantity depends on the version (changes between versions). @default 0.02 */
  changeRatio?: number;
  /** Sites per sku. @default 20 */
  sites?: number;
  /** Weeks per sku and site. @default 26 */
  weeks?: number;
  /** `shuffled` (keys in pseudo-random order) or `sorted` (sku, site, week). @default 'shuffled' */
  order?: 'shuffled' | 'sorted';
  /** @default '\n' */
  lineEnding?: '\n' | '\r\n';
  /** Whether the last line ends with the line ending. @default true */
  finalNewline?: boolean;
}

/** What was written. */
export interface GeneratedExport {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
  /** Bad rows written, by the reason the sync must reject them for. */
  badRows: Partial<Record<RejectReason, number>>;
}

type BadRow = readonly [RejectReason, (good: string[], version: number) => string];

/** One maker per kind of bad row; fields: sku, site, week_start, qty, uom, pack_size, plan_version. */
const BAD_ROWS: readonly BadRow[] = [
  ['column_count', (f) => f.slice(0, 6).join(',')],
  ['invalid_sku', (f) => ['', ...f.slice(1)].join(',')],
  ['invalid_site', (f) => [f[0], 'DC 01', ...f.slice(2)].join(',')],
  ['invalid_date', (f) => [f[0], f[1], '2026-02-30', ...f.slice(3)].join(',')],
  ['invalid_qty', (f) => [...f.slice(0, 3), 'n/a', ...f.slice(4)].join(',')],
  ['negative_qty', (f) => [...f.slice(0, 3), '-5', ...f.slice(4)].join(',')],
  ['qty_precision', (f) => [...f.slice(0, 3), '1.2345', ...f.slice(4)].join(',')],
  ['unknown_uom', (f) => [...f.slice(0, 4), 'BOX', ...f.slice(5)].join(',')],
  ['invalid_pack_size', (f) => [...f.slice(0, 5), '0', f[6]].join(',')],
  ['qty_overflow', (f) => [...f.slice(0, 3), '9000000000000', 'PAL', '960', f[6]].join(',')],
  ['plan_version_mismatch', (f, v) => [...f.slice(0, 6), String(v + 1)].join(',')],
  ['duplicate_header', () => EXPORT_HEADER],
  ['empty_line', () => ''],
];

/** A 32-bit hash of (seed, a, b): stateless, so any row can be generated on its own. */
function mix(seed: number, a: number, b = 0): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(a + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(b + 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 0;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Mondays from 2026-12-07 on, as YYYY-MM-DD. */
function mondays(count: number): string[] {
  const first = Date.UTC(2026, 11, 7);
  return Array.from({ length: count }, (_, w) =>
    new Date(first + w * 7 * 86_400_000).toISOString().slice(0, 10),
  );
}

const PACKS = {
  EA: [1, 6, 12],
  CS: [6, 12, 24, 48],
  PAL: [480, 960],
} as const;

/** Writes the export and resolves once it is on disk. */
export async function generateForecastExport(options: GenerateExportOptions): Promise<GeneratedExport> {
  const seed = options.seed ?? 1;
  const badRowRatio = options.badRowRatio ?? 0.001;
  const changeRatio = options.changeRatio ?? 0.02;
  const sites = options.sites ?? 20;
  const weeks = mondays(options.weeks ?? 26);
  const lineEnding = options.lineEnding ?? '\n';
  const n = options.rows;
  const version = options.planVersion;
  // Key index = (i * step) mod n, a bijection when gcd(step, n) = 1; step < 2^53 / n keeps it exact.
  let step = options.order === 'sorted' ? 1 : Math.max(1, Math.floor(n * 0.6180339887));
  while (gcd(step, n) !== 1) step++;
  const badThreshold = Math.floor(badRowRatio * 2 ** 32);
  const changeThreshold = Math.floor(changeRatio * 2 ** 32);

  const out = createWriteStream(options.path);
  const sha256 = createHash('sha256');
  const badRows: Partial<Record<RejectReason, number>> = {};
  let bytes = 0;
  let parts: string[] = [EXPORT_HEADER];
  let pending = EXPORT_HEADER.length;
  let badSeen = 0;

  const write = async (text: string) => {
    sha256.update(text);
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };

  for (let i = 0; i < n; i++) {
    const key = n === 0 ? 0 : (i * step) % n;
    const weekIndex = key % weeks.length;
    const siteIndex = Math.floor(key / weeks.length) % sites;
    const skuIndex = Math.floor(key / (weeks.length * sites));
    const r = mix(seed, key);
    const uom = r % 100 < 40 ? 'EA' : r % 100 < 85 ? 'CS' : 'PAL';
    const packs = PACKS[uom];
    const pack = packs[(r >>> 8) % packs.length]!;
    let units = 1 + ((r >>> 12) % (uom === 'PAL' ? 8 : 500));
    if (mix(seed, key, 1) < changeThreshold)
      units = 1 + (mix(seed, key, version + 7) % (uom === 'PAL' ? 8 : 500));
    // Some EA quantities carry decimals, like a statistical forecast does.
    const qty = uom === 'EA' && (r >>> 20) % 4 === 0 ? `${units}.${(r >>> 24) % 100}` : String(units);
    const fields = [
      `SKU-${100000 + skuIndex}`,
      `DC-${String(siteIndex + 1).padStart(2, '0')}`,
      weeks[weekIndex]!,
      qty,
      uom,
      String(pack),
      String(version),
    ];
    let line: string;
    if (mix(seed, i, 2) < badThreshold) {
      const [reason, make] = BAD_ROWS[badSeen++ % BAD_ROWS.length]!;
      badRows[reason] = (badRows[reason] ?? 0) + 1;
      line = make(fields, version);
    } else {
      line = fields.join(',');
    }
    parts.push(line);
    pending += line.length + 2;
    if (pending >= 1 << 20) {
      await write(parts.join(lineEnding) + lineEnding);
      parts = [];
      pending = 0;
    }
  }
  const tail = parts.join(lineEnding);
  if (parts.length > 0) await write(options.finalNewline === false ? tail : tail + lineEnding);
  out.end();
  await once(out, 'finish');
  return { path: options.path, rows: n, bytes, sha256: sha256.digest('hex'), badRows };
}
