/**
 * One row of the planning platform's bulk forecast export, validated straight from the bytes:
 * no strings, no objects and no allocation per row, because this runs millions of times per file.
 */

/** The header the export contract defines; the file must start with it (a UTF-8 BOM is tolerated). */
export const EXPORT_HEADER = 'sku,site,week_start,qty,uom,pack_size,plan_version';

/**
 * Why a row was rejected, in the order they are checked (a row gets the first that applies).
 * `week_start_not_monday` is only used when the run asks for it (see README).
 */
export const REJECT_REASONS = [
  'empty_line',
  'line_too_long',
  'duplicate_header',
  'column_count',
  'invalid_sku',
  'invalid_site',
  'invalid_date',
  'week_start_not_monday',
  'invalid_qty',
  'negative_qty',
  'qty_precision',
  'unknown_uom',
  'invalid_pack_size',
  'qty_overflow',
  'plan_version_mismatch',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** Result code of {@link ExportRowParser.parse}: 0 = accepted, otherwise 1 + index in REJECT_REASONS. */
export type RowVerdict = number;
export const ACCEPTED: RowVerdict = 0;
const code = (reason: RejectReason): RowVerdict => REJECT_REASONS.indexOf(reason) + 1;
/** The reject reason of a non-zero verdict. */
export const reasonOf = (verdict: RowVerdict): RejectReason => REJECT_REASONS[verdict - 1]!;

const EMPTY_LINE = code('empty_line');
/** Exported for the line splitter, which detects over-long lines before the parser sees them. */
export const LINE_TOO_LONG = code('line_too_long');
const DUPLICATE_HEADER = code('duplicate_header');
const COLUMN_COUNT = code('column_count');
const INVALID_SKU = code('invalid_sku');
const INVALID_SITE = code('invalid_site');
const INVALID_DATE = code('invalid_date');
const NOT_MONDAY = code('week_start_not_monday');
const INVALID_QTY = code('invalid_qty');
const NEGATIVE_QTY = code('negative_qty');
const QTY_PRECISION = code('qty_precision');
const UNKNOWN_UOM = code('unknown_uom');
const INVALID_PACK_SIZE = code('invalid_pack_size');
const QTY_OVERFLOW = code('qty_overflow');
const VERSION_MISMATCH = code('plan_version_mismatch');

/** Quantities are carried as integer thousandths of an each ("milli-eaches"). */
export const MILLI_PER_EACH = 1000;
/** Decimals a qty may carry; more (unless they are trailing zeros) is `qty_precision`. */
export const QTY_DECIMALS = 3;
/**
 * Largest row quantity, in eaches (10^12, i.e. 10^15 milli-eaches): far above any real forecast, and
 * low enough that sums of a few rows per key stay exact integers in a float64 (2^53 ~ 9.007 x 10^15).
 */
export const MAX_ROW_EACHES = 1e12;
const MAX_ROW_MILLI = MAX_ROW_EACHES * MILLI_PER_EACH;
/** Same limit as the canonical `identifier` (1..64 characters). */
export const MAX_IDENTIFIER_LENGTH = 64;

// Canonical identifier: ^[A-Za-z0-9][A-Za-z0-9_.:/#-]*$ ; bit 1 = may start, bit 0 = may continue.
const ID_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) ID_CHAR[c] = 3;
  else if ('_.:/#-'.includes(ch)) ID_CHAR[c] = 1;
}
const HEADER_BYTES = Buffer.from(EXPORT_HEADER, 'latin1');
const COMMA = 44;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const SAKAMOTO = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];

/** 32-bit FNV-1a step; the key hash is finished with {@link finishHash}. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3 fmix32: spreads FNV's weak high bits, which choose the partition. */
export function finishHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of a key (`sku,site,week_start` bytes) as the parser computes it; for stores and tests. */
export function hashKey(key: Uint8Array, start = 0, end = key.length): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ key[i]!, FNV_PRIME);
  return finishHash(h);
}

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

/**
 * Validates one export line and, when accepted, leaves the aggregation key and the quantity in
 * eaches in its public fields (read them right after `parse`; the next call overwrites them).
 * The key is the line's own bytes `[start, keyEnd)`, i.e. `sku,site,week_start` as written.
 */
export class ExportRowParser {
  /** End (exclusive) of the `sku,site,week_start` bytes of the last accepted row. */
  keyEnd = 0;
  /** Hash of those bytes. */
  hash = 0;
  /** Quantity of the last accepted row, in milli-eaches (an exact integer). */
  eachesMilli = 0;

  constructor(
    private readonly planVersion: number,
    private readonly rejectNonMondayWeekStart = false,
  ) {}

