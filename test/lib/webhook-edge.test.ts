/**
 * The webhooks' edge (ADR 0007): in staging and prod CloudFront with a WAF WebACL in front of the
 * webhook HTTP API refuses, before API Gateway and the functions, what no vendor sends: other
 * routes, bodies above the vendors' limit, deliveries without the vendor's signature header, and
 * floods from one IP. The webhook functions have reserved concurrency.
 */
import { describe, expect, it } from 'vitest';
import { PLANNING_SIGNATURE_HEADER } from '../../adapters/planning/signature';
import { PLANNING_MAX_BODY_BYTES } from '../../adapters/planning/webhook-schemas';
import { PROCUREMENT_SIGNATURE_HEADERS } from '../../adapters/procurement/signature';
import { PROCUREMENT_MAX_BODY_BYTES } from '../../adapters/procurement/webhook-schemas';
import { readFileSync } from 'node:fs';
import { PROBLEM_KINDS, WEBHOOK_EDGE_PROBLEMS, type WebhookEdgeStatus } from '../../application/api-problems';
import { API_ROUTES } from '../../application/api-routes';
import { WEBHOOK_EDGE_HEADER, WEBHOOK_EDGE_SECRET_ENV_VAR } from '../../application/resources';
import {
  ENVIRONMENT_NAMES,
  loadEnvironmentConfig,
  validateEnvironmentConfig,
} from '../../application/environments';
import {
  WEBHOOK_MAX_BODY_BYTES,
  WEBHOOK_SIGNATURE_HEADERS,
  contentLengthAbove,
} from '../../lib/constructs/webhook-edge';
import { buildStack, resourcesOf, testConfig, type Json } from './support';

const WEBHOOKS = API_ROUTES.filter((route) => route.access === 'signed-webhook');
const problemsPage = readFileSync(new URL('../../docs/problems.md', import.meta.url), 'utf8');

describe('webhook edge limits match the vendors’ contracts as the adapters read them', () => {
  it('uses each vendor’s signature header and the vendors’ body limit', () => {
    expect(WEBHOOK_SIGNATURE_HEADERS['planning-webhook']).toBe(PLANNING_SIGNATURE_HEADER);
    expect(WEBHOOK_SIGNATURE_HEADERS['procurement-webhook']).toBe(PROCUREMENT_SIGNATURE_HEADERS.signature);
    expect(WEBHOOK_MAX_BODY_BYTES).toBe(PLANNING_MAX_BODY_BYTES);
    expect(WEBHOOK_MAX_BODY_BYTES).toBe(PROCUREMENT_MAX_BODY_BYTES);
  });

  it('refuses exactly the Content-Lengths above 262,144', () => {
    const above = new RegExp(contentLengthAbove(262_144));
    for (const n of [
      '262145',
      '262150',
      '262200',
      '263000',
      '270000',
      '300000',
      '999999',
      '1000000',
      '0262145',
    ])
      expect(above.test(n), n).toBe(true);
    for (const n of [
      '0',
      '1',
      '99999',
      '262143',
      '262144',
      '0262144',
      '200000',
      '262139',
      '-262145',
      '262145 ',
    ])
      expect(above.test(n), n).toBe(false);
    for (let n = 262_000; n < 263_000; n++) expect(above.test(String(n)), String(n)).toBe(n > 262_144);
  });
});

