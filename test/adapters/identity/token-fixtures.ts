/**
 * A test issuer: real RSA keys, its JWKS and discovery document served on the loopback, and JWTs
 * signed with node:crypto so each bad token of the suite can be built exactly.
 */
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** A signing key with its key id. */
export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

/** A fresh RS256 key. */
export function rsaKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    privateKey,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS signed by `key` (RS256), or unsigned with `alg: none`. */
export function signJwt(
  payload: Record<string, unknown>,
  key: TestKey | 'none',
  header: Record<string, unknown> = {},
): string {
  if (key === 'none') return `${b64({ alg: 'none', typ: 'at+jwt', ...header })}.${b64(payload)}.`;
  const input = `${b64({ alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...header })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** An issuer serving its discovery document and JWKS; counts the JWKS downloads. */
export async function serveIssuer(keys: readonly TestKey[]): Promise<{
  issuer: string;
  jwksRequests: () => number;
  close: () => Promise<void>;
}> {
  let jwksRequests = 0;
  let issuer = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (req.url === '/jwks') {
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksRequests: () => jwksRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
