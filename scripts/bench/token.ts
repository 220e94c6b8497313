/**
 * `npm run bench -- token`: what verifying an access token costs a warm authorizer (JWKS cached,
 * claims and token use checked: adapters/identity/access-token-verifier.ts) against the floor of a
 * bare node:crypto RS256 signature check of the same token, measured in the same run as paired
 * batches (harness.ts). The token is a real one from the local OpenID Connect provider.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { accessTokenVerifier } from '../../adapters/identity/access-token-verifier';
import { startIdentityProvider } from '../../local/identity/provider';
import { applicationToken } from '../../local/identity/tokens';
import { atMost, pairedCpuMicrosAsync, reference, type BenchRow } from './harness';

/** Warm verification / bare signature check. */
export const TOKEN_VERIFY_BUDGET = 2;

export async function benchToken(): Promise<BenchRow[]> {
  const provider = await startIdentityProvider({ audience: 'supplyline' });
  try {
    const token = await applicationToken(provider.issuer, provider.applications.wms!);
    const verifier = accessTokenVerifier({
      issuer: provider.issuer,
      audience: provider.audience,
      groupsClaim: provider.groupsClaim,
    });
    await verifier.verify(token); // cold: discovery + JWKS, once

    const jwks = (await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JsonWebKey[] };
    const publicKey = createPublicKey({ key: jwks.keys[0]!, format: 'jwk' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const signed = Buffer.from(`${header}.${payload}`);
    const signatureBytes = Buffer.from(signature, 'base64url');
    const bare = () => {
      if (!verify('sha256', signed, publicKey, signatureBytes)) throw new Error('signature');
      return true;
    };

    const measured = await pairedCpuMicrosAsync(() => verifier.verify(token), bare, 500, 21);
    return [
      reference('bare node:crypto RS256 verify (floor)', measured.floorUs, 'us/token'),
      reference(
        'warm access-token verification (aws-jwt-verify + our checks)',
        measured.subjectUs,
        'us/token',
      ),
      atMost(
        'warm verification / bare verify (median of paired batches)',
        measured.ratio,
        'x',
        TOKEN_VERIFY_BUDGET,
      ),
    ];
  } finally {
    await provider.stop();
  }
}
