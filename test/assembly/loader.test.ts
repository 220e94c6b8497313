import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStepFunctions } from '../../local/stepfunctions/engine';
import { findFunction, findQueue, loadTemplateModel, type TemplateModel } from '../../assembly';
import { synthesizeDev } from '../../local/synth';

describe('template model of a real dev synth', () => {
  let model: TemplateModel;
  beforeAll(async () => {
    model = loadTemplateModel({
      cdkOut: await synthesizeDev(),
      queueBaseUrl: 'http://sqs.us-east-1.localhost:4566',
    });
  });

  it('finds the stack through the manifest and resolves everything without warnings', () => {
    expect(model.stackName).toBe('Supplyline-dev');
    expect(model.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(model.warnings).toEqual([]);
    const text = JSON.stringify(model);
    expect(text).not.toContain('local-unresolved');
    expect(text).not.toMatch(/"Fn::|"Ref"/);
  });

  it("reads each function's role policies with their ARNs resolved to the local resources", () => {
    const webhook = findFunction(model, 'PlanningWebhook')!;
    const bus = model.buses[0]!;
    const allowed = (action: string) =>
      webhook
        .permissions!.filter((s) => s.effect === 'Allow' && s.actions?.includes(action))
        .flatMap((s) => s.resources ?? []);
    expect(allowed('events:PutEvents')).toEqual([bus.arn]);
    const signing = model.secrets
      .filter((s) => s.constructId.startsWith('PlanningWebhookSigning'))
      .map((s) => s.arn);
    expect(allowed('secretsmanager:GetSecretValue').sort()).toEqual(signing.sort());
    for (const arn of allowed('dynamodb:UpdateItem'))
      expect(model.tables.map((t) => t.arn)).toContain(arn.replace(/\/index\/.*$/, ''));
    // Every function runs under its own role's statements.
    for (const fn of model.functions) expect(fn.permissions?.length, fn.constructId).toBeGreaterThan(0);
  });

  it('runs every function from its bundled asset, with a resolved environment', () => {
    expect(model.functions.length).toBeGreaterThan(0);
    for (const fn of model.functions) {
      expect(existsSync(join(fn.assetDir, 'index.mjs')), fn.constructId).toBe(true);
      expect(fn.handler).toBe('index.handler');
      expect(fn.arn).toBe(`arn:aws:lambda:${model.region}:000000000000:function:${fn.name}`);
      expect(fn.timeoutSeconds).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(fn.environment)) {
        if (name.endsWith('_TABLE_NAME'))
          expect(
            model.tables.map((t) => t.name),
            `${fn.constructId} ${name}`,
          ).toContain(value);
        if (name.endsWith('_SECRET_ARN'))
          expect(
            model.secrets.map((s) => s.arn),
            `${fn.constructId} ${name}`,
          ).toContain(value);
        if (name.endsWith('_QUEUE_URL'))
          expect(findQueue(model, value), `${fn.constructId} ${name}`).toBeDefined();
        if (name.endsWith('_STATE_MACHINE_ARN')) {
          expect(
            model.stateMachines.map((m) => m.arn),
            `${fn.constructId} ${name}`,
          ).toContain(value);
        }
        if (name === 'EVENT_BUS_NAME') expect(model.buses.map((b) => b.name)).toContain(value);
      }
    }
  });

  it('models every consumer lane: queue with redrive to its DLQ, mapping to the function, rule to the queue', () => {
    expect(model.eventSourceMappings.length).toBeGreaterThan(0);
    for (const mapping of model.eventSourceMappings) {
      const queue = findQueue(model, mapping.queueArn);
      expect(queue, mapping.logicalId).toBeDefined();
      expect(findFunction(model, mapping.functionName)).toBeDefined();
      expect(mapping.batchSize).toBeGreaterThan(0);
      expect(mapping.reportBatchItemFailures).toBe(true);
      const redrive = queue!.redrivePolicy!;
      expect(Number.isInteger(redrive.maxReceiveCount)).toBe(true);
      const dlq = findQueue(model, redrive.deadLetterTargetArn)!;
      expect(dlq).toBeDefined();
      expect(JSON.parse(queue!.attributes.RedrivePolicy!)).toEqual({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: String(redrive.maxReceiveCount),
      });
      // The DLQ admits only its queue (RedriveAllowPolicy, ARN built from the name in the template).
      expect(dlq.redriveAllowPolicy?.sourceQueueArns).toEqual([queue!.arn]);
      expect(queue!.url).toBe(`http://sqs.us-east-1.localhost:4566/000000000000/${queue!.name}`);
      const rule = model.rules.find((r) => r.targets.some((t) => t.arn === queue!.arn));
      expect(rule?.eventPattern, queue!.name).toBeDefined();
      const target = rule!.targets.find((t) => t.arn === queue!.arn)!;
      expect(target.kind).toBe('sqs');
      expect(findQueue(model, target.deadLetterArn!)).toBeDefined();
      expect(target.retryPolicy?.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
    }
  });

  it('models the bus, its archive and the schedules', () => {
    const bus = model.buses[0]!;
    const fromS3 = (r: (typeof model.rules)[number]) =>
      (r.eventPattern?.source as unknown[] | undefined)?.includes('aws.s3');
    expect(model.rules.filter((r) => r.eventPattern && !fromS3(r)).every((r) => r.busName === bus.name)).toBe(
      true,
    );
    // S3 sends its object events to the default bus (the EDI mailbox's route listens there).
    expect(model.rules.filter(fromS3).map((r) => r.busName)).toEqual(['default']);
    // ...from the one bucket that asks S3 for them (the local runtime then emits them itself).
    expect(model.buckets.filter((b) => b.eventBridge).map((b) => b.constructId)).toEqual([
      'EdiMailboxBucket',
    ]);
    expect(model.archives[0]?.busArn).toBe(bus.arn);
    for (const rule of model.rules.filter((r) => r.scheduleExpression)) {
      expect(rule.scheduleExpression).toMatch(/^(rate|cron)\(/);
      for (const target of rule.targets) expect(findFunction(model, target.arn), rule.name).toBeDefined();
    }
  });

  it('gives the state machines resolved substitutions the local engine accepts', () => {
    expect(model.stateMachines.length).toBeGreaterThan(0);
    const arns = new Set([...model.functions.map((f) => f.arn), ...model.stateMachines.map((m) => m.arn)]);
    for (const machine of model.stateMachines) {
      for (const [key, value] of Object.entries(machine.substitutions)) {
        if (key.endsWith('FunctionArn') || key.endsWith('StateMachineArn'))
          expect(arns, key).toContain(value);
      }
      expect(machine.arn).toBe(`arn:aws:states:${model.region}:000000000000:stateMachine:${machine.name}`);
    }
    const substitutions = Object.assign({}, ...model.stateMachines.map((m) => m.substitutions)) as Record<
      string,
      string
    >;
    expect(
      () =>
        new LocalStepFunctions({
          stateMachines: model.stateMachines,
          substitutions,
          invoke: () => Promise.resolve({}),
          region: model.region,
          account: model.account,
        }),
    ).not.toThrow();
  });

  it('creates tables from the template key schemas and indexes', () => {
    for (const table of model.tables) {
      const defined = new Set(table.createTableInput.AttributeDefinitions.map((a) => a.AttributeName));
      const keys = [
        ...table.createTableInput.KeySchema,
        ...(table.createTableInput.GlobalSecondaryIndexes ?? []).flatMap((index) => index.KeySchema),
      ];
      for (const key of keys) expect(defined, table.constructId).toContain(key.AttributeName);
    }
  });

  it('reads the Object Lock of the write-once audit bucket, so the local S3 refuses to change its objects', () => {
    const lock = (id: string) => model.buckets.find((bucket) => bucket.constructId === id)?.objectLock;
    expect(lock('ApprovalAuditBucket')).toEqual({ mode: 'GOVERNANCE', days: 2557 });
    expect(lock('ForecastSyncBucket')).toBeUndefined();
  });

  it('routes the REST API: governed routes only, each with a key, all to functions', () => {
    expect(model.apis).toHaveLength(1);
    const api = model.apis[0]!;
    expect(api.stageNames).toEqual(['dev']);
    expect(api.routes.length).toBeGreaterThan(0);
    expect(api.routes.filter((r) => r.resourcePath.startsWith('/v1/webhooks/'))).toEqual([]);
    expect(api.routes.every((r) => r.apiKeyRequired)).toBe(true);
    for (const route of api.routes) {
      expect(route.integration.type).toBe('AWS_PROXY');
      expect(findFunction(model, route.integration.functionName!), route.resourcePath).toBeDefined();
    }
    expect(api.gatewayResponses.MISSING_AUTHENTICATION_TOKEN?.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('models the webhook HTTP API: route keys to the webhook functions with payload format 1.0, the dev stage', () => {
    expect(model.httpApis).toHaveLength(1);
    const api = model.httpApis[0]!;
    expect(api.name).toBe('Supplyline-dev-webhooks');
    expect(api.stageNames).toEqual(['dev']);
    const byKey = Object.fromEntries(api.routes.map((r) => [r.routeKey, r]));
    expect(Object.keys(byKey).sort()).toEqual([
      'POST /v1/webhooks/planning',
      'POST /v1/webhooks/procurement',
    ]);
    for (const [key, constructId] of [
      ['POST /v1/webhooks/planning', 'PlanningWebhook'],
      ['POST /v1/webhooks/procurement', 'ProcurementWebhook'],
    ] as const) {
      const route = byKey[key]!;
      expect(route).toMatchObject({
        method: 'POST',
        path: key.slice('POST '.length),
        authorizationType: 'NONE',
        integration: { type: 'AWS_PROXY', payloadFormatVersion: '1.0', timeoutMs: 30_000 },
      });
      expect(findFunction(model, route.integration.functionName!)?.constructId).toBe(constructId);
    }
    expect(model.outputs.WebhookApiUrl).toBe(
      `https://${api.id}.execute-api.${model.region}.amazonaws.com/dev/v1`,
    );
  });

  it('names secrets by construct id and generates them like the template', () => {
    const planning = model.secrets.find((s) => s.constructId === 'PlanningWebhookSigningCurrent');
    expect(planning?.generate?.passwordLength).toBeGreaterThan(0);
    expect(planning?.arn).toMatch(/^arn:aws:secretsmanager:[a-z0-9-]+:000000000000:secret:.+-[0-9a-f]{6}$/);
  });
});
