/**
 * The governed API's identity provider for the local runtime: the local OpenID Connect provider,
 * configured from the synthesized template (the audience the authorizer expects), or the user's
 * own provider by URL. Either way the functions that verify access tokens (those with the
 * IDENTITY_* variables of their `identity` grant) are pointed at that issuer.
 */
import type { TemplateModel } from '../../assembly';
import { IDENTITY_ENV_VARS } from '../../application/resources';
import { RESOURCE_INDICATOR, startIdentityProvider, type LocalIdentityProvider } from './provider';
import { applicationToken, personToken } from './tokens';
import { OPERATIONS_DASHBOARD, SUPPLYLINE_SCOPES } from '../../application/identity';
import type { SignInSettings } from '../dashboard/sign-in';

/** The issuer of the local runtime's access tokens. */
export interface LocalIdentity {
  readonly issuer: string;
  readonly audience: string;
  readonly groupsClaim: string;
  /**
   * The public client the local dashboard signs people in with: the local provider's, or the one
   * configured for your provider (none: the dashboard's actions stay refused).
   */
  readonly dashboardClient?: { readonly clientId: string; readonly resource?: string };
  /** The local provider, unless the runtime uses your own. */
  readonly provider?: LocalIdentityProvider;
  /** Environment variables per function (the token verifiers'). */
  readonly functionOverrides: Record<string, Record<string, string>>;
  /**
   * An access token from the local provider: a demo person's (code + PKCE, every Supplyline scope)
   * or a demo application's (client credentials, its scopes).
   */
  token(who: { person: string } | { application: string }): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the local provider (or adopts `own`). */
export async function startLocalIdentity(
  model: Pick<TemplateModel, 'functions'>,
  options: {
    host: string;
    log: (line: string) => void;
    own?: { issuer: string; audience?: string; groupsClaim?: string; dashboardClientId?: string };
  },
): Promise<LocalIdentity> {
  const verifiers = model.functions.filter((fn) => fn.environment[IDENTITY_ENV_VARS.audience] !== undefined);
  const audience =
    options.own?.audience ?? verifiers[0]?.environment[IDENTITY_ENV_VARS.audience] ?? 'supplyline';
  const provider = options.own ? undefined : await startIdentityProvider({ audience }, options);
  const issuer = options.own?.issuer ?? provider!.issuer;
  if (options.own) options.log(`identity: access tokens of ${issuer} (audience ${audience})`);
  const overrides = {
    [IDENTITY_ENV_VARS.issuer]: issuer,
    [IDENTITY_ENV_VARS.audience]: audience,
    [IDENTITY_ENV_VARS.groupsClaim]: options.own?.groupsClaim ?? provider?.groupsClaim ?? 'groups',
    // Not the stack's Cognito pool: the audience is checked on `aud`.
    [IDENTITY_ENV_VARS.cognitoClientIds]: '',
  };
  const dashboardClient = options.own
    ? options.own.dashboardClientId
      ? { clientId: options.own.dashboardClientId }
      : undefined
    : { clientId: OPERATIONS_DASHBOARD.clientId, resource: RESOURCE_INDICATOR };
  return {
    issuer,
    audience,
    groupsClaim: overrides[IDENTITY_ENV_VARS.groupsClaim],
    ...(dashboardClient ? { dashboardClient } : {}),
    ...(provider ? { provider } : {}),
    functionOverrides: Object.fromEntries(verifiers.map((fn) => [fn.name, overrides])),
    async token(who) {
      if (!provider)
        throw new Error(`tokens come from your identity provider ${issuer}, not from the runtime`);
      if ('person' in who) return personToken(issuer, who.person, SUPPLYLINE_SCOPES);
      const client = provider.applications[who.application];
      if (!client)
        throw new Error(
          `no application '${who.application}' (${Object.keys(provider.applications).join(', ')})`,
        );
      return applicationToken(issuer, client);
    },
    stop: async () => provider?.stop(),
  };
}

/**
 * How the local dashboard signs people in with `identity`'s issuer (discovery on it) and dashboard
 * client; undefined when your provider has no client configured for it.
 */
export function dashboardSignIn(identity: LocalIdentity): SignInSettings | undefined {
  if (!identity.dashboardClient) return undefined;
  return {
    issuer: identity.issuer,
    audience: identity.audience,
    groupsClaim: identity.groupsClaim,
    scopes: OPERATIONS_DASHBOARD.scopes,
    ...identity.dashboardClient,
  };
}

/** What `npm start` prints under the dashboard's address: who signs in to it, and how. */
export function dashboardSignInHelp(identity: LocalIdentity, dashboardUrl: string): string[] {
  const callback = `${new URL(dashboardUrl).origin}${OPERATIONS_DASHBOARD.callbackPath}`;
  if (identity.provider) {
    const [first, ...others] = identity.provider.people.map((person) => person.login);
    return [
      `  reading is open; to redrive or re-submit, Sign in as ${first} (or ${others.join(', ')}), any password`,
    ];
  }
  if (identity.dashboardClient)
    return [
      `  sign in at ${identity.issuer} (client ${identity.dashboardClient.clientId}, callback ${callback})`,
    ];
  return [
    `  read-only: to act, register a public client (code + PKCE) with callback ${callback} at ${identity.issuer}`,
    '  and set SUPPLYLINE_IDENTITY_DASHBOARD_CLIENT_ID (and SUPPLYLINE_DASHBOARD_PORT to keep that port)',
  ];
}
