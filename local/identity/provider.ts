/**
 * A real OpenID Connect provider on the loopback (oidc-provider): the local stand-in of the
 * distributor's identity provider (or the stack's Cognito pool). It issues JWT access tokens
 * (RFC 9068, `typ: at+jwt`) for the `supplyline` audience, signed by a key made at start, to demo
 * people (authorization code + PKCE, oidc-provider's development sign-in, any password) and to the
 * application consumers of application/identity.ts (client credentials, each its own scopes).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Provider, { errors, type Configuration } from 'oidc-provider';
import {
  APPLICATION_CONSUMERS,
  OPERATIONS_DASHBOARD,
  SUPPLYLINE_SCOPES,
  type IdentitySettings,
} from '../../application/identity';
import { listen } from '../http/server';

/** A demo person and the groups their tokens carry. */
export interface DemoPerson {
  readonly login: string;
  readonly name: string;
  readonly groups: readonly string[];
}

/** One demo person in each role, and a buyer (no approval role). */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { login: 'ava.approver', name: 'Ava (approver)', groups: ['approver'] },
  { login: 'sam.senior', name: 'Sam (senior approver)', groups: ['senior-approver'] },
  { login: 'rita.requester', name: 'Rita (buyer)', groups: ['buyer'] },
];

/** The public client people sign in with (no secret: PKCE). */
export const PEOPLE_CLIENT_ID = 'supplyline-people';
/** Where the people client's authorization codes are sent (read from the redirect, nothing listens). */
export const PEOPLE_REDIRECT_URI = 'http://127.0.0.1/callback';
/** The resource indicator (RFC 8707) of the governed API. */
export const RESOURCE_INDICATOR = 'urn:supplyline:governed-api';

/** An application client: client credentials with its own scopes. */
export interface ApplicationClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
}

/** The running provider. */
export interface LocalIdentityProvider {
  /** The issuer (`iss`), also the discovery base. */
  readonly issuer: string;
  readonly audience: string;
  readonly groupsClaim: string;
  readonly people: readonly DemoPerson[];
  /** By consumer name (`ops-cli`, `wms`, `bi`). */
  readonly applications: Readonly<Record<string, ApplicationClient>>;
  stop(): Promise<void>;
}

/** Starts the provider; `settings` gives the audience and the roles (groups) of the environment. */
export async function startIdentityProvider(
  settings: Pick<IdentitySettings, 'audience'>,
  options: { host?: string; port?: number; log?: (line: string) => void } = {},
): Promise<LocalIdentityProvider> {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  const listening = await listen(server, options.port, options.host);
  const issuer = listening.url;

  const applications: Record<string, ApplicationClient> = {};
  for (const consumer of APPLICATION_CONSUMERS) {
    applications[consumer.name] = {
      clientId: consumer.name,
      clientSecret: randomBytes(24).toString('base64url'),
      scopes: consumer.scopes,
    };
  }
  const groupsOf = new Map(DEMO_PEOPLE.map((person) => [person.login, person.groups]));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const allScopes = SUPPLYLINE_SCOPES.join(' ');

  const configuration: Configuration = {
    clients: [
      {
        client_id: PEOPLE_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [PEOPLE_REDIRECT_URI],
        scope: `openid ${allScopes}`,
      },
      {
        // A loopback application (RFC 8252): oidc-provider accepts its redirects on any port, so
        // the dashboard may listen wherever it is free.
        client_id: OPERATIONS_DASHBOARD.clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`http://127.0.0.1${OPERATIONS_DASHBOARD.callbackPath}`],
        post_logout_redirect_uris: [`http://127.0.0.1${OPERATIONS_DASHBOARD.signedOutPath}`],
        scope: ['openid', ...OPERATIONS_DASHBOARD.scopes].join(' '),
      },
      ...Object.values(applications).map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: client.scopes.join(' '),
      })),
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'local-1', alg: 'RS256', use: 'sig' }] },
    scopes: ['openid', ...SUPPLYLINE_SCOPES],
    claims: { openid: ['sub'], profile: ['name'] },
    pkce: { required: () => true },
    // Unknown logins are refused: only the demo people exist.
    findAccount: (_ctx, id) =>
      groupsOf.has(id) ? { accountId: id, claims: () => ({ sub: id }) } : undefined,
    // A person's roles travel in their access token (`groups`), as a corporate IdP would put them.
    extraTokenClaims: (_ctx, token) =>
      'accountId' in token && typeof token.accountId === 'string' && groupsOf.has(token.accountId)
        ? { groups: [...groupsOf.get(token.accountId)!] }
        : undefined,
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE_INDICATOR,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== RESOURCE_INDICATOR) throw new errors.InvalidTarget();
          return {
            scope: allScopes,
            audience: settings.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 3600,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: 3600,
      ClientCredentials: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
  };
  const provider = new Provider(issuer, configuration);
  // oidc-provider warns about its development interactions; locally that is the point.
  provider.on('server_error', (_ctx, error) => options.log?.(`identity provider error: ${error.message}`));
  handle = provider.callback();
  options.log?.(`identity provider ${issuer} (people: ${DEMO_PEOPLE.map((p) => p.login).join(', ')})`);
  return {
    issuer,
    audience: settings.audience,
    groupsClaim: 'groups',
    people: DEMO_PEOPLE,
    applications,
    stop: () => listening.close(),
  };
}
