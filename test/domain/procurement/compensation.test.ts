import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../domain/decimal';
import { compensationFor, type AppliedSourcingChange, type Compensation } from '../../../domain/procurement';

describe('compensation after a business rejection', () => {
  it.each<[string, AppliedSourcingChange, Compensation]>([
    [
      'a created request is cancelled',
      { kind: 'create', requestId: 'SR-1' },
      { kind: 'cancel', requestId: 'SR-1' },
    ],
    [
      'an amended request goes back to its previous quantity and need-by',
      {
        kind: 'amend',
        requestId: 'SR-1',
        fromQuantityEa: Decimal.of(48),
        toQuantityEa: Decimal.of(96),
        needBy: '2026-12-07',
        previousNeedBy: '2026-12-09',
      },
      { kind: 'amend', requestId: 'SR-1', toQuantityEa: Decimal.of(48), needBy: '2026-12-09' },
    ],
    [
      'a cancellation is final',
      { kind: 'cancel', requestId: 'SR-1' },
      { kind: 'none', reason: 'CANCELLATION_IS_FINAL' },
    ],
    ['no change needs nothing', { kind: 'none' }, { kind: 'none', reason: 'NOTHING_CHANGED' }],
  ])('%s', (_name, change, expected) => {
    expect(compensationFor(change)).toEqual(expected);
  });
});
