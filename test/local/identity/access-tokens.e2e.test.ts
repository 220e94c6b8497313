/**
 * Access tokens on the governed API, end to end on the local runtime: tokens of the local OpenID
 * Connect provider, the template's REQUEST authorizer run by the local API Gateway, the bundled
 * authorizer function. Each bad token is refused with 401 problem+json and reaches no handler; a
 * valid token without the route's scope is a 403 problem+json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPLYLINE_SCOPES } from '../../../application/identity';
import { personTokens } from '../../../local/identity/tokens';
import { startLocalRuntime, type LocalRuntime } from '../../../local/runtime/runtime';
import { synthesizeDev } from '../../../local/synth';
import { rsaKey, serveIssuer, signJwt } from '../../adapters/identity/token-fixtures';

let runtime: LocalRuntime;
let foreign: Awaited<ReturnType<typeof serveIssuer>>;
let wmsToken: string;
let idToken: string;
const foreignKey = rsaKey('foreign-1');

beforeAll(async () => {
  runtime = await startLocalRuntime({ cdkOut: await synthesizeDev(), functionLogs: 'silent', log: () => {} });
  foreign = await serveIssuer([foreignKey]);
  wmsToken = await runtime.identity.token({ application: 'wms' });
  const signedIn = await personTokens(runtime.identity.issuer, 'ava.approver', SUPPLYLINE_SCOPES);
  idToken = signedIn.id_token!;
});
afterAll(async () => {
  await foreign?.close();
  await runtime?.stop();
});

const RESOLVE = '/v1/integration-exceptions/EX-0001/resolve';

function resolveCalls(): number {
  const route = runtime.model.apis[0]!.routes.find(
    (r) => r.resourcePath === '/v1/integration-exceptions/{id}/resolve',
  )!;
  return runtime.invocations().filter((i) => i.functionName === route.integration.functionName).length;
}

async function resolveWith(token: string): Promise<{ status: number; type: string | null; body: unknown }> {
  const response = await fetch(`${runtime.baseUrl}${RESOLVE}`, {
    method: 'POST',
    headers: {
      'x-api-key': runtime.apiKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ reason: 'fixed by hand', resolvedBy: 'mallory' }),
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

const part = (token: string, index: number) =>
  JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('governed API access tokens on the local runtime', () => {
  const bad: [string, () => string][] = [
    [
      'a tampered payload (scope widened, signature kept)',
      () => {
        const [header, payload, signature] = wmsToken.split('.');
        const claims = { ...part(wmsToken, 1), scope: 'supplyline/exceptions.resolve' };
        expect(payload).not.toBe(encode(claims));
        return `${header}.${encode(claims)}.${signature}`;
      },
    ],
    ['alg none', () => `${encode({ ...part(wmsToken, 0), alg: 'none' })}.${wmsToken.split('.')[1]}.`],
    ['an ID token of the same provider', () => idToken],
    [
      'a token of another issuer',
      () =>
        signJwt(
          { ...part(wmsToken, 1), iss: foreign.issuer, scope: 'supplyline/exceptions.resolve' },
          foreignKey,
        ),
    ],
    [
      'a token naming our issuer but signed by an unknown key',
      () => signJwt({ ...part(wmsToken, 1), scope: 'supplyline/exceptions.resolve' }, foreignKey),
    ],
  ];
  it.each(bad)('refuses %s with 401 problem+json and reaches no handler', async (_name, token) => {
    const before = resolveCalls();
    const answer = await resolveWith(token());
    expect(answer.status).toBe(401);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: 401, title: 'Access token missing or invalid' });
    expect(resolveCalls()).toBe(before);
  });

  it('refuses a valid token without the route’s scope with 403 problem+json and reaches no handler', async () => {
    const before = resolveCalls();
    const answer = await resolveWith(wmsToken);
    expect(answer.status).toBe(403);
    expect(answer.type).toBe('application/problem+json');
    expect(resolveCalls()).toBe(before);
  });

  it('admits the ops CLI’s token (exceptions.resolve) to the handler with its caller as context', async () => {
    const before = resolveCalls();
    const answer = await resolveWith(await runtime.identity.token({ application: 'ops-cli' }));
    expect([401, 403]).not.toContain(answer.status);
    expect(resolveCalls()).toBe(before + 1);
  });
});
