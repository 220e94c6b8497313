import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parsePlanningSignature,
  signPlanningPayload,
  verifyPlanningSignature,
} from '../../../adapters/planning/signature';

const CURRENT = 'whsec_current';
const PREVIOUS = 'whsec_previous';
const T = 1_795_000_000; // 2026-11-18T...Z, unix seconds
const at = (seconds: number) => new Date(seconds * 1000);
// Non-ASCII and an escaped slash: the raw bytes are signed, not a re-serialisation.
const body = Buffer.from(
  '{"event":"forecast.exception","notes":"Régional \\/ promo 🚚","qty":140.0}',
  'utf8',
);
const hmac = (secret: string, t: string | number, raw: Buffer = body) =>
  createHmac('sha256', secret).update(`${t}.`).update(raw).digest('hex');

describe('verifyPlanningSignature', () => {
  const good = hmac(CURRENT, T);
  const cases: {
    name: string;
    header: string | undefined;
    now?: number;
    raw?: Buffer;
    secrets?: string[];
    expected: ReturnType<typeof verifyPlanningSignature>;
  }[] = [
    { name: 'valid', header: `t=${T},v1=${good}`, expected: { ok: true } },
    { name: 'parts in any order', header: `v1=${good},t=${T}`, expected: { ok: true } },
    {
      name: 'rotation: header signed with both secrets, receiver knows only the new one',
      header: `t=${T},v1=${hmac(PREVIOUS, T)},v1=${good}`,
      secrets: [CURRENT],
      expected: { ok: true },
    },
    {
      name: 'rotation: receiver holds current and previous, sender still signs with previous',
      header: `t=${T},v1=${hmac(PREVIOUS, T)}`,
      expected: { ok: true },
    },
    {
      name: 'rotation: receiver holds current and previous, sender signs with current',
      header: `t=${T},v1=${good}`,
      expected: { ok: true },
    },
    {
      name: 'unknown schemes are ignored',
      header: `t=${T},v0=abc,v2=${'0'.repeat(64)},v1=${good},x=1`,
      expected: { ok: true },
    },
    {
      name: 'uppercase hex is the same bytes',
      header: `t=${T},v1=${good.toUpperCase()}`,
      expected: { ok: true },
    },
    {
      name: 'tampered body',
      header: `t=${T},v1=${good}`,
      raw: Buffer.from(body.toString() + ' '),
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'body re-serialised instead of raw',
      header: `t=${T},v1=${good}`,
      raw: Buffer.from(JSON.stringify(JSON.parse(body.toString()))),
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'wrong secret',
      header: `t=${T},v1=${hmac('other', T)}`,
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'tampered t',
      header: `t=${T + 1},v1=${good}`,
      now: T + 1,
      expected: { ok: false, reason: 'mismatch' },
    },
    {
      name: 'odd-length hex',
      header: `t=${T},v1=${good.slice(1)}`,
      expected: { ok: false, reason: 'mismatch' },
    },
    { name: 'short hex', header: `t=${T},v1=abcd`, expected: { ok: false, reason: 'mismatch' } },
    {
      name: 'non-hex characters',
      header: `t=${T},v1=${'z'.repeat(64)}`,
      expected: { ok: false, reason: 'mismatch' },
    },
    { name: 'empty v1 next to a good one', header: `t=${T},v1=,v1=${good}`, expected: { ok: true } },
    {
      name: 'old timestamp exactly 300 s',
      header: `t=${T},v1=${good}`,
      now: T + 300,
      expected: { ok: true },
    },
    {
      name: 'old timestamp 301 s',
      header: `t=${T},v1=${good}`,
      now: T + 301,
      expected: { ok: false, reason: 'expired' },
    },
    {
      name: 'future timestamp exactly 300 s',
      header: `t=${T},v1=${good}`,
      now: T - 300,
      expected: { ok: true },
    },
    {
      name: 'future timestamp 301 s',
      header: `t=${T},v1=${good}`,
      now: T - 301,
      expected: { ok: false, reason: 'expired' },
    },
    {
      name: 'expired and forged is a mismatch',
      header: `t=${T},v1=${hmac('x', T)}`,
      now: T + 999,
      expected: { ok: false, reason: 'mismatch' },
    },
    { name: 'missing header', header: undefined, expected: { ok: false, reason: 'missing' } },
    { name: 'empty header', header: '', expected: { ok: false, reason: 'missing' } },
    { name: 'missing t', header: `v1=${good}`, expected: { ok: false, reason: 'malformed' } },
    { name: 'duplicate t', header: `t=${T},t=${T},v1=${good}`, expected: { ok: false, reason: 'malformed' } },
    { name: 'non-numeric t', header: `t=abc,v1=${good}`, expected: { ok: false, reason: 'malformed' } },
    { name: 'fractional t', header: `t=${T}.5,v1=${good}`, expected: { ok: false, reason: 'malformed' } },
    { name: 'negative t', header: `t=-${T},v1=${good}`, expected: { ok: false, reason: 'malformed' } },
    { name: 'no v1 at all', header: `t=${T},v0=${good}`, expected: { ok: false, reason: 'malformed' } },
    { name: 'space after comma', header: `t=${T}, v1=${good}`, expected: { ok: false, reason: 'malformed' } },
    { name: 'space around =', header: `t = ${T},v1=${good}`, expected: { ok: false, reason: 'malformed' } },
    { name: 'trailing comma', header: `t=${T},v1=${good},`, expected: { ok: false, reason: 'malformed' } },
    {
      name: 'part without =',
      header: `t=${T},v1=${good},junk`,
      expected: { ok: false, reason: 'malformed' },
    },
    { name: 'not the format at all', header: 'sha256=abc', expected: { ok: false, reason: 'malformed' } },
  ];

  it.each(cases)('$name', ({ header, now, raw, secrets, expected }) => {
    const result = verifyPlanningSignature(header, raw ?? body, {
      secrets: secrets ?? [CURRENT, PREVIOUS],
      now: at(now ?? T),
    });
    expect(result).toEqual(expected);
  });

  it('compares the receiver clock at whole-second precision (t has no fraction)', () => {
    const header = `t=${T},v1=${hmac(CURRENT, T)}`;
    expect(
      verifyPlanningSignature(header, body, { secrets: [CURRENT], now: new Date((T + 300) * 1000 + 999) }),
    ).toEqual({
      ok: true,
    });
    expect(verifyPlanningSignature(header, body, { secrets: [CURRENT], now: at(T + 301) })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('honours a configured tolerance', () => {
    const header = `t=${T},v1=${hmac(CURRENT, T)}`;
    expect(
      verifyPlanningSignature(header, body, { secrets: [CURRENT], now: at(T + 61), toleranceSeconds: 60 }),
    ).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses to run without a configured secret', () => {
    expect(() =>
      verifyPlanningSignature(`t=${T},v1=${hmac(CURRENT, T)}`, body, { secrets: [], now: at(T) }),
    ).toThrow(/no active secret/);
  });
});

describe('signPlanningPayload', () => {
  it('signs t.rawBody with one v1 per secret, verifiable by either', () => {
    const header = signPlanningPayload(body, [CURRENT, PREVIOUS], at(T));
    expect(header).toBe(`t=${T},v1=${hmac(CURRENT, T)},v1=${hmac(PREVIOUS, T)}`);
    expect(verifyPlanningSignature(header, body, { secrets: [PREVIOUS], now: at(T) })).toEqual({ ok: true });
    expect(verifyPlanningSignature(header, body, { secrets: [CURRENT], now: at(T) })).toEqual({ ok: true });
  });

  it('uses whole unix seconds', () => {
    expect(signPlanningPayload(body, CURRENT, new Date(T * 1000 + 999))).toMatch(
      new RegExp(`^t=${T},v1=[0-9a-f]{64}$`),
    );
  });
});

describe('parsePlanningSignature', () => {
  it('keeps t exactly as sent, since it is part of the signed text', () => {
    expect(parsePlanningSignature('t=01795000000,v1=aa')).toEqual({
      timestamp: '01795000000',
      timestampSeconds: 1_795_000_000,
      v1: ['aa'],
    });
  });
});
