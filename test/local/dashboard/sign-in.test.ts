/**
 * Signing in to the dashboard through the real local OpenID Connect provider (oidc-provider), driven
 * over HTTP like a browser: code + PKCE with the dashboard's public client, state and nonce checked,
 * tokens verified, a session cookie; and every way a sign-in or a session can be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS_DASHBOARD } from '../../../application/identity';
import { startDashboard, type DashboardServer } from '../../../local/dashboard/server';
import {
  RESOURCE_INDICATOR,
  startIdentityProvider,
  type LocalIdentityProvider,
} from '../../../local/identity/provider';
import { signInAtProvider } from '../../../local/identity/tokens';
import { emptyDashboardSource, sessionCookie, signInToDashboard } from './support';

let provider: LocalIdentityProvider;
let dashboard: DashboardServer;
let base: string;
/** Added to the dashboard's clock: sessions age without waiting. */
let skewMs = 0;

beforeAll(async () => {
  provider = await startIdentityProvider({ audience: 'supplyline' });
  dashboard = await startDashboard(emptyDashboardSource(), {
    sampleEveryMs: 60_000,
    now: () => Date.now() + skewMs,
    signIn: {
      issuer: provider.issuer,
      clientId: OPERATIONS_DASHBOARD.clientId,
      audience: 'supplyline',
      groupsClaim: 'groups',
      scopes: OPERATIONS_DASHBOARD.scopes,
      resource: RESOURCE_INDICATOR,
    },
  });
  base = new URL(dashboard.url).origin;
});

afterAll(async () => {
  await dashboard?.close();
  await provider?.stop();
});

const ATTEMPT = 'supplyline_dashboard_sign_in';
const SESSION = 'supplyline_dashboard_session';
const callbackUrl = () => `${base}${OPERATIONS_DASHBOARD.callbackPath}`;

function cookieOf(response: Response, name: string): { value: string; attributes: string } | undefined {
  const line = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';');
  return { value: pair!.slice(name.length + 1), attributes: attributes.join(';') };
}

/** Opens the dashboard's sign-in: its attempt cookie and the provider's authorization URL. */
async function beginSignIn(): Promise<{ attempt: string; authorize: URL }> {
  const response = await fetch(`${base}/_dashboard/auth/sign-in`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return {
    attempt: cookieOf(response, ATTEMPT)!.value,
    authorize: new URL(response.headers.get('location')!),
  };
}

/** Signs `login` in at the provider; the callback URL it sends the browser back to. */
const atProvider = (authorize: URL, login = 'ava.approver') =>
  signInAtProvider(authorize.toString(), login, (url) => url.startsWith(callbackUrl()));

const returnTo = (callback: URL, attempt?: string) =>
  fetch(callback, {
    redirect: 'manual',
    headers: attempt === undefined ? {} : { cookie: `${ATTEMPT}=${attempt}` },
  });

/** A whole sign-in: the session cookie's value. */
async function signIn(login = 'ava.approver'): Promise<string> {
  const back = await signInToDashboard(dashboard.url, login);
  expect(back.status, await back.clone().text()).toBe(302);
  return sessionCookie(back)!;
}

const sessionOf = async (session?: string) =>
  (await (
    await fetch(`${base}/_dashboard/api/session`, {
      headers: session ? { cookie: `${SESSION}=${session}` } : {},
    })
  ).json()) as { person: { subject: string; groups: string[] } | null };

const redrive = (session?: string) =>
  fetch(`${base}/_dashboard/api/dlq/nobody/redrive`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-dashboard-token': dashboard.token,
      ...(session ? { cookie: `${SESSION}=${session}` } : {}),
    },
    body: '{}',
  });

async function expectProblem(response: Response, status: number, detail: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
}

