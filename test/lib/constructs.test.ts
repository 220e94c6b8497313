import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConsumerLane } from '../../lib/constructs/consumer-lane';
import { DataTables } from '../../lib/constructs/data-tables';
import { Monitoring } from '../../lib/constructs/monitoring';
import { toApiGatewaySchema } from '../../lib/constructs/supplyline-api';
import { ESM_REQUIRE_BANNER } from '../../application/bundling';
import { SupplylineFunction } from '../../lib/constructs/supplyline-function';
import { Workflow, stateMachineArnOf } from '../../lib/constructs/workflow';
import { resolveRoutes, onEvents } from '../../application/routing';
import { APPROVAL_DECISION_SCHEMA, fixture, testApp, type Json } from './support';

const HANDLER = fixture('functions/handler.ts');

function newFunction(stack: Stack, id: string, timeoutSeconds = 30): SupplylineFunction {
  return new SupplylineFunction(stack, id, {
    entry: HANDLER,
    timeout: Duration.seconds(timeoutSeconds),
    memorySize: 256,
    logRetention: logs.RetentionDays.TWO_WEEKS,
  });
}

describe('SupplylineFunction', () => {
  it('bundles locally with esbuild as minified ESM with the createRequire banner and a source map', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'supplyline-bundle-')) });
    const stack = new Stack(app, 'Bundled');
    newFunction(stack, 'Fn');
    const assembly = app.synth();
    const assetDir = readdirSync(assembly.directory).find((d) => d.startsWith('asset.'))!;
    const files = readdirSync(join(assembly.directory, assetDir));
    expect(files.sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(assembly.directory, assetDir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(code).toMatch(/export\s*\{/);
    expect(code.split('\n').length).toBeLessThan(10);
  });

  it('defaults to arm64, Node 22, tracing, JSON logs to its own group with retention and no managed policy', () => {
    const stack = new Stack(testApp(), 'Fn');
    newFunction(stack, 'Fn');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: Match.anyValue() },
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'supplyline',
          POWERTOOLS_METRICS_NAMESPACE: 'Supplyline',
          LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    t.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('grants and sets the variable in one call for tables, bus, secrets and state machines', () => {
    const stack = new Stack(testApp(), 'Bind');
    const fn = newFunction(stack, 'Fn');
    const data = new DataTables(stack, 'Data', {
      retainData: false,
      encryptionKey: new kms.Key(stack, 'Key'),
    });
    const bus = new events.EventBus(stack, 'Bus');
    fn.bindTable(data.tables.syncLedger, 'read').bindTable(data.tables.idempotency, 'readWrite').bindBus(bus);
    const t = Template.fromStack(stack);
    const vars = (t.findResources('AWS::Lambda::Function') as Json)[
      stack.getLogicalId(fn.node.defaultChild as never)
    ].Properties.Environment.Variables;
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining(['SYNC_LEDGER_TABLE_NAME', 'IDEMPOTENCY_TABLE_NAME', 'EVENT_BUS_NAME']),
    );
    const statements = Object.values(t.findResources('AWS::IAM::Policy') as Json).flatMap(
      (p: Json) => p.Properties.PolicyDocument.Statement,
    ) as Json[];
    const ledger = statements.find((s) => JSON.stringify(s.Resource).includes('byCorrelationId'))!;
    expect(ledger.Action).not.toContain('dynamodb:PutItem');
    expect(JSON.stringify(ledger.Resource)).toContain('/index/byObjectType');
    const idempotency = statements.find(
      (s) =>
        [s.Action].flat().includes('dynamodb:PutItem') && JSON.stringify(s.Resource).includes('Idempotency'),
    );
    expect(idempotency).toBeDefined();
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('rejects a missing entry, an out-of-range timeout and memory with descriptive errors', () => {
    const stack = new Stack(testApp(), 'Bad');
    expect(
      () =>
        new SupplylineFunction(stack, 'Bad', {
          entry: '/nowhere/handler.ts',
          timeout: Duration.seconds(901),
          memorySize: 64,
          logRetention: logs.RetentionDays.ONE_WEEK,
        }),
    ).toThrow(
      /SupplylineFunction Bad: entry '\/nowhere\/handler.ts' does not exist; timeout 901s.*; memorySize 64/,
    );
  });
});

describe('ConsumerLane', () => {
  const [route] = resolveRoutes({
    routes: [
      {
        consumer: 'receipt-sync',
        description: 'test',
        lane: 'critical',
        handler: 'receipt-sync',
        pattern: onEvents(['receipt.posted'], { warehouse: [{ prefix: 'WH-' }] }),
        maxReceiveCount: 4,
        timeoutSeconds: 45,
      },
    ],
  });

  function lane(timeoutSeconds: number, prefix = 'supplyline-test') {
    const stack = new Stack(testApp(), 'Lane');
    const consumer = newFunction(stack, 'Consumer', timeoutSeconds);
    const built = new ConsumerLane(stack, 'Lane', {
      route: route!,
      bus: new events.EventBus(stack, 'Bus'),
      consumer,
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
      queueNamePrefix: prefix,
      alarms: { oldestMessageAgeSeconds: 120 },
    });
    return { stack, built, t: Template.fromStack(stack) };
  }

  it('wires rule -> queue -> function with the route’s settings and detail filters', () => {
    const { t, built } = lane(45);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['supplyline.erp'],
        'detail-type': ['receipt.posted'],
        detail: { warehouse: [{ prefix: 'WH-' }] },
      },
    });
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'supplyline-test-receipt-sync',
      VisibilityTimeout: 270,
      RedrivePolicy: { maxReceiveCount: 4, deadLetterTargetArn: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 10 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    expect(built.queue).toBeDefined();
  });

  it('rejects a consumer whose timeout exceeds the route’s, and over-long queue names', () => {
    expect(() => lane(60)).toThrow(
      /ConsumerLane 'receipt-sync': consumer timeout 60s exceeds the route's 45s/,
    );
    expect(() => lane(45, 'x'.repeat(60))).toThrow(/longer than SQS's 80 characters/);
  });
});

