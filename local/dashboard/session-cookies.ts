/**
 * The dashboard's cookies: the browser holds only random ids (its sign-in attempt and its session),
 * HttpOnly so no script reads them, SameSite=Lax so no other site's form post carries them.
 */
import type { IncomingMessage } from 'node:http';

/** Where a person starts signing in. */
export const SIGN_IN_PATH = '/_dashboard/auth/sign-in';
/** The browser's sign-in attempt (one use) and its session: random ids, nothing else. */
export const SIGN_IN_COOKIE = 'supplyline_dashboard_sign_in';
export const SESSION_COOKIE = 'supplyline_dashboard_session';

/** The 401 problem of an action taken by nobody. */
export function signInRequired(available: boolean) {
  return {
    type: 'about:blank',
    title: 'Sign-in required',
    status: 401,
    detail: available
      ? 'sign in to the dashboard to take this action'
      : 'the dashboard has no identity provider client (SUPPLYLINE_IDENTITY_DASHBOARD_CLIENT_ID)',
    ...(available ? { signIn: SIGN_IN_PATH } : {}),
  };
}

/** An HttpOnly, SameSite=Lax cookie (plain http on the loopback: no Secure). */
export function setCookie(name: string, value: string, path: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax`;
}

/** Removes a cookie set by {@link setCookie}. */
export function clearCookie(name: string, path: string): string {
  return `${name}=; Path=${path}; Max-Age=0; HttpOnly; SameSite=Lax`;
}

/** The value of cookie `name` in the request, if any. */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
