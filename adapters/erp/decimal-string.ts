/**
 * The ERP adapters' decimal strings, on top of domain/decimal.ts: quantities and money arrive and
 * leave as strings; a string that is not a decimal is a contract violation of the ERP's answer.
 */
import { Decimal } from '../../domain/decimal';
import { ContractViolation } from '../../domain/failures';

function parse(value: string): Decimal {
  const parsed = Decimal.tryParse(value);
  if (parsed === undefined) throw new ContractViolation(`not a decimal: ${JSON.stringify(value)}`, 'erp');
  return parsed;
}

/** a x b, exact. */
export const decimalMultiply = (a: string, b: string): string => parse(a).mul(parse(b)).toString();

/** a + b, exact. */
export const decimalAdd = (a: string, b: string): string => parse(a).add(parse(b)).toString();

/** Sign of a - b. */
export const decimalCompare = (a: string, b: string): -1 | 0 | 1 => parse(a).compare(parse(b));

/** Without trailing fraction zeros, keeping at least `minScale` digits: ("3.1000", 2) -> "3.10". */
export function normalizeDecimal(value: string, minScale = 0): string {
  const text = parse(value).toString();
  const fraction = text.split('.')[1] ?? '';
  return fraction.length >= minScale ? text : parse(text).toFixed(minScale);
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
