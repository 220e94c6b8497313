/**
 * Exact decimal arithmetic for quantities and money.
 *
 * Why not `number`: binary floating point cannot hold 0.1, so `0.1 + 0.2 !== 0.3` and an uplift of
 * exactly 10% can come out as 9.999…%. A {@link Decimal} is `coefficient × 10^-scale` with a BigInt
 * coefficient, so addition, subtraction and multiplication are always exact; only division and
 * formatting to fewer places can lose digits, and those take an explicit {@link RoundingMode}.
 */

/**
 * How to drop digits when a result does not fit the requested number of places.
 * `unnecessary` (the default everywhere) refuses with a RangeError instead of rounding silently.
 */
export type RoundingMode =
  /** Away from zero. */
  | 'up'
  /** Towards zero (truncate). */
  | 'down'
  /** Towards +infinity. */
  | 'ceiling'
  /** Towards -infinity. */
  | 'floor'
  /** To nearest; a tie goes away from zero (commercial rounding). */
  | 'half-up'
  /** To nearest; a tie goes towards zero. */
  | 'half-down'
  /** To nearest; a tie goes to the even neighbour (banker's rounding). */
  | 'half-even'
  /** The result must be exact: throw a RangeError otherwise. */
  | 'unnecessary';

/** Anything {@link Decimal.of} accepts: a Decimal, a decimal string, a finite JS number or a BigInt. */
export type DecimalLike = Decimal | string | number | bigint;

// Sign, integer digits, optional fraction, optional exponent. No blanks, no thousands separators,
// no `.5` / `5.` (JSON forbids both and a sender that writes them is not following any contract we know).
const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Exponents beyond this are refused: `1e999999999` would otherwise allocate a gigantic BigInt. */
const MAX_ABS_EXPONENT = 1000;

const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function assertPlaces(places: number, what: string): void {
  if (!Number.isSafeInteger(places) || places < 0 || places > MAX_ABS_EXPONENT) {
    throw new RangeError(`${what} must be a whole number from 0 to ${MAX_ABS_EXPONENT}, got ${places}`);
  }
}

/** `numerator / denominator` as an integer, rounded by `mode`. The denominator must be positive. */
function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  const quotient = numerator / denominator; // BigInt division truncates towards zero
  const remainder = numerator % denominator; // has the sign of the numerator
  if (remainder === 0n) return quotient;
  const awayFromZero = quotient + (numerator < 0n ? -1n : 1n);
  const twiceRemainder = 2n * abs(remainder);
  switch (mode) {
    case 'unnecessary':
      throw new RangeError('rounding necessary: the exact result has more places than requested');
    case 'down':
      return quotient;
    case 'up':
      return awayFromZero;
    case 'ceiling':
      return numerator > 0n ? awayFromZero : quotient;
    case 'floor':
      return numerator < 0n ? awayFromZero : quotient;
    case 'half-up':
      return twiceRemainder >= denominator ? awayFromZero : quotient;
    case 'half-down':
      return twiceRemainder > denominator ? awayFromZero : quotient;
    case 'half-even':
      if (twiceRemainder > denominator) return awayFromZero;
      if (twiceRemainder < denominator) return quotient;
      return quotient % 2n === 0n ? quotient : awayFromZero;
  }
}

/**
 * An immutable exact decimal number. Always normalised (no trailing zeros in the coefficient), so two
 * Decimals of equal value have equal fields: `Decimal.of('12.50')` and `Decimal.of(12.5)` are the same.
 *
 * Comparison operators (`<`, `+`) on Decimals throw a TypeError on purpose: use {@link Decimal.lt},
 * {@link Decimal.add} and friends.
 */
export class Decimal {
  /** Zero. */
  static readonly ZERO: Decimal = new Decimal(0n, 0);
  /** One. */
  static readonly ONE: Decimal = new Decimal(1n, 0);

  /** The unscaled value: the number is `coefficient × 10^-scale`. */
  readonly coefficient: bigint;
  /** Digits after the decimal point in normalised form (0 for whole numbers). */
  readonly scale: number;

  private constructor(coefficient: bigint, scale: number) {
    let c = coefficient;
    let s = scale;
    while (s > 0 && c % TEN === 0n) {
      c /= TEN;
      s -= 1;
    }
    this.coefficient = c;
    this.scale = c === 0n ? 0 : s;
    Object.freeze(this);
  }

