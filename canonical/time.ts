/**
 * UTC timestamps in the canonical form (`YYYY-MM-DDTHH:MM:SS.mmmZ`), formatted without
 * Date#toISOString: it costs ~0.35 us per call, a third of mapping a webhook. The day prefix is
 * cached, the time of day is arithmetic; the output is identical to toISOString for years 0-9999.
 */

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedPrefix = '';

/** `epochMs` as `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
export function isoFromEpochMs(epochMs: number): string {
  const day = Math.floor(epochMs / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = epochMs - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${cachedPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
}

/** An RFC 3339 time with any offset in UTC; a time already in UTC (`...Z`) is kept as written. */
export function toUtc(time: string | Date): string {
  if (typeof time !== 'string') return isoFromEpochMs(time.getTime());
  if (time.endsWith('Z') && time.length >= 20 && time.length <= 30) return time;
  const epochMs = Date.parse(time);
  if (Number.isNaN(epochMs)) throw new RangeError(`not a valid time: ${time}`);
  return isoFromEpochMs(epochMs);
}
