/**
 * Who may call the governed API: the OpenID Connect issuer whose access tokens the API accepts,
 * the audience they must carry, where the person's groups are, and what each role may approve.
 * Plain data (no aws-cdk-lib import), per environment in `environments.ts` (`identity`).
 */
import { DEFAULT_APPROVER_ROLES, type ApproverRole } from '../domain/approval/authority';

/** The scopes of the governed routes (the resource server `supplyline`). */
export const SUPPLYLINE_SCOPES = [
  'supplyline/approvals.decide',
  'supplyline/approvals.read',
  'supplyline/purchase-orders.read',
  'supplyline/exceptions.read',
  'supplyline/exceptions.resolve',
  'supplyline/audit.read',
  // The process APIs (issue #17): validate a proposed purchase order; a supplier's eligibility.
  'supplyline/purchase-orders.validate',
  'supplyline/suppliers.read',
  // Purchase requisitions (issue #17): submit (and cancel one's own), read their status.
  'supplyline/requisitions.submit',
  'supplyline/requisitions.read',
  // The system APIs (issue #17): items, locations and inventory balances (suppliers and purchase
  // orders use the scopes above).
  'supplyline/items.read',
  'supplyline/locations.read',
  'supplyline/inventory.read',
  // On-demand reconciliation runs (issue #20): ask for one, read its status.
  'supplyline/reconciliation.run',
] as const;

/** A scope of a governed route. */
export type SupplylineScope = (typeof SUPPLYLINE_SCOPES)[number];

/** What a role may approve (domain/approval/authority.ts); a person's roles are their token's groups. */
export type RoleSettings = ApproverRole;

/** An application of the distributor calling with the client-credentials grant (a WMS, a BI tool). */
export interface ApplicationConsumer {
  /** Kebab-case; names its client and its usage plan. */
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly SupplylineScope[];
  /** Its own usage-plan throttle, so one consumer cannot exhaust another's budget. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Requests per day. */
  readonly quotaPerDay: number;
}

/** The identity settings of an environment. */
export interface IdentitySettings {
  /** The distributor's OpenID Connect issuer URL; undefined: the stack's own Cognito user pool. */
  readonly issuer?: string;
  /**
   * The audience of access tokens (`aud`). With the stack's Cognito pool (whose access tokens carry
   * no `aud`) it is the resource server identifier: a token's scopes must be this server's.
   */
  readonly audience: string;
  /** The claim listing the person's groups (Cognito: `cognito:groups`). */
  readonly groupsClaim: string;
  readonly roles: Readonly<Record<string, RoleSettings>>;
  /** Where the stack's own pool may send a person after signing in or out (unused with `issuer`). */
  readonly peopleSignIn: PeopleSignIn;
}

/** The redirect URLs of the people client (authorization code + PKCE) of the stack's own pool. */
export interface PeopleSignIn {
  /** Where the code is returned: the approvals UI's callback. */
  readonly callbackUrls: readonly string[];
  /** Where signing out may return to. */
  readonly logoutUrls: readonly string[];
}

/** The placeholder sign-in of a developer's machine (dev only: a loopback redirect). */
export const LOCALHOST_PEOPLE_SIGN_IN: PeopleSignIn = {
  callbackUrls: ['http://localhost:8976/callback'],
  logoutUrls: ['http://localhost:8976/'],
};

/** The roles of the business rules ("Who may approve"), as the domain states them. */
export const DEFAULT_ROLES: Readonly<Record<string, RoleSettings>> = DEFAULT_APPROVER_ROLES;

/** The resource server identifier (and the scopes' prefix). */
export const SUPPLYLINE_RESOURCE_SERVER = 'supplyline';

