import { ContractViolation } from '../../domain/failures';

// Exact decimal arithmetic on strings, just what the ERP adapters need (sums of quantity x price).
// Replace with domain/decimal.ts once it exists.

const DECIMAL = /^-?\d+(\.\d+)?$/;

function parse(value: string): { units: bigint; scale: number } {
  if (!DECIMAL.test(value)) throw new ContractViolation(`not a decimal: ${JSON.stringify(value)}`, 'erp');
  const [int, frac = ''] = value.split('.');
  return { units: BigInt(`${int}${frac}`.replace(/^(-?)0+(?=\d)/, '$1')), scale: frac.length };
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** a x b, exact. */
export function decimalMultiply(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return format(x.units * y.units, x.scale + y.scale);
}

/** a + b, exact. */
export function decimalAdd(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format(x.units * 10n ** BigInt(scale - x.scale) + y.units * 10n ** BigInt(scale - y.scale), scale);
}

/** Sign of a - b. */
export function decimalCompare(a: string, b: string): -1 | 0 | 1 {
  const diff = parse(decimalAdd(a, `${b.startsWith('-') ? b.slice(1) : `-${b}`}`));
  return diff.units === 0n ? 0 : diff.units < 0n ? -1 : 1;
}

/** Drops trailing fraction zeros beyond `minScale` digits: ("3.1000", 2) -> "3.10", ("480.0", 0) -> "480". */
export function normalizeDecimal(value: string, minScale = 0): string {
  const { units, scale } = parse(value);
  let text = format(units, scale);
  if (scale > 0) text = text.replace(/0+$/, '').replace(/\.$/, '');
  const fraction = text.split('.')[1] ?? '';
  if (fraction.length < minScale)
    text = `${text}${fraction ? '' : '.'}${'0'.repeat(minScale - fraction.length)}`;
  return text === '-0' ? '0' : text;
}

/** A quantity that arrived as a JSON number (Tryton Float fields) as a decimal string. */
export function quantityFromNumber(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ContractViolation(`expected a numeric quantity, got ${JSON.stringify(value)}`, 'erp');
  }
  // Float fields hold eaches: rounding to 6 places removes binary noise without hiding real fractions.
  return normalizeDecimal(value.toFixed(6));
}

/** Money with at least cents: "1488.0000" -> "1488.00". */
export const money = (value: string): string => normalizeDecimal(value, 2);
