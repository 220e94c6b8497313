/**
 * The webhook edge's settings per environment (ADR 0007): CloudFront + WAF in front of the
 * webhook HTTP API, whose only address is then a custom domain, CloudFront's origin.
 */

/** CloudFront + WAF in front of the webhook HTTP API; vendors use its URL. */
export interface WebhookEdgeSettings {
  readonly enabled: boolean;
  /** Requests per 5 minutes from one IP before the edge blocks it. */
  readonly rateLimitPer5Minutes: number;
  /**
   * The webhook HTTP API's custom domain, CloudFront's origin; required with the edge, whose
   * environments disable the API's execute-api endpoint so that nothing reaches the route
   * throttle around the WebACL (`-c webhookDomainName=... -c webhookCertificateArn=...`).
   */
  readonly originDomain?: OriginDomain;
}

/** A regional custom domain of the webhook HTTP API. */
export interface OriginDomain {
  /** e.g. `wh-7f3k.example.com`; a DNS record points it at the API's regional domain name. */
  readonly domainName: string;
  /** An ACM certificate covering `domainName`, in the API's region and account. */
  readonly certificateArn: string;
}

/**
 * The placeholder origin of an edge-protected environment, set per deployment (ADR 0007's
 * one-time setup): offline synthesis works with it, a configuration that names an account refuses it.
 */
export const ORIGIN_DOMAIN_TO_SET = (environment: string): OriginDomain => ({
  domainName: `webhooks-origin.${environment}.set-per-deployment.invalid`,
  certificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000',
});

/** The edge settings with `-c webhookDomainName=` and `-c webhookCertificateArn=` applied. */
export function webhookEdgeFromContext(
  defaults: WebhookEdgeSettings,
  text: (key: string) => string | undefined,
): WebhookEdgeSettings {
  const domainName = text('webhookDomainName');
  const certificateArn = text('webhookCertificateArn');
  if (domainName === undefined && certificateArn === undefined) return defaults;
  return {
    ...defaults,
    originDomain: {
      domainName: domainName ?? defaults.originDomain?.domainName ?? '',
      certificateArn: certificateArn ?? defaults.originDomain?.certificateArn ?? '',
    },
  };
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;
const SET_IT = 'set -c webhookDomainName=<host> -c webhookCertificateArn=<ACM certificate ARN> (ADR 0007)';

/** What is wrong with an environment's edge settings (empty when nothing). */
export function webhookEdgeProblems(
  edge: WebhookEdgeSettings,
  region: string,
  account: string | undefined,
): string[] {
  const problems: string[] = [];
  if (edge.rateLimitPer5Minutes < 10)
    problems.push('api.webhookEdge.rateLimitPer5Minutes must be at least 10');
  if (!edge.enabled) return problems;
  // CloudFront's WebACL is created with the stack, and CloudFront WebACLs exist only in us-east-1.
  if (region !== 'us-east-1')
    problems.push(`api.webhookEdge needs region us-east-1 (CloudFront WebACLs live there), not ${region}`);
  const origin = edge.originDomain;
  if (!origin) return [...problems, `api.webhookEdge needs originDomain, the API's custom domain: ${SET_IT}`];
  if (origin.domainName.endsWith('.set-per-deployment.invalid')) {
    if (account !== undefined)
      problems.push(`api.webhookEdge.originDomain is still the placeholder (account ${account}): ${SET_IT}`);
    return problems;
  }
  const where = 'api.webhookEdge.originDomain';
  if (!HOSTNAME.test(origin.domainName))
    problems.push(`${where}.domainName '${origin.domainName}' is not a host name`);
  const arn = ACM_ARN.exec(origin.certificateArn);
  if (!arn) problems.push(`${where}.certificateArn '${origin.certificateArn}' is not an ACM certificate ARN`);
  // API Gateway takes a regional domain's certificate from the API's own region and account.
  else if (arn[1] !== region)
    problems.push(`${where}.certificateArn is in ${arn[1]}, not the API's region ${region}`);
  else if (account !== undefined && arn[2] !== account)
    problems.push(`${where}.certificateArn is in account ${arn[2]}, not ${account}`);
  return problems;
}