  /** Converts any {@link DecimalLike}; throws a RangeError for text or numbers that are not exact decimals. */
  static of(value: DecimalLike): Decimal {
    if (value instanceof Decimal) return value;
    switch (typeof value) {
      case 'string':
        return Decimal.parse(value);
      case 'number':
        return Decimal.fromNumber(value);
      case 'bigint':
        return new Decimal(value, 0);
      default:
        throw new TypeError(`not a decimal: ${typeof value}`);
    }
  }

  /**
   * Parses decimal text such as `"12.50"`, `"-3"`, `"0.1"`, `"+7"`, `"1.5e-7"`, `"1E+21"`.
   * Refuses (RangeError) blanks, `NaN`, `Infinity`, hex, thousands separators, `.5`, `5.` and
   * exponents beyond ±1000.
   */
  static parse(text: string): Decimal {
    const parsed = Decimal.tryParse(text);
    if (parsed === undefined) {
      const shown = typeof text === 'string' && text.length > 40 ? `${text.slice(0, 40)}…` : String(text);
      throw new RangeError(`not a decimal number: "${shown}"`);
    }
    return parsed;
  }

  /** Like {@link Decimal.parse} but answers `undefined` instead of throwing. */
  static tryParse(text: string): Decimal | undefined {
    if (typeof text !== 'string') return undefined;
    const match = DECIMAL_TEXT.exec(text);
    if (match === null) return undefined;
    const [, sign = '', integerDigits = '', fractionDigits = '', exponentText] = match;
    const exponent = exponentText === undefined ? 0 : Number(exponentText);
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_ABS_EXPONENT) return undefined;
    let coefficient = BigInt(integerDigits + fractionDigits);
    let scale = fractionDigits.length - exponent;
    if (scale < 0) {
      coefficient *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(sign === '-' ? -coefficient : coefficient, scale);
  }

  /**
   * The decimal a JS number stands for as its sender wrote it: the shortest text that round-trips
   * (`String(n)`), so `0.1` is 0.1, not 0.1000000000000000055511151231257827…. `-0` is zero.
   * NaN and ±Infinity are refused with a RangeError.
   */
  static fromNumber(value: number): Decimal {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return Decimal.parse(String(value));
  }

  /** The sum of the values (zero for none). */
  static sum(values: Iterable<DecimalLike>): Decimal {
    let total = Decimal.ZERO;
    for (const value of values) total = total.add(value);
    return total;
  }

  /** The largest of one or more values. */
  static max(first: DecimalLike, ...rest: DecimalLike[]): Decimal {
    return rest.reduce<Decimal>((best, v) => (best.lt(v) ? Decimal.of(v) : best), Decimal.of(first));
  }

  /** The smallest of one or more values. */
  static min(first: DecimalLike, ...rest: DecimalLike[]): Decimal {
    return rest.reduce<Decimal>((best, v) => (best.gt(v) ? Decimal.of(v) : best), Decimal.of(first));
  }

  /** `this + other`, exact. */
  add(other: DecimalLike): Decimal {
    const o = Decimal.of(other);
    const scale = Math.max(this.scale, o.scale);
    return new Decimal(this.scaledTo(scale) + o.scaledTo(scale), scale);
  }

  /** `this - other`, exact. */
  sub(other: DecimalLike): Decimal {
    return this.add(Decimal.of(other).neg());
  }

  /** `this × other`, exact (the scales add up). */
  mul(other: DecimalLike): Decimal {
    const o = Decimal.of(other);
    return new Decimal(this.coefficient * o.coefficient, this.scale + o.scale);
  }

  /** `-this` (never a negative zero). */
  neg(): Decimal {
    return new Decimal(-this.coefficient, this.scale);
  }

  /** `|this|`. */
  abs(): Decimal {
    return this.coefficient < 0n ? this.neg() : this;
  }

  /**
   * `this / divisor` with `places` decimal places. Without a rounding mode the quotient must be exact
   * to that many places (`'unnecessary'`), else RangeError; division by zero is a RangeError.
   */
  div(divisor: DecimalLike, places: number, rounding: RoundingMode = 'unnecessary'): Decimal {
    assertPlaces(places, 'places');
    const d = Decimal.of(divisor);
    if (d.isZero()) throw new RangeError('division by zero');
    // this/d × 10^places = (c1 × 10^(s2 + places)) / (c2 × 10^s1)
    let numerator = this.coefficient * pow10(d.scale + places);
    let denominator = d.coefficient * pow10(this.scale);
    if (denominator < 0n) {
      numerator = -numerator;
      denominator = -denominator;
    }
    return new Decimal(divideRounded(numerator, denominator, rounding), places);
  }