describe('Workflow', () => {
  function workflow(definition: string, type: 'STANDARD' | 'EXPRESS', extra: Record<string, string> = {}) {
    const stack = new Stack(testApp(), 'Wf');
    const evaluate = newFunction(stack, 'Evaluate');
    const other = newFunction(stack, 'Other');
    const built = new Workflow(stack, 'Wf', {
      name: 'evaluation',
      definitionPath: fixture(`state-machines/${definition}`),
      type,
      functions: { evaluate },
      substitutions: extra,
      logRetention: logs.RetentionDays.ONE_MONTH,
      logGroupPrefix: 'supplyline-test',
    });
    return { stack, built, evaluate, other, t: Template.fromStack(stack) };
  }

  it('loads the ASL from file with substitutions, logs ALL for Express, traces, and invokes exactly its functions', () => {
    const { t, stack, evaluate } = workflow('evaluation.asl.json', 'EXPRESS');
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      DefinitionS3Location: Match.anyValue(),
      DefinitionSubstitutions: {
        EvaluateFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Evaluate'), 'Arn'] },
      },
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/supplyline-test-evaluation',
      RetentionInDays: 30,
    });
    const invoke = Object.values(t.findResources('AWS::IAM::Policy') as Json)
      .flatMap((p: Json) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect([invoke[0].Resource].flat()).toEqual([
      { 'Fn::GetAtt': [stack.getLogicalId(evaluate.node.defaultChild as never), 'Arn'] },
    ]);
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('logs only errors for Standard workflows', () => {
    const { t } = workflow('evaluation.asl.json', 'STANDARD');
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ERROR' },
    });
  });

  it('names the substitutions an ASL file uses but nobody provides', () => {
    const stack = new Stack(testApp(), 'Missing');
    expect(
      () =>
        new Workflow(stack, 'Wf', {
          name: 'purchase-commitment',
          definitionPath: fixture('state-machines/purchase-commitment.asl.json'),
          type: 'STANDARD',
          functions: { 'commitment-policy-check': newFunction(stack, 'Check') },
          logRetention: logs.RetentionDays.ONE_MONTH,
          logGroupPrefix: 'x',
        }),
    ).toThrow(
      /uses substitutions nobody provides: WorkflowCorrelationTableName, PurchaseOrderPostingFunctionArn, EventBusName/,
    );
  });

  it('starts exactly the state machines it is given, by ARN, under a fixed name', () => {
    const stack = new Stack(testApp(), 'Starts');
    const approvalArn = stateMachineArnOf(stack, 'supplyline-test-commitment-approval');
    new Workflow(stack, 'Wf', {
      name: 'evaluation',
      stateMachineName: 'supplyline-test-evaluation',
      definitionPath: fixture('state-machines/evaluation.asl.json'),
      type: 'EXPRESS',
      functions: { evaluate: newFunction(stack, 'Evaluate') },
      starts: { 'commitment-approval': approvalArn },
      logRetention: logs.RetentionDays.ONE_MONTH,
      logGroupPrefix: 'supplyline-test',
    });
    const t = Template.fromStack(stack);
    const arn = stack.resolve(approvalArn);
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'supplyline-test-evaluation',
      DefinitionSubstitutions: Match.objectLike({ CommitmentApprovalStateMachineArn: arn }),
    });
    const starts = Object.values(t.findResources('AWS::IAM::Policy') as Json)
      .flatMap((p: Json) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((st) => [st.Action].flat().includes('states:StartExecution'));
    expect(starts.map((st) => st.Resource)).toEqual([arn]);
    expect(JSON.stringify(arn)).toContain(':stateMachine:supplyline-test-commitment-approval');
  });

  it('refuses task tokens in an Express workflow', () => {
    expect(() => workflow('express-with-token.asl.json', 'EXPRESS')).toThrow(
      /Express workflows support neither/,
    );
  });
});

