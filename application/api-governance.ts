/**
 * What a route's declaration (application/api-routes.ts) means at run time, for every component
 * that serves it: its contract version and, once deprecated, the headers it answers with. The API
 * handlers (functions/api/http.ts) answer these in AWS and in the local runtime alike.
 */
import { API_ROUTES, type ApiRouteDefinition } from './api-routes';

/** The route's `<major>.<minor>`: its declared version, else its path's major with minor 0. */
export function routeVersion(route: Pick<ApiRouteDefinition, 'path' | 'version'>): string {
  if (route.version) return route.version;
  const major = /^\/v([0-9]+)\//.exec(route.path)?.[1];
  if (!major) throw new Error(`${route.path} has no /v<major>/ prefix`);
  return `${major}.0`;
}

const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

/** The declared route of an API Gateway resource path and method; undefined when none is. */
export function declaredRoute(
  resourcePath: string | undefined | null,
  method: string | undefined | null,
  routes: readonly ApiRouteDefinition[] = API_ROUTES,
): ApiRouteDefinition | undefined {
  if (!resourcePath || !method) return undefined;
  return routes.find((route) => route.method === method && shape(route.path) === shape(resourcePath));
}

/** UTC midnight of a `YYYY-MM-DD` date. */
function utcDay(day: string): Date {
  const date = new Date(`${day}T00:00:00Z`);
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(day) || Number.isNaN(date.getTime()))
    throw new Error(`${day} is not a YYYY-MM-DD date`);
  return date;
}

/**
 * The headers a deprecated route answers with: `Deprecation` (RFC 9745, a structured-field date),
 * `Sunset` (RFC 8594, an HTTP-date) and `Link` to the successor (`rel="successor-version"`); none
 * for a route that is not deprecated.
 */
export function deprecationHeaders(route: ApiRouteDefinition | undefined): Record<string, string> {
  const deprecation = route?.deprecation;
  if (!deprecation) return {};
  return {
    deprecation: `@${Math.floor(utcDay(deprecation.date).getTime() / 1000)}`,
    sunset: utcDay(deprecation.sunset).toUTCString(),
    link: `<${deprecation.successor}>; rel="successor-version"`,
  };
}