  /**
   * `ceil(this / divisor)` for a whole divisor >= 1, as a whole number: how many packs of `divisor`
   * cover this quantity.
   */
  ceilDiv(divisor: DecimalLike): Decimal {
    const d = Decimal.of(divisor);
    if (!d.isInteger() || d.coefficient < 1n) {
      throw new RangeError(`ceilDiv needs a whole divisor >= 1, got ${d.toString()}`);
    }
    return this.div(d, 0, 'ceiling');
  }

  /** The smallest multiple of the whole number `multiple` (>= 1) that is >= this. */
  roundUpToMultiple(multiple: DecimalLike): Decimal {
    return this.ceilDiv(multiple).mul(multiple);
  }

  /** This value with at most `places` decimal places; rounding must be explicit when digits are lost. */
  round(places: number, rounding: RoundingMode = 'unnecessary'): Decimal {
    assertPlaces(places, 'places');
    if (this.scale <= places) return this;
    return new Decimal(divideRounded(this.coefficient, pow10(this.scale - places), rounding), places);
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  compare(other: DecimalLike): -1 | 0 | 1 {
    const o = Decimal.of(other);
    const scale = Math.max(this.scale, o.scale);
    const a = this.scaledTo(scale);
    const b = o.scaledTo(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Equal in value (`12.50` equals `12.5`). */
  eq(other: DecimalLike): boolean {
    return this.compare(other) === 0;
  }

  /** `this < other`. */
  lt(other: DecimalLike): boolean {
    return this.compare(other) < 0;
  }

  /** `this <= other`. */
  lte(other: DecimalLike): boolean {
    return this.compare(other) <= 0;
  }

  /** `this > other`. */
  gt(other: DecimalLike): boolean {
    return this.compare(other) > 0;
  }

  /** `this >= other`. */
  gte(other: DecimalLike): boolean {
    return this.compare(other) >= 0;
  }

  /** Whether this is zero (there is no negative zero). */
  isZero(): boolean {
    return this.coefficient === 0n;
  }

  /** Whether this is below zero. */
  isNegative(): boolean {
    return this.coefficient < 0n;
  }

  /** Whether this is above zero. */
  isPositive(): boolean {
    return this.coefficient > 0n;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.coefficient < 0n ? -1 : this.coefficient > 0n ? 1 : 0;
  }

  /** Whether this has no fractional part. */
  isInteger(): boolean {
    return this.scale === 0;
  }

  /** Normalised plain text: no exponent, no trailing zeros, no `-0` (`"12.5"`, `"-3"`, `"0.1"`, `"0"`). */
  toString(): string {
    return Decimal.format(this.coefficient, this.scale);
  }

  /**
   * Plain text with exactly `places` decimals (`Decimal.of('3').toFixed(2) === '3.00'`). Digits beyond
   * `places` need an explicit rounding mode, else RangeError.
   */
  toFixed(places: number, rounding: RoundingMode = 'unnecessary'): string {
    const rounded = this.round(places, rounding);
    return Decimal.format(rounded.scaledTo(places), places);
  }

  /**
   * Plain text with at least `places` decimals, more when the value has them: money as the ERP
   * reports it (`"1488.00"`, `"3.125"`). Never rounds.
   */
  toFixedAtLeast(places: number): string {
    return this.scale >= places ? this.toString() : this.toFixed(places);
  }

  /** Money as the procurement platform and the ERP write it: exactly two decimals (`"25000.00"`). */
  toMoneyString(rounding: RoundingMode = 'unnecessary'): string {
    return this.toFixed(2, rounding);
  }

  /**
   * This value as a JS number, only when that is safe: the number's shortest text must read back as
   * exactly this decimal (so `0.1` is fine, `0.1000000000000000000001` and `2^53 + 1` are RangeErrors).
   */
  toNumber(): number {
    const n = Number(this.toString());
    if (!Number.isFinite(n) || !Decimal.fromNumber(n).eq(this)) {
      throw new RangeError(`${this.toString()} has no exact JS number`);
    }
    return n;
  }

  /** JSON carries decimals as strings so that no reader rounds them through binary floating point. */
  toJSON(): string {
    return this.toString();
  }

  /** Refuses numeric coercion (`a < b`, `a + b`) that would silently compare or concatenate text. */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'string') return this.toString();
    throw new TypeError('Decimal does not coerce to a number: use compare/add/… or toNumber()');
  }

  /** Readable in Node's inspector and test output. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Decimal(${this.toString()})`;
  }

  /** The coefficient for `scale` places; `scale` must be >= this.scale. */
  private scaledTo(scale: number): bigint {
    return this.coefficient * pow10(scale - this.scale);
  }

  private static format(coefficient: bigint, scale: number): string {
    const digits = abs(coefficient).toString();
    const sign = coefficient < 0n ? '-' : '';
    if (scale === 0) return sign + digits;
    const padded = digits.padStart(scale + 1, '0');
    return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  }
}

// Fast paths for the hot mappings (webhook mapping runs per delivery, and BigInt arithmetic was
// most of its cost): the same exact results as Decimal, with plain integer arithmetic while every
// intermediate value is a safe integer (whole quantities, prices with a few decimals), and Decimal
// otherwise. docs/adr/0006-exact-decimals.md says why this and the milli-each path of forecast sync
// are the only other ways of computing quantities.

const FAST_SCALE = 6;
const FAST_SCALE_FACTOR = 10 ** FAST_SCALE;
const PRICE = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,6}))?$/;