describe('toApiGatewaySchema', () => {
  it('turns a canonical 2020-12 schema into the draft-4 model API Gateway accepts', () => {
    const schema = toApiGatewaySchema(APPROVAL_DECISION_SCHEMA) as Json;
    expect(schema.schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(schema).not.toHaveProperty('$defs');
    expect(schema).not.toHaveProperty('$id');
    expect(schema.properties.schemaVersion).toEqual({ enum: ['1'] });
    expect(schema.properties.decidedBy).toEqual({
      type: 'object',
      required: ['email'],
      properties: { email: { type: 'string', minLength: 3 } },
    });
    expect(schema.properties.comment).toEqual({ type: 'string', maxLength: 2000 });
    expect(schema.properties.lines).toEqual({
      type: 'array',
      items: { type: 'integer', minimum: 0, exclusiveMinimum: true },
    });
    expect(schema.additionalProperties).toBe(false);
  });

  it('rejects a $ref that does not point into $defs', () => {
    expect(() =>
      toApiGatewaySchema({ type: 'object', properties: { a: { $ref: 'https://elsewhere/x.json' } } }),
    ).toThrow(/does not point into \$defs/);
  });
});

describe('Monitoring', () => {
  it('alarms on SLO breaches, exception aging and open breakers through an encrypted TLS-only topic', () => {
    const stack = new Stack(testApp(), 'Mon');
    const monitoring = new Monitoring(stack, 'Mon', {
      dashboardName: 'test',
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
      alarmEmails: ['ops@example.com'],
    });
    monitoring.monitorBusiness({
      slos: [
        {
          flow: 'receipt-to-procurement',
          description: 'receipt',
          metricName: 'SyncLagSeconds',
          dimensions: { ObjectType: 'receipt', SystemPair: 'erp-procurement' },
          thresholdSeconds: 300,
        },
      ],
      exceptionAgingSeconds: 3600,
      reconciliationDriftPercent: 2,
      circuitBreakerEndpoints: ['erp'],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Supplyline',
      MetricName: 'SyncLagSeconds',
      Threshold: 300,
      Dimensions: Match.arrayWith([
        { Name: 'ObjectType', Value: 'receipt' },
        { Name: 'service', Value: 'supplyline' },
      ]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IntegrationExceptionAgeSeconds',
      Threshold: 3600,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CircuitBreakerOpen',
      Dimensions: Match.arrayWith([{ Name: 'Endpoint', Value: 'erp' }]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveriesQuarantined',
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // Open exceptions past the contract's 24 h, whatever their code (the escalation pass's gauge).
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IntegrationExceptionsOpenByAge',
      Dimensions: Match.arrayWith([{ Name: 'AgeBucket', Value: 'over-24h' }]),
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // A run whose differences per 100 orders compared exceed the environment's rate.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ReconciliationDriftPercent',
      Statistic: 'Maximum',
      Threshold: 2,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    expect(monitoring.alarms).toHaveLength(6);
    const body = JSON.stringify(
      stack.resolve((monitoring.dashboard.node.defaultChild as Json).dashboardBody),
    );
    for (const metric of [
      'SyncLagSeconds',
      'ForecastToOrderSeconds',
      'IntegrationExceptionsOpen',
      'IntegrationExceptionsOpenByAge',
      'IntegrationExceptionsEscalated',
      'ReconciliationDriftPercent',
      'DuplicatesSuppressed',
      'DeliveriesQuarantined',
      'UnsignedDeliveriesRefused',
      'CircuitBreakerOpen',
    ]) {
      expect(body).toContain(metric);
    }
    // How to ask for an on-demand reconciliation run, with the CLI and with the API.
    expect(body).toContain('npm run ops -- reconcile --stack test');
    expect(body).toContain('POST /v1/reconciliation-runs');
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});
