/**
 * HTTP conditional reads of a view (RFC 9110): `If-None-Match` against the view's entity tag, and
 * how long a client may reuse an answer (`Cache-Control`), from the view's own freshness.
 */
import type { StoredView } from '../ports/read-store';
import type { FreshnessPolicy } from './read-through';

/**
 * Whether `If-None-Match` matches `etag`: `*`, or any listed tag compared weakly (RFC 9110
 * 13.1.2: a GET compares weakly, so `W/"x"` matches `"x"`).
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = header.trim();
  if (value === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return value.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * `Cache-Control` of an answer: private (the caller's token admitted it), reusable for what is left
 * of the view's freshness, so no client holds it longer than the store would.
 */
export function cacheControl(
  stored: StoredView,
  nowMs: number,
  policy: Pick<FreshnessPolicy, 'maxStalenessMs'>,
) {
  const left = Math.floor((Date.parse(stored.asOf) + policy.maxStalenessMs - nowMs) / 1000);
  return `private, max-age=${Math.max(0, left)}`;
}

/** The oldest `asOf` of several views (a list is as fresh as its stalest entry). */
export function oldestAsOf(views: readonly StoredView[], fallback: string): string {
  return views.reduce((oldest, view) => (view.asOf < oldest ? view.asOf : oldest), fallback);
}
