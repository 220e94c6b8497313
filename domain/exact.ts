/**
 * Hot-path helpers for the mappings: exact results like `Decimal`, but with plain integer
 * arithmetic when every intermediate value is a safe integer (the common case: whole quantities,
 * prices with a few decimals), and `Decimal` otherwise. Webhook mapping runs per delivery and
 * BigInt arithmetic was most of its cost.
 */
import { Decimal } from './decimal';

const SCALE = 6;
const SCALE_FACTOR = 10 ** SCALE;
const PRICE = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,6}))?$/;

/** `quantity × factor` (factor a whole number) as a decimal string, exactly. */
export function multiplyToString(quantity: number, factor: number): string {
  if (Number.isSafeInteger(factor)) {
    if (Number.isSafeInteger(quantity)) {
      const product = quantity * factor;
      if (Number.isSafeInteger(product)) return String(product);
    } else {
      // 12.5 x 12: multiply the digits as an integer (125 x 12) and put the point back.
      const text = String(quantity);
      const point = text.indexOf('.');
      if (point > 0 && !text.includes('e')) {
        const places = text.length - point - 1;
        const digits = Number(text.slice(0, point) + text.slice(point + 1));
        const product = digits * factor;
        if (Number.isSafeInteger(product)) return withPoint(product, places);
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
  const negative = value < 0;
  const digits = String(Math.abs(value)).padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== '0' ? `-${text}` : text;
}

/** A non-negative decimal string scaled by 10^6 as a safe integer, or undefined when it is not one. */
function scaled(price: string): number | undefined {
  const match = PRICE.exec(price);
  if (!match) return undefined;
  const fraction = (match[2] ?? '').padEnd(SCALE, '0');
  const value = Number(match[1]) * SCALE_FACTOR + Number(fraction);
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
  return withPoint(total, SCALE);
}

function slowSum(lines: readonly { quantity: number; price: string }[]): string {
  return Decimal.sum(lines.map(({ quantity, price }) => Decimal.fromNumber(quantity).mul(price))).toString();
}
