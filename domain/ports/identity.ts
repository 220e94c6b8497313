/**
 * Who is calling: the verified caller of a governed request, from the bearer access token.
 * The verifier is an adapter (adapters/identity/) over the distributor's identity provider.
 */

/** A caller whose access token was verified. */
export interface VerifiedCaller {
  /** The token's `sub`: the person, or the application's client. */
  readonly subject: string;
  readonly issuer: string;
  /** The token's `jti`; '' when the issuer sets none. */
  readonly tokenId: string;
  /** The OAuth client that obtained the token (`client_id` or `azp`). */
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly groups: readonly string[];
  /** A person signed in, or an application with its own credentials. */
  readonly kind: 'person' | 'application';
}

/** Why a token was refused (said in the 401, never the token itself). */
export class TokenRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRefused';
  }
}

/** Verifies bearer access tokens of one issuer. */
export interface AccessTokenVerifier {
  /**
   * The verified caller.
   * @throws TokenRefused for a token that is not a valid access token of the issuer for our audience.
   */
  verify(token: string): Promise<VerifiedCaller>;
}
