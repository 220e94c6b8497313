import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lib/application/api-routes';
import { FUNCTION_CATALOG } from '../../lib/application/functions';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config/environments';
import { CONSUMER_ROUTES, resolveRoutes, VISIBILITY_TIMEOUT_FACTOR } from '../../lib/routing';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import { buildStack, resourcesOf, testApp, testConfig, type CfnJson, type Json } from './support';

const built = {} as Record<EnvironmentName, { stack: SupplylineStack; template: Template }>;

beforeAll(() => {
  for (const env of ENVIRONMENT_NAMES) built[env] = buildStack(env);
});

/** The logical id a Ref/GetAtt points at. */
function refOf(value: Json): string {
  if (value?.Ref) return value.Ref as string;
  if (value?.['Fn::GetAtt']) return value['Fn::GetAtt'][0] as string;
  throw new Error(`not a reference: ${JSON.stringify(value)}`);
}

function statements(template: Template): Json[] {
  return resourcesOf(template, 'AWS::IAM::Policy').flatMap(
    ([, p]) => p.Properties.PolicyDocument.Statement as Json[],
  );
}

describe.each(ENVIRONMENT_NAMES)('Supplyline stack (%s)', (env) => {
  const t = () => built[env].template;
  const stack = () => built[env].stack;
  const config = () => stack().config;

  it('gives every consumer queue a KMS-encrypted DLQ with the route maxReceiveCount and 14-day retention', () => {
    const queues = Object.fromEntries(resourcesOf(t(), 'AWS::SQS::Queue'));
    const consumerQueues = Object.entries(queues).filter(([, q]) => q.Properties.RedrivePolicy);
    expect(consumerQueues).toHaveLength(CONSUMER_ROUTES.length);
    for (const [id, queue] of consumerQueues) {
      const route = stack().lanes.find(
        (l) => stack().getLogicalId(l.queue.node.defaultChild as never) === id,
      )!.route;
      expect(queue.Properties.RedrivePolicy.maxReceiveCount, id).toBe(route.maxReceiveCount);
      const dlq = queues[refOf(queue.Properties.RedrivePolicy.deadLetterTargetArn)]!;
      expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      // The DLQ accepts redrives only from its own queue.
      expect(dlq.Properties.RedriveAllowPolicy.redrivePermission).toBe('byQueue');
      expect(dlq.Properties.RedriveAllowPolicy.sourceQueueArns).toHaveLength(1);
      expect(JSON.stringify(dlq.Properties.RedriveAllowPolicy.sourceQueueArns)).toContain(
        queue.Properties.QueueName,
      );
    }
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties.KmsMasterKeyId, `${id} encrypted with the CMK`).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^MessagingKey/), 'Arn'],
      });
    }
  });

  it('alarms on the depth of every DLQ (> threshold) and on every queue’s oldest message age', () => {
    const alarms = resourcesOf(t(), 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const queueIds = resourcesOf(t(), 'AWS::SQS::Queue').map(([id]) => id);
    const watched = (metric: string) =>
      new Set(
        alarms
          .filter((a) => a.MetricName === metric)
          .map((a) => refOf((a.Dimensions as Json[]).find((d) => d.Name === 'QueueName').Value)),
      );
    const depth = watched('ApproximateNumberOfMessagesVisible');
    const age = watched('ApproximateAgeOfOldestMessage');
    for (const id of queueIds) expect(depth.has(id) || age.has(id), `${id} has an alarm`).toBe(true);
    expect(depth.size).toBe(CONSUMER_ROUTES.length * 2);
    expect(age.size).toBe(CONSUMER_ROUTES.length);
    for (const alarm of alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')) {
      expect(alarm.Threshold).toBe(config().alarms.dlqDepthThreshold);
      expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    }
    for (const alarm of alarms) expect(alarm.AlarmActions, 'every alarm notifies the topic').toHaveLength(1);
  });

  it('routes each consumer’s pattern to its queue, with a delivery DLQ and a retry policy', () => {
    const rules = resourcesOf(t(), 'AWS::Events::Rule');
    expect(rules).toHaveLength(CONSUMER_ROUTES.length);
    for (const lane of stack().lanes) {
      const [, rule] = rules.find(
        ([id]) => id === stack().getLogicalId(lane.rule.node.defaultChild as never),
      )!;
      expect(rule.Properties.EventPattern).toEqual({
        source: lane.route.pattern.source,
        'detail-type': lane.route.pattern['detail-type'],
      });
      expect(refOf(rule.Properties.EventBusName)).toMatch(/^Bus/);
      const [target] = rule.Properties.Targets as Json[];
      expect(refOf(target.Arn)).toBe(stack().getLogicalId(lane.queue.node.defaultChild as never));
      expect(refOf(target.DeadLetterConfig.Arn)).toBe(
        stack().getLogicalId(lane.deliveryDeadLetterQueue.node.defaultChild as never),
      );
      expect(target.RetryPolicy).toEqual({
        MaximumRetryAttempts: lane.route.delivery.retryAttempts,
        MaximumEventAgeInSeconds: lane.route.delivery.maxEventAgeSeconds,
      });
    }
  });

  it('configures every event source mapping from the routing table and the environment’s lane concurrency', () => {
    const routes = resolveRoutes({ concurrency: config().concurrency });
    const mappings = resourcesOf(t(), 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(routes.length);
    for (const lane of stack().lanes) {
      const queueId = stack().getLogicalId(lane.queue.node.defaultChild as never);
      const [, mapping] = mappings.find(([, m]) => refOf(m.Properties.EventSourceArn) === queueId)!;
      const route = routes.find((r) => r.consumer === lane.route.consumer)!;
      expect(mapping.Properties.BatchSize).toBe(route.batchSize);
      expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBe(
        route.maxBatchingWindowSeconds || undefined,
      );
      expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: route.maxConcurrency });
      expect(mapping.Properties.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(refOf(mapping.Properties.FunctionName)).toBe(
        stack().getLogicalId(stack().functions[route.handler].node.defaultChild as never),
      );
    }
  });

  it('keeps every consumer queue’s visibility timeout at least six times its function’s timeout', () => {
    const functions = Object.fromEntries(resourcesOf(t(), 'AWS::Lambda::Function'));
    const queues = Object.fromEntries(resourcesOf(t(), 'AWS::SQS::Queue'));
    for (const [, mapping] of resourcesOf(t(), 'AWS::Lambda::EventSourceMapping')) {
      const fn = functions[refOf(mapping.Properties.FunctionName)]!;
      const queue = queues[refOf(mapping.Properties.EventSourceArn)]!;
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
        VISIBILITY_TIMEOUT_FACTOR * fn.Properties.Timeout,
      );
    }
  });

  it('encrypts tables (PITR, on-demand) and the alarm topic, and enforces TLS on queues and the topic', () => {
    for (const [id, table] of resourcesOf(t(), 'AWS::DynamoDB::Table')) {
      expect(table.Properties.SSESpecification, id).toEqual({ SSEEnabled: true });
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.DeletionPolicy).toBe(config().retainData ? 'Retain' : 'Delete');
      expect(Boolean(table.Properties.DeletionProtectionEnabled)).toBe(config().retainData);
    }
    t().hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MessagingKey'), 'Arn'] },
    });
    t().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });

    const tlsOnly = (doc: Json) =>
      (doc.Statement as Json[]).some(
        (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      );
    const queueIds = new Set(resourcesOf(t(), 'AWS::SQS::Queue').map(([id]) => id));
    const covered = new Set<string>();
    for (const [, policy] of resourcesOf(t(), 'AWS::SQS::QueuePolicy')) {
      if (tlsOnly(policy.Properties.PolicyDocument)) {
        for (const q of policy.Properties.Queues as Json[]) covered.add(refOf(q));
      }
    }
    expect(covered).toEqual(queueIds);
    const [[, topicPolicy]] = resourcesOf(t(), 'AWS::SNS::TopicPolicy') as [[string, CfnJson]];
    expect(tlsOnly(topicPolicy.Properties.PolicyDocument)).toBe(true);
  });

  it('builds the idempotency table the way Powertools expects', () => {
    const table = stack().data.tables.idempotency.table;
    const [, resource] = resourcesOf(t(), 'AWS::DynamoDB::Table').find(
      ([id]) => id === stack().getLogicalId(table.node.defaultChild as never),
    )!;
    expect(resource.Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(resource.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
  });

  it('sets a retention on every log group', () => {
    const groups = resourcesOf(t(), 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(FUNCTION_CATALOG.length + 2);
    for (const [id, group] of groups)
      expect(group.Properties.RetentionInDays, id).toBe(config().logRetentionDays);
    for (const [id, fn] of resourcesOf(t(), 'AWS::Lambda::Function')) {
      expect(fn.Properties.LoggingConfig?.LogGroup, `${id} logs to its own group`).toBeDefined();
    }
  });

  it('builds every function with the house defaults and the environment’s business rules', () => {
    const functions = resourcesOf(t(), 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_CATALOG.length);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'supplyline',
        POWERTOOLS_METRICS_NAMESPACE: 'Supplyline',
        LOG_LEVEL: config().logLevel,
        SUPPLYLINE_ENVIRONMENT: env,
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
    const policyCheck = stack().resolve(
      (stack().functions['commitment-policy-check'].node.defaultChild as Json).environment,
    ).variables;
    expect(JSON.parse(policyCheck.SUPPLYLINE_BUSINESS_RULES)).toMatchObject({
      monthlyBudgetPerWarehouse: '250000.00',
      approvalLimit: '25000.00',
      approvalTimeoutHours: 24,
      acknowledgementTimeoutHours: 48,
    });
  });

  it('validates request bodies and parameters and throttles every method', () => {
    t().resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    t().hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const models = resourcesOf(t(), 'AWS::ApiGateway::Model').map(([, m]) => m.Properties);
    expect(models.map((m) => m.Name).sort()).toEqual(['ApprovalDecision', 'ExceptionResolution']);
    const approval = models.find((m) => m.Name === 'ApprovalDecision')!;
    expect(approval.Schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(approval.Schema.required).toEqual(['decision', 'decidedBy', 'schemaVersion']);

    const methods = resourcesOf(t(), 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(API_ROUTES.length);
    const governed = methods.filter(([, m]) => m.Properties.ApiKeyRequired === true);
    expect(governed).toHaveLength(API_ROUTES.filter((r) => r.access === 'api-key').length);
    for (const [id, method] of governed) expect(method.Properties.RequestValidatorId, id).toBeDefined();
    const withModels = methods.filter(([, m]) => m.Properties.RequestModels);
    expect(withModels).toHaveLength(2);
    const decision = withModels.find(
      ([, m]) => m.Properties.RequestParameters['method.request.path.approvalId'],
    )!;
    expect(decision[1].Properties.RequestParameters).toEqual({ 'method.request.path.approvalId': true });

    const [[, stage]] = resourcesOf(t(), 'AWS::ApiGateway::Stage') as [[string, CfnJson]];
    expect(stage.Properties.TracingEnabled).toBe(true);
    expect(JSON.parse(stage.Properties.AccessLogSetting.Format)).toMatchObject({
      requestId: '$context.requestId',
    });
    const settings = stage.Properties.MethodSettings as Json[];
    const all = settings.find((s) => s.ResourcePath === '/*' && s.HttpMethod === '*');
    expect(all).toMatchObject({
      ThrottlingRateLimit: config().api.throttling.rateLimit,
      ThrottlingBurstLimit: config().api.throttling.burstLimit,
      LoggingLevel: 'ERROR',
    });
    for (const route of API_ROUTES) {
      const expected =
        route.access === 'signed-webhook' ? config().api.webhookThrottling : config().api.governedThrottling;
      const setting = settings.find(
        (s) => s.ResourcePath === `/${route.path.replaceAll('/', '~1')}` && s.HttpMethod === route.method,
      );
      expect(setting, `${route.method} ${route.path} throttled`).toMatchObject({
        ThrottlingRateLimit: expected.rateLimit,
        ThrottlingBurstLimit: expected.burstLimit,
      });
    }
    t().hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Quota: { Limit: config().api.usagePlanQuotaPerDay, Period: 'DAY' },
    });
    t().resourceCountIs('AWS::ApiGateway::ApiKey', 1);
  });

  it('answers gateway errors as application/problem+json', () => {
    const responses = resourcesOf(t(), 'AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    expect(responses.map((r) => r.ResponseType)).toEqual(
      expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'BAD_REQUEST_BODY']),
    );
    for (const response of responses) {
      expect(response.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(
        "'application/problem+json'",
      );
      expect(response.ResponseTemplates['application/json']).toMatch(
        /^\{"type":"about:blank","title":"[^"]+"/,
      );
    }
  });

  it('turns WAF on exactly when the environment says so', () => {
    t().resourceCountIs('AWS::WAFv2::WebACL', config().waf.enabled ? 1 : 0);
    t().resourceCountIs('AWS::WAFv2::WebACLAssociation', config().waf.enabled ? 1 : 0);
    if (config().waf.enabled) {
      const [[, acl]] = resourcesOf(t(), 'AWS::WAFv2::WebACL') as [[string, CfnJson]];
      const rules = acl.Properties.Rules as Json[];
      expect(rules.find((r) => r.Statement.RateBasedStatement)?.Statement.RateBasedStatement.Limit).toBe(
        config().waf.rateLimitPer5Minutes,
      );
      expect(
        rules.some((r) => r.Statement.ManagedRuleGroupStatement?.Name === 'AWSManagedRulesCommonRuleSet'),
      ).toBe(true);
    }
  });

  it('grants no IAM wildcard action, and "*" resources only to X-Ray and log delivery', () => {
    for (const statement of statements(t())) {
      const actions = [statement.Action].flat() as string[];
      for (const action of actions) expect(action, 'no wildcard action').not.toMatch(/\*/);
      const resources = [statement.Resource].flat();
      if (resources.includes('*')) {
        for (const action of actions)
          expect(action).toMatch(
            /^(xray:|logs:(\w*LogDeliver\w*|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$)/,
          );
      }
      expect(JSON.stringify(resources), 'no index wildcard').not.toContain('/index/*');
    }
    for (const [id] of resourcesOf(t(), 'AWS::IAM::Role')) {
      const role = t().toJSON().Resources[id];
      if (!id.startsWith('ApiCloudWatchRole')) expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('binds each function to exactly the resources its catalog entry names', () => {
    const variables = (key: keyof SupplylineStack['functions']) =>
      Object.keys(stack().resolve((stack().functions[key].node.defaultChild as Json).environment).variables);
    expect(variables('planning-webhook')).toEqual(
      expect.arrayContaining([
        'PLANNING_WEBHOOK_SECRET_ARN',
        'PLANNING_WEBHOOK_PREVIOUS_SECRET_ARN',
        'EVENT_BUS_NAME',
        'IDEMPOTENCY_TABLE_NAME',
      ]),
    );
    expect(variables('planning-webhook')).not.toContain('ERP_CREDENTIALS_SECRET_ARN');
    expect(variables('integration-exceptions-list')).not.toContain('EVENT_BUS_NAME');
    expect(variables('forecast-exception-evaluation')).toContain('PURCHASE_COMMITMENT_STATE_MACHINE_ARN');
    expect(variables('acknowledgement-sync')).toContain('PURCHASE_COMMITMENT_STATE_MACHINE_ARN');
  });

  it('deploys the purchase-commitment workflow as a logged, traced Standard state machine', () => {
    t().hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: true },
    });
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged by a reason', () => {
    const report = new AwsSolutionsChecks().validateScope(stack());
    const findings = report.violations.map(
      (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });
});

describe('Supplyline stack across environments', () => {
  it('retains data and protects the stack only in prod', () => {
    expect(built.prod.stack.terminationProtection).toBe(true);
    expect(built.dev.stack.terminationProtection).toBe(false);
    for (const [, secret] of resourcesOf(built.prod.template, 'AWS::SecretsManager::Secret')) {
      expect(secret.DeletionPolicy).toBe('Retain');
    }
  });

  it('never puts a secret value in the template', () => {
    for (const env of ENVIRONMENT_NAMES) {
      for (const [id, secret] of resourcesOf(built[env].template, 'AWS::SecretsManager::Secret')) {
        expect(secret.Properties.SecretString, id).toBeUndefined();
        expect(secret.Properties.GenerateSecretString, id).toBeDefined();
      }
    }
  });

  it('gives each environment its own lane concurrency', () => {
    const concurrency = (env: EnvironmentName) =>
      resourcesOf(built[env].template, 'AWS::Lambda::EventSourceMapping').map(
        ([, m]) => m.Properties.ScalingConfig.MaximumConcurrency as number,
      );
    expect(Math.max(...concurrency('prod'))).toBeGreaterThan(Math.max(...concurrency('dev')));
  });

  it('refuses to synthesize staging or prod while handler files are missing', () => {
    const emptyProject = mkdtempSync(join(tmpdir(), 'supplyline-empty-'));
    expect(() => buildStack('staging', { functionEntries: {}, projectRoot: emptyProject })).toThrow(
      /handler files missing[\s\S]*planning-webhook: functions\/webhooks\/planning-webhook\.ts/,
    );
  });

  it('deploys placeholders in dev when handlers are missing, and leaves out a workflow without ASL', () => {
    const emptyProject = mkdtempSync(join(tmpdir(), 'supplyline-empty-'));
    const { stack, template } = buildStack('dev', {
      functionEntries: {},
      projectRoot: emptyProject,
      workflowDefinitions: { 'purchase-commitment': join(emptyProject, 'missing.asl.json') },
    });
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { SUPPLYLINE_FUNCTION_KEY: 'planning-webhook' } },
    });
    expect(stack.workflows).toEqual({});
  });

  it('rejects an environment whose lane budget the routing table exceeds', () => {
    const config = testConfig('dev');
    expect(() =>
      buildStack('dev', {
        config: {
          ...config,
          concurrency: { ...config.concurrency, critical: { perConsumer: 5, laneBudget: 6 } },
        },
      }),
    ).toThrow(/lane 'critical'.*above the lane budget 6/);
  });

  it('uses a test App without bundling', () => {
    expect(testApp().node.tryGetContext('aws:cdk:bundling-stacks')).toEqual([]);
  });
});
