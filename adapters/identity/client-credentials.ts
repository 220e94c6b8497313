/**
 * An application's access token with the OAuth2 client-credentials grant (RFC 6749 section 4.4),
 * the token endpoint found by OpenID Connect discovery on the issuer. What the operations CLI and
 * the distributor's other applications use to call the governed API.
 */

/** An application's credentials at an issuer. */
export interface ClientCredentials {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** @default the client's registered scopes (what the provider grants without `scope`) */
  readonly scopes?: readonly string[];
}

/** The issuer's token endpoint (OpenID Connect discovery). */
export async function tokenEndpoint(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const { token_endpoint } = (await response.json()) as { token_endpoint?: string };
  if (!token_endpoint) throw new Error(`${url} names no token_endpoint`);
  return token_endpoint;
}

/** What a token endpoint answers (RFC 6749 section 5.1; `id_token` from OpenID Connect code flows). */
export interface TokenResponse {
  readonly access_token: string;
  readonly id_token?: string;
}

/** POSTs a token request; the access token, or an error saying what the provider answered. */
export async function requestToken(
  endpoint: string,
  form: Record<string, string>,
  basicAuth?: { user: string; password: string },
): Promise<string> {
  return (await requestTokens(endpoint, form, basicAuth)).access_token;
}

/** POSTs a token request; the tokens, or an error saying what the provider answered. */
export async function requestTokens(
  endpoint: string,
  form: Record<string, string>,
  basicAuth?: { user: string; password: string },
): Promise<TokenResponse> {
  const basic = basicAuth
    ? Buffer.from(`${encodeURIComponent(basicAuth.user)}:${encodeURIComponent(basicAuth.password)}`).toString(
        'base64',
      )
    : undefined;
  const response = await fetch(endpoint, {
    method: 'POST',
    signal: AbortSignal.timeout(5_000),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${basic}` } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as Partial<TokenResponse> & {
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token)
    throw new Error(
      `token endpoint ${endpoint}: ${body.error ?? response.status} ${body.error_description ?? ''}`.trim(),
    );
  return { access_token: body.access_token, ...(body.id_token ? { id_token: body.id_token } : {}) };
}

/** An access token for `credentials` (client_secret_basic). */
export async function clientCredentialsToken(credentials: ClientCredentials): Promise<string> {
  return requestToken(
    await tokenEndpoint(credentials.issuer),
    {
      grant_type: 'client_credentials',
      ...(credentials.scopes ? { scope: credentials.scopes.join(' ') } : {}),
    },
    { user: credentials.clientId, password: credentials.clientSecret },
  );
}