  /** Validates `buf[start, end)` (no line terminator). Returns {@link ACCEPTED} or a reject code. */
  parse(buf: Uint8Array, start: number, end: number): RowVerdict {
    if (end === start) return EMPTY_LINE;
    if (end - start === HEADER_BYTES.length && buf[start] === 115 && this.isHeader(buf, start)) {
      return DUPLICATE_HEADER;
    }
    // Column count first: field checks on a mis-split row would give misleading reasons.
    let commas = 0;
    for (let i = start; i < end; i++) if (buf[i] === COMMA) commas++;
    if (commas !== 6) return COLUMN_COUNT;

    // sku and site: canonical identifiers; hash the key bytes while we walk them.
    let h = FNV_OFFSET;
    let i = start;
    let b = buf[i]!;
    if ((ID_CHAR[b]! & 2) === 0) return INVALID_SKU;
    while (b !== COMMA) {
      if (ID_CHAR[b] === 0) return INVALID_SKU;
      h = Math.imul(h ^ b, FNV_PRIME);
      b = buf[++i]!;
    }
    if (i - start > MAX_IDENTIFIER_LENGTH) return INVALID_SKU;
    h = Math.imul(h ^ COMMA, FNV_PRIME);
    const siteStart = ++i;
    b = buf[i]!;
    if ((ID_CHAR[b]! & 2) === 0) return INVALID_SITE;
    while (b !== COMMA) {
      if (ID_CHAR[b] === 0) return INVALID_SITE;
      h = Math.imul(h ^ b, FNV_PRIME);
      b = buf[++i]!;
    }
    if (i - siteStart > MAX_IDENTIFIER_LENGTH) return INVALID_SITE;
    h = Math.imul(h ^ COMMA, FNV_PRIME);

    // week_start: exactly YYYY-MM-DD and a real calendar date.
    const d = ++i;
    if (buf[d + 10] !== COMMA || buf[d + 4] !== 45 || buf[d + 7] !== 45) return INVALID_DATE;
    for (let k = 0; k < 10; k++) {
      const c = buf[d + k]!;
      if (k !== 4 && k !== 7 && !isDigit(c)) return INVALID_DATE;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    const year =
      (buf[d]! - 48) * 1000 + (buf[d + 1]! - 48) * 100 + (buf[d + 2]! - 48) * 10 + buf[d + 3]! - 48;
    const month = (buf[d + 5]! - 48) * 10 + buf[d + 6]! - 48;
    const day = (buf[d + 8]! - 48) * 10 + buf[d + 9]! - 48;
    if (year === 0 || month < 1 || month > 12 || day < 1) return INVALID_DATE;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return INVALID_DATE;
    if (this.rejectNonMondayWeekStart) {
      const y = month < 3 ? year - 1 : year;
      const weekday =
        (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + SAKAMOTO[month - 1]! + day) % 7;
      if (weekday !== 1) return NOT_MONDAY;
    }
    this.keyEnd = d + 10;
    this.hash = finishHash(h);

    // qty: digits [ "." digits ], no sign, no exponent.
    i = d + 11;
    let negative = false;
    if (buf[i] === 45) {
      negative = true;
      i++;
    }
    let whole = 0;
    let wholeDigits = 0;
    b = buf[i]!;
    while (isDigit(b)) {
      whole = whole * 10 + (b - 48);
      wholeDigits++;
      b = buf[++i]!;
    }
    if (wholeDigits === 0) return INVALID_QTY;
    let fraction = 0;
    let tooPrecise = false;
    if (b === 46) {
      let decimals = 0;
      b = buf[++i]!;
      while (isDigit(b)) {
        if (decimals < QTY_DECIMALS) fraction = fraction * 10 + (b - 48);
        else if (b !== 48) tooPrecise = true;
        decimals++;
        b = buf[++i]!;
      }
      if (decimals === 0) return INVALID_QTY;
      for (; decimals < QTY_DECIMALS; decimals++) fraction *= 10;
    }
    if (b !== COMMA) return INVALID_QTY;
    if (negative) return NEGATIVE_QTY;
    if (tooPrecise) return QTY_PRECISION;

    // uom: EA | CS | PAL
    const u = ++i;
    let perUnit: boolean; // true when qty is in eaches already
    if (buf[u + 2] === COMMA && buf[u] === 69 && buf[u + 1] === 65) perUnit = true;
    else if (buf[u + 2] === COMMA && buf[u] === 67 && buf[u + 1] === 83) perUnit = false;
    else if (buf[u + 3] === COMMA && buf[u] === 80 && buf[u + 1] === 65 && buf[u + 2] === 76) perUnit = false;
    else return UNKNOWN_UOM;
    i = buf[u + 2] === COMMA ? u + 3 : u + 4;

    // pack_size: a whole number >= 1 (digits only), at most 9 digits.
    let pack = 0;
    let packDigits = 0;
    b = buf[i]!;
    while (isDigit(b)) {
      pack = pack * 10 + (b - 48);
      packDigits++;
      b = buf[++i]!;
    }
    if (b !== COMMA || packDigits === 0 || packDigits > 9 || pack < 1) return INVALID_PACK_SIZE;

    // Quantity in milli-eaches. Huge inputs give inexact floats, but always far above the limit.
    const milli = (whole * MILLI_PER_EACH + fraction) * (perUnit ? 1 : pack);
    if (wholeDigits > 15 || milli > MAX_ROW_MILLI) return QTY_OVERFLOW;

    // plan_version: must be the published version.
    let version = 0;
    let versionDigits = 0;
    for (i++; i < end; i++) {
      b = buf[i]!;
      if (!isDigit(b) || versionDigits === 15) return VERSION_MISMATCH;
      version = version * 10 + (b - 48);
      versionDigits++;
    }
    if (versionDigits === 0 || version !== this.planVersion) return VERSION_MISMATCH;

    this.eachesMilli = milli;
    return ACCEPTED;
  }

  private isHeader(buf: Uint8Array, start: number): boolean {
    for (let k = 0; k < HEADER_BYTES.length; k++) if (buf[start + k] !== HEADER_BYTES[k]) return false;
    return true;
  }
}
