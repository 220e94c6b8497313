/**
 * The guard in front of every state-changing (POST) route of the local dashboard. The dashboard
 * listens on the developer's machine, where any web page the browser opens could otherwise POST to
 * it (a plain form post needs no CORS preflight) or reach it through DNS rebinding. A POST must:
 * - carry the per-start token (`x-dashboard-token`), which only the dashboard's own page holds
 *   (served in it, readable by no other origin), and
 * - come from the dashboard's own origin when a browser sends one (a rebound host name fails here).
 * A refusal is an RFC 9457 problem and changes nothing.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header carrying the per-start token. */
export const DASHBOARD_TOKEN_HEADER = 'x-dashboard-token';

/** A new per-start token (256 random bits, URL-safe). */
export function newDashboardToken(): string {
  return randomBytes(32).toString('base64url');
}

/** An RFC 9457 problem for a refused POST. */
export interface PostRefusal {
  readonly type: 'about:blank';
  readonly title: string;
  readonly status: 403;
  readonly detail: string;
}

/**
 * Why the POST may not run, or undefined when it may. `origins` are the dashboard's own
 * ({@link dashboardOrigins}).
 */
export function refusePost(
  req: IncomingMessage,
  token: string,
  origins: readonly string[],
): PostRefusal | undefined {
  const refuse = (detail: string): PostRefusal => ({
    type: 'about:blank',
    title: 'Request refused',
    status: 403,
    detail,
  });
  const origin = req.headers.origin;
  if (origin !== undefined && !origins.includes(origin)) {
    return refuse(`origin ${origin} is not the dashboard's`);
  }
  const given = req.headers[DASHBOARD_TOKEN_HEADER];
  if (typeof given !== 'string' || !sameSecret(given, token)) {
    return refuse(`${DASHBOARD_TOKEN_HEADER} is missing or not this run's token`);
  }
  return undefined;
}

/** The origins of a dashboard listening at `url` (`http://<host>:<port>`), loopback names included. */
export function dashboardOrigins(url: string): string[] {
  const { origin, port } = new URL(url);
  return [
    ...new Set([origin, `http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]),
  ];
}

/** Whether `given` is `expected`, compared in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
