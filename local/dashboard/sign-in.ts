/**
 * Signing a person in to the local dashboard through an OpenID Connect provider (the local one, or
 * yours by URL): authorization code + PKCE with a public client, `state` and `nonce` checked, the
 * code redeemed here (server side), the ID token and the access token verified against the issuer's
 * JWKS with aws-jwt-verify, as the governed API's authorizer does (adapters/identity).
 *
 * Tokens never reach the browser: it holds a random session id in an HttpOnly cookie, the session
 * (who, their access token, its expiry) stays in this process. A sign-in attempt is one use: its
 * callback, good or bad, ends it, so a replayed or forged callback finds nothing to complete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { requestTokens } from '../../adapters/identity/client-credentials';
import { accessTokenVerifier, fetchDocument } from '../../adapters/identity/access-token-verifier';
import type { AccessTokenVerifier } from '../../domain/ports/identity';
import { sameSecret } from './post-guard';

/** The provider and client a dashboard signs in with. */
export interface SignInSettings {
  readonly issuer: string;
  /** The dashboard's public client at the issuer. */
  readonly clientId: string;
  /** The `aud` of the governed API's access tokens. */
  readonly audience: string;
  readonly groupsClaim: string;
  readonly scopes: readonly string[];
  /** A resource indicator (RFC 8707) to ask the access token for, where the provider wants one. */
  readonly resource?: string;
}

/** A signed-in person. */
export interface DashboardSession {
  readonly subject: string;
  readonly groups: readonly string[];
  /** Their access token, for the governed API; never sent to the browser. */
  readonly accessToken: string;
  readonly idToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** A refused sign-in step: an RFC 9457 problem's status and detail. */
export class SignInRefused extends Error {
  constructor(
    readonly status: 400 | 401 | 502,
    message: string,
  ) {
    super(message);
    this.name = 'SignInRefused';
  }
}

interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly redirectUri: string;
  readonly expiresAt: number;
}

interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly end_session_endpoint?: string;
}

/** How long a person has to finish signing in at the provider. */
const SIGN_IN_TTL_MS = 10 * 60_000;
/** The longest a dashboard session lives, whatever the access token says. */
const SESSION_TTL_MS = 8 * 3600_000;

/** The dashboard's sign-ins and sessions, held in memory. */
export class DashboardSignIn {
  private readonly pending = new Map<string, PendingSignIn>();
  private readonly sessions = new Map<string, DashboardSession>();
  private discovery: Promise<Discovery> | undefined;
  private idTokens: ReturnType<typeof JwtVerifier.create> | undefined;
  private readonly accessTokens: AccessTokenVerifier;

  constructor(
    readonly settings: SignInSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.accessTokens = accessTokenVerifier({
      issuer: settings.issuer,
      audience: settings.audience,
      groupsClaim: settings.groupsClaim,
    });
  }

