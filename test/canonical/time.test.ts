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

  it('format days across the years 0-9999 like toISOString, alternating days as events do', () => {
    const start = new Date('0000-01-01T00:00:00.000Z').getTime();
    const end = new Date('9999-12-31T23:59:59.999Z').getTime();
    const recent = Date.UTC(2026, 11, 4, 10, 0, 0, 5);
    const wrong: string[] = [];
    // A prime step in days plus an odd time of day reaches every day of the month and leap years.
    for (let ms = start; ms <= end; ms += 86_400_000 * 13 + 3_723_001) {
      // Interleaved with a fixed recent day, as an event's occurredAt and emittedAt are.
      if (isoFromEpochMs(ms) !== new Date(ms).toISOString()) wrong.push(new Date(ms).toISOString());
      if (isoFromEpochMs(recent) !== '2026-12-04T10:00:00.005Z') wrong.push('recent');
    }
    for (const ms of [Date.UTC(2000, 1, 29), Date.UTC(1900, 2, 1) - 1, end, start])
      if (isoFromEpochMs(ms) !== new Date(ms).toISOString()) wrong.push(new Date(ms).toISOString());
    expect(wrong).toEqual([]);
  });

  it('convert any offset to UTC and keep a UTC time as written', () => {
    expect(toUtc('2026-11-27T08:15:03.120+01:00')).toBe('2026-11-27T07:15:03.120Z');
    expect(toUtc('2026-11-27T23:30:00-05:30')).toBe('2026-11-28T05:00:00.000Z');
    expect(toUtc('2026-11-27T06:00:00Z')).toBe('2026-11-27T06:00:00Z');
    expect(toUtc(new Date(Date.UTC(2026, 0, 1)))).toBe('2026-01-01T00:00:00.000Z');
    expect(() => toUtc('yesterday')).toThrow(RangeError);
  });

  it('read offset times exactly as Date.parse does, and reject what it rejects', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    let seed = 7;
    const next = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * below);
    };
    const samples = [
      '2024-02-29T23:59:59.999+14:00',
      '2023-02-29T10:00:00+01:00',
      '2026-04-31T10:00:00-01:00',
      '2026-11-27T24:00:00+00:00',
      '2026-11-27T08:15:03.120+24:00',
      '0099-01-01T00:00:00+00:00',
      '2026-11-27T08:15:03,120+01:00',
      '2026-11-27 08:15:03+01:00',
      '2026-1a-27T08:15:03+01:00',
      '20x6-11-27T08:15:03+01:00',
      '2026-11-27T08:15:03.1x0+01:00',
    ];
    for (let i = 0; i < 3000; i++) {
      const fraction = next(2) ? `.${pad(next(1000), 3)}` : '';
      const sign = next(2) ? '+' : '-';
      samples.push(
        `${pad(1990 + next(120), 4)}-${pad(next(14), 2)}-${pad(next(33), 2)}T${pad(next(25), 2)}:` +
          `${pad(next(61), 2)}:${pad(next(61), 2)}${fraction}${sign}${pad(next(25), 2)}:${pad(next(61), 2)}`,
      );
    }
    for (const time of samples) {
      const parsed = Date.parse(time);
      if (Number.isNaN(parsed)) expect(() => toUtc(time), time).toThrow(RangeError);
      else expect(toUtc(time), time).toBe(new Date(parsed).toISOString());
    }
  });
});
