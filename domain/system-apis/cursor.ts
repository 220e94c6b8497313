/**
 * List cursors of the system APIs: opaque to callers, a position in `updatedAt#id` order, tied to
 * the view and filters it was issued for so it cannot be replayed against another list.
 */
import { createHash } from 'node:crypto';
import type { SystemView } from '../ports/read-store';

const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z#.{1,200}$/s;

function scopeOf(view: SystemView, filters: Readonly<Record<string, string>>): string {
  const canonical = Object.keys(filters)
    .sort()
    .map((key) => `${key}=${filters[key]}`)
    .join('&');
  return createHash('sha256').update(`${view}?${canonical}`).digest('base64url').slice(0, 16);
}

/** The position `updatedAt#id` of a view in list order. */
export function listPosition(updatedAt: string, id: string): string {
  return `${updatedAt}#${id}`;
}

/** A cursor continuing after `position` in the list of `view` with `filters`. */
export function encodeCursor(view: SystemView, filters: Readonly<Record<string, string>>, position: string) {
  return Buffer.from(JSON.stringify({ s: scopeOf(view, filters), p: position }), 'utf8').toString(
    'base64url',
  );
}

/** The position a cursor continues after, or null when it is not one this list issued. */
export function decodeCursor(
  view: SystemView,
  filters: Readonly<Record<string, string>>,
  cursor: string,
): string | null {
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (decoded === null || typeof decoded !== 'object') return null;
    const { s, p } = decoded as { s?: unknown; p?: unknown };
    if (s !== scopeOf(view, filters) || typeof p !== 'string' || !POSITION.test(p)) return null;
    return p;
  } catch {
    return null;
  }
}
