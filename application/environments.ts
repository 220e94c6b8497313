/**
 * Environment configuration: dev, staging and prod, selected with `cdk deploy -c env=<name>`.
 *
 * Plain data (no aws-cdk-lib import). Every business number is a default of the distributor's
 * business rules (shared/contracts/business-rules.md) that an environment may change.
 * Decimal amounts are strings so nothing rounds them through binary floating point.
 */
import { DEFAULT_PROCUREMENT_POLICY } from '../domain/procurement/policy';
import type { EscalationPolicy } from '../domain/integration-exception-aging';
import type { LaneConcurrency } from './routing';
import type { LaneName } from './routing/lanes';
import type { BusinessMetricName } from './metrics';
import { httpsRequiredIn, outboundUrlProblem } from './outbound';
import {
  ORIGIN_DOMAIN_TO_SET,
  webhookEdgeFromContext,
  webhookEdgeProblems,
  type WebhookEdgeSettings,
} from './webhook-edge';
import {
  DEFAULT_ROLES,
  LOCALHOST_PEOPLE_SIGN_IN,
  SUPPLYLINE_RESOURCE_SERVER,
  identityProblems,
  type IdentitySettings,
  type PeopleSignIn,
} from './identity';
import { ediPartnersFromContext, type EdiPartnerProfile } from './edi-partners';
import { environmentErpProblems, erpInstancesFromContext, type ErpInstance } from './erp-instances';

/** The deployable environments. */
export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;

/** A deployable environment. */
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** When a forecast exception of a velocity class needs action (DEMAND_UPLIFT). */
export interface UpliftThreshold {
  /** Act when uplift >= this fraction (decimal string, `0.10` = 10%). */
  readonly minUplift: string;
  /** ...or when severity >= this. */
  readonly minSeverity: 'low' | 'medium' | 'high' | 'critical';
}

/** The business numbers the functions and workflows apply. */
export interface BusinessRules {
  readonly currency: 'USD';
  /** Monthly committed value per ERP warehouse (decimal string, USD). */
  readonly monthlyBudgetPerWarehouse: string;
  /** Commitments above this total need a person's approval (decimal string, USD; equal does not). */
  readonly approvalLimit: string;
  readonly approvalTimeoutHours: number;
  readonly acknowledgementTimeoutHours: number;
  readonly upliftThresholds: Readonly<Record<'A' | 'B' | 'C', UpliftThreshold>>;
  /** Planning site (= procurement ship_to) -> ERP warehouse code; several sites may share one. */
  readonly siteWarehouses: Readonly<Record<string, string>>;
  /** When open integration exceptions escalate. @default DEFAULT_ESCALATION_POLICY (24 h, critical 4 h) */
  readonly exceptionEscalation?: EscalationPolicy;
}

/** Where the external systems of a deployment are. */
export interface SystemEndpoints {
  /** Procurement platform root URL (token endpoint `/oauth2/token`, API under `/api/v2`). */
  readonly procurementBaseUrl: string;
  /** Tryton server root URL (no database segment). */
  readonly erpBaseUrl: string;
  /** Tryton database name. */
  readonly erpDatabase: string;
}

