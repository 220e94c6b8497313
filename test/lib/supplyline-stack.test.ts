import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../application/api-routes';
import { GATEWAY_PROBLEMS, type GatewayProblemType } from '../../application/api-problems';
import { APPLICATION_CONSUMERS } from '../../application/identity';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { FUNCTION_CATALOG, FUNCTION_KEYS } from '../../application/functions';
import { pascalCase } from '../../application/resources';
import { WORKFLOW_CATALOG } from '../../application/workflows';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../application/environments';
import { SupplylineApi } from '../../lib/constructs/supplyline-api';
import {
  CONSUMER_ROUTES,
  isObjectsCreated,
  resolveRoutes,
  VISIBILITY_TIMEOUT_FACTOR,
} from '../../application/routing';
import { PROJECT_ROOT, type SupplylineStack } from '../../lib/supplyline-stack';
import {
  buildStack,
  nestedTemplate,
  resourcesOf,
  testApp,
  testConfig,
  type CfnJson,
  type Json,
} from './support';

const built = {} as Record<EnvironmentName, { stack: SupplylineStack; template: Template }>;
const GOVERNED_ROUTES = API_ROUTES.filter((r) => r.access === 'identity');
const WEBHOOK_ROUTES = API_ROUTES.filter((r) => r.access === 'signed-webhook');

beforeAll(() => {
  for (const env of ENVIRONMENT_NAMES) built[env] = buildStack(env);
});

/** The logical id a Ref/GetAtt points at. */
function refOf(value: Json): string {
  if (value?.Ref) return value.Ref as string;
  if (value?.['Fn::GetAtt']) return value['Fn::GetAtt'][0] as string;
  throw new Error(`not a reference: ${JSON.stringify(value)}`);
}

/** The statements of the policies attached to `role`. */
function statementsOfRole(template: Template, stack: SupplylineStack, role: IRole): Json[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as never);
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
}

