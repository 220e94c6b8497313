/**
 * When a forecast line changed enough to be sent downstream, decided exactly on integer
 * milli-eaches (no binary floating point fractions, no BigInt except for near-ties).
 */
import { MILLI_PER_EACH } from './export-row';

/** Threshold policy for emitting a changed forecast line. */
export interface ChangePolicy {
  /**
   * Minimum relative change vs the previous version's quantity, as a decimal fraction
   * (`'0.1'` = 10%). Exactly at the threshold emits. At most 6 decimals.
   * @default '0.1'
   */
  relativeThreshold: string;
  /**
   * Minimum absolute change, in eaches (decimal, at most 3 decimals). Applies to every change,
   * including new and removed lines.
   * @default '1'
   */
  minAbsoluteChangeEa: string;
}

/** The defaults of {@link ChangePolicy}. */
export const DEFAULT_CHANGE_POLICY: ChangePolicy = { relativeThreshold: '0.1', minAbsoluteChangeEa: '1' };

/** How a line differs from the previous version. */
export type ChangeKind = 'added' | 'changed' | 'removed';

/** Parses a non-negative decimal string into an integer scaled by 10^decimals; throws when invalid. */
export function parseScaledDecimal(text: string, decimals: number, what: string): number {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`${what}: '${text}' is not a non-negative decimal`);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals)
    throw new RangeError(`${what}: '${text}' has more than ${decimals} decimals`);
  const scaled = Number(match[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
  if (!Number.isSafeInteger(scaled)) throw new RangeError(`${what}: '${text}' is too large`);
  return scaled;
}

/** Exact decimal text of a milli-each quantity: `140`, `12.5`, `0.001` (canonical decimal string). */
export function formatMilli(milli: number): string {
  // milli/1000 can round up to the next integer near 2^53: correct the floor with exact integer math.
  let whole = Math.floor(milli / MILLI_PER_EACH);
  let fraction = milli - whole * MILLI_PER_EACH;
  if (fraction < 0) {
    whole -= 1;
    fraction += MILLI_PER_EACH;
  }
  if (fraction === 0) return String(whole);
  let digits = String(fraction).padStart(3, '0');
  while (digits.endsWith('0')) digits = digits.slice(0, -1);
  return `${whole}.${digits}`;
}

const RELATIVE_DECIMALS = 6;
const TIE_MARGIN = 2 ** -48;

/** A {@link ChangePolicy} compiled to integers; `classify` is called once per key. */
export class CompiledChangePolicy {
  private readonly numerator: number;
  private readonly denominator = 10 ** RELATIVE_DECIMALS;
  private readonly minAbsoluteMilli: number;

  constructor(policy: ChangePolicy = DEFAULT_CHANGE_POLICY) {
    this.numerator = parseScaledDecimal(policy.relativeThreshold, RELATIVE_DECIMALS, 'relativeThreshold');
    this.minAbsoluteMilli = parseScaledDecimal(policy.minAbsoluteChangeEa, 3, 'minAbsoluteChangeEa');
  }

  /**
   * Whether a line must be emitted. `previous` undefined = the key is new; `current` undefined = it
   * disappeared. New and disappeared keys only need the absolute minimum; an existing key also needs
   * |current - previous| / previous >= threshold (a previous quantity of 0 makes any rise infinite).
   */
  shouldEmit(previous: number | undefined, current: number | undefined): boolean {
    const before = previous ?? 0;
    const after = current ?? 0;
    const delta = after > before ? after - before : before - after;
    if (delta === 0 || delta < this.minAbsoluteMilli) return false;
    if (previous === undefined || current === undefined || before === 0) return true;
    return this.atLeastThreshold(delta, before);
  }

  /** delta / base >= numerator / denominator, exactly. */
  private atLeastThreshold(delta: number, base: number): boolean {
    const left = delta * this.denominator;
    const right = this.numerator * base;
    if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) return left >= right;
    // Products past 2^53 are rounded (relative error <= 2^-53 each): decide unless it is a near-tie.
    if (left > right * (1 + TIE_MARGIN)) return true;
    if (left < right * (1 - TIE_MARGIN)) return false;
    return BigInt(delta) * BigInt(this.denominator) >= BigInt(this.numerator) * BigInt(base);
  }
}