/** A service level on a business metric (business-rules.md, "Time that matters"). */
export interface SyncLagSlo {
  /** Kebab-case id; names the alarm. */
  readonly flow: string;
  readonly description: string;
  readonly metricName: BusinessMetricName;
  /** Dimensions besides `service`. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly thresholdSeconds: number;
}

import type { PrivateNetwork } from './private-network';
export type { ErpLink, PrivateNetwork } from './private-network';

/** API Gateway throttling. */
export interface Throttle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** Everything that differs between environments. */
export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /** AWS account; undefined synthesizes an environment-agnostic stack. */
  readonly account?: string;
  readonly region: string;
  readonly stackName: string;
  /** Prefix of physical names (queues) so several environments can share an account. */
  readonly resourcePrefix: string;
  /** Keep tables, keys and log groups on stack deletion, and turn on deletion protection. */
  readonly retainData: boolean;
  /** CloudWatch Logs retention of every log group (a CloudWatch-supported number of days). */
  readonly logRetentionDays: number;
  /** EventBridge archive retention, for replays. */
  readonly eventArchiveRetentionDays: number;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Stamped on every canonical event the functions emit (TENANT_ID). */
  readonly tenantId: string;
  /** The external systems; set per deployment (context `-c procurementBaseUrl=...`). */
  readonly systems: SystemEndpoints;
  /** Run the ERP callers in a VPC reaching a private ERP (context `-c privateNetwork='{...}'`). @default none */
  readonly privateNetwork?: PrivateNetwork;
  readonly concurrency: Readonly<Record<LaneName, LaneConcurrency>>;
  readonly alarms: {
    /** Alarm when a DLQ holds more messages than this. */
    readonly dlqDepthThreshold: number;
    /** Alarm when the oldest message of a lane's queue is older than this. */
    readonly oldestMessageAgeSeconds: Readonly<Record<LaneName, number>>;
    readonly syncLagSlos: readonly SyncLagSlo[];
    /** Alarm when the oldest open integration exception is older than this. */
    readonly exceptionAgingSeconds: number;
    /** Alarm when a reconciliation run finds more differences per 100 orders compared than this. */
    readonly reconciliationDriftPercent: number;
  };
  readonly notifications: {
    /** Email addresses subscribed to the alarm topic (confirmed by the recipient). */
    readonly alarmEmails: readonly string[];
  };
  readonly waf: {
    readonly enabled: boolean;
    /** Requests per 5 minutes from one IP before WAF blocks it. */
    readonly rateLimitPer5Minutes: number;
  };
  readonly api: {
    readonly stageName: string;
    /** Stage default of both APIs (the governed REST API and the webhook HTTP API). */
    readonly throttling: Throttle;
    /** Webhook routes (HTTP API route settings): vendors retry, so a burst of retries must pass. */
    readonly webhookThrottling: Throttle;
    /**
     * Concurrent executions reserved for (and capping) each webhook function, so a flood cannot
     * take the account's concurrency from the consumers, nor the consumers from the webhooks.
     * Undefined leaves them unreserved (dev: new accounts may have no concurrency to reserve).
     */
    readonly webhookReservedConcurrency?: number;
    /** CloudFront + WAF in front of the webhook HTTP API (ADR 0007); vendors use its URL. */
    readonly webhookEdge: WebhookEdgeSettings;
    /** API-key methods of the REST API (operators, approval tooling). */
    readonly governedThrottling: Throttle;
    /** Requests per day per API key. */
    readonly usagePlanQuotaPerDay: number;
  };
  readonly business: BusinessRules;
  /** Who may call the governed API (application/identity.ts). */
  readonly identity: IdentitySettings;
  /** Suppliers trading by EDI (application/edi-partners.ts). @default none */
  readonly ediPartners?: readonly EdiPartnerProfile[];
  /** ERP instances, one per business unit, primary first (application/erp-instances.ts). @default one from `systems` */
  readonly erpInstances?: readonly ErpInstance[];
}

/** CloudWatch Logs retention values (days) the service accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const POLICY = DEFAULT_PROCUREMENT_POLICY;

/** The business rules' defaults: the numbers come from the domain policy, never restated here. */
const BUSINESS_DEFAULTS: BusinessRules = {
  currency: 'USD',
  monthlyBudgetPerWarehouse: POLICY.monthlyBudgetPerWarehouse.toMoneyString(),
  approvalLimit: POLICY.approvalLimit.toMoneyString(),
  approvalTimeoutHours: POLICY.approvalTimeoutHours,
  acknowledgementTimeoutHours: POLICY.acknowledgementTimeoutHours,
  upliftThresholds: {
    A: {
      minUplift: POLICY.upliftThresholds.A.minUplift.toString(),
      minSeverity: POLICY.upliftThresholds.A.minSeverity,
    },
    B: {
      minUplift: POLICY.upliftThresholds.B.minUplift.toString(),
      minSeverity: POLICY.upliftThresholds.B.minSeverity,
    },
    C: {
      minUplift: POLICY.upliftThresholds.C.minUplift.toString(),
      minSeverity: POLICY.upliftThresholds.C.minSeverity,
    },
  },
  siteWarehouses: {
    'DC-EAST-02': 'WH-EAST',
    'DC-EAST-03': 'WH-EAST',
    'DC-WEST-01': 'WH-WEST',
    'DC-NORTH-01': 'WH-NORTH',
    'DC-SOUTH-01': 'WH-SOUTH',
  },
};

