/**
 * Verifies the bearer access tokens of one OpenID Connect issuer with aws-jwt-verify (ADR 0009):
 * the signature against the issuer's JWKS (fetched once, cached for the life of the function,
 * refetched only for a key id it does not know), `iss`, `aud`, `exp`, `nbf`, and that the token is an
 * access token. `alg: none` and algorithms outside RS/ES/EdDSA are refused by the library.
 *
 * Token use: Cognito says it (`token_use`: only `access` passes). Other issuers: `typ: at+jwt`
 * (RFC 9068) passes; an untyped token passes only with a `scope`/`scp` claim and neither `nonce` nor
 * `at_hash` (the marks of an ID token). The audience check refuses most ID tokens anyway: their
 * `aud` is the client, not the API.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwtBaseError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { TransientFailure } from '../../domain/failures';
import { TokenRefused, type AccessTokenVerifier, type VerifiedCaller } from '../../domain/ports/identity';

/** Where the tokens come from and what they must say. */
export interface AccessTokenSettings {
  /** The `iss` tokens carry. */
  readonly issuer: string;
  /** The `aud` tokens carry; with a Cognito pool, the resource server the scopes belong to. */
  readonly audience: string;
  /** The claim listing the person's groups. */
  readonly groupsClaim: string;
  /** @default the `jwks_uri` of the issuer's discovery document */
  readonly jwksUri?: string;
  /**
   * The stack's own Cognito user pool: its access tokens carry no `aud` but `client_id` (one of
   * these) and `token_use: access`.
   */
  readonly cognitoClientIds?: readonly string[];
  /** Clock skew allowed on `exp` and `nbf`. @default 5 */
  readonly graceSeconds?: number;
}

/** Fetches JSON documents (JWKS, discovery) over http(s). */
export type DocumentFetch = (url: string) => Promise<ArrayBuffer>;

const FETCH_TIMEOUT_MS = 2_000;

/** Plain `fetch` with a timeout: the library's own fetcher speaks https only, a local issuer is http. */
export const fetchDocument: DocumentFetch = async (url) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch(
    (error: unknown) => {
      throw new FetchError(url, (error as Error).message);
    },
  );
  if (!response.ok) throw new FetchError(url, `status ${response.status}`);
  return response.arrayBuffer();
};

/** A verifier for `settings`; build it once per function (module scope) so its JWKS cache lives. */
export function accessTokenVerifier(
  settings: AccessTokenSettings,
  fetchImpl: DocumentFetch = fetchDocument,
): AccessTokenVerifier {
  let verifier: Promise<ReturnType<typeof create>> | undefined;
  const create = (jwksUri: string) =>
    JwtVerifier.create(
      {
        issuer: settings.issuer,
        jwksUri,
        // Cognito access tokens have no `aud`: checked below as client_id + the scopes' server.
        audience: settings.cognitoClientIds ? null : settings.audience,
        graceSeconds: settings.graceSeconds ?? 5,
        customJwtCheck: ({ header, payload }) => checkTokenUse(header, payload, settings),
      },
      {
        jwksCache: new SimpleJwksCache({
          fetcher: { fetch: (uri: string) => fetchImpl(uri) },
        }),
      },
    );
  const ready = () =>
    (verifier ??= discoverJwksUri(settings, fetchImpl)
      .then(create)
      .catch((error: unknown) => {
        verifier = undefined; // an outage at cold start must not stick
        throw error;
      }));
  return {
    async verify(token) {
      let payload: JwtPayload;
      try {
        payload = await (await ready()).verify(token);
      } catch (error) {
        throw refusal(error);
      }
      return callerOf(payload, settings);
    },
  };
}

async function discoverJwksUri(settings: AccessTokenSettings, fetchImpl: DocumentFetch): Promise<string> {
  if (settings.jwksUri) return settings.jwksUri;
  const url = `${settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const document = JSON.parse(Buffer.from(await fetchImpl(url)).toString('utf8')) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string')
    throw new FetchError(url, 'no jwks_uri in the discovery document');
  return document.jwks_uri;
}

/** A bad token is refused; an issuer we cannot reach is a failure a retry may fix. */
function refusal(error: unknown): Error {
  if (error instanceof FetchError)
    return new TransientFailure(`identity provider unreachable: ${error.message}`, 'identity', undefined, {
      cause: error,
    });
  if (error instanceof TokenRefused) return error;
  if (error instanceof JwtBaseError) return new TokenRefused(error.message);
  return error instanceof Error ? error : new Error(String(error));
}

const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);

function checkTokenUse(header: JwtHeader, payload: JwtPayload, settings: AccessTokenSettings): void {
  if (settings.cognitoClientIds) {
    if (payload.token_use !== 'access') throw new TokenRefused('not an access token (token_use)');
    if (!settings.cognitoClientIds.includes(String(payload.client_id)))
      throw new TokenRefused('issued to a client this API does not know');
    const foreign = scopesOf(payload).filter((scope) => !scope.startsWith(`${settings.audience}/`));
    if (scopesOf(payload).length === 0 || foreign.length === scopesOf(payload).length)
      throw new TokenRefused(`not issued for ${settings.audience}`);
    return;
  }
  if (payload.token_use === 'id' || payload.nonce !== undefined || payload.at_hash !== undefined)
    throw new TokenRefused('an ID token is not an access token');
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  if (typ !== undefined && ACCESS_TOKEN_TYPES.has(typ)) return;
  if (typ !== undefined && typ !== 'jwt')
    throw new TokenRefused(`token type '${header.typ}' is not an access token`);
  if (payload.scope === undefined && payload.scp === undefined)
    throw new TokenRefused('not an access token (no typ at+jwt, no scope)');
}

function scopesOf(payload: JwtPayload): string[] {
  const scp: unknown = payload.scp;
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(scp)) return scp.map(String);
  return typeof scp === 'string' ? scp.split(' ').filter(Boolean) : [];
}

function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/[,\s]+/).filter(Boolean) : [];
}

function callerOf(payload: JwtPayload, settings: AccessTokenSettings): VerifiedCaller {
  const clientId = String(payload.client_id ?? payload.azp ?? '');
  const subject = String(payload.sub ?? '');
  if (subject === '') throw new TokenRefused('the token names no subject');
  return {
    subject,
    issuer: String(payload.iss),
    tokenId: typeof payload.jti === 'string' ? payload.jti : '',
    clientId,
    scopes: scopesOf(payload),
    groups: listClaim(payload[settings.groupsClaim]),
    // Client credentials: the subject is the client itself (RFC 9068 section 2.2; Cognito likewise).
    kind: subject !== clientId ? 'person' : 'application',
  };
}
