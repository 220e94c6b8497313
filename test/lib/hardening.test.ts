/**
 * The hardened edge and data at rest (issue #21): customer-managed keys for tables, the bucket, the
 * event archive and every log group; workflows that log no execution data; a bus only its
 * producers may put events on; the account-wide API Gateway logging role outside the app stack.
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../application/environments';
import { FUNCTION_CATALOG } from '../../application/functions';
import { WORKFLOW_CATALOG } from '../../application/workflows';
import { SupplylineAccountStack } from '../../lib/account-stack';
import { buildStack, resourcesOf, testApp, type Json } from './support';

describe.each(ENVIRONMENT_NAMES)('hardened stack (%s)', (env) => {
  const { stack, template } = buildStack(env);
  const arnOf = (construct: { node: { defaultChild?: unknown } }) => ({
    'Fn::GetAtt': [stack.getLogicalId(construct.node.defaultChild as never), 'Arn'],
  });

  it('encrypts the event archive with the customer-managed data key', () => {
    const archives = resourcesOf(template, 'AWS::Events::Archive');
    expect(archives).toHaveLength(1);
    expect(archives[0]![1].Properties.KmsKeyIdentifier).toEqual(arnOf(stack.keys.data));
  });

  it('encrypts every log group with the customer-managed logs key, which only CloudWatch Logs of this account may use', () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(FUNCTION_CATALOG.length);
    for (const [id, group] of groups) expect(group.Properties.KmsKeyId, id).toEqual(arnOf(stack.keys.logs));
    const policy = template.toJSON().Resources[stack.getLogicalId(stack.keys.logs.node.defaultChild as never)]
      .Properties.KeyPolicy.Statement as Json[];
    const logs = policy.find((st) => st.Sid === 'AllowCloudWatchLogsOfThisAccount')!;
    expect(JSON.stringify(logs.Principal)).toContain('logs.');
    expect(JSON.stringify(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toContain(
      ':log-group:*',
    );
  });

  it('rotates the data and logs keys', () => {
    for (const key of [stack.keys.data, stack.keys.logs]) {
      const resource = template.toJSON().Resources[stack.getLogicalId(key.node.defaultChild as never)];
      expect(resource.Properties.EnableKeyRotation).toBe(true);
    }
  });

  it('denies PutEvents on the bus to everyone but its producers and AWS services', () => {
    const producers = [
      ...FUNCTION_CATALOG.filter((definition) => definition.grants.bus).map(
        (definition) => stack.functions[definition.key].role,
      ),
      ...WORKFLOW_CATALOG.filter((workflow) => workflow.bus).map(
        (workflow) => stack.workflows[workflow.name]!.role,
      ),
    ].map((role) => stack.resolve(role.roleArn) as Json);
    expect(producers.length).toBeGreaterThan(0);
    const bus = template.toJSON().Resources[stack.getLogicalId(stack.bus.node.defaultChild as never)];
    const statements = bus.Properties.Policy.Statement as Json[];
    expect(statements).toHaveLength(1);
    const statement = statements[0];
    expect(JSON.stringify(statement.Resource)).toContain(`:event-bus/${stack.config.resourcePrefix}`);
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
    });
    const allowed = [statement.Condition.ArnNotEquals['aws:PrincipalArn']].flat();
    expect(new Set(allowed.map((arn: Json) => JSON.stringify(arn)))).toEqual(
      new Set(producers.map((arn) => JSON.stringify(arn))),
    );
    // Not a producer: the sync-status reader only answers its caller.
    expect(JSON.stringify(allowed)).not.toContain(
      stack.getLogicalId(stack.functions['purchase-order-sync-status'].role.node.defaultChild as never),
    );
  });

  it('leaves the account-wide API Gateway logging role to the account stack', () => {
    expect(resourcesOf(template, 'AWS::ApiGateway::Account')).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('AmazonAPIGatewayPushToCloudWatchLogs');
  });

  it('runs the AWS common rule set of the governed API as AWS ships it (no webhook-era size exception)', () => {
    const regional = resourcesOf(template, 'AWS::WAFv2::WebACL').filter(
      ([, acl]) => acl.Properties.Scope === 'REGIONAL',
    );
    expect(regional).toHaveLength(stack.config.waf.enabled ? 1 : 0);
    for (const [, acl] of regional) {
      const common = (acl.Properties.Rules as Json[]).find((rule) => rule.Name === 'aws-common-rule-set');
      expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toBeUndefined();
    }
  });
});

describe('account stack', () => {
  it('sets the API Gateway CloudWatch Logs role once per account, kept on deletion, cdk-nag clean', () => {
    const stack = new SupplylineAccountStack(testApp(), 'Account');
    const template = Template.fromStack(stack);
    const accounts = resourcesOf(template, 'AWS::ApiGateway::Account');
    expect(accounts).toHaveLength(1);
    expect(accounts[0]![1].DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', Effect: 'Allow' },
        ],
      },
    });
    expect(new AwsSolutionsChecks().validateScope(stack as Stack).violations).toEqual([]);
  });
});
