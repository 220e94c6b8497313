/**
 * Deliveries the vendor's contract allows but the canonical model cannot carry (a negative quantity,
 * an id our keys cannot hold, a unit with no conversion to eaches). They are accepted (the vendor
 * would drop them after its retries) and held in the quarantine, with no expiry, until the
 * canonical model is widened and an operator re-submits them (docs/quarantine.md).
 */
import type { CanonicalLimitBreach } from '../../domain/ports/quarantine';

/** A mapping found a vendor value with no canonical place (e.g. a unit with no conversion to eaches). */
export class CanonicalLimitError extends Error {
  constructor(readonly breaches: readonly CanonicalLimitBreach[]) {
    super(breaches.map(describeBreach).join('; '));
    this.name = 'CanonicalLimitError';
  }
}

/** `/data/lines/0/quantityEa = "-5": must match pattern ...` */
export function describeBreach(breach: CanonicalLimitBreach): string {
  return `${breach.pointer || '/'} = ${breach.value}: ${breach.limit}`;
}

/** The canonical validator's failures as breaches, each with the value found at its pointer. */
export function breachesOf(
  event: unknown,
  errors: readonly { pointer: string; message: string }[],
): CanonicalLimitBreach[] {
  return errors.map((error) => ({
    pointer: error.pointer,
    value: JSON.stringify(valueAt(event, error.pointer)) ?? 'undefined',
    limit: error.message,
  }));
}

function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
