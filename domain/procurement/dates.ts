/** Calendar dates and deadlines for the procurement rules (no clock: `now` is always passed in). */
import { ContractViolation } from '../failures';
import type { Bucket } from './types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (match === null) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Throws a ContractViolation naming `what` unless `text` is a `YYYY-MM-DD` calendar date. */
export function assertIsoDate(text: string, what: string, system = 'planning'): void {
  if (!isIsoDate(text)) {
    throw new ContractViolation(`${what} is not a YYYY-MM-DD date: ${JSON.stringify(text)}`, system, {
      field: what,
      value: text,
    });
  }
}

/** Throws a ContractViolation unless the bucket's dates are valid and start <= end. */
export function assertBucket(bucket: Bucket): void {
  assertIsoDate(bucket.start, 'bucket.start');
  assertIsoDate(bucket.end, 'bucket.end');
  if (bucket.start > bucket.end) {
    throw new ContractViolation('bucket ends before it starts', 'planning', { ...bucket });
  }
}

/** Whether a `YYYY-MM-DD` date falls in the bucket, both ends inclusive (ISO dates sort as text). */
export function isWithinBucket(date: string, bucket: Bucket): boolean {
  return date >= bucket.start && date <= bucket.end;
}

function toInstant(at: Date | string): Date {
  const instant = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a timestamp: ${String(at)}`);
  return instant;
}

/**
 * The UTC calendar month (`YYYY-MM`) of a purchase date, the budget period. A bare date
 * (`2026-12-31`) is that day; a timestamp with an offset is converted to UTC first.
 */
export function utcMonthOf(at: Date | string): string {
  if (typeof at === 'string' && isIsoDate(at)) return at.slice(0, 7);
  return toInstant(at).toISOString().slice(0, 7);
}

/** `at + hours` as an ISO-8601 UTC timestamp. */
export function addHours(at: Date | string, hours: number): string {
  return new Date(toInstant(at).getTime() + hours * 3_600_000).toISOString();
}

/** Whether `now` is after `deadline` (an answer exactly at the deadline is still in time). */
export function isPastDeadline(deadline: Date | string, now: Date | string): boolean {
  return toInstant(now).getTime() > toInstant(deadline).getTime();
}
