/**
 * The routing table of a simulator: method and path pattern to handler, declared as data, so a
 * reader sees a vendor's API surface in one place. Each simulator decides how it answers a path it
 * does not know or a method a path does not allow (the vendors differ: 404, 405, S3's NoSuchKey).
 */

/** One route: `pattern` is a path whose segments are literals or hold `:name` parameters (`/exports/:id.csv`). */
export interface Route<H> {
  method: string;
  pattern: string;
  handler: H;
}

/** What a table makes of a request. */
export type RouteMatch<H> =
  | { kind: 'found'; handler: H; params: Record<string, string> }
  /** The path is known, the method is not one of `allowed`. */
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** How a table reads request paths. */
export interface RoutingOptions {
  /**
   * Percent-decode every segment before matching (a REST API's ids); a malformed escape throws
   * URIError. Off, a path is matched as sent (a pre-signed URL). @default false
   */
  decodeSegments?: boolean;
}

interface CompiledRoute<H> extends Route<H> {
  segments: { regex: RegExp; names: string[] }[];
}

/** A declarative routing table; the first route that matches wins. */
export class RoutingTable<H> {
  private readonly routes: CompiledRoute<H>[];

  constructor(
    routes: readonly Route<H>[],
    private readonly options: RoutingOptions = {},
  ) {
    this.routes = routes.map((route) => ({
      ...route,
      segments: route.pattern.split('/').map(compileSegment),
    }));
  }

  /** A table written as `{ 'GET /orders/:id': handler, ... }`, in the order of its keys. */
  static of<H>(routes: Record<string, H>, options?: RoutingOptions): RoutingTable<H> {
    return new RoutingTable(
      Object.entries(routes).map(([route, handler]) => {
        const [method, pattern] = route.split(' ');
        if (!method || !pattern) throw new Error(`route "${route}" is not "METHOD /path"`);
        return { method, pattern, handler };
      }),
      options,
    );
  }

  /** The route of `method` and `path` (the path only: no query string). */
  match(method: string, path: string): RouteMatch<H> {
    const raw = path.split('/');
    const segments = this.options.decodeSegments ? raw.map(decodeURIComponent) : raw;
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

// A parameter takes a whole non-empty segment, or the part of it before a literal suffix.
function compileSegment(segment: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = segment
    .split(/(:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '(.+?)';
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

function matchSegments(
  pattern: { regex: RegExp; names: string[] }[],
  segments: string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const found = pattern[i]!.regex.exec(segments[i]!);
    if (!found) return undefined;
    pattern[i]!.names.forEach((name, n) => (params[name] = found[n + 1]!));
  }
  return params;
}
