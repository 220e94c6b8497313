/** Approval ids: unguessable, so knowing a sourcing request never tells anyone where to decide it. */
import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `APR-` and 128 random bits in RFC 4648 base32 (26 characters, no padding). */
export function newApprovalId(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(16);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return `APR-${out}`;
}
