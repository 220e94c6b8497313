/**
 * The values event patterns compare as event-ruler does, not as JavaScript would: numbers as exact
 * counts of millionths (so 3.0 = 3 and 0.1 + 0.2 never enters), IP addresses as integers (for
 * `cidr` and for exact matches of differently written addresses).
 */

/** Numeric matching covers -5e9..+5e9 with six decimal places (event-ruler's ComparableNumber). */
const NUMERIC_LIMIT_MICROS = 5_000_000_000n * 1_000_000n;

/** True when both texts are IP addresses of the same version and value (`::1` = `0::1`). */
export function sameIpAddress(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== undefined && y !== undefined && x.version === y.version && x.value === y.value;
}

/**
 * A number as an integer count of millionths, or undefined when numeric matching cannot represent
 * it (outside +-5e9 or more than six decimals). Works on the decimal text, not on float arithmetic.
 */
export function toMicros(n: number): bigint | undefined {
  if (!Number.isFinite(n)) return undefined;
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(String(n));
  if (!match) return undefined;
  const [, sign, int, frac = '', exp = '0'] = match;
  const digits = BigInt(`${int}${frac}`);
  const shift = Number(exp) - frac.length + 6;
  let micros: bigint;
  if (shift >= 0) {
    micros = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) return undefined;
    micros = digits / divisor;
  }
  if (sign === '-') micros = -micros;
  return micros < -NUMERIC_LIMIT_MICROS || micros > NUMERIC_LIMIT_MICROS ? undefined : micros;
}

/** An IPv4 or IPv6 address as an integer. */
export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

/** Parses an IPv4 or IPv6 address (IPv4 embedded in IPv6 included). */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let head = text;
  // Embedded IPv4 in the last 32 bits (e.g. ::ffff:10.0.0.1): rewrite it as two hex groups.
  const lastColon = head.lastIndexOf(':');
  const maybeV4 = head.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIpv4(maybeV4);
    if (v4 === undefined) return undefined;
    head = `${head.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const doubleColon = head.indexOf('::');
  if (doubleColon !== head.lastIndexOf('::')) return undefined;
  let groups: string[];
  if (doubleColon >= 0) {
    const left = head.slice(0, doubleColon);
    const right = head.slice(doubleColon + 2);
    const leftGroups = left ? left.split(':') : [];
    const rightGroups = right ? right.split(':') : [];
    const missing = 8 - leftGroups.length - rightGroups.length;
    if (missing < 1) return undefined;
    groups = [...leftGroups, ...Array<string>(missing).fill('0'), ...rightGroups];
  } else {
    groups = head.split(':');
    if (groups.length !== 8) return undefined;
  }
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}
