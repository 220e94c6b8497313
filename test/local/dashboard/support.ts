/** A dashboard source with nothing behind it, for tests of the dashboard's own HTTP behaviour. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { buildTemplateModel } from '../../../assembly';
import type { DashboardSource } from '../../../local/dashboard/server';
import { INLINE_TEMPLATE } from '../../assembly/inline-template';
import { OPERATIONS_DASHBOARD } from '../../../application/identity';
import { signInAtProvider } from '../../../local/identity/tokens';

/** A POST that gets past every check ends in the route's own 400 (no such consumer). */
export function emptyDashboardSource(): DashboardSource {
  const unreachable = {
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
  return {
    model: buildTemplateModel({ Resources: {} }, INLINE_TEMPLATE),
    clients: { dynamodb: new DynamoDBClient(unreachable), sqs: new SQSClient(unreachable) },
    sqsServer: undefined,
    executions: () => [],
    invocations: () => [],
    busActivity: () => [],
    apiRequests: () => [],
    metrics: { query: () => [] },
  } as unknown as DashboardSource;
}

/**
 * Signs `login` in to the dashboard at `dashboardUrl` through its provider's development sign-in,
 * as a browser would: the dashboard's answer to the provider's callback (a 302 with the session
 * cookie when signed in).
 */
export async function signInToDashboard(dashboardUrl: string, login: string): Promise<Response> {
  const { origin } = new URL(dashboardUrl);
  const start = await fetch(`${origin}/_dashboard/auth/sign-in`, { redirect: 'manual' });
  const attempt = start.headers.getSetCookie().find((c) => c.startsWith('supplyline_dashboard_sign_in='));
  const callback = await signInAtProvider(start.headers.get('location')!, login, (url) =>
    url.startsWith(`${origin}${OPERATIONS_DASHBOARD.callbackPath}`),
  );
  return fetch(callback, { redirect: 'manual', headers: { cookie: attempt!.split(';')[0]! } });
}

/** The session id a sign-in's answer sets. */
export function sessionCookie(response: Response): string | undefined {
  return response.headers
    .getSetCookie()
    .find((c) => c.startsWith('supplyline_dashboard_session='))
    ?.split(';')[0]!
    .slice('supplyline_dashboard_session='.length);
}
