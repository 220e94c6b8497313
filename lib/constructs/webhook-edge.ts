import { Duration, type RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { FunctionKey } from '../../application/functions';
import type { WebhookApi } from './webhook-api';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WEBHOOK_EDGE_HEADER } from '../../application/resources';
import {
  PROBLEM_KINDS,
  WEBHOOK_EDGE_PROBLEMS,
  problemType,
  type WebhookEdgeStatus,
} from '../../application/api-problems';

/**
 * The header each webhook function's vendor signs its deliveries in (shared/contracts:
 * planning-platform.md, procurement-platform.md); test/lib/webhook-edge.test.ts holds it to the
 * adapters' own constants.
 */
export const WEBHOOK_SIGNATURE_HEADERS: Readonly<Partial<Record<FunctionKey, string>>> = {
  'planning-webhook': 'x-planning-signature',
  'procurement-webhook': 'x-proc-signature',
};

/** The signature header of a webhook function's vendor; throws for a webhook the edge does not know. */
export function signatureHeaderOf(handler: FunctionKey): string {
  const header = WEBHOOK_SIGNATURE_HEADERS[handler];
  if (!header) {
    throw new Error(
      `WebhookEdge: no signature header for '${handler}' (add it to WEBHOOK_SIGNATURE_HEADERS)`,
    );
  }
  return header;
}

/** Both vendors' largest webhook body (bytes). */
export const WEBHOOK_MAX_BODY_BYTES = 262_144;

/** One vendor webhook as the edge sees it. */
export interface EdgeWebhook {
  /** The route path, e.g. `/v1/webhooks/planning`. */
  readonly path: string;
  /** The header every delivery of this vendor carries its HMAC signature in (lower case). */
  readonly signatureHeader: string;
}

/** Properties of {@link WebhookEdge}. */
export interface WebhookEdgeProps {
  /** The API behind the edge, reached at its custom domain (its execute-api endpoint disabled). */
  readonly webhookApi: WebhookApi;
  readonly webhooks: readonly EdgeWebhook[];
  /** Requests per 5 minutes from one IP before it is blocked. */
  readonly rateLimitPer5Minutes: number;
  /** The vendors' largest body (bytes); a larger Content-Length is refused at the edge. */
  readonly maxBodyBytes: number;
  /** e.g. `Supplyline-prod` (names the WebACL and its metrics). */
  readonly name: string;
  /** The environment's removal policy (retained in prod, like every secret). */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * CloudFront with a WAF WebACL in front of the webhook HTTP API (ADR 0007): what reaches API
 * Gateway, and so the route's throttle and the functions, is a POST to a webhook path, carrying
 * that vendor's signature header, with a Content-Length within the vendors' limit, from an IP
 * under the rate limit. Nothing is cached; every header but Host goes to the origin (the HMAC
 * covers the raw body, which CloudFront passes untouched). Refusals are problem+json.
 */
export class WebhookEdge extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly distribution: cloudfront.Distribution;
  /** `https://<distribution>.cloudfront.net/v1` */
  public readonly url: string;
  /**
   * The value CloudFront adds as WEBHOOK_EDGE_HEADER to what it forwards; the webhook functions
   * refuse a request without it (it came to the execute-api URL, around the WebACL).
   */
  public readonly originSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: WebhookEdgeProps) {
    super(scope, id);
    validate(this, props);
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      // CloudFront WebACLs live in us-east-1 (validated above).
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: `${props.name} webhooks: body limit, signed deliveries only, per-IP rate limit`,
      visibilityConfig: visibility(`${props.name}-webhook-edge`),
      customResponseBodies: {
        problem413: problem(413, `The body exceeds ${props.maxBodyBytes} bytes.`),
        problem401: problem(401, 'The vendor signature header is missing.'),
        problem404: problem(404, 'Only POST to a vendor webhook path is served here.'),
        problem429: problem(429, 'Rate limit exceeded; retry later.'),
      },
      rules: [
        rule(0, `${props.name}-only-webhook-routes`, block(404, 'problem404'), {
          notStatement: {
            statement: {
              andStatement: {
                statements: [
                  methodIs('POST'),
                  { orStatement: or(props.webhooks.map((webhook) => pathIs(webhook.path))) },
                ],
              },
            },
          },
        }),
        rule(1, `${props.name}-body-limit`, block(413, 'problem413'), {
          regexMatchStatement: {
            fieldToMatch: { singleHeader: { Name: 'content-length' } },
            regexString: contentLengthAbove(props.maxBodyBytes),
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        }),
        rule(2, `${props.name}-unsigned`, block(401, 'problem401'), {
          orStatement: or(
            props.webhooks.map((webhook) => ({
              andStatement: {
                statements: [
                  pathIs(webhook.path),
                  {
                    notStatement: {
                      statement: {
                        sizeConstraintStatement: {
                          fieldToMatch: { singleHeader: { Name: webhook.signatureHeader } },
                          comparisonOperator: 'GT',
                          size: 0,
                          textTransformations: [{ priority: 0, type: 'NONE' }],
                        },
                      },
                    },
                  },
                ],
              },
            })),
          ),
        }),
        rule(3, `${props.name}-rate-limit-per-ip`, block(429, 'problem429'), {
          rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP' },
        }),
      ],
    });

    this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
      description: `${props.name}: the header CloudFront adds to webhook requests (ADR 0007)`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront reads the value at deployment (a dynamic reference in the origin header), so a rotation ' +
        'takes effect with the next deployment: rotate by updating the secret and redeploying (ADR 0007).',
    });
    // The API's custom domain, its only address: its execute-api endpoint is disabled.
    const origin = new origins.HttpOrigin(props.webhookApi.domainName!.name, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // Vendors wait 10 s; the functions time out after 10 s.
      readTimeout: Duration.seconds(15),
      // A dynamic reference: the template holds the secret's ARN, never its value.
      customHeaders: { [WEBHOOK_EDGE_HEADER]: this.originSecret.secretValue.unsafeUnwrap() },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${props.name} vendor webhooks`,
      webAclId: this.webAcl.attrArn,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}/v1`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: the vendors are SaaS platforms that publish neither their regions nor their ' +
          'egress IPs (shared/contracts); the WebACL admits only signed POSTs to the webhook paths.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Every request that passes the WebACL is in the webhook API access log (JSON, the environment’s ' +
          'retention, KMS); blocked ones are counted per rule in the WebACL’s CloudWatch metrics with sampled ' +
          'requests. CloudFront standard logs would need an ACL-enabled bucket for nothing more.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution serves the default *.cloudfront.net certificate, for which CloudFront fixes the ' +
          'minimum viewer protocol; TLSv1.2_2021 applies once a deployment adds its own domain and certificate.',
      },
    );
  }
}

