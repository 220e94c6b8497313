/**
 * The procurement platform's OAuth2 token endpoint (client credentials) and the bearer check of
 * its API: tokens live in memory, expire on the simulator's clock, and can be expired at will.
 */
import { randomBytes } from 'node:crypto';
import { RoutingTable } from '../routing';
import type { ApiAnswer } from './platform';
import { errorAnswer } from './platform';

/** An API client registered at the platform. */
export interface SimulatedClient {
  clientId: string;
  clientSecret: string;
}

/** Token counters for tests. */
export interface TokenStats {
  tokenRequests: number;
  tokensIssued: number;
}

const DEFAULT_CLIENT: SimulatedClient = { clientId: 'supplyline', clientSecret: 'supplyline-secret' };

/** Issues and checks bearer tokens. */
export class TokenAuthority {
  private readonly clients: Map<string, string>;
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();

  /** `clients` @default one client `supplyline` / `supplyline-secret` */
  constructor(
    clients: SimulatedClient[] | undefined,
    private ttlSeconds: number,
    private readonly now: () => Date,
    private readonly stats: TokenStats,
  ) {
    this.clients = new Map((clients ?? [DEFAULT_CLIENT]).map((c) => [c.clientId, c.clientSecret]));
  }

  /** Lifetime of tokens issued from now on. */
  setTtl(seconds: number): void {
    this.ttlSeconds = seconds;
  }

  /** Expires every token issued so far. */
  expireAll(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  /** `POST /oauth2/token` with a form body. */
  issue(raw: Buffer): ApiAnswer {
    this.stats.tokenRequests++;
    const form = new URLSearchParams(raw.toString('utf8'));
    const grantType = form.get('grant_type');
    if (grantType === null) return { status: 400, body: { error: 'invalid_request' } };
    if (grantType !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const clientId = form.get('client_id') ?? '';
    const secret = this.clients.get(clientId);
    if (secret === undefined || secret !== form.get('client_secret'))
      return { status: 401, body: { error: 'invalid_client' } };
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, { clientId, expiresAt: this.now().getTime() + this.ttlSeconds * 1000 });
    this.stats.tokensIssued++;
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: this.ttlSeconds },
      headers: { 'cache-control': 'no-store' },
    };
  }

  /** The client of a valid `Authorization: Bearer` header; undefined when missing, unknown or expired. */
  authenticate(authorization: string): string | undefined {
    const bearer = /^Bearer (\S+)$/i.exec(authorization)?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    if (!token || token.expiresAt <= this.now().getTime()) return undefined;
    return token.clientId;
  }
}

// Matched on the path as sent, before the bearer check; the only route without a token.
const TOKEN_ROUTES = RoutingTable.of<(tokens: TokenAuthority, raw: Buffer) => ApiAnswer>({
  'POST /oauth2/token': (tokens, raw) => tokens.issue(raw),
});

/** The answer of the token endpoint, or undefined when `pathname` is not the token endpoint. */
export function answerTokenEndpoint(
  tokens: TokenAuthority,
  method: string,
  pathname: string,
  raw: Buffer,
): ApiAnswer | undefined {
  const route = TOKEN_ROUTES.match(method, pathname);
  if (route.kind === 'not-found') return undefined;
  if (route.kind === 'method-not-allowed')
    return errorAnswer(405, { code: 'method_not_allowed', message: 'use POST' });
  return route.handler(tokens, raw);
}
