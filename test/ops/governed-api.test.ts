/** The ops CLI calls the governed API with its own bearer access token and the metering API key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFrom } from '../../ops/context';
import { listExceptions } from '../../ops/governed-api';
import { startIdentityProvider, type LocalIdentityProvider } from '../../local/identity/provider';
import { accessTokenVerifier } from '../../adapters/identity/access-token-verifier';

let provider: LocalIdentityProvider;
beforeAll(async () => {
  provider = await startIdentityProvider({ audience: 'supplyline' });
});
afterAll(() => provider?.stop());

function recordingFetch(seen: Headers[]): typeof fetch {
  return (async (_url: string, init?: RequestInit) => {
    seen.push(new Headers(init?.headers));
    return new Response(JSON.stringify({ items: [] }), { status: 200 });
  }) as typeof fetch;
}

describe('ops governed API calls', () => {
  it('send the access token as a bearer credential and the API key for metering', async () => {
    const seen: Headers[] = [];
    await listExceptions(
      { url: 'http://api/v1', apiKey: 'key-1', accessToken: () => Promise.resolve('token-1') },
      'OPEN',
      recordingFetch(seen),
    );
    expect(seen[0]!.get('authorization')).toBe('Bearer token-1');
    expect(seen[0]!.get('x-api-key')).toBe('key-1');
  });

  it('refuse to call without an access token, saying how to get one', async () => {
    const seen: Headers[] = [];
    await expect(
      listExceptions({ url: 'http://api/v1', apiKey: 'k' }, 'OPEN', recordingFetch(seen)),
    ).rejects.toThrow(/SUPPLYLINE_ACCESS_TOKEN/);
    expect(seen).toEqual([]);
  });

  it('take SUPPLYLINE_ACCESS_TOKEN as given, or get one by client credentials from the issuer', async () => {
    await expect(accessTokenFrom({ SUPPLYLINE_ACCESS_TOKEN: 'given' })!()).resolves.toBe('given');
    expect(accessTokenFrom({})).toBeUndefined();
    const client = provider.applications['ops-cli']!;
    const token = await accessTokenFrom({
      SUPPLYLINE_IDENTITY_ISSUER: provider.issuer,
      SUPPLYLINE_OPS_CLIENT_ID: client.clientId,
      SUPPLYLINE_OPS_CLIENT_SECRET: client.clientSecret,
    })!();
    const verifier = accessTokenVerifier({
      issuer: provider.issuer,
      audience: 'supplyline',
      groupsClaim: 'groups',
    });
    await expect(verifier.verify(token)).resolves.toMatchObject({
      subject: 'ops-cli',
      kind: 'application',
      scopes: expect.arrayContaining(['supplyline/exceptions.resolve']),
    });
  });
});
