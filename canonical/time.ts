/**
 * UTC timestamps in the canonical form (`YYYY-MM-DDTHH:MM:SS.mmmZ`), formatted without
 * Date#toISOString, which cost a third of mapping a webhook (docs/performance.md). The date is
 * computed from the day number (civil-from-days), the time of day is arithmetic: no Date is made and
 * no cache can thrash when an event's source time and its emission fall on different days. The
 * output is identical to toISOString for years 0-9999.
 */

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** `YYYY-MM-DDT` of a day number (days since 1970-01-01), after H. Hinnant's civil_from_days. */
function datePrefix(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153); // March = 0
  const dayOfMonth = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return new Date(day * DAY_MS).toISOString().slice(0, -13);
  // No 10,000-entry table: it would cost every function's start-up for years before 1000.
  const yyyy = year >= 1000 ? String(year) : String(year).padStart(4, '0');
  return `${yyyy}-${TWO_DIGITS[month]}-${TWO_DIGITS[dayOfMonth]}T`;
}

/** `epochMs` as `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
export function isoFromEpochMs(epochMs: number): string {
  const day = Math.floor(epochMs / DAY_MS);
  let rest = epochMs - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${datePrefix(day)}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
}

/** An RFC 3339 time with any offset in UTC; a time already in UTC (`...Z`) is kept as written. */
export function toUtc(time: string | Date): string {
  if (typeof time !== 'string') return isoFromEpochMs(time.getTime());
  if (time.endsWith('Z') && time.length >= 20 && time.length <= 30) return time;
  const epochMs = offsetTimeToEpochMs(time) ?? Date.parse(time);
  if (Number.isNaN(epochMs)) throw new RangeError(`not a valid time: ${time}`);
  return isoFromEpochMs(epochMs);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DDTHH:MM:SS[.mmm]±HH:MM`, the shape vendors send, read digit by digit: Date.parse
 * cost half as much as mapping a forecast exception (docs/performance.md). Anything else (other fraction lengths,
 * out-of-range fields) returns undefined and is left to Date.parse, which then decides.
 */
function offsetTimeToEpochMs(time: string): number | undefined {
  const length = time.length;
  if (length !== 25 && length !== 29) return undefined;
  const signCode = time.charCodeAt(length - 6);
  const sign = signCode === 43 ? 1 : signCode === 45 ? -1 : 0; // '+', '-'
  const t = time.charCodeAt(10);
  if (
    sign === 0 ||
    time.charCodeAt(4) !== 45 ||
    time.charCodeAt(7) !== 45 ||
    (t !== 84 && t !== 116) || // 'T', 't'
    time.charCodeAt(13) !== 58 ||
    time.charCodeAt(16) !== 58 ||
    time.charCodeAt(length - 3) !== 58 ||
    (length === 29 && time.charCodeAt(19) !== 46)
  )
    return undefined;
  const century = twoDigits(time, 0);
  const yearOfCentury = twoDigits(time, 2);
  const year = century * 100 + yearOfCentury;
  const month = twoDigits(time, 5);
  const day = twoDigits(time, 8);
  const hours = twoDigits(time, 11);
  const minutes = twoDigits(time, 14);
  const seconds = twoDigits(time, 17);
  const tenths = length === 29 ? twoDigits(time, 20) : 0;
  const lastDigit = length === 29 ? time.charCodeAt(22) - 48 : 0;
  const offsetHours = twoDigits(time, length - 5);
  const offsetMinutes = twoDigits(time, length - 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (
    century < 10 || // Date.UTC reads years 0-99 as 1900-1999; such years are left to Date.parse
    yearOfCentury < 0 ||
    day < 1 ||
    day > monthDays ||
    hours < 0 ||
    hours > 23 ||
    minutes < 0 ||
    minutes > 59 ||
    seconds < 0 ||
    seconds > 59 ||
    tenths < 0 ||
    lastDigit < 0 ||
    lastDigit > 9 ||
    offsetHours < 0 ||
    offsetHours > 23 ||
    offsetMinutes < 0 ||
    offsetMinutes > 59
  )
    return undefined;
  const local = Date.UTC(year, month - 1, day, hours, minutes, seconds, tenths * 10 + lastDigit);
  return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** The two ASCII digits at s[i], s[i + 1] as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