describe.each(ENVIRONMENT_NAMES)('webhook edge (%s)', (env) => {
  const { stack, template } = buildStack(env);
  const config = stack.config;
  const reserved = (key: 'planning-webhook' | 'procurement-webhook' | 'receipt-sync') =>
    template.toJSON().Resources[stack.getLogicalId(stack.functions[key].node.defaultChild as never)]
      .Properties.ReservedConcurrentExecutions;

  it('reserves concurrency for the webhook functions only, as the environment says', () => {
    expect(reserved('planning-webhook')).toBe(config.api.webhookReservedConcurrency);
    expect(reserved('procurement-webhook')).toBe(config.api.webhookReservedConcurrency);
    expect(reserved('receipt-sync')).toBeUndefined();
    if (env !== 'dev') expect(config.api.webhookReservedConcurrency).toBeGreaterThan(0);
  });

  it('puts CloudFront + WAF in front of the webhook HTTP API exactly where the environment says', () => {
    const distributions = resourcesOf(template, 'AWS::CloudFront::Distribution');
    const edgeAcls = resourcesOf(template, 'AWS::WAFv2::WebACL').filter(
      ([, acl]) => acl.Properties.Scope === 'CLOUDFRONT',
    );
    expect(config.api.webhookEdge.enabled).toBe(env !== 'dev');
    expect(distributions).toHaveLength(config.api.webhookEdge.enabled ? 1 : 0);
    expect(edgeAcls).toHaveLength(config.api.webhookEdge.enabled ? 1 : 0);
    if (!config.api.webhookEdge.enabled) return;

    const [[aclId]] = edgeAcls as [[string, unknown]];
    const distribution = distributions[0]![1].Properties.DistributionConfig as Json;
    expect(distribution.WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const [origin] = distribution.Origins as Json[];
    // The origin is the API's custom domain (Ref: its name), mapped at its root to the stage.
    const [[domainId, domain]] = resourcesOf(template, 'AWS::ApiGatewayV2::DomainName') as [[string, Json]];
    expect(origin.DomainName).toEqual({ Ref: domainId });
    expect(domain.Properties.DomainName).toBe(config.api.webhookEdge.originDomain!.domainName);
    expect(origin.OriginPath ?? '').toBe('');
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    const behavior = distribution.DefaultCacheBehavior as Json;
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    expect(behavior.AllowedMethods).toContain('POST');
    // AWS managed policies: CachingDisabled, AllViewerExceptHostHeader (the HMAC needs every header).
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    expect(template.toJSON().Outputs.WebhookUrl.Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributions[0]![0], 'DomainName'] }, '/v1']],
    });
  });

  it('disables the execute-api endpoint exactly where the edge is on, leaving the custom domain the only address', () => {
    const [[apiId, api]] = resourcesOf(template, 'AWS::ApiGatewayV2::Api') as [[string, Json]];
    const domains = resourcesOf(template, 'AWS::ApiGatewayV2::DomainName');
    const mappings = resourcesOf(template, 'AWS::ApiGatewayV2::ApiMapping');
    expect(api.Properties.DisableExecuteApiEndpoint).toBe(config.api.webhookEdge.enabled);
    expect(domains).toHaveLength(config.api.webhookEdge.enabled ? 1 : 0);
    expect(mappings).toHaveLength(config.api.webhookEdge.enabled ? 1 : 0);
    if (!config.api.webhookEdge.enabled) return;
    const origin = config.api.webhookEdge.originDomain!;
    const [[domainId, domain]] = domains as [[string, Json]];
    expect(domain.Properties).toEqual({
      DomainName: origin.domainName,
      DomainNameConfigurations: [
        { CertificateArn: origin.certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
      ],
    });
    expect(mappings[0]![1].Properties).toEqual({
      ApiId: { Ref: apiId },
      DomainName: { Ref: domainId },
      Stage: config.api.stageName,
    });
    const outputs = template.toJSON().Outputs;
    expect(outputs.WebhookApiUrl.Value).toBe(`https://${origin.domainName}/v1`);
    expect(outputs.WebhookOriginDnsTarget.Value).toEqual({ 'Fn::GetAtt': [domainId, 'RegionalDomainName'] });
  });

  it('closes the way around the edge: CloudFront adds a secret header the webhooks require', () => {
    const variables = (key: 'planning-webhook' | 'procurement-webhook' | 'receipt-sync') =>
      template.toJSON().Resources[stack.getLogicalId(stack.functions[key].node.defaultChild as never)]
        .Properties.Environment.Variables as Json;
    if (!config.api.webhookEdge.enabled) {
      expect(variables('planning-webhook')[WEBHOOK_EDGE_SECRET_ENV_VAR]).toBeUndefined();
      return;
    }
    const secretId = stack.getLogicalId(stack.webhookEdge!.originSecret.node.defaultChild as never);
    const [, distribution] = resourcesOf(template, 'AWS::CloudFront::Distribution')[0]!;
    const [origin] = distribution.Properties.DistributionConfig.Origins as Json[];
    const header = (origin.OriginCustomHeaders as Json[]).find((h) => h.HeaderName === WEBHOOK_EDGE_HEADER);
    // A dynamic reference to the secret: the template never holds its value.
    const value = JSON.stringify(header?.HeaderValue);
    expect(value).toContain('{{resolve:secretsmanager:');
    expect(value).toContain(secretId);
    for (const key of ['planning-webhook', 'procurement-webhook'] as const) {
      expect(variables(key)[WEBHOOK_EDGE_SECRET_ENV_VAR], key).toEqual({ Ref: secretId });
      const reads = resourcesOf(template, 'AWS::IAM::Policy')
        .filter(([, policy]) =>
          JSON.stringify(policy.Properties.Roles).includes(
            stack.getLogicalId(stack.functions[key].role.node.defaultChild as never),
          ),
        )
        .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Json[])
        .filter((statement) =>
          ([statement.Resource].flat() as Json[]).some((resource) => resource.Ref === secretId),
        );
      // Read only (GetSecretValue), merged with the vendor signing secrets' statement.
      expect(
        reads.flatMap((statement) => [statement.Action].flat()),
        key,
      ).toEqual(['secretsmanager:GetSecretValue']);
    }
    expect(variables('receipt-sync')[WEBHOOK_EDGE_SECRET_ENV_VAR]).toBeUndefined();
  });

  it('refuses at the edge, as problem+json, what no vendor sends', () => {
    if (!config.api.webhookEdge.enabled) return;
    const [[, acl]] = resourcesOf(template, 'AWS::WAFv2::WebACL').filter(
      ([, a]) => a.Properties.Scope === 'CLOUDFRONT',
    ) as [[string, Json]];
    const rules = acl.Properties.Rules as Json[];
    const byName = (suffix: string) => rules.find((rule) => rule.Name.endsWith(suffix))!;
    const status = (suffix: string) => byName(suffix).Action.Block.CustomResponse.ResponseCode;
    expect(rules.map((rule) => rule.Name.slice(config.stackName.length + 1))).toEqual([
      'only-webhook-routes',
      'body-limit',
      'unsigned',
      'rate-limit-per-ip',
    ]);
    expect(status('only-webhook-routes')).toBe(404);
    expect(JSON.stringify(byName('only-webhook-routes').Statement)).toContain('"SearchString":"POST"');
    for (const route of WEBHOOKS)
      expect(JSON.stringify(byName('only-webhook-routes').Statement)).toContain(route.path);

    expect(status('body-limit')).toBe(413);
    expect(byName('body-limit').Statement.RegexMatchStatement).toMatchObject({
      FieldToMatch: { SingleHeader: { Name: 'content-length' } },
      RegexString: contentLengthAbove(262_144),
    });

    expect(status('unsigned')).toBe(401);
    const unsigned = JSON.stringify(byName('unsigned').Statement);
    for (const route of WEBHOOKS) {
      expect(unsigned).toContain(route.path);
      expect(unsigned).toContain(`"Name":"${WEBHOOK_SIGNATURE_HEADERS[route.handler]}"`);
    }

    expect(status('rate-limit-per-ip')).toBe(429);
    expect(byName('rate-limit-per-ip').Statement.RateBasedStatement).toEqual({
      Limit: config.api.webhookEdge.rateLimitPer5Minutes,
      AggregateKeyType: 'IP',
    });

    // Each refusal is of its documented kind (docs/problems.md), never about:blank.
    for (const [key, body] of Object.entries(acl.Properties.CustomResponseBodies as Record<string, Json>)) {
      const status = Number(key.slice(-3)) as WebhookEdgeStatus;
      const kind = WEBHOOK_EDGE_PROBLEMS[status];
      expect(JSON.parse(body.Content), key).toMatchObject({
        type: `urn:supplyline:problem:${kind}`,
        title: PROBLEM_KINDS[kind].title,
        status,
      });
      expect(problemsPage).toContain(`| \`urn:supplyline:problem:${kind}\` | ${status} |`);
    }
    for (const rule of rules) {
      expect(rule.Action.Block.CustomResponse.ResponseHeaders).toEqual([
        { Name: 'content-type', Value: 'application/problem+json' },
      ]);
    }
  });
});

