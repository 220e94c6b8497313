/**
 * The dashboard's POST guard on a running dashboard server: a POST without this start's token, or
 * from another origin, is refused with a problem and reaches no route; the page carries the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type DashboardServer } from '../../../local/dashboard/server';
import { emptyDashboardSource } from './support';

let dashboard: DashboardServer;

beforeAll(async () => {
  // No sign-in configured: a POST that passes the guard ends in the sign-in check's 401.
  const source = emptyDashboardSource();
  dashboard = await startDashboard(source, { sampleEveryMs: 60_000 });
});

afterAll(async () => {
  await dashboard?.close();
});

const redrive = (headers: Record<string, string>) =>
  fetch(dashboard.url.replace('/_dashboard', '/_dashboard/api/dlq/nobody/redrive'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  });

describe('dashboard POST guard', () => {
  it('refuses a POST without the token with a problem', async () => {
    const response = await redrive({});
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 403, title: 'Request refused' });
  });

  it('refuses a wrong token', async () => {
    const response = await redrive({ 'x-dashboard-token': `${dashboard.token.slice(1)}x` });
    expect(response.status).toBe(403);
  });

  it('refuses the right token from another origin (a page elsewhere, DNS rebinding)', async () => {
    const port = new URL(dashboard.url).port;
    for (const origin of ['https://evil.example', `http://rebound.example:${port}`, 'null']) {
      const response = await redrive({ 'x-dashboard-token': dashboard.token, origin });
      expect(response.status, origin).toBe(403);
      expect(((await response.json()) as { detail: string }).detail, origin).toContain('origin');
    }
  });

  it('lets the token through from the dashboard’s own origin, or from a client that sends none', async () => {
    const own = new URL(dashboard.url).origin;
    for (const headers of [{ origin: own }, {}] as Record<string, string>[]) {
      const response = await redrive({ 'x-dashboard-token': dashboard.token, ...headers });
      // Past the guard: the sign-in check answers (nobody is signed in to act).
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ status: 401, title: 'Sign-in required' });
    }
  });

  it('serves the token in the page, a new one per start', async () => {
    const page = await (await fetch(dashboard.url)).text();
    expect(page).toContain(`<meta name="dashboard-token" content="${dashboard.token}" />`);
    expect(dashboard.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