/** A refusal of the WebACL, of its documented kind (docs/problems.md). */
const problem = (status: WebhookEdgeStatus, detail: string) => {
  const kind = WEBHOOK_EDGE_PROBLEMS[status];
  return {
    contentType: 'APPLICATION_JSON',
    content: JSON.stringify({ type: problemType(kind), title: PROBLEM_KINDS[kind].title, status, detail }),
  };
};

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

function block(status: number, body: string): wafv2.CfnWebACL.RuleActionProperty {
  return {
    block: {
      customResponse: {
        responseCode: status,
        customResponseBodyKey: body,
        responseHeaders: [{ name: 'content-type', value: 'application/problem+json' }],
      },
    },
  };
}

function rule(
  priority: number,
  name: string,
  action: wafv2.CfnWebACL.RuleActionProperty,
  statement: wafv2.CfnWebACL.StatementProperty,
): wafv2.CfnWebACL.RuleProperty {
  return { name, priority, action, statement, visibilityConfig: visibility(name) };
}

/** The request's method or path is exactly `value`. */
function exactly(field: 'method' | 'uriPath', value: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { [field]: {} },
      positionalConstraint: 'EXACTLY',
      searchString: value,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

const methodIs = (method: string) => exactly('method', method);
const pathIs = (path: string) => exactly('uriPath', path);

/** WAF wants two or more statements under OR; one path is the path itself. */
function or(statements: wafv2.CfnWebACL.StatementProperty[]): wafv2.CfnWebACL.OrStatementProperty {
  return statements.length > 1 ? { statements } : { statements: [statements[0]!, statements[0]!] };
}

/**
 * A regular expression matching the decimal numbers above `limit` (leading zeros allowed): WAF
 * compares header values as text, so "above 262144" is spelled out digit by digit.
 */
export function contentLengthAbove(limit: number): string {
  const digits = String(limit);
  const alternatives = [`[1-9][0-9]{${digits.length},}`];
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    // The same leading digits, a larger digit here, anything after.
    if (digit < 9) {
      const rest = digits.length - i - 1;
      alternatives.push(`${digits.slice(0, i)}[${digit + 1}-9]${rest > 0 ? `[0-9]{${rest}}` : ''}`);
    }
  }
  return `^0*(${alternatives.join('|')})$`;
}

function validate(scope: Construct, props: WebhookEdgeProps): void {
  const problems: string[] = [];
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region) && region !== 'us-east-1') {
    problems.push(`region ${region}: a CloudFront WebACL is created in us-east-1 (deploy the stack there)`);
  }
  if (!props.webhookApi.domainName)
    problems.push(
      'the webhook API needs a custom domain, the origin (its execute-api endpoint is then disabled)',
    );
  if (props.webhooks.length === 0) problems.push('no webhooks');
  if (props.rateLimitPer5Minutes < 10) problems.push('rateLimitPer5Minutes must be at least 10');
  if (!Number.isInteger(props.maxBodyBytes) || props.maxBodyBytes < 1)
    problems.push('maxBodyBytes must be positive');
  if (problems.length > 0) throw new Error(`WebhookEdge: ${problems.join('; ')}`);
}
