/** Conversion of planning quantities to eaches, the unit every procurement quantity is in. */
import { ContractViolation } from '../failures';
import { Decimal, type DecimalLike } from '../decimal';
import type { UnitOfMeasure } from './types';

const UNITS: readonly UnitOfMeasure[] = ['EA', 'CS', 'PAL'];

/**
 * The pack size as a whole number >= 1 (eaches per CS/PAL; the order multiple when the unit is EA).
 * Anything else breaks the planning contract: ContractViolation.
 */
export function packSizeOf(packSize: DecimalLike): Decimal {
  const size = Decimal.tryParse(String(packSize));
  if (size === undefined || !size.isInteger() || size.lt(1)) {
    throw new ContractViolation(
      `pack_size must be a whole number >= 1, got ${String(packSize)}`,
      'planning',
      {
        field: 'pack_size',
        value: String(packSize),
      },
    );
  }
  return size;
}

/**
 * `quantity` in `uom` units as eaches: EA as is, CS and PAL times `packSize`. An unknown unit breaks
 * the planning contract: ContractViolation.
 */
export function toEaches(quantity: DecimalLike, uom: UnitOfMeasure, packSize: DecimalLike): Decimal {
  if (!UNITS.includes(uom)) {
    throw new ContractViolation(`unknown unit of measure: ${String(uom)}`, 'planning', {
      field: 'uom',
      value: String(uom),
    });
  }
  const size = packSizeOf(packSize);
  const qty = Decimal.of(quantity);
  return uom === 'EA' ? qty : qty.mul(size);
}