/** `quantity × factor` (factor a whole number) as a decimal string, exactly. */
export function multiplyToString(quantity: number, factor: number): string {
  if (Number.isSafeInteger(factor)) {
    if (Number.isSafeInteger(quantity)) {
      const product = quantity * factor;
      if (Number.isSafeInteger(product)) return String(product);
    } else {
      // 12.5 x 12: multiply the digits as an integer (125 x 12) and put the point back. The digits
      // are the fewest decimals that parse back to the same double (what String() would print),
      // found without formatting it: `digits / 10^places` is the correctly rounded parse of that
      // decimal text, so equality means the text reads as `quantity`.
      for (let places = 1, scale = 10; places <= FAST_SCALE; places++, scale *= 10) {
        const digits = Math.round(quantity * scale);
        if (digits / scale !== quantity) continue;
        const product = digits * factor;
        if (Number.isSafeInteger(digits) && Number.isSafeInteger(product)) return withPoint(product, places);
        break;
      }
    }
  }
  return Decimal.fromNumber(quantity).mul(factor).toString();
}

/** `quantity` (a JSON number) as a decimal string exactly as the sender wrote it. */
export function quantityToString(quantity: number): string {
  if (Number.isSafeInteger(quantity)) return String(quantity);
  const text = String(quantity);
  // String() of a double is its shortest round-trip form: the digits the sender wrote.
  return text.includes('e') || !Number.isFinite(quantity) ? Decimal.fromNumber(quantity).toString() : text;
}

/** An integer with `places` implied decimals as a normalised decimal string (125, 1 -> "12.5"). */
function withPoint(value: number, places: number): string {
  // Trailing zeros first, arithmetically (150.0 -> 150): most products of packs are whole.
  while (places > 0 && value % 10 === 0) {
    value /= 10;
    places--;
  }
  if (places === 0) return String(value);
  const negative = value < 0;
  const digits = String(negative ? -value : value).padStart(places + 1, '0');
  const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return negative ? `-${text}` : text;
}

/** A non-negative decimal string scaled by 10^6 as a safe integer, or undefined when it is not one. */
function scaled(price: string): number | undefined {
  const match = PRICE.exec(price);
  if (!match) return undefined;
  const fraction = (match[2] ?? '').padEnd(FAST_SCALE, '0');
  const value = Number(match[1]) * FAST_SCALE_FACTOR + Number(fraction);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Σ quantity × price over the lines, exactly, as a normalised decimal string. */
export function sumOfProducts(lines: readonly { quantity: number; price: string }[]): string {
  let total = 0;
  for (const { quantity, price } of lines) {
    const priceScaled = Number.isSafeInteger(quantity) ? scaled(price) : undefined;
    if (priceScaled === undefined) return slowSum(lines);
    total += quantity * priceScaled;
    if (!Number.isSafeInteger(total)) return slowSum(lines);
  }
  return withPoint(total, FAST_SCALE);
}

function slowSum(lines: readonly { quantity: number; price: string }[]): string {
  return Decimal.sum(lines.map(({ quantity, price }) => Decimal.fromNumber(quantity).mul(price))).toString();
}
