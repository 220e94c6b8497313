/**
 * Getting access tokens from an OpenID Connect provider the way its clients do: client credentials
 * for an application, authorization code + PKCE for a person. For a person the sign-in is driven
 * programmatically through oidc-provider's development interactions (login form, then consent),
 * so the token is the provider's own, never one made here.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  clientCredentialsToken,
  requestTokens,
  type TokenResponse,
} from '../../adapters/identity/client-credentials';
import {
  PEOPLE_CLIENT_ID,
  PEOPLE_REDIRECT_URI,
  RESOURCE_INDICATOR,
  type ApplicationClient,
} from './provider';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`${issuer}: discovery answered ${response.status}`);
  return (await response.json()) as Discovery;
}

/** An application's access token (client credentials grant) with all its scopes. */
export async function applicationToken(issuer: string, client: ApplicationClient): Promise<string> {
  return clientCredentialsToken({ issuer, ...client });
}

/** Follows redirects by hand, keeping the provider's cookies, until `until` matches a Location. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  }
}

/**
 * A person's access token: authorization code + PKCE with the people client, signing in as `login`
 * (the development sign-in accepts any password) and consenting to every scope asked.
 */
export async function personToken(issuer: string, login: string, scopes: readonly string[]): Promise<string> {
  return (await personTokens(issuer, login, scopes)).access_token;
}

/** {@link personToken} with the ID token the sign-in also returns (which the API must refuse). */
export async function personTokens(
  issuer: string,
  login: string,
  scopes: readonly string[],
): Promise<TokenResponse> {
  const { authorization_endpoint, token_endpoint } = await discover(issuer);
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(authorization_endpoint);
  for (const [name, value] of Object.entries({
    client_id: PEOPLE_CLIENT_ID,
    response_type: 'code',
    redirect_uri: PEOPLE_REDIRECT_URI,
    scope: ['openid', ...scopes].join(' '),
    resource: RESOURCE_INDICATOR,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  }))
    authorize.searchParams.set(name, value);

  const callback = await signInAtProvider(authorize.toString(), login, (url) =>
    url.startsWith(PEOPLE_REDIRECT_URI),
  );
  const code = callback.searchParams.get('code');
  if (!code)
    throw new Error(`sign-in of ${login} refused: ${callback.searchParams.get('error_description') ?? '?'}`);
  return requestTokens(token_endpoint, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: PEOPLE_REDIRECT_URI,
    client_id: PEOPLE_CLIENT_ID,
    code_verifier: verifier,
    resource: RESOURCE_INDICATOR,
  });
}

/**
 * Signs `login` in at oidc-provider's development interactions, starting from an authorization
 * request and following redirects with the provider's cookies like a browser (login form, then
 * consent); the first redirect `isCallback` recognises: the client's callback, with its code.
 */
export async function signInAtProvider(
  authorizeUrl: string,
  login: string,
  isCallback: (url: string) => boolean,
): Promise<URL> {
  const browser = new Browser();
  let location = authorizeUrl;
  for (let step = 0; step < 12; step++) {
    if (isCallback(location)) return new URL(location);
    const url = new URL(location, authorizeUrl).toString();
    let response = await browser.request(url);
    if (response.status === 200 && /\/interaction\//.test(url)) {
      // The development interaction page: the login form, or the consent form once signed in.
      const page = await response.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      const form: Record<string, string> =
        prompt === 'login' ? { prompt, login, password: 'local' } : { prompt: prompt ?? 'consent' };
      response = await browser.request(url, { method: 'POST', form });
    }
    const next = response.headers.get('location');
    if (!next) throw new Error(`sign-in of ${login}: ${url} answered ${response.status} without a redirect`);
    location = new URL(next, url).toString();
  }
  throw new Error(`sign-in of ${login}: too many redirects`);
}
