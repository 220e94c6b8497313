/** The governed API's identity in the template: authorizer, Cognito pool, per-consumer metering. */
import { beforeAll, describe, expect, it } from 'vitest';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Template } from 'aws-cdk-lib/assertions';
import { API_ROUTES } from '../../application/api-routes';
import { APPLICATION_CONSUMERS, SUPPLYLINE_SCOPES } from '../../application/identity';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import { buildStack, resourcesOf, testConfig, type Json } from './support';

const GOVERNED = API_ROUTES.filter((route) => route.access === 'identity');

let own: { stack: SupplylineStack; template: Template };
let external: { stack: SupplylineStack; template: Template };
beforeAll(() => {
  own = buildStack('dev');
  const config = testConfig('prod');
  external = buildStack('prod', {
    config: {
      ...config,
      identity: { ...config.identity, issuer: 'https://idp.example.com/realms/acme', groupsClaim: 'groups' },
    },
  });
});

function authorizerEnvironment(template: Template): Record<string, Json> {
  const [[, fn]] = resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) =>
    id.startsWith('FunctionsApiAuthorizer'),
  ) as [[string, Json]];
  return fn.Properties.Environment.Variables as Record<string, Json>;
}

describe('governed API identity', () => {
  it('puts a cached REQUEST authorizer on the Authorization header in front of every governed method', () => {
    const [[authorizerId, authorizer]] = resourcesOf(own.template, 'AWS::ApiGateway::Authorizer') as [
      [string, Json],
    ];
    expect(authorizer.Properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    const methods = resourcesOf(own.template, 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(GOVERNED.length);
    for (const [id, method] of methods) {
      expect(method.Properties.AuthorizationType, id).toBe('CUSTOM');
      expect(method.Properties.AuthorizerId, id).toEqual({ Ref: authorizerId });
      // The key meters; the token authorizes.
      expect(method.Properties.ApiKeyRequired, id).toBe(true);
    }
  });

  it('answers a missing or invalid token with 401 problem+json', () => {
    const responses = resourcesOf(own.template, 'AWS::ApiGateway::GatewayResponse').map(
      ([, r]) => r.Properties,
    );
    const unauthorized = responses.find((r: Json) => r.ResponseType === 'UNAUTHORIZED');
    expect(unauthorized).toMatchObject({
      StatusCode: '401',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
    });
    expect(responses.find((r: Json) => r.ResponseType === 'ACCESS_DENIED')).toMatchObject({
      StatusCode: '403',
    });
  });

  it('without a configured issuer, builds a Cognito pool with the roles, the scopes and a client per consumer', () => {
    const t = own.template;
    t.resourceCountIs('AWS::Cognito::UserPool', 1);
    const groups = resourcesOf(t, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['approver', 'senior-approver']);
    const [[, server]] = resourcesOf(t, 'AWS::Cognito::UserPoolResourceServer') as [[string, Json]];
    expect(server.Properties.Identifier).toBe('supplyline');
    expect(server.Properties.Scopes.map((s: Json) => `supplyline/${s.ScopeName}`).sort()).toEqual(
      [...SUPPLYLINE_SCOPES].sort(),
    );
    const clients = resourcesOf(t, 'AWS::Cognito::UserPoolClient').map(([, c]) => c.Properties);
    const people = clients.find((c: Json) => c.AllowedOAuthFlows?.includes('code'));
    expect(people).toMatchObject({ GenerateSecret: false, AllowedOAuthFlows: ['code'] });
    for (const consumer of APPLICATION_CONSUMERS) {
      const client = clients.find((c: Json) => String(c.ClientName).endsWith(`-${consumer.name}`));
      expect(client, consumer.name).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
      });
      expect(JSON.stringify(client.AllowedOAuthScopes)).toContain(consumer.scopes[0]!.split('/')[1]);
    }
    // Domain prefixes are global per region: the account keeps two deployments apart.
    const [[, domain]] = resourcesOf(t, 'AWS::Cognito::UserPoolDomain') as [[string, Json]];
    expect(JSON.stringify(domain.Properties.Domain)).toContain('AWS::AccountId');
    const env = authorizerEnvironment(t);
    expect(JSON.stringify(env.IDENTITY_ISSUER)).toContain('cognito-idp');
    expect(env.IDENTITY_COGNITO_CLIENT_IDS).toBeDefined();
    expect(env).toMatchObject({ IDENTITY_AUDIENCE: 'supplyline', IDENTITY_GROUPS_CLAIM: 'cognito:groups' });
  });

  it('sends people back only to the environment’s sign-in URLs: localhost in dev, the approvals UI elsewhere', () => {
    const peopleClient = (template: Template) =>
      resourcesOf(template, 'AWS::Cognito::UserPoolClient')
        .map(([, c]) => c.Properties)
        .find((c: Json) => c.AllowedOAuthFlows?.includes('code'));
    expect(peopleClient(own.template)).toMatchObject({
      CallbackURLs: ['http://localhost:8976/callback'],
      LogoutURLs: ['http://localhost:8976/'],
    });
    const config = testConfig('prod');
    const peopleSignIn = {
      callbackUrls: ['https://approvals.acme.example/callback', 'https://buyers.acme.example/callback'],
      logoutUrls: ['https://approvals.acme.example/'],
    };
    const prod = buildStack('prod', {
      config: { ...config, identity: { ...config.identity, peopleSignIn } },
    });
    const client = peopleClient(prod.template);
    expect(client.CallbackURLs).toEqual(peopleSignIn.callbackUrls);
    expect(client.LogoutURLs).toEqual(peopleSignIn.logoutUrls);
  });

  it('with the distributor’s issuer, builds no pool and points the authorizer at that issuer', () => {
    const t = external.template;
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
    const env = authorizerEnvironment(t);
    expect(env).toMatchObject({
      IDENTITY_ISSUER: 'https://idp.example.com/realms/acme',
      IDENTITY_AUDIENCE: 'supplyline',
      IDENTITY_GROUPS_CLAIM: 'groups',
    });
    expect(env.IDENTITY_COGNITO_CLIENT_IDS).toBeUndefined();
  });

  it('passes the roles and limits in one variable, IDENTITY_ROLES, to the approval functions that apply them', () => {
    const functions = resourcesOf(own.template, 'AWS::Lambda::Function') as [string, Json][];
    const withRoles = functions
      .filter(([, fn]) =>
        Object.keys(fn.Properties.Environment?.Variables ?? {}).some((k) => k.includes('ROLES')),
      )
      .map(([id, fn]) => [id.replace(/[0-9A-F]{8}$/, ''), fn.Properties.Environment.Variables]);
    expect(withRoles.map(([id]) => id).sort()).toEqual([
      'FunctionsApprovalDecision',
      'FunctionsPendingApprovals',
    ]);
    for (const [id, variables] of withRoles) {
      expect(
        Object.keys(variables).filter((k: string) => k.includes('ROLES')),
        id,
      ).toEqual(['IDENTITY_ROLES']);
      expect(JSON.parse(variables.IDENTITY_ROLES), id).toEqual(testConfig('dev').identity.roles);
    }
  });

  it('meters each application consumer on its own usage plan and throttle', () => {
    const plans = resourcesOf(own.template, 'AWS::ApiGateway::UsagePlan').map(([, p]) => p.Properties);
    for (const consumer of APPLICATION_CONSUMERS) {
      const plan = plans.find((p: Json) => String(p.UsagePlanName).endsWith(`-${consumer.name}`));
      expect(plan, consumer.name).toMatchObject({
        Throttle: { RateLimit: consumer.throttle.rateLimit, BurstLimit: consumer.throttle.burstLimit },
        Quota: { Limit: consumer.quotaPerDay, Period: 'DAY' },
      });
    }
  });

  it('passes cdk-nag AwsSolutions with both kinds of issuer', () => {
    for (const { stack } of [own, external]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    }
  });
});
