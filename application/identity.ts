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
}

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
    ],
    throttle: { rateLimit: 5, burstLimit: 10 },
    quotaPerDay: 10_000,
  },
  {
    name: 'wms',
    description: 'The warehouse management system: purchase order sync status',
    scopes: ['supplyline/purchase-orders.read'],
    throttle: { rateLimit: 10, burstLimit: 20 },
    quotaPerDay: 50_000,
  },
  {
    name: 'bi',
    description: 'The BI tool: read-only reporting',
    scopes: ['supplyline/purchase-orders.read', 'supplyline/exceptions.read', 'supplyline/audit.read'],
    throttle: { rateLimit: 2, burstLimit: 5 },
    quotaPerDay: 5_000,
  },
];

/** Checks identity settings; returns every problem found. */
export function identityProblems(settings: IdentitySettings): string[] {
  const problems: string[] = [];
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