describe('webhook edge configuration', () => {
  it('refuses an edge outside us-east-1, where CloudFront WebACLs cannot be created with the stack', () => {
    expect(() =>
      loadEnvironmentConfig('prod', { context: (key) => (key === 'region' ? 'eu-west-1' : undefined) }),
    ).toThrow(/api\.webhookEdge needs region us-east-1/);
  });

  const prod = (context: Record<string, string>) => () =>
    loadEnvironmentConfig('prod', { context: (key) => context[key] });
  const ACCOUNT = '111122223333';
  const CERTIFICATE = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0f3c2a7e-1b2d-4c5e-8f90-a1b2c3d4e5f6`;

  it('takes the origin domain and its certificate from context', () => {
    const config = prod({
      account: ACCOUNT,
      webhookDomainName: 'wh-origin.acme.example',
      webhookCertificateArn: CERTIFICATE,
    })();
    expect(config.api.webhookEdge.originDomain).toEqual({
      domainName: 'wh-origin.acme.example',
      certificateArn: CERTIFICATE,
    });
  });

  it('refuses the placeholder origin domain once an account is named (a real deployment)', () => {
    expect(prod({})).not.toThrow();
    expect(prod({ account: ACCOUNT })).toThrow(
      /originDomain is still the placeholder.*-c webhookDomainName=.*-c webhookCertificateArn=/,
    );
  });

  it('refuses an edge without an origin domain, and a domain or certificate the API cannot use', () => {
    const domain = { webhookDomainName: 'wh-origin.acme.example' };
    const config = testConfig('prod');
    expect(() =>
      validateEnvironmentConfig({
        ...config,
        api: { ...config.api, webhookEdge: { enabled: true, rateLimitPer5Minutes: 2000 } },
      }),
    ).toThrow(/api\.webhookEdge needs originDomain.*-c webhookDomainName=/);
    expect(prod({ ...domain, webhookCertificateArn: 'not-an-arn' })).toThrow(/is not an ACM certificate ARN/);
    expect(prod({ ...domain, webhookCertificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1') })).toThrow(
      /certificateArn is in eu-west-1, not the API's region us-east-1/,
    );
    expect(prod({ ...domain, account: '444455556666', webhookCertificateArn: CERTIFICATE })).toThrow(
      /certificateArn is in account 111122223333, not 444455556666/,
    );
    expect(prod({ webhookDomainName: 'not a host', webhookCertificateArn: CERTIFICATE })).toThrow(
      /'not a host' is not a host name/,
    );
  });

  it('refuses a WebhookEdge over an API without a custom domain', () => {
    const dev = testConfig('dev');
    expect(() =>
      buildStack('dev', {
        config: { ...dev, api: { ...dev.api, webhookEdge: { enabled: true, rateLimitPer5Minutes: 2000 } } },
      }),
    ).toThrow(/WebhookEdge: the webhook API needs a custom domain/);
  });
});
