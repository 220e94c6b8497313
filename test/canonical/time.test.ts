import { describe, expect, it } from 'vitest';
import { isoFromEpochMs, toUtc } from '../../canonical/time';

describe('canonical UTC times', () => {
  it('format exactly like Date#toISOString across days, years and leap days', () => {
    const samples = [
      0,
      1,
      999,
      86_399_999,
      86_400_000,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2026, 10, 27, 7, 15, 3, 120),
    ];
    let seed = 42;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      samples.push(Math.floor((seed / 2 ** 31) * Date.UTC(2100, 0, 1)));
    }
    for (const ms of samples) expect(isoFromEpochMs(ms)).toBe(new Date(ms).toISOString());
  });

  it('convert any offset to UTC and keep a UTC time as written', () => {
    expect(toUtc('2026-11-27T08:15:03.120+01:00')).toBe('2026-11-27T07:15:03.120Z');
    expect(toUtc('2026-11-27T23:30:00-05:30')).toBe('2026-11-28T05:00:00.000Z');
    expect(toUtc('2026-11-27T06:00:00Z')).toBe('2026-11-27T06:00:00Z');
    expect(toUtc(new Date(Date.UTC(2026, 0, 1)))).toBe('2026-01-01T00:00:00.000Z');
    expect(() => toUtc('yesterday')).toThrow(RangeError);
  });
});
