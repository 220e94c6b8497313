import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parseProcurementTimestamp,
  signProcurementPayload,
  verifyProcurementSignature,
} from '../../../adapters/procurement/signature';

const CURRENT = 'proc_current';
const PREVIOUS = 'proc_previous';
const TS = '2026-11-27T08:00:00Z';
const TS_MS = Date.parse(TS);
const body = Buffer.from('{"event_id":"e1","po_number":"PO-2026-004411","note":"Größe \\u00e9"}', 'utf8');
const sig = (secret: string, ts: string = TS, raw: Buffer = body) =>
  `sha256=${createHmac('sha256', secret).update(`${ts}\n`).update(raw).digest('hex')}`;

describe('verifyProcurementSignature', () => {
  const cases: {
    name: string;
    timestamp: string | undefined;
    signature: string | undefined;
    nowMs?: number;
    raw?: Buffer;
    secrets?: string[];
    expected: ReturnType<typeof verifyProcurementSignature>;
  }[] = [
    { name: 'valid', timestamp: TS, signature: sig(CURRENT), expected: { ok: true } },
    {
      name: 'rotation: signed with the previous secret',
      timestamp: TS,
      signature: sig(PREVIOUS),
      expected: { ok: true },
    },
    {
      name: 'rotation over: previous secret no longer accepted',
      timestamp: TS,
      signature: sig(PREVIOUS),
      secrets: [CURRENT],
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'timestamp with milliseconds',
      timestamp: '2026-11-27T08:00:00.123Z',
      signature: sig(CURRENT, '2026-11-27T08:00:00.123Z'),
      expected: { ok: true },
    },
    {
      name: 'explicit +00:00 is UTC',
      timestamp: '2026-11-27T08:00:00+00:00',
      signature: sig(CURRENT, '2026-11-27T08:00:00+00:00'),
      expected: { ok: true },
    },
    {
      name: 'uppercase hex is the same bytes',
      timestamp: TS,
      signature: `sha256=${sig(CURRENT).slice(7).toUpperCase()}`,
      expected: { ok: true },
    },
    {
      name: 'tampered body',
      timestamp: TS,
      signature: sig(CURRENT),
      raw: Buffer.from(body.toString().replace('4411', '4412')),
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'wrong secret',
      timestamp: TS,
      signature: sig('other'),
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'timestamp replaced (signature was for another one)',
      timestamp: '2026-11-27T08:00:01Z',
      signature: sig(CURRENT),
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'odd-length hex',
      timestamp: TS,
      signature: sig(CURRENT).slice(0, -1),
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'non-hex',
      timestamp: TS,
      signature: `sha256=${'g'.repeat(64)}`,
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'exactly 300 s old',
      timestamp: TS,
      signature: sig(CURRENT),
      nowMs: TS_MS + 300_000,
      expected: { ok: true },
    },
    {
      name: '301 s old',
      timestamp: TS,
      signature: sig(CURRENT),
      nowMs: TS_MS + 301_000,
      expected: { ok: false, reason: 'expired' },
    },
    {
      name: '300.001 s old',
      timestamp: TS,
      signature: sig(CURRENT),
      nowMs: TS_MS + 300_001,
      expected: { ok: false, reason: 'expired' },
    },
    {
      name: 'exactly 300 s in the future',
      timestamp: TS,
      signature: sig(CURRENT),
      nowMs: TS_MS - 300_000,
      expected: { ok: true },
    },
    {
      name: '301 s in the future',
      timestamp: TS,
      signature: sig(CURRENT),
      nowMs: TS_MS - 301_000,
      expected: { ok: false, reason: 'expired' },
    },
    {
      name: 'missing timestamp',
      timestamp: undefined,
      signature: sig(CURRENT),
      expected: { ok: false, reason: 'missing' },
    },
    {
      name: 'missing signature',
      timestamp: TS,
      signature: undefined,
      expected: { ok: false, reason: 'missing' },
    },
    {
      name: 'timestamp not ISO',
      timestamp: '1795000000',
      signature: sig(CURRENT, '1795000000'),
      expected: { ok: false, reason: 'malformed' },
    },
    {
      name: 'timestamp with a non-UTC offset',
      timestamp: '2026-11-27T09:00:00+01:00',
      signature: sig(CURRENT, '2026-11-27T09:00:00+01:00'),
      expected: { ok: false, reason: 'malformed' },
    },
    {
      name: 'impossible date',
      timestamp: '2026-02-30T08:00:00Z',
      signature: sig(CURRENT, '2026-02-30T08:00:00Z'),
      expected: { ok: false, reason: 'malformed' },
    },
    {
      name: 'no sha256= prefix',
      timestamp: TS,
      signature: sig(CURRENT).slice(7),
      expected: { ok: false, reason: 'malformed' },
    },
    {
      name: 'other scheme',
      timestamp: TS,
      signature: sig(CURRENT).replace('sha256', 'sha1'),
      expected: { ok: false, reason: 'malformed' },
    },
    {
      name: 'space after =',
      timestamp: TS,
      signature: sig(CURRENT).replace('=', '= '),
      expected: { ok: false, reason: 'mismatch' },
    },
  ];

  it.each(cases)('$name', ({ timestamp, signature, nowMs, raw, secrets, expected }) => {
    const result = verifyProcurementSignature({ timestamp, signature }, raw ?? body, {
      secrets: secrets ?? [CURRENT, PREVIOUS],
      now: new Date(nowMs ?? TS_MS),
    });
    expect(result).toEqual(expected);
  });

  it('refuses to run without a configured secret', () => {
    expect(() =>
      verifyProcurementSignature({ timestamp: TS, signature: sig(CURRENT) }, body, {
        secrets: [],
        now: new Date(TS_MS),
      }),
    ).toThrow(/no active secret/);
  });
});

describe('signProcurementPayload', () => {
  it('signs "<timestamp>\\n<raw body>" and the result verifies', () => {
    const now = new Date('2026-11-27T08:00:00.456Z');
    const headers = signProcurementPayload(body, CURRENT, now);
    expect(headers).toEqual({
      timestamp: '2026-11-27T08:00:00.456Z',
      signature: sig(CURRENT, headers.timestamp),
    });
    expect(verifyProcurementSignature(headers, body, { secrets: [PREVIOUS, CURRENT], now })).toEqual({
      ok: true,
    });
  });
});

describe('parseProcurementTimestamp', () => {
  it.each([
    ['2026-11-27T08:00:00Z', TS_MS],
    ['2026-11-27T08:00:00.5Z', TS_MS + 500],
    ['2026-11-27 08:00:00Z', undefined],
    ['2026-11-27T08:00:00', undefined],
    ['', undefined],
  ])('%s', (value, expected) => {
    expect(parseProcurementTimestamp(value)).toBe(expected);
  });
});