/** The statements a catalog function's role holds. */
function functionStatements(
  template: Template,
  stack: SupplylineStack,
  key: keyof SupplylineStack['functions'],
): Json[] {
  return statementsOfRole(template, stack, stack.functions[key].role);
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
    // Alarms live in the monitoring nested stack (ADR 0014); queues stay in the main stack.
    t().resourceCountIs('AWS::CloudWatch::Alarm', 0);
    const monitoring = nestedTemplate(stack(), t(), stack().monitoringStack);
    const alarms = resourcesOf(monitoring.template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const queueIds = resourcesOf(t(), 'AWS::SQS::Queue').map(([id]) => id);
    const watched = (metric: string) =>
      new Set(
        alarms
          .filter((a) => a.MetricName === metric)
          .map((a) =>
            refOf(monitoring.fromParent((a.Dimensions as Json[]).find((d) => d.Name === 'QueueName').Value)),
          ),
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
    const rules = resourcesOf(t(), 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern);
    expect(rules).toHaveLength(CONSUMER_ROUTES.length);
    for (const lane of stack().lanes) {
      const [, rule] = rules.find(
        ([id]) => id === stack().getLogicalId(lane.rule.node.defaultChild as never),
      )!;
      const pattern = lane.route.pattern;
      if (isObjectsCreated(pattern)) {
        // S3 sends to the default bus.
        expect(rule.Properties.EventPattern).toMatchObject({
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { object: { key: [{ prefix: pattern.objectsCreated.prefix }] } },
        });
        expect(rule.Properties.EventBusName).toBe('default');
      } else {
        expect(rule.Properties.EventPattern).toEqual({
          source: pattern.source,
          'detail-type': pattern['detail-type'],
        });
        expect(refOf(rule.Properties.EventBusName)).toMatch(/^Bus/);
      }
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
      expect(table.Properties.SSESpecification, id).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: {
          'Fn::GetAtt': [stack().getLogicalId(stack().keys.data.node.defaultChild as never), 'Arn'],
        },
      });
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.DeletionPolicy).toBe(config().retainData ? 'Retain' : 'Delete');
      expect(Boolean(table.Properties.DeletionProtectionEnabled)).toBe(config().retainData);
    }
    const monitoring = nestedTemplate(stack(), t(), stack().monitoringStack);
    const [[, topic]] = resourcesOf(monitoring.template, 'AWS::SNS::Topic') as [[string, CfnJson]];
    expect(monitoring.fromParent(topic.Properties.KmsMasterKeyId)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^MessagingKey/), 'Arn'],
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
    const [[, topicPolicy]] = resourcesOf(monitoring.template, 'AWS::SNS::TopicPolicy') as [
      [string, CfnJson],
    ];
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

  it('expires the request-budget windows kept in the circuit-breaker table', () => {
    const table = stack().data.tables.circuitBreaker.table;
    const [, resource] = resourcesOf(t(), 'AWS::DynamoDB::Table').find(
      ([id]) => id === stack().getLogicalId(table.node.defaultChild as never),
    )!;
    expect(resource.Properties.KeySchema).toEqual([{ AttributeName: 'endpoint', KeyType: 'HASH' }]);
    expect(resource.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
  });

  it('keeps refused webhook deliveries in an expiring table that only the webhooks write to, and never read', () => {
    const table = stack().data.tables.webhookQuarantine.table;
    const tableId = stack().getLogicalId(table.node.defaultChild as never);
    const [, resource] = resourcesOf(t(), 'AWS::DynamoDB::Table').find(([id]) => id === tableId)!;
    expect(resource.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    // Encrypted with the application's data key, like every table.
    expect(resource.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    const onTable = (key: keyof SupplylineStack['functions']) =>
      functionStatements(t(), stack(), key)
        .filter((statement) => JSON.stringify(statement.Resource).includes(tableId))
        .flatMap((statement) => [statement.Action as string[]].flat());
    for (const key of ['planning-webhook', 'procurement-webhook'] as const) {
      // Keeping a delivery is one upsert: no read, no delete.
      expect(onTable(key).sort(), key).toEqual(['dynamodb:UpdateItem']);
    }
    for (const key of FUNCTION_KEYS.filter((k) => !k.endsWith('-webhook')))
      expect(onTable(key), key).toEqual([]);
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
    expect(models.map((m) => m.Name).sort()).toEqual([
      'ApprovalDecision',
      'ExceptionResolution',
      'PurchaseOrderProposal',
      'PurchaseRequisitionSubmission',
    ]);
    const approval = models.find((m) => m.Name === 'ApprovalDecision')!;
    expect(approval.Schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(approval.Schema.required).toEqual(['decision', 'decidedBy', 'schemaVersion']);

    const methods = resourcesOf(t(), 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(GOVERNED_ROUTES.length);
    for (const [id, method] of methods) {
      expect(method.Properties.ApiKeyRequired, id).toBe(true);
      expect(method.Properties.RequestValidatorId, id).toBeDefined();
    }
    const withModels = methods.filter(([, m]) => m.Properties.RequestModels);
    expect(withModels).toHaveLength(GOVERNED_ROUTES.filter((route) => route.requestModel).length);
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
    for (const route of GOVERNED_ROUTES) {
      // A route's own throttle, else the environment's governed default.
      const expected = route.throttle ?? config().api.governedThrottling;
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
    // The operators' key and one per application consumer (metering only: lib/constructs/identity.ts).
    t().resourceCountIs('AWS::ApiGateway::ApiKey', 1 + APPLICATION_CONSUMERS.length);
  });

  it('keeps the vendor webhooks off the REST API', () => {
    const restApiId = stack().getLogicalId(stack().api.api.node.defaultChild as never);
    const pathParts = resourcesOf(t(), 'AWS::ApiGateway::Resource').map(([, r]) => r.Properties.PathPart);
    expect(pathParts).not.toContain('webhooks');
    expect(resourcesOf(t(), 'AWS::ApiGateway::RestApi').map(([id]) => id)).toEqual([restApiId]);
    for (const route of WEBHOOK_ROUTES) {
      const invokers = resourcesOf(t(), 'AWS::Lambda::Permission').filter(
        ([, p]) =>
          refOf(p.Properties.FunctionName) ===
          stack().getLogicalId(stack().functions[route.handler].node.defaultChild as never),
      );
      // Only the HTTP API may invoke the webhook function, and only through its route.
      expect(invokers, route.path).toHaveLength(1);
      expect(JSON.stringify(invokers[0]![1].Properties.SourceArn)).not.toContain(restApiId);
      expect(JSON.stringify(invokers[0]![1].Properties.SourceArn)).toContain(`/*/*${route.path}`);
    }
  });

  it('serves the signed webhooks from the HTTP API: Lambda proxy 1.0, no authorizer, same /v1 paths', () => {
    const [[apiId, api]] = resourcesOf(t(), 'AWS::ApiGatewayV2::Api') as [[string, CfnJson]];
    expect(api.Properties).toMatchObject({ Name: `${config().stackName}-webhooks`, ProtocolType: 'HTTP' });
    const routes = resourcesOf(t(), 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      WEBHOOK_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    const integrations = Object.fromEntries(resourcesOf(t(), 'AWS::ApiGatewayV2::Integration'));
    for (const route of routes) {
      expect(refOf(route.ApiId)).toBe(apiId);
      expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
      const [prefix, ref] = route.Target['Fn::Join'][1] as [string, Json];
      expect(prefix).toBe('integrations/');
      const integration = integrations[refOf(ref)]!.Properties;
      const handler = WEBHOOK_ROUTES.find((r) => route.RouteKey === `${r.method} ${r.path}`)!.handler;
      expect(integration).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '1.0',
      });
      expect(refOf(integration.IntegrationUri)).toBe(
        stack().getLogicalId(stack().functions[handler].node.defaultChild as never),
      );
    }
    expect(Object.keys(integrations)).toHaveLength(WEBHOOK_ROUTES.length);
  });

  it('gives the HTTP API one stage per environment with route throttling and JSON access logs', () => {
    const [[stageId, stage]] = resourcesOf(t(), 'AWS::ApiGatewayV2::Stage') as [[string, CfnJson]];
    const webhooks = config().api.webhookThrottling;
    expect(stage.Properties).toMatchObject({
      StageName: config().api.stageName,
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: config().api.throttling.rateLimit,
        ThrottlingBurstLimit: config().api.throttling.burstLimit,
      },
    });
    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual(
      WEBHOOK_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const settings of Object.values(stage.Properties.RouteSettings) as Json[]) {
      expect(settings).toMatchObject({
        ThrottlingRateLimit: webhooks.rateLimit,
        ThrottlingBurstLimit: webhooks.burstLimit,
      });
    }
    // Route settings name route keys: the stage is created after the routes.
    const routeIds = resourcesOf(t(), 'AWS::ApiGatewayV2::Route').map(([id]) => id);
    expect(t().toJSON().Resources[stageId].DependsOn).toEqual(expect.arrayContaining(routeIds));

    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
    });
    const logGroupId = refOf(stage.Properties.AccessLogSettings.DestinationArn);
    const logGroup = t().toJSON().Resources[logGroupId];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(config().logRetentionDays);
    expect(logGroup.DeletionPolicy).toBe(config().retainData ? 'Retain' : 'Delete');
  });

  it('outputs both API URLs', () => {
    const outputs = t().toJSON().Outputs as Record<string, { Value: Json }>;
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain(
      stack().getLogicalId(stack().api.api.node.defaultChild as never),
    );
    const webhookUrl = JSON.stringify(outputs.WebhookApiUrl!.Value);
    // Behind the edge the webhook API answers only at its custom domain (webhook-edge.test.ts).
    const origin = config().api.webhookEdge.enabled ? config().api.webhookEdge.originDomain : undefined;
    if (origin) {
      expect(webhookUrl).toBe(JSON.stringify(`https://${origin.domainName}/v1`));
      return;
    }
    expect(webhookUrl).toContain(stack().getLogicalId(stack().webhookApi.api.node.defaultChild as never));
    expect(webhookUrl).toMatch(new RegExp(`/${config().api.stageName}/v1"`));
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
      // A documented type (docs/problems.md), never about:blank.
      const kind = GATEWAY_PROBLEMS[response.ResponseType as GatewayProblemType].kind;
      expect(response.ResponseTemplates['application/json']).toMatch(
        new RegExp(`^\\{"type":"urn:supplyline:problem:${kind}","title":"[^"]+"`),
      );
    }
    expect(responses.map((r) => r.ResponseType).sort()).toEqual(Object.keys(GATEWAY_PROBLEMS).sort());
  });

  it('throttles a route that declares its own throttle with its numbers, in the stage and the usage plan', () => {
    const [first, ...rest] = GOVERNED_ROUTES;
    const own = { rateLimit: 2, burstLimit: 3 };
    const template = buildStack('dev', {
      apiRoutes: [
        ...API_ROUTES.filter((r) => r.access !== 'identity'),
        { ...first!, throttle: own },
        ...rest,
      ],
    }).template;
    const [[, stage]] = resourcesOf(template, 'AWS::ApiGateway::Stage') as [[string, CfnJson]];
    const setting = (stage.Properties.MethodSettings as Json[]).find(
      (s) => s.ResourcePath === `/${first!.path.replaceAll('/', '~1')}` && s.HttpMethod === first!.method,
    );
    expect(setting).toMatchObject({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 3 });
    const [[, plan]] = resourcesOf(template, 'AWS::ApiGateway::UsagePlan').filter(([, p]) =>
      String(p.Properties.UsagePlanName).endsWith('-operators'),
    ) as [[string, CfnJson]];
    const throttles = Object.values(plan.Properties.ApiStages[0].Throttle as Record<string, Json>);
    expect(throttles).toContainEqual({ RateLimit: 2, BurstLimit: 3 });
  });

  it('turns WAF on exactly when the environment says so', () => {
    // The governed REST API's regional WebACL (the webhooks' CloudFront one: webhook-edge.test.ts).
    const regional = resourcesOf(t(), 'AWS::WAFv2::WebACL').filter(
      ([, acl]) => acl.Properties.Scope === 'REGIONAL',
    );
    expect(regional).toHaveLength(config().waf.enabled ? 1 : 0);
    t().resourceCountIs('AWS::WAFv2::WebACLAssociation', config().waf.enabled ? 1 : 0);
    if (config().waf.enabled) {
      const [[, acl]] = regional as [[string, CfnJson]];
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
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
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
        'SYNC_LEDGER_TABLE_NAME',
      ]),
    );
    expect(variables('planning-webhook')).not.toContain('ERP_CREDENTIALS_SECRET_ARN');
    expect(variables('planning-webhook')).not.toContain('IDEMPOTENCY_TABLE_NAME');
    // approval-decision publishes approval.decided; the list only reads.
    expect(variables('approval-decision')).toEqual(
      expect.arrayContaining(['EVENT_BUS_NAME', 'APPROVAL_AUDIT_BUCKET_NAME']),
    );
    expect(variables('approval-decision')).not.toContain('IDEMPOTENCY_TABLE_NAME');
    expect(variables('integration-exceptions-list')).not.toContain('EVENT_BUS_NAME');
    expect(variables('forecast-exception-evaluation')).toContain('PURCHASE_COMMITMENT_STATE_MACHINE_ARN');
    expect(variables('acknowledgement-sync')).toContain('SUPPLIER_ACKNOWLEDGEMENT_STATE_MACHINE_ARN');
    expect(variables('approval-decision')).toContain('COMMITMENT_APPROVAL_STATE_MACHINE_ARN');
    expect(variables('forecast-sync')).toContain('FORECAST_SYNC_BUCKET_NAME');
    expect(variables('purchase-order-posting')).toEqual(
      expect.arrayContaining([
        'PROCUREMENT_BASE_URL',
        'ERP_BASE_URL',
        'ERP_DATABASE',
        'ERP_CREDENTIALS_SECRET_ARN',
      ]),
    );
    expect(variables('sourcing-request-action')).not.toContain('ERP_BASE_URL');
    for (const key of FUNCTION_KEYS) expect(variables(key), key).toContain('TENANT_ID');
  });

  it('gives each consumer its DLQ URL, maxReceiveCount and the right to send to that DLQ', () => {
    for (const lane of stack().lanes) {
      const fn = stack().functions[lane.route.handler];
      const vars = stack().resolve((fn.node.defaultChild as Json).environment).variables;
      expect(vars.DEAD_LETTER_QUEUE_URL).toEqual({
        Ref: stack().getLogicalId(lane.deadLetterQueue.node.defaultChild as never),
      });
      expect(vars.MAX_RECEIVE_COUNT).toBe(String(lane.route.maxReceiveCount));
      const granted = functionStatements(t(), stack(), lane.route.handler);
      const dlqArn = {
        'Fn::GetAtt': [stack().getLogicalId(lane.deadLetterQueue.node.defaultChild as never), 'Arn'],
      };
      expect(granted).toContainEqual(
        expect.objectContaining({ Action: 'sqs:SendMessage', Resource: dlqArn }),
      );
      const queueArn = { 'Fn::GetAtt': [stack().getLogicalId(lane.queue.node.defaultChild as never), 'Arn'] };
      const consume = granted.find((st) => JSON.stringify(st.Resource) === JSON.stringify(queueArn))!;
      expect(consume.Action).toContain('sqs:ChangeMessageVisibility');
      // Deferring work that must wait sends it to the same queue again.
      expect(
        granted.some(
          (st) =>
            [st.Action].flat().includes('sqs:SendMessage') &&
            [st.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(queueArn)),
        ),
      ).toBe(true);
      expect(granted.some((st) => [st.Action].flat().includes('kms:GenerateDataKey'))).toBe(true);
    }
  });

  it('deploys the three workflows with fixed names, their types and logging', () => {
    const machines = Object.fromEntries(
      resourcesOf(t(), 'AWS::StepFunctions::StateMachine').map(([, m]) => [
        m.Properties.StateMachineName,
        m.Properties,
      ]),
    );
    const prefix = config().resourcePrefix;
    expect(Object.keys(machines).sort()).toEqual(WORKFLOW_CATALOG.map((wf) => `${prefix}-${wf.name}`).sort());
    expect(machines[`${prefix}-purchase-commitment`]).toMatchObject({
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    for (const name of ['commitment-approval', 'supplier-acknowledgement']) {
      expect(machines[`${prefix}-${name}`]).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
      });
    }
  });

  it('lets workflows start exactly the workflows they hand over to, by ARNs built from names', () => {
    const arn = (name: string) => stack().resolve(stack().stateMachineArn(name));
    for (const definition of WORKFLOW_CATALOG) {
      const workflow = stack().workflows[definition.name]!;
      const substitutions = stack().resolve(
        (workflow.stateMachine.node.defaultChild as Json).definitionSubstitutions,
      );
      const started = statementsOfRole(t(), stack(), workflow.stateMachine.role).filter((st) =>
        [st.Action].flat().includes('states:StartExecution'),
      );
      const expected = (definition.starts ?? []).map(arn);
      expect([...started.flatMap((st) => [st.Resource].flat())]).toEqual(expected);
      for (const name of definition.starts ?? []) {
        expect(substitutions[`${pascalCase(name)}StateMachineArn`]).toEqual(arn(name));
      }
    }
    // Built from partition, region, account and the fixed name: no reference to a state machine.
    expect(JSON.stringify(arn('commitment-approval'))).not.toMatch(/"Ref":"Workflows|GetAtt/);
    expect(JSON.stringify(arn('commitment-approval'))).toContain(
      `:stateMachine:${config().resourcePrefix}-commitment-approval`,
    );
  });

  it('grants task answers and starts on exact state machine ARNs only', () => {
    const arn = (name: string) => stack().resolve(stack().stateMachineArn(name));
    const grantsOf = (key: keyof SupplylineStack['functions'], action: string) =>
      functionStatements(t(), stack(), key)
        .filter((st) => [st.Action].flat().includes(action))
        .flatMap((st) => [st.Resource].flat());
    expect(grantsOf('forecast-exception-evaluation', 'states:StartExecution')).toEqual([
      arn('purchase-commitment'),
    ]);
    for (const [key, workflow] of [
      ['approval-decision', 'commitment-approval'],
      ['acknowledgement-sync', 'supplier-acknowledgement'],
      ['acknowledgement-wait', 'supplier-acknowledgement'],
    ] as const) {
      expect(grantsOf(key, 'states:SendTaskSuccess'), key).toEqual([arn(workflow)]);
      // No function reports a task failure: the grant would be unused.
      expect(grantsOf(key, 'states:SendTaskFailure'), key).toEqual([]);
      expect(grantsOf(key, 'states:StartExecution'), key).toEqual([]);
    }
    for (const statement of statements(t())) {
      if ([statement.Action].flat().some((a: string) => a.startsWith('states:')))
        expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
  });

  it('keeps forecast sync files in an encrypted, TLS-only, private, versioned bucket with lifecycle and access logs', () => {
    const bucketId = stack().getLogicalId(
      stack().buckets.buckets.forecastSync.bucket.node.defaultChild as never,
    );
    const bucket = t().toJSON().Resources[bucketId];
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: {
                'Fn::GetAtt': [stack().getLogicalId(stack().keys.data.node.defaultChild as never), 'Arn'],
              },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^BucketsAccessLogs/) } },
    });
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Json[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'rejects/', ExpirationInDays: 30, Status: 'Enabled' }),
        expect.objectContaining({ Prefix: 'received/', ExpirationInDays: 7, Status: 'Enabled' }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      ]),
    );
    expect(bucket.DeletionPolicy).toBe(config().retainData ? 'Retain' : 'Delete');
    const policies = resourcesOf(t(), 'AWS::S3::BucketPolicy').map(([, p]) => p.Properties);
    const own = policies.find((p) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: bucketId }))!;
    expect(own.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const granted = functionStatements(t(), stack(), 'forecast-sync');
    expect(granted).toContainEqual(
      expect.objectContaining({
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      }),
    );
    expect(
      functionStatements(t(), stack(), 'forecast-change-evaluation').some((st) =>
        JSON.stringify(st).includes('s3:'),
      ),
    ).toBe(false);
  });

  it('polls the ERP for receipts every minute from an EventBridge schedule', () => {
    const schedules = resourcesOf(t(), 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties.ScheduleExpression,
    );
    expect(schedules).toHaveLength(FUNCTION_CATALOG.filter((f) => f.schedule).length);
    const poller = stack().functions['erp-receipt-poller'];
    const ruleId = stack().getLogicalId(stack().schedules['erp-receipt-poller']!.node.defaultChild as never);
    const [, rule] = schedules.find(([id]) => id === ruleId)!;
    expect(rule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [stack().getLogicalId(poller.node.defaultChild as never), 'Arn'] },
        }),
      ],
    });
    expect(rule.Properties.EventBusName).toBeUndefined();
    const vars = Object.keys(stack().resolve((poller.node.defaultChild as Json).environment).variables);
    expect(vars).toEqual(
      expect.arrayContaining([
        'EVENT_BUS_NAME',
        'SYNC_LEDGER_TABLE_NAME',
        'WORKFLOW_CORRELATION_TABLE_NAME',
        'ERP_CREDENTIALS_SECRET_ARN',
        'ERP_BASE_URL',
      ]),
    );
    expect(vars).not.toContain('PROCUREMENT_OAUTH_SECRET_ARN');
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

  it.each(ENVIRONMENT_NAMES)(
    'refuses to synthesize %s while a handler or a workflow definition is missing',
    (env) => {
      const emptyProject = mkdtempSync(join(tmpdir(), 'supplyline-empty-'));
      expect(() => buildStack(env, { functionEntries: {}, projectRoot: emptyProject })).toThrow(
        /handler files missing[\s\S]*planning-webhook: functions\/webhooks\/planning-webhook\.ts/,
      );
      expect(() =>
        buildStack(env, {
          workflowDefinitions: { 'commitment-approval': join(emptyProject, 'missing.asl.json') },
        }),
      ).toThrow(/workflow 'commitment-approval' definition .*missing\.asl\.json does not exist/);
    },
  );

  it('has a handler file for every catalog function and an ASL file for every workflow', () => {
    for (const definition of FUNCTION_CATALOG)
      expect(existsSync(join(PROJECT_ROOT, definition.entry)), definition.entry).toBe(true);
    for (const workflow of WORKFLOW_CATALOG)
      expect(existsSync(join(PROJECT_ROOT, workflow.definition)), workflow.definition).toBe(true);
  });

  it('rejects a consumer the consumer framework could not run, and a workflow starting an unknown one', () => {
    const catalog = FUNCTION_CATALOG.map((f) =>
      f.key === 'integration-exception-recorder' ? { ...f, grants: { ...f.grants, bus: false } } : f,
    );
    const workflows = WORKFLOW_CATALOG.map((wf) =>
      wf.name === 'supplier-acknowledgement' ? { ...wf, starts: ['nowhere'] } : wf,
    );
    expect(() => buildStack('dev', { functionCatalog: catalog, workflowCatalog: workflows })).toThrow(
      /'integration-exception-recorder' is a queue consumer: grant bus[\s\S]*starts unknown workflow 'nowhere'/,
    );
  });

  it('rejects a signed webhook that is not a plain POST, and signed webhooks on the REST API', () => {
    const getWebhook = API_ROUTES.map((r) =>
      r.path === '/v1/webhooks/planning' ? { ...r, method: 'GET' as const } : r,
    );
    expect(() => buildStack('dev', { apiRoutes: getWebhook })).toThrow(
      /GET \/v1\/webhooks\/planning: a signed webhook is a POST without a request model/,
    );
    const stack = new Stack(testApp(), 'RestWebhook');
    const handler = lambda.Function.fromFunctionName(stack, 'Fn', 'planning');
    const authorizer = new apigateway.TokenAuthorizer(stack, 'Authorizer', { handler });
    expect(
      () =>
        new SupplylineApi(stack, 'Api', {
          authorizer,
          apiName: 'x',
          stageName: 'dev',
          routes: [{ path: '/v1/webhooks/planning', method: 'POST', handler, access: 'signed-webhook' }],
          models: {},
          throttling: { stage: { rateLimit: 1, burstLimit: 1 }, governed: { rateLimit: 1, burstLimit: 1 } },
          usagePlanQuotaPerDay: 1,
          logRetention: logs.RetentionDays.ONE_WEEK,
        }),
    ).toThrow(/signed webhooks are served by the WebhookApi \(HTTP API, ADR 0005\)/);
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
