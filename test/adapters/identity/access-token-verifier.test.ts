/** The access-token verifier against a real issuer on the loopback: real keys, real JWKS, no crypto mocks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenVerifier } from '../../../adapters/identity/access-token-verifier';
import { TransientFailure } from '../../../domain/failures';
import { TokenRefused, type AccessTokenVerifier } from '../../../domain/ports/identity';
import { rsaKey, serveIssuer, signJwt, type TestKey } from './token-fixtures';

const AUDIENCE = 'supplyline';
let issuer: Awaited<ReturnType<typeof serveIssuer>>;
let key: TestKey;
let verifier: AccessTokenVerifier;
const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: issuer.issuer,
    aud: AUDIENCE,
    sub: 'ava.approver',
    client_id: 'supplyline-people',
    jti: 'token-1',
    scope: 'openid supplyline/approvals.decide supplyline/approvals.read',
    groups: ['approver'],
    iat: now(),
    exp: now() + 300,
    ...overrides,
  };
}

beforeAll(async () => {
  key = rsaKey('key-1');
  issuer = await serveIssuer([key]);
  verifier = accessTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE, groupsClaim: 'groups' });
});
afterAll(() => issuer.close());

describe('access token verifier', () => {
  it('returns the caller of a valid person access token', async () => {
    await expect(verifier.verify(signJwt(claims(), key))).resolves.toEqual({
      subject: 'ava.approver',
      issuer: issuer.issuer,
      tokenId: 'token-1',
      clientId: 'supplyline-people',
      scopes: ['openid', 'supplyline/approvals.decide', 'supplyline/approvals.read'],
      groups: ['approver'],
      kind: 'person',
    });
  });

  it('tells an application (client credentials: the subject is the client) from a person', async () => {
    const token = signJwt(claims({ sub: 'wms', client_id: 'wms', jti: undefined, groups: undefined }), key);
    await expect(verifier.verify(token)).resolves.toMatchObject({
      subject: 'wms',
      clientId: 'wms',
      tokenId: '',
      groups: [],
      kind: 'application',
    });
  });

  it('downloads the JWKS once and serves warm verifications from its cache', async () => {
    const fresh = accessTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE, groupsClaim: 'groups' });
    const before = issuer.jwksRequests();
    for (let i = 0; i < 5; i++) await fresh.verify(signJwt(claims({ jti: `t${i}` }), key));
    expect(issuer.jwksRequests() - before).toBe(1);
  });

  const refused: [string, () => string, RegExp][] = [
    ['expired', () => signJwt(claims({ exp: now() - 60 }), key), /expired/i],
    ['not yet valid', () => signJwt(claims({ nbf: now() + 600 }), key), /before/i],
    ['from another issuer', () => signJwt(claims({ iss: 'https://evil.example.com' }), key), /issuer/i],
    ['for another audience', () => signJwt(claims({ aud: 'another-api' }), key), /audience/i],
    ['signed by an unknown key', () => signJwt(claims(), rsaKey('key-unknown')), /kid|jwk/i],
    [
      'signed by an unknown key under a known kid',
      () => signJwt(claims(), { ...rsaKey('key-1'), kid: 'key-1' }),
      /signature/i,
    ],
    ['with alg none', () => signJwt(claims(), 'none'), /alg|signature|algorithm/i],
    [
      'with a tampered payload',
      () => {
        const [header, , signature] = signJwt(claims(), key).split('.');
        const forged = Buffer.from(JSON.stringify(claims({ groups: ['senior-approver'] }))).toString(
          'base64url',
        );
        return `${header}.${forged}.${signature}`;
      },
      /signature/i,
    ],
    [
      'an ID token (nonce, at_hash, typ JWT)',
      () => signJwt(claims({ nonce: 'n-1', at_hash: 'h', scope: undefined }), key, { typ: 'JWT' }),
      /ID token/,
    ],
    [
      'an untyped token with neither typ at+jwt nor scope',
      () => signJwt(claims({ scope: undefined }), key, { typ: 'JWT' }),
      /not an access token/,
    ],
    [
      'a logout token (typ logout+jwt)',
      () => signJwt(claims(), key, { typ: 'logout+jwt' }),
      /not an access token/,
    ],
    ['not a JWT at all', () => 'not-a-token', /JWT|token/i],
  ];
  it.each(refused)('refuses a token %s', async (_name, token, reason) => {
    const error = await verifier.verify(token()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefused);
    expect((error as Error).message).toMatch(reason);
  });

  it('is a transient failure, not a refusal, when the issuer cannot be reached', async () => {
    const gone = accessTokenVerifier({
      issuer: 'http://127.0.0.1:9',
      audience: AUDIENCE,
      groupsClaim: 'groups',
    });
    const error = await gone
      .verify(signJwt(claims({ iss: 'http://127.0.0.1:9' }), key))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientFailure);
  });
});

describe('access token verifier for the stack’s own Cognito pool', () => {
  let cognito: AccessTokenVerifier;
  beforeAll(() => {
    cognito = accessTokenVerifier({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      groupsClaim: 'cognito:groups',
      cognitoClientIds: ['people-client', 'wms-client'],
    });
  });
  const cognitoClaims = (overrides: Record<string, unknown> = {}) =>
    claims({
      aud: undefined,
      client_id: 'people-client',
      token_use: 'access',
      username: 'ava.approver',
      'cognito:groups': ['approver'],
      ...overrides,
    });

  it('accepts an access token of one of its clients and reads cognito:groups', async () => {
    await expect(cognito.verify(signJwt(cognitoClaims(), key, { typ: undefined }))).resolves.toMatchObject({
      clientId: 'people-client',
      groups: ['approver'],
      kind: 'person',
    });
  });

  it.each([
    ['an ID token', { token_use: 'id' }, /token_use/],
    ['a token of another client', { client_id: 'someone-else' }, /client/],
    ['a token without the resource server’s scopes', { scope: 'openid email' }, /not issued for supplyline/],
  ])('refuses %s', async (_name, overrides, reason) => {
    const error = await cognito.verify(signJwt(cognitoClaims(overrides), key)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefused);
    expect((error as Error).message).toMatch(reason);
  });
});