/**
 * Placeholders: the systems' addresses are set per deployment with context
 * (`-c procurementBaseUrl=https://... -c erpBaseUrl=https://... -c erpDatabase=...`).
 * `.invalid` never resolves, so a deployment that forgot them fails its first call loudly.
 */
const SYSTEMS_TO_SET_PER_DEPLOYMENT: SystemEndpoints = {
  procurementBaseUrl: 'https://procurement.set-per-deployment.invalid',
  erpBaseUrl: 'https://erp.set-per-deployment.invalid',
  erpDatabase: 'supplyline',
};

const SYNC_LAG_SLOS: readonly SyncLagSlo[] = [
  {
    flow: 'forecast-exception-to-purchase-order',
    description: 'Forecast exception received -> PO posted in the ERP (no approval): under 5 minutes',
    metricName: 'ForecastToOrderSeconds',
    dimensions: {},
    thresholdSeconds: 300,
  },
  {
    flow: 'acknowledgement-to-erp',
    description: 'Supplier acknowledgement received -> ERP purchase order updated: under 2 minutes',
    metricName: 'SyncLagSeconds',
    dimensions: { ObjectType: 'purchase-order-acknowledgement', SystemPair: 'procurement-erp' },
    thresholdSeconds: 120,
  },
  {
    flow: 'receipt-to-procurement',
    description: 'ERP receipt posted -> procurement PO status updated: under 5 minutes',
    metricName: 'SyncLagSeconds',
    dimensions: { ObjectType: 'receipt', SystemPair: 'erp-procurement' },
    thresholdSeconds: 300,
  },
];

const DEFAULT_REGION = 'us-east-1';

/** No issuer configured: the stack's own Cognito user pool, whose groups are `cognito:groups`. */
const OWN_USER_POOL: Omit<IdentitySettings, 'peopleSignIn'> = {
  audience: SUPPLYLINE_RESOURCE_SERVER,
  groupsClaim: 'cognito:groups',
  roles: DEFAULT_ROLES,
};

/**
 * Placeholder sign-in of staging and prod, set per deployment with context
 * (`-c identityCallbackUrls=https://...,https://... -c identityLogoutUrls=https://...`); like the
 * systems' `.invalid` addresses, a deployment that forgot them fails its first sign-in loudly.
 */
const SIGN_IN_TO_SET_PER_DEPLOYMENT: PeopleSignIn = {
  callbackUrls: ['https://approvals.set-per-deployment.invalid/callback'],
  logoutUrls: ['https://approvals.set-per-deployment.invalid/'],
};

type EnvironmentDefaults = Omit<EnvironmentConfig, 'account' | 'region'>;

