/**
 * Deliveries come through the webhook edge (CloudFront + WAF, ADR 0007) or not at all: the API's
 * own execute-api URL stays reachable, so CloudFront adds a secret header the edge alone knows,
 * compared here in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether `given` is `secret`, in time independent of where they differ (digests: equal lengths). */
export function isEdgeSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined || secret === '') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(secret));
}
