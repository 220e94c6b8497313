/**
 * The runtime pointed at your own OpenID Connect provider by URL: the dashboard signs people in
 * there (discovery on that issuer) with the client id from configuration, and without one its
 * actions stay refused. "Your provider" here is a second oidc-provider, reached only by its URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../../local/environment';
import { startDashboard, type DashboardServer } from '../../../local/dashboard/server';
import { startIdentityProvider, type LocalIdentityProvider } from '../../../local/identity/provider';
import { dashboardSignIn, dashboardSignInHelp, startLocalIdentity } from '../../../local/identity/start';
import { emptyDashboardSource, sessionCookie, signInToDashboard } from '../dashboard/support';

let yours: LocalIdentityProvider;
let dashboard: DashboardServer | undefined;

beforeAll(async () => {
  yours = await startIdentityProvider({ audience: 'supplyline' });
});

afterAll(async () => {
  await dashboard?.close();
  await yours?.stop();
});

const pointedAt = (dashboardClientId?: string) =>
  startLocalIdentity(
    { functions: [] },
    {
      host: '127.0.0.1',
      log: () => undefined,
      own: { issuer: yours.issuer, ...(dashboardClientId ? { dashboardClientId } : {}) },
    },
  );

describe('the dashboard with your own identity provider', () => {
  it('reads the dashboard client id and port from the settings', () => {
    const settings = readSettings({
      SUPPLYLINE_IDENTITY_ISSUER: 'https://login.example.com/realms/acme',
      SUPPLYLINE_IDENTITY_DASHBOARD_CLIENT_ID: 'acme-ops-dashboard',
      SUPPLYLINE_DASHBOARD_PORT: '8976',
    });
    expect(settings.identity).toMatchObject({
      issuer: 'https://login.example.com/realms/acme',
      dashboardClientId: 'acme-ops-dashboard',
    });
    expect(settings.dashboardPort).toBe(8976);
  });

  it('signs a person in at your issuer with the configured client', async () => {
    const identity = await pointedAt('supplyline-dashboard');
    expect(identity.provider).toBeUndefined();
    const signIn = dashboardSignIn(identity)!;
    expect(signIn).toMatchObject({ issuer: yours.issuer, clientId: 'supplyline-dashboard' });
    // Your provider is asked for no resource indicator of the local one.
    expect(signIn.resource).toBeUndefined();

    expect(dashboardSignInHelp(identity, 'http://127.0.0.1:8976/_dashboard')).toEqual([
      `  sign in at ${yours.issuer} (client supplyline-dashboard, callback http://127.0.0.1:8976/_dashboard/auth/callback)`,
    ]);
    dashboard = await startDashboard(emptyDashboardSource(), { sampleEveryMs: 60_000, signIn });
    const back = await signInToDashboard(dashboard.url, 'sam.senior');
    expect(back.status, await back.clone().text()).toBe(302);
    const session = await fetch(dashboard.url.replace('/_dashboard', '/_dashboard/api/session'), {
      headers: { cookie: `supplyline_dashboard_session=${sessionCookie(back)}` },
    });
    expect(((await session.json()) as { person: unknown }).person).toEqual({
      subject: 'sam.senior',
      groups: ['senior-approver'],
    });
  });

  it('without a configured client, the dashboard has no sign-in and refuses its actions', async () => {
    const identity = await pointedAt();
    expect(dashboardSignIn(identity)).toBeUndefined();
    // npm start says how to give it one.
    expect(dashboardSignInHelp(identity, 'http://127.0.0.1:8976/_dashboard').join('\n')).toContain(
      'callback http://127.0.0.1:8976/_dashboard/auth/callback',
    );
    const without = await startDashboard(emptyDashboardSource(), { sampleEveryMs: 60_000 });
    try {
      const origin = new URL(without.url).origin;
      const start = await fetch(`${origin}/_dashboard/auth/sign-in`, { redirect: 'manual' });
      expect(start.status).toBe(503);
      const acted = await fetch(`${origin}/_dashboard/api/dlq/nobody/redrive`, {
        method: 'POST',
        headers: { 'x-dashboard-token': without.token },
      });
      expect(acted.status).toBe(401);
      expect(((await acted.json()) as { detail: string }).detail).toContain(
        'SUPPLYLINE_IDENTITY_DASHBOARD_CLIENT_ID',
      );
    } finally {
      await without.close();
    }
  });

  it('with the local provider, npm start names the demo person to sign in as', async () => {
    const identity = await startLocalIdentity({ functions: [] }, { host: '127.0.0.1', log: () => undefined });
    try {
      expect(dashboardSignIn(identity)).toMatchObject({ clientId: 'supplyline-dashboard' });
      expect(dashboardSignInHelp(identity, 'http://127.0.0.1:1/_dashboard')).toEqual([
        '  reading is open; to redrive or re-submit, Sign in as ava.approver (or sam.senior, rita.requester), any password',
      ]);
    } finally {
      await identity.stop();
    }
  });
});