/** The checked-in defaults; account, region and alarm emails come from context or environment. */
export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentDefaults>> = {
  dev: {
    name: 'dev',
    stackName: 'Supplyline-dev',
    resourcePrefix: 'supplyline-dev',
    retainData: false,
    logRetentionDays: 14,
    eventArchiveRetentionDays: 7,
    logLevel: 'DEBUG',
    tenantId: 'dev',
    systems: SYSTEMS_TO_SET_PER_DEPLOYMENT,
    concurrency: {
      critical: { perConsumer: 2, laneBudget: 10 },
      standard: { perConsumer: 2, laneBudget: 6 },
      // +4: the read-store invalidation (system APIs, issue #17; cheap writes, no system calls) and
      // the on-demand reconciliation run (issue #20; one at a time, by its lease).
      bulk: { perConsumer: 2, laneBudget: 8 },
    },
    alarms: {
      dlqDepthThreshold: 0,
      oldestMessageAgeSeconds: { critical: 120, standard: 900, bulk: 3600 },
      syncLagSlos: SYNC_LAG_SLOS,
      exceptionAgingSeconds: 24 * 3600,
      reconciliationDriftPercent: 5,
    },
    notifications: { alarmEmails: [] },
    waf: { enabled: false, rateLimitPer5Minutes: 1000 },
    api: {
      stageName: 'dev',
      throttling: { rateLimit: 10, burstLimit: 20 },
      webhookThrottling: { rateLimit: 20, burstLimit: 40 },
      webhookEdge: { enabled: false, rateLimitPer5Minutes: 1000 },
      governedThrottling: { rateLimit: 5, burstLimit: 10 },
      usagePlanQuotaPerDay: 10_000,
    },
    business: BUSINESS_DEFAULTS,
    identity: { ...OWN_USER_POOL, peopleSignIn: LOCALHOST_PEOPLE_SIGN_IN },
  },
  staging: {
    name: 'staging',
    stackName: 'Supplyline-staging',
    resourcePrefix: 'supplyline-staging',
    retainData: false,
    logRetentionDays: 30,
    eventArchiveRetentionDays: 14,
    logLevel: 'INFO',
    tenantId: 'staging',
    systems: SYSTEMS_TO_SET_PER_DEPLOYMENT,
    concurrency: {
      // Five critical consumers (shipment-sync the fifth) at five each, as dev and prod size theirs.
      critical: { perConsumer: 5, laneBudget: 25 },
      standard: { perConsumer: 3, laneBudget: 10 },
      // +4: the read-store invalidation (system APIs, issue #17; cheap writes, no system calls) and
      // the on-demand reconciliation run (issue #20; one at a time, by its lease).
      bulk: { perConsumer: 2, laneBudget: 8 },
    },
    alarms: {
      dlqDepthThreshold: 0,
      oldestMessageAgeSeconds: { critical: 120, standard: 900, bulk: 3600 },
      syncLagSlos: SYNC_LAG_SLOS,
      exceptionAgingSeconds: 8 * 3600,
      reconciliationDriftPercent: 2,
    },
    notifications: { alarmEmails: [] },
    waf: { enabled: true, rateLimitPer5Minutes: 2000 },
    api: {
      stageName: 'staging',
      throttling: { rateLimit: 50, burstLimit: 100 },
      webhookThrottling: { rateLimit: 50, burstLimit: 100 },
      webhookReservedConcurrency: 10,
      webhookEdge: {
        enabled: true,
        rateLimitPer5Minutes: 2000,
        originDomain: ORIGIN_DOMAIN_TO_SET('staging'),
      },
      governedThrottling: { rateLimit: 10, burstLimit: 20 },
      usagePlanQuotaPerDay: 50_000,
    },
    business: BUSINESS_DEFAULTS,
    identity: { ...OWN_USER_POOL, peopleSignIn: SIGN_IN_TO_SET_PER_DEPLOYMENT },
  },
  prod: {
    name: 'prod',
    stackName: 'Supplyline-prod',
    resourcePrefix: 'supplyline-prod',
    retainData: true,
    logRetentionDays: 90,
    eventArchiveRetentionDays: 90,
    logLevel: 'INFO',
    tenantId: 'prod',
    systems: SYSTEMS_TO_SET_PER_DEPLOYMENT,
    concurrency: {
      critical: { perConsumer: 10, laneBudget: 50 },
      standard: { perConsumer: 5, laneBudget: 20 },
      // Four bulk consumers at 2, as in dev and staging (read-store invalidation, on-demand runs).
      bulk: { perConsumer: 2, laneBudget: 8 },
    },
    alarms: {
      dlqDepthThreshold: 0,
      oldestMessageAgeSeconds: { critical: 120, standard: 900, bulk: 3600 },
      syncLagSlos: SYNC_LAG_SLOS,
      exceptionAgingSeconds: 4 * 3600,
      reconciliationDriftPercent: 1,
    },
    notifications: { alarmEmails: [] },
    waf: { enabled: true, rateLimitPer5Minutes: 2000 },
    api: {
      stageName: 'prod',
      throttling: { rateLimit: 200, burstLimit: 400 },
      webhookThrottling: { rateLimit: 100, burstLimit: 200 },
      // 100 deliveries/s at ~100 ms each is ~10 at once; room for the burst and slow PutEvents.
      webhookReservedConcurrency: 25,
      webhookEdge: { enabled: true, rateLimitPer5Minutes: 2000, originDomain: ORIGIN_DOMAIN_TO_SET('prod') },
      governedThrottling: { rateLimit: 20, burstLimit: 40 },
      usagePlanQuotaPerDay: 100_000,
    },
    business: BUSINESS_DEFAULTS,
    identity: { ...OWN_USER_POOL, peopleSignIn: SIGN_IN_TO_SET_PER_DEPLOYMENT },
  },
};

