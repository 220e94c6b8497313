import { describe, expect, it } from 'vitest';
import { CompiledChangePolicy, formatMilli } from '../../../domain/forecast-sync';
import { writeMilli } from '../../../domain/forecast-sync/change-batcher';

describe('CompiledChangePolicy', () => {
  const policy = new CompiledChangePolicy(); // 10%, 1 each; quantities in milli-eaches

  it('emits exactly at the threshold, not just under, in both directions', () => {
    expect(policy.shouldEmit(100_000, 110_000)).toBe(true);
    expect(policy.shouldEmit(100_000, 109_999)).toBe(false);
    expect(policy.shouldEmit(100_000, 90_000)).toBe(true);
    expect(policy.shouldEmit(100_000, 90_001)).toBe(false);
  });

  it('is exact where the products exceed 2^53 (near-ties decided with BigInt)', () => {
    const previous = 4_503_599_627_370_490; // ~2^52 milli-eaches, a multiple of 10
    expect(policy.shouldEmit(previous, previous + previous / 10)).toBe(true);
    expect(policy.shouldEmit(previous, previous + previous / 10 - 1)).toBe(false);
    const odd = new CompiledChangePolicy({ relativeThreshold: '0.333333', minAbsoluteChangeEa: '0' });
    expect(odd.shouldEmit(3_000_000_000_000_000, 3_999_999_000_000_000)).toBe(true);
    expect(odd.shouldEmit(3_000_000_000_000_000, 3_999_998_999_999_999)).toBe(false);
  });

  it('treats new and disappeared keys as changes subject only to the absolute minimum', () => {
    expect(policy.shouldEmit(undefined, 1_000)).toBe(true);
    expect(policy.shouldEmit(undefined, 999)).toBe(false);
    expect(policy.shouldEmit(5_000, undefined)).toBe(true);
    expect(policy.shouldEmit(0, undefined)).toBe(false);
    expect(policy.shouldEmit(0, 2_000)).toBe(true); // a rise from 0 is infinite
    const steep = new CompiledChangePolicy({ relativeThreshold: '2', minAbsoluteChangeEa: '1' });
    expect(steep.shouldEmit(5_000, undefined)).toBe(true); // removal is emitted even above 100%
  });

  it('refuses thresholds it cannot compare exactly', () => {
    expect(
      () => new CompiledChangePolicy({ relativeThreshold: '0.1234567', minAbsoluteChangeEa: '1' }),
    ).toThrow(/more than 6 decimals/);
    expect(() => new CompiledChangePolicy({ relativeThreshold: '10%', minAbsoluteChangeEa: '1' })).toThrow(
      /not a non-negative decimal/,
    );
  });
});

describe('milli-each formatting', () => {
  it('writes canonical decimal strings, exact up to 2^53', () => {
    const values = [0, 1, 10, 999, 1_000, 1_500, 1_050, 1_005, 123_456_789, 2 ** 53 - 1, 2 ** 53 - 999];
    expect(values.map(formatMilli)).toEqual([
      '0',
      '0.001',
      '0.01',
      '0.999',
      '1',
      '1.5',
      '1.05',
      '1.005',
      '123456.789',
      '9007199254740.991',
      '9007199254739.993',
    ]);
    const buf = Buffer.alloc(64);
    for (const value of [
      ...values,
      ...Array.from({ length: 1000 }, (_, i) => Math.floor((i * 7919 + 13) ** 2.7)),
    ]) {
      expect(buf.toString('latin1', 0, writeMilli(buf, 0, value))).toBe(formatMilli(value));
    }
  });
});
