/**
 * The runtime the generated validators share (scripts/codegen/validator-compiler.ts emits the
 * checks, these are the helpers they call). Hand-written char-code checks: no regex, no allocation.
 */

/** One validation failure. */
export interface ValidationError {
  /** RFC 6901 JSON pointer into the data, "" for the root. */
  pointer: string;
  /** The JSON Schema keyword that failed, or "maxErrors", "maxDepth", "exception". */
  keyword: string;
  message: string;
}

/** The outcome of a validation: the typed value, or every error found. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

/** Errors collected per document before the final "maxErrors" error. */
export const MAX_ERRORS = 100;
/** Nesting of recursive `$ref`s beyond which a validator stops with "maxDepth". */
export const MAX_DEPTH = 128;

export function add(e: ValidationError[], pointer: string, keyword: string, message: string): void {
  if (e.length < MAX_ERRORS) e.push({ pointer, keyword, message });
  else if (e.length === MAX_ERRORS) {
    e.push({
      pointer: '',
      keyword: 'maxErrors',
      message: 'more than ' + MAX_ERRORS + ' errors: validation stopped',
    });
  }
}

/** A plain JSON object: not null, not an array, not a class instance. */
export function isObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Reports every own key not in `known` (only called when the count of known keys differs). */
export function extra(
  o: Record<string, unknown>,
  known: ReadonlySet<string>,
  p: string,
  e: ValidationError[],
): void {
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length && e.length <= MAX_ERRORS; i++) {
    const key = keys[i]!;
    if (!known.has(key))
      add(e, p + '/' + escapePointer(key), 'additionalProperties', 'must NOT have additional properties');
  }
}

/** Unicode code points of s (a lone surrogate counts as one), as JSON Schema lengths require. */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    n++;
  }
  return n;
}

/** The two ASCII digits at s[i], s[i + 1] as a number, or -1 (also past the end). */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** RFC 3339 full-date in s[0..10): YYYY-MM-DD with a real calendar day (leap years included). */
function fullDate(s: string): boolean {
  const century = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (century < 0 || yy < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  if (day <= DAYS_IN_MONTH[month]!) return true;
  const year = century * 100 + yy;
  return month === 2 && day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** format "date": RFC 3339 full-date. */
export function isDate(s: string): boolean {
  return s.length === 10 && fullDate(s);
}

/**
 * format "date-time": RFC 3339 date-time, offset mandatory (Z or +hh:mm / -hh:mm), "T"/"Z" in either
 * case, hour 0-23, minute 0-59, second 0-60 (a leap second is accepted at any time of day).
 */
export function isDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20 || !fullDate(s)) return false;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 116) return false;
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    if (i === start) return false;
  }
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) return i + 1 === n;
  if ((z !== 43 && z !== 45) || i + 6 !== n || s.charCodeAt(i + 3) !== 58) return false;
  const offsetHour = twoDigits(s, i + 1);
  const offsetMinute = twoDigits(s, i + 4);
  return offsetHour >= 0 && offsetHour <= 23 && offsetMinute >= 0 && offsetMinute <= 59;
}

/** format "uuid": RFC 4122 textual form 8-4-4-4-12 hex digits, any version, either case. */
export function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102))) {
      return false;
    }
  }
  return true;
}

/**
 * Whether n has at most `decimals` digits after the point in its shortest decimal form (String(n):
 * the digits a JSON sender wrote, as the mappings turn quantities into decimal strings), for a
 * `multipleOf` power of ten: dividing in binary floating point would refuse 0.1 for 0.000001.
 */
export function decimalsAtMost(n: number, decimals: number): boolean {
  if (Number.isInteger(n)) return true;
  const s = String(n);
  const exponent = s.indexOf('e');
  const mantissa = exponent < 0 ? s : s.slice(0, exponent);
  const point = mantissa.indexOf('.');
  const written = point < 0 ? 0 : mantissa.length - point - 1;
  return written - (exponent < 0 ? 0 : Number(s.slice(exponent + 1))) <= decimals;
}