  /** Starts a sign-in: the attempt's id (for a cookie) and where to send the browser. */
  async begin(redirectUri: string): Promise<{ attempt: string; location: string }> {
    const { authorization_endpoint } = await this.discover();
    const attempt = secret();
    const sign: PendingSignIn = {
      state: secret(),
      nonce: secret(),
      verifier: secret(),
      redirectUri,
      expiresAt: this.now() + SIGN_IN_TTL_MS,
    };
    this.prune();
    this.pending.set(attempt, sign);
    const location = new URL(authorization_endpoint);
    const parameters: Record<string, string> = {
      client_id: this.settings.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: ['openid', ...this.settings.scopes].join(' '),
      state: sign.state,
      nonce: sign.nonce,
      code_challenge: createHash('sha256').update(sign.verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(this.settings.resource ? { resource: this.settings.resource } : {}),
    };
    for (const [name, value] of Object.entries(parameters)) location.searchParams.set(name, value);
    return { attempt, location: location.toString() };
  }

  /**
   * Completes the attempt `attempt` (from the browser's cookie) with the provider's callback
   * parameters: the new session's id, or {@link SignInRefused}. The attempt ends either way.
   */
  async complete(attempt: string | undefined, callback: URLSearchParams): Promise<string> {
    const sign = attempt === undefined ? undefined : this.pending.get(attempt);
    if (attempt !== undefined) this.pending.delete(attempt);
    if (!sign || sign.expiresAt <= this.now())
      throw new SignInRefused(400, 'no sign-in in progress in this browser (or it expired): sign in again');
    const state = callback.get('state');
    if (state === null || !sameSecret(state, sign.state))
      throw new SignInRefused(400, 'state does not match this sign-in');
    const error = callback.get('error');
    if (error !== null)
      throw new SignInRefused(401, `the provider refused: ${callback.get('error_description') ?? error}`);
    const code = callback.get('code');
    if (!code) throw new SignInRefused(400, 'the callback carries no code');

    const { token_endpoint } = await this.discover();
    const tokens = await requestTokens(token_endpoint, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: sign.redirectUri,
      client_id: this.settings.clientId,
      code_verifier: sign.verifier,
      ...(this.settings.resource ? { resource: this.settings.resource } : {}),
    }).catch((failure: unknown) => {
      throw new SignInRefused(401, `code not redeemed: ${(failure as Error).message}`);
    });
    if (!tokens.id_token) throw new SignInRefused(401, 'the provider returned no ID token');
    const person = await this.verifyIdToken(tokens.id_token, sign.nonce);
    const caller = await this.accessTokens.verify(tokens.access_token).catch((failure: unknown) => {
      throw new SignInRefused(401, `access token refused: ${(failure as Error).message}`);
    });
    if (caller.subject !== person.subject)
      throw new SignInRefused(401, 'the access token is not the signed-in person’s');
    const id = secret();
    this.sessions.set(id, {
      subject: caller.subject,
      groups: caller.groups,
      accessToken: tokens.access_token,
      idToken: tokens.id_token,
      expiresAt: Math.min(person.expiresAt, expiryOf(tokens.access_token), this.now() + SESSION_TTL_MS),
    });
    return id;
  }

  /** The live session `id` names, if any (an expired one is forgotten). */
  session(id: string | undefined): DashboardSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /**
   * Ends the session `id`; where to send the browser to end the provider's session too (its
   * end-session endpoint, returning to `signedOutUri`), or undefined when it has none.
   */
  async end(id: string | undefined, signedOutUri: string): Promise<string | undefined> {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (id !== undefined) this.sessions.delete(id);
    const { end_session_endpoint } = await this.discover();
    if (!session || !end_session_endpoint) return undefined;
    const location = new URL(end_session_endpoint);
    location.searchParams.set('id_token_hint', session.idToken);
    location.searchParams.set('client_id', this.settings.clientId);
    location.searchParams.set('post_logout_redirect_uri', signedOutUri);
    return location.toString();
  }

  /** Seconds a session lives at most (the cookie's Max-Age). */
  static readonly sessionSeconds = SESSION_TTL_MS / 1000;
  /** Seconds a sign-in attempt lives (its cookie's Max-Age). */
  static readonly signInSeconds = SIGN_IN_TTL_MS / 1000;

  private async verifyIdToken(token: string, nonce: string): Promise<{ subject: string; expiresAt: number }> {
    const { jwks_uri } = await this.discover();
    this.idTokens ??= JwtVerifier.create(
      {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
        jwksUri: jwks_uri,
      },
      { jwksCache: new SimpleJwksCache({ fetcher: { fetch: (uri: string) => fetchDocument(uri) } }) },
    );
    try {
      const payload = await this.idTokens.verify(token);
      // One verifier serves every sign-in (its JWKS cache lives): the nonce is checked per sign-in.
      if (typeof payload.nonce !== 'string' || !sameSecret(payload.nonce, nonce))
        throw new Error('nonce does not match this sign-in');
      return { subject: String(payload.sub), expiresAt: Number(payload.exp) * 1000 };
    } catch (failure) {
      throw new SignInRefused(401, `ID token refused: ${(failure as Error).message}`);
    }
  }

  private discover(): Promise<Discovery> {
    const url = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    this.discovery ??= fetchDocument(url)
      .then((body) => JSON.parse(Buffer.from(body).toString('utf8')) as Discovery)
      .catch((failure: unknown) => {
        this.discovery = undefined; // a provider that was down may be up at the next attempt
        throw new SignInRefused(502, `${url}: ${(failure as Error).message}`);
      });
    return this.discovery;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, sign] of this.pending) if (sign.expiresAt <= now) this.pending.delete(id);
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

/** The `exp` of a verified JWT, in epoch ms (no `exp`: no limit of its own). */
function expiryOf(jwt: string): number {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp?: unknown;
  };
  return typeof payload.exp === 'number' ? payload.exp * 1000 : Number.POSITIVE_INFINITY;
}