/** The application consumers every environment's own identity provider registers. */
export const APPLICATION_CONSUMERS: readonly ApplicationConsumer[] = [
  {
    name: 'ops-cli',
    description: 'The operations CLI (npm run ops)',
    scopes: [
      'supplyline/purchase-orders.read',
      'supplyline/exceptions.read',
      'supplyline/exceptions.resolve',
      'supplyline/approvals.read',
      'supplyline/audit.read',
      'supplyline/reconciliation.run',
    ],
    throttle: { rateLimit: 5, burstLimit: 10 },
    quotaPerDay: 10_000,
  },
  {
    name: 'wms',
    description:
      'The warehouse management system: purchase orders, the system APIs it reads, and requisitions for what it must replenish',
    scopes: [
      'supplyline/purchase-orders.read',
      'supplyline/requisitions.submit',
      'supplyline/requisitions.read',
      'supplyline/items.read',
      'supplyline/locations.read',
      'supplyline/inventory.read',
    ],
    throttle: { rateLimit: 10, burstLimit: 20 },
    quotaPerDay: 50_000,
  },
  {
    name: 'bi',
    description: 'The BI tool: read-only reporting',
    scopes: [
      'supplyline/purchase-orders.read',
      'supplyline/exceptions.read',
      'supplyline/audit.read',
      'supplyline/requisitions.read',
      'supplyline/items.read',
      'supplyline/suppliers.read',
    ],
    throttle: { rateLimit: 2, burstLimit: 5 },
    quotaPerDay: 5_000,
  },
];

/** An application people sign in to (authorization code + PKCE, a public client: no secret). */
export interface PeopleApplication {
  /** Its client id at the identity provider. */
  readonly clientId: string;
  readonly description: string;
  /** What its sign-in asks for, beyond `openid`. */
  readonly scopes: readonly SupplylineScope[];
  /** Where on the application's own origin the code is returned (a loopback app: any port). */
  readonly callbackPath: string;
  /** Where on its origin signing out at the provider returns. */
  readonly signedOutPath: string;
}

/**
 * The local operations dashboard (local/dashboard): people sign in to it to redrive, re-submit and
 * decide; its actions on the governed API carry the person's own access token, so it asks for
 * every scope a person may hold.
 */
export const OPERATIONS_DASHBOARD: PeopleApplication = {
  clientId: 'supplyline-dashboard',
  description: 'The local operations dashboard (npm start)',
  scopes: [...SUPPLYLINE_SCOPES],
  callbackPath: '/_dashboard/auth/callback',
  signedOutPath: '/_dashboard',
};

/**
 * Checks identity settings; returns every problem found. Sign-in URLs must be https; a loopback
 * `http://localhost` one only where `loopbackSignIn` (dev), since elsewhere any process on the
 * person's machine could take the authorization code.
 */
export function identityProblems(settings: IdentitySettings, options: { loopbackSignIn: boolean }): string[] {
  const problems: string[] = [];
  const { callbackUrls, logoutUrls } = settings.peopleSignIn;
  if (callbackUrls.length === 0)
    problems.push('identity.peopleSignIn.callbackUrls must name at least one URL');
  for (const [name, urls] of [
    ['callbackUrls', callbackUrls],
    ['logoutUrls', logoutUrls],
  ] as const) {
    for (const url of urls)
      if (!signInUrlAllowed(url, options.loopbackSignIn))
        problems.push(
          `identity.peopleSignIn.${name} '${url}' must be an https URL${options.loopbackSignIn ? ' or http://localhost' : ' (not localhost)'}`,
        );
  }
  if (settings.issuer !== undefined && !/^https:\/\/[^\s/]+/.test(settings.issuer))
    problems.push(`identity.issuer '${settings.issuer}' is not an https URL`);
  if (settings.audience.trim() === '') problems.push('identity.audience must not be empty');
  if (settings.groupsClaim.trim() === '') problems.push('identity.groupsClaim must not be empty');
  for (const [role, { approvalLimitUsd }] of Object.entries(settings.roles)) {
    if (approvalLimitUsd !== null && !/^(0|[1-9][0-9]*)\.[0-9]{2}$/.test(approvalLimitUsd))
      problems.push(
        `identity.roles.${role}.approvalLimitUsd '${approvalLimitUsd}' must be a decimal with 2 places`,
      );
  }
  return problems;
}

function signInUrlAllowed(url: string, loopbackSignIn: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const loopback = parsed.hostname === 'localhost';
  if (parsed.hash !== '') return false; // OAuth 2.0 forbids a fragment in a redirect URI.
  if (loopback) return loopbackSignIn;
  return parsed.protocol === 'https:';
}