describe('dashboard sign-in', () => {
  it('sends the browser to the provider with the dashboard client, PKCE S256, state and nonce', async () => {
    const response = await fetch(`${base}/_dashboard/auth/sign-in`, { redirect: 'manual' });
    const authorize = new URL(response.headers.get('location')!);
    expect(authorize.origin).toBe(provider.issuer);
    const query = Object.fromEntries(authorize.searchParams);
    expect(query).toMatchObject({
      client_id: 'supplyline-dashboard',
      response_type: 'code',
      redirect_uri: callbackUrl(),
      code_challenge_method: 'S256',
    });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(query[name]).toMatch(/^[\w-]{43}$/);
    const attempt = cookieOf(response, ATTEMPT)!;
    expect(attempt.attributes).toMatch(/HttpOnly/);
    expect(attempt.attributes).toMatch(/SameSite=Lax/);
    expect(attempt.attributes).toMatch(/Path=\/_dashboard\/auth/);
  });

  it('signs a demo person in: an HttpOnly session cookie with a random id, the person shown, actions allowed', async () => {
    const { attempt, authorize } = await beginSignIn();
    const back = await returnTo(await atProvider(authorize, 'sam.senior'), attempt);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/_dashboard');
    const session = cookieOf(back, SESSION)!;
    expect(session.value).toMatch(/^[\w-]{43}$/);
    expect(session.attributes).toMatch(/HttpOnly/);
    expect(session.attributes).toMatch(/SameSite=Lax/);
    expect(session.attributes).toMatch(/Max-Age=\d+/);
    // No token reaches the browser.
    expect(back.headers.getSetCookie().join(' ')).not.toMatch(/eyJ/);

    expect((await sessionOf(session.value)).person).toEqual({
      subject: 'sam.senior',
      groups: ['senior-approver'],
    });
    // Past the sign-in check: the redrive route answers for the consumer it does not know.
    const acted = await redrive(session.value);
    expect(acted.status).toBe(400);
    expect(((await acted.json()) as { error: string }).error).toContain('nobody');
  });

  it('refuses an action by nobody, or by an unknown session, with a 401 problem', async () => {
    await expectProblem(await redrive(), 401, /sign in/);
    await expectProblem(await redrive('x'.repeat(43)), 401, /sign in/);
    expect((await sessionOf()).person).toBeNull();
  });

  it('refuses a callback whose state is not this sign-in’s, and the attempt ends there', async () => {
    const { attempt, authorize } = await beginSignIn();
    const callback = await atProvider(authorize);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    const refused = await returnTo(forged, attempt);
    expect(cookieOf(refused, SESSION)).toBeUndefined();
    await expectProblem(refused, 400, /state/);
    // The genuine callback after it finds no sign-in to complete.
    await expectProblem(await returnTo(callback, attempt), 400, /no sign-in in progress/);
  });

  it('refuses a replayed callback, and a stolen code redeemed in another sign-in', async () => {
    const { attempt, authorize } = await beginSignIn();
    const callback = await atProvider(authorize);
    expect((await returnTo(callback, attempt)).status).toBe(302);
    await expectProblem(await returnTo(callback, attempt), 400, /no sign-in in progress/);

    // Another browser's sign-in, with its own state and PKCE verifier, fed the used code.
    const other = await beginSignIn();
    const injected = new URL(callback);
    injected.searchParams.set('state', other.authorize.searchParams.get('state')!);
    const refused = await returnTo(injected, other.attempt);
    expect(cookieOf(refused, SESSION)).toBeUndefined();
    await expectProblem(refused, 401, /code not redeemed/);
  });

  it('refuses a callback without the PKCE verifier: none in this browser, none at the provider', async () => {
    const { authorize } = await beginSignIn();
    const callback = await atProvider(authorize);
    // No sign-in attempt cookie: the dashboard holds no verifier for this browser.
    await expectProblem(await returnTo(callback), 400, /no sign-in in progress/);
    // The provider itself will not redeem the dashboard client's code without one.
    const other = await beginSignIn();
    const code = (await atProvider(other.authorize)).searchParams.get('code')!;
    const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as {
      token_endpoint: string;
    };
    const redeemed = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callbackUrl(),
        client_id: OPERATIONS_DASHBOARD.clientId,
        resource: RESOURCE_INDICATOR,
      }).toString(),
    });
    expect(redeemed.status).toBe(400);
    expect(((await redeemed.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses an ID token whose nonce is not this sign-in’s (a code obtained for another request)', async () => {
    const { attempt, authorize } = await beginSignIn();
    // Same state and PKCE challenge, another nonce: only the ID token can tell.
    const tampered = new URL(authorize);
    tampered.searchParams.set('nonce', 'another-request-nonce');
    const refused = await returnTo(await atProvider(tampered), attempt);
    expect(cookieOf(refused, SESSION)).toBeUndefined();
    await expectProblem(refused, 401, /nonce/);
  });

  it('refuses an expired session', async () => {
    const session = await signIn();
    expect((await sessionOf(session)).person?.subject).toBe('ava.approver');
    skewMs = 3601_000; // past the tokens' hour
    try {
      await expectProblem(await redrive(session), 401, /sign in/);
      expect((await sessionOf(session)).person).toBeNull();
    } finally {
      skewMs = 0;
    }
    // Forgotten, not only hidden while the clock was ahead.
    expect((await sessionOf(session)).person).toBeNull();
  });

  it('signs out: the session ends here and the browser is sent to end the provider’s', async () => {
    const session = await signIn('rita.requester');
    const response = await fetch(`${base}/_dashboard/auth/sign-out`, {
      method: 'POST',
      headers: { 'x-dashboard-token': dashboard.token, cookie: `${SESSION}=${session}` },
    });
    expect(response.status).toBe(200);
    expect(cookieOf(response, SESSION)?.attributes).toMatch(/Max-Age=0/);
    const location = new URL(((await response.json()) as { location: string }).location);
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/_dashboard`);
    expect(location.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    await expectProblem(await redrive(session), 401, /sign in/);
  });

  it('refuses a sign-out POST without this start’s token (the POST guard)', async () => {
    const response = await fetch(`${base}/_dashboard/auth/sign-out`, { method: 'POST' });
    expect(response.status).toBe(403);
  });
});