/** Where {@link loadEnvironmentConfig} reads overrides from. */
export interface ConfigSources {
  /** CDK context lookup (`app.node.tryGetContext`). */
  readonly context?: (key: string) => unknown;
  /** Process environment (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION are set by the CLI). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** True when `value` names a deployable environment. */
export function isEnvironmentName(value: unknown): value is EnvironmentName {
  return typeof value === 'string' && (ENVIRONMENT_NAMES as readonly string[]).includes(value);
}

/**
 * The configuration of `name`, with overrides from context (`-c account=`, `-c region=`,
 * `-c alarmEmails=a@x,b@y`, `-c tenantId=`, `-c procurementBaseUrl=`, `-c erpBaseUrl=`,
 * `-c erpDatabase=`, `-c identityIssuer=`, `-c identityAudience=`, `-c identityGroupsClaim=`,
 * `-c identityCallbackUrls=`, `-c identityLogoutUrls=`, `-c erpInstances=`) and CDK_DEFAULT_* variables.
 * Works offline with no credentials: without an account the stack is environment-agnostic.
 * @throws Error for an unknown environment or an invalid configuration.
 */
export function loadEnvironmentConfig(name: unknown, sources: ConfigSources = {}): EnvironmentConfig {
  if (!isEnvironmentName(name)) {
    const given = name === undefined ? 'no environment' : `unknown environment '${String(name)}'`;
    throw new Error(
      `Supplyline: ${given}. Choose one of ${ENVIRONMENT_NAMES.join(', ')}, e.g. \`cdk deploy -c env=dev\`.`,
    );
  }
  const context = sources.context ?? (() => undefined);
  const env = sources.env ?? {};
  const text = (key: string): string | undefined => {
    const value = context(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const defaults = ENVIRONMENTS[name];
  const emails = text('alarmEmails');
  const config: EnvironmentConfig = {
    ...defaults,
    account: text('account') ?? nonEmpty(env.CDK_DEFAULT_ACCOUNT),
    region: text('region') ?? nonEmpty(env.CDK_DEFAULT_REGION) ?? DEFAULT_REGION,
    tenantId: text('tenantId') ?? defaults.tenantId,
    systems: {
      procurementBaseUrl: text('procurementBaseUrl') ?? defaults.systems.procurementBaseUrl,
      erpBaseUrl: text('erpBaseUrl') ?? defaults.systems.erpBaseUrl,
      erpDatabase: text('erpDatabase') ?? defaults.systems.erpDatabase,
    },
    notifications: {
      alarmEmails: emails ? emails.split(',').map((e) => e.trim()) : defaults.notifications.alarmEmails,
    },
    api: { ...defaults.api, webhookEdge: webhookEdgeFromContext(defaults.api.webhookEdge, text) },
    ...privateNetworkFrom(text('privateNetwork'), defaults.privateNetwork),
    identity: identityOverrides(defaults.identity, text),
    ediPartners: ediPartnersFromContext(name, text('ediPartners')),
    ...erpInstancesFromContext(text('erpInstances'), defaults.erpInstances),
  };
  validateEnvironmentConfig(config);
  return config;
}

function privateNetworkFrom(
  json: string | undefined,
  fallback: PrivateNetwork | undefined,
): { privateNetwork?: PrivateNetwork } {
  if (json === undefined) return fallback ? { privateNetwork: fallback } : {};
  try {
    return { privateNetwork: JSON.parse(json) as PrivateNetwork };
  } catch (error) {
    throw new Error(`Supplyline: context privateNetwork is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function privateNetworkProblems(network: PrivateNetwork): string[] {
  const problems: string[] = [];
  if (!CIDR.test(network.cidr)) problems.push(`privateNetwork.cidr '${network.cidr}' is not an IPv4 CIDR`);
  if (
    !Number.isInteger(network.availabilityZones) ||
    network.availabilityZones < 1 ||
    network.availabilityZones > 3
  )
    problems.push('privateNetwork.availabilityZones must be 1-3');
  if (!Array.isArray(network.erpCidrs) || network.erpCidrs.length === 0)
    problems.push('privateNetwork.erpCidrs must name the ERP network');
  for (const cidr of network.erpCidrs ?? [])
    if (!CIDR.test(cidr)) problems.push(`privateNetwork.erpCidrs '${cidr}' is not an IPv4 CIDR`);
  if (!Number.isInteger(network.erpPort) || network.erpPort < 1 || network.erpPort > 65_535)
    problems.push('privateNetwork.erpPort must be a TCP port');
  const link = network.link;
  if (link?.kind === 'site-to-site-vpn') {
    if (!IPV4.test(link.customerGatewayIp))
      problems.push(
        `privateNetwork.link.customerGatewayIp '${link.customerGatewayIp}' is not an IPv4 address`,
      );
  } else if (link?.kind === 'transit-gateway') {
    if (!/^tgw-[0-9a-f]{8,17}$/.test(link.transitGatewayId))
      problems.push(
        `privateNetwork.link.transitGatewayId '${link.transitGatewayId}' is not a transit gateway id`,
      );
  } else {
    problems.push("privateNetwork.link.kind must be 'site-to-site-vpn' or 'transit-gateway'");
  }
  return problems;
}

/**
 * The distributor's own IdP: `-c identityIssuer=https://... -c identityAudience=... -c identityGroupsClaim=...`;
 * the own pool's sign-in URLs: `-c identityCallbackUrls=https://a,https://b -c identityLogoutUrls=...`.
 */
function identityOverrides(
  defaults: IdentitySettings,
  text: (key: string) => string | undefined,
): IdentitySettings {
  const issuer = text('identityIssuer') ?? defaults.issuer;
  const urls = (key: string) =>
    text(key)
      ?.split(',')
      .map((url) => url.trim());
  return {
    ...defaults,
    ...(issuer !== undefined ? { issuer } : {}),
    audience: text('identityAudience') ?? defaults.audience,
    // An external IdP names its groups claim itself; `groups` unless told.
    groupsClaim: text('identityGroupsClaim') ?? (issuer !== undefined ? 'groups' : defaults.groupsClaim),
    peopleSignIn: {
      callbackUrls: urls('identityCallbackUrls') ?? defaults.peopleSignIn.callbackUrls,
      logoutUrls: urls('identityLogoutUrls') ?? defaults.peopleSignIn.logoutUrls,
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}

const DECIMAL = /^(0|[1-9][0-9]*)\.[0-9]{2}$/;
const FRACTION = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * Checks the configuration; throws listing every problem.
 */
export function validateEnvironmentConfig(config: EnvironmentConfig): void {
  const problems: string[] = [];
  const where = `environment '${config.name}'`;
  if (config.account !== undefined && !/^\d{12}$/.test(config.account)) {
    problems.push(`account '${config.account}' is not a 12-digit AWS account id`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region))
    problems.push(`region '${config.region}' is not an AWS region`);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(config.logRetentionDays)) {
    problems.push(
      `logRetentionDays ${config.logRetentionDays} is not one of ${LOG_RETENTION_DAYS.join(', ')}`,
    );
  }
  if (config.eventArchiveRetentionDays < 1) problems.push('eventArchiveRetentionDays must be at least 1');
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:/#-]{0,63}$/.test(config.tenantId))
    problems.push(`tenantId '${config.tenantId}' is not an identifier`);
  for (const key of ['procurementBaseUrl', 'erpBaseUrl'] as const) {
    const problem = outboundUrlProblem(config.systems[key], httpsRequiredIn(config.name));
    if (problem) problems.push(`systems.${key} ${problem}`);
  }
  if (config.systems.erpDatabase.trim() === '') problems.push('systems.erpDatabase must not be empty');
  if (config.privateNetwork) problems.push(...privateNetworkProblems(config.privateNetwork));
  if (config.name === 'prod' && !config.retainData) problems.push('prod must retain data');
  for (const [lane, budget] of Object.entries(config.concurrency)) {
    if (budget.perConsumer < 2) problems.push(`lane ${lane}: perConsumer concurrency must be at least 2`);
    if (budget.laneBudget < budget.perConsumer) problems.push(`lane ${lane}: laneBudget below perConsumer`);
  }
  if (config.alarms.dlqDepthThreshold < 0) problems.push('dlqDepthThreshold must be >= 0');
  for (const email of config.notifications.alarmEmails) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      problems.push(`alarm email '${email}' is not an email address`);
  }
  if (config.waf.rateLimitPer5Minutes < 10) problems.push('waf.rateLimitPer5Minutes must be at least 10');
  problems.push(...webhookEdgeProblems(config.api.webhookEdge, config.region, config.account));
  const reserved = config.api.webhookReservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1))
    problems.push('api.webhookReservedConcurrency must be a positive integer');
  for (const [name, throttle] of Object.entries({
    throttling: config.api.throttling,
    webhookThrottling: config.api.webhookThrottling,
    governedThrottling: config.api.governedThrottling,
  })) {
    if (throttle.rateLimit <= 0 || throttle.burstLimit < 1) problems.push(`api.${name} must be positive`);
  }
  const business = config.business;
  if (!DECIMAL.test(business.monthlyBudgetPerWarehouse)) {
    problems.push(
      `monthlyBudgetPerWarehouse '${business.monthlyBudgetPerWarehouse}' must be a decimal with 2 places`,
    );
  }
  if (!DECIMAL.test(business.approvalLimit)) {
    problems.push(`approvalLimit '${business.approvalLimit}' must be a decimal with 2 places`);
  }
  for (const [cls, threshold] of Object.entries(business.upliftThresholds)) {
    if (!FRACTION.test(threshold.minUplift))
      problems.push(`uplift threshold ${cls} '${threshold.minUplift}' is not a decimal`);
  }
  if (business.approvalTimeoutHours <= 0 || business.acknowledgementTimeoutHours <= 0) {
    problems.push('approval and acknowledgement timeouts must be positive');
  }
  for (const [site, warehouse] of Object.entries(business.siteWarehouses)) {
    if (site.trim() === '' || warehouse.trim() === '')
      problems.push(`site -> warehouse '${site}' -> '${warehouse}' must name both`);
  }
  problems.push(...identityProblems(config.identity, { loopbackSignIn: config.name === 'dev' }));
  problems.push(...environmentErpProblems(config));
  if (problems.length > 0) throw new Error(`Invalid ${where}:\n- ${problems.join('\n- ')}`);
}
