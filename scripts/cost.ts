/**
 * `npm run cost [-- <template.json>]`: what Supplyline costs to run, per 1M forecast exceptions and
 * per 1M purchase-order syncs, computed from the deployed configuration: the synthesized template
 * (function memory, queue batch sizes, state machine types, which kind of API serves the webhooks,
 * whether CloudFront + WAF front them, with its fixed monthly charge)
 * and the ASL files (state transitions on the normal path). Prices and traffic assumptions are
 * printed with the result; change them here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

/** us-east-1 list prices (../shared/notes/performance.md); check the pricing calculator before relying on them. */
export const PRICES = {
  lambdaGbSecond: 0.0000133334, // arm64
  lambdaRequest: 0.2 / 1e6,
  restApiRequest: 3.5 / 1e6,
  /** First 300M requests a month, per 512 KB (webhook bodies are at most 256 KB). */
  httpApiRequest: 1 / 1e6,
  eventBridgeEvent: 1 / 1e6,
  sqsRequest: 0.4 / 1e6,
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  standardTransition: 0.025 / 1000,
  expressRequest: 1 / 1e6,
  expressGbSecond: 0.00001667,
  logsGb: 0.5,
  /** CloudFront + WAF in front of the webhooks (ADR 0007), where the template has them. */
  wafWebAclMonthly: 5,
  wafRuleMonthly: 1,
  wafRequest: 0.6 / 1e6,
  /** Price class 100, HTTPS requests. */
  cloudFrontHttpsRequest: 1 / 1e6,
  cloudFrontToOriginGb: 0.02,
};

/** Traffic and behaviour assumptions. */
export const ASSUMPTIONS = {
  actionableShare: 0.1,
  approvalShareOfActionable: 0.05,
  /** Billed duration per invocation, ms (external calls included: Lambda bills the wait). */
  durationMs: {
    'planning-webhook': 40,
    'procurement-webhook': 40,
    'forecast-exception-evaluation': 120, // one procurement list call + one DynamoDB query per exception
    'sourcing-request-action': 250,
    'commitment-policy-check': 300,
    'purchase-order-posting': 900, // procurement PO create + ERP create/quote/confirm
    'acknowledgement-wait': 60,
    'acknowledgement-sync': 500, // ERP amendment when partial or late
  } as Record<string, number>,
  /** Express workflow: billed memory (64 MB minimum) and duration of the synchronous steps. */
  expressMemoryGb: 0.0625,
  expressDurationSeconds: 1.6,
  /** Log bytes per Lambda invocation (structured logs at INFO, EMF metrics). */
  logBytesPerInvocation: 600,
  /** SQS requests per message beyond the send: receive + delete are batched by the batch size. */
  sqsPollingOverheadPerMessage: 0.05,
  /** Average webhook body CloudFront forwards to the origin (bytes). */
  webhookBodyBytes: 3000,
};

/** The synthesized CloudFormation template, as far as the model reads it. */
export interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

function loadTemplate(path?: string): Template {
  if (path) return JSON.parse(readFileSync(path, 'utf8')) as Template;
  const out = join(ROOT, '.tmp', 'cost-synth');
  const result = spawnSync('npx', ['cdk', 'synth', '--no-notices', '-q', '-c', 'env=prod', '-o', out], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
  });
  if (result.status !== 0) throw new Error(`synth failed:\n${result.stderr}`);
  // The cloud assembly's manifest names the stack's template; the nested stacks' templates
  // (ADR 0014) sit beside it and would otherwise be picked by whichever name sorts first.
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const file = Object.values(manifest.artifacts).find((a) => a.type === 'aws:cloudformation:stack')
    ?.properties?.templateFile;
  if (!file || !existsSync(join(out, file))) throw new Error('no template synthesized');
  return JSON.parse(readFileSync(join(out, file), 'utf8')) as Template;
}

const pascal = (key: string) =>
  key
    .split('-')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

/** Memory (GB) of the catalog function `key`, from the template. */
function memoryGb(template: Template, key: string): number {
  const match = Object.entries(template.Resources).find(
    ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.includes(pascal(key)),
  );
  if (!match) throw new Error(`function ${key} not found in the template`);
  return Number(match[1].Properties.MemorySize ?? 128) / 1024;
}

/** Batch size of the event source mapping feeding `key`. */
function batchSize(template: Template, key: string): number {
  const match = Object.entries(template.Resources).find(
    ([, resource]) =>
      resource.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify(resource.Properties.FunctionName).includes(pascal(key)),
  );
  return Number(match?.[1].Properties.BatchSize ?? 10);
}

function stateMachineType(template: Template, name: string): 'STANDARD' | 'EXPRESS' {
  const match = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::StepFunctions::StateMachine' &&
      JSON.stringify(resource.Properties.StateMachineName ?? '').includes(name),
  );
  return (match?.Properties.StateMachineType as 'STANDARD' | 'EXPRESS' | undefined) ?? 'STANDARD';
}

/** `POST /v1/...` of every REST API method: the resource tree walked up from each method. */
function restApiRoutes(template: Template): Set<string> {
  const resources = template.Resources;
  const pathOf = (id: string, depth = 0): string => {
    const resource = resources[id];
    if (!resource || resource.Type !== 'AWS::ApiGateway::Resource' || depth > 32) return '';
    const parent = resource.Properties.ParentId as { Ref?: string } | undefined;
    return `${parent?.Ref ? pathOf(parent.Ref, depth + 1) : ''}/${String(resource.Properties.PathPart)}`;
  };
  return new Set(
    Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::ApiGateway::Method')
      .map((method) => {
        const resourceId = (method.Properties.ResourceId as { Ref?: string } | undefined)?.Ref;
        return `${String(method.Properties.HttpMethod)} ${resourceId ? pathOf(resourceId) : '/'}`;
      }),
  );
}

/** The API request line of a webhook: priced by the kind of API the template serves it from. */
function webhookRequest(template: Template, path: string): Line {
  const routeKey = `POST ${path}`;
  const onHttpApi = Object.values(template.Resources).some(
    (resource) => resource.Type === 'AWS::ApiGatewayV2::Route' && resource.Properties.RouteKey === routeKey,
  );
  if (onHttpApi)
    return { item: `API Gateway HTTP API request (${routeKey})`, perUnit: PRICES.httpApiRequest };
  if (restApiRoutes(template).has(routeKey))
    return { item: `API Gateway REST request (${routeKey})`, perUnit: PRICES.restApiRequest };
  throw new Error(`${routeKey} is served by no API in the template`);
}

/** The CloudFront-scope WebACL of a distribution in the template: the webhook edge (ADR 0007). */
function webhookEdgeAcl(template: Template): { rules: number } | undefined {
  const resources = Object.entries(template.Resources);
  const acls = resources.filter(
    ([, resource]) => resource.Type === 'AWS::WAFv2::WebACL' && resource.Properties.Scope === 'CLOUDFRONT',
  );
  const fronted = acls.find(([id]) =>
    resources.some(
      ([, resource]) =>
        resource.Type === 'AWS::CloudFront::Distribution' &&
        JSON.stringify(resource.Properties.DistributionConfig).includes(`"Fn::GetAtt":["${id}","Arn"]`),
    ),
  );
  return fronted && { rules: (fronted[1].Properties.Rules as unknown[] | undefined)?.length ?? 0 };
}

/** Per delivery through the edge: WAF inspection, the CloudFront request, the body to the origin. */
function edgeLines(template: Template): Line[] {
  if (!webhookEdgeAcl(template)) return [];
  return [
    { item: 'WAF: webhook edge WebACL request', perUnit: PRICES.wafRequest },
    { item: 'CloudFront: HTTPS request (price class 100)', perUnit: PRICES.cloudFrontHttpsRequest },
    {
      item: `CloudFront: ~${ASSUMPTIONS.webhookBodyBytes / 1000} KB body to the origin`,
      perUnit: (ASSUMPTIONS.webhookBodyBytes / 1e9) * PRICES.cloudFrontToOriginGb,
    },
  ];
}

/** Monthly charges that do not grow with traffic: the webhook edge's WebACL and its rules. */
export function fixedMonthly(template: Template): Line[] {
  const acl = webhookEdgeAcl(template);
  if (!acl) return [];
  return [
    {
      item: `WAF webhook edge: WebACL + ${acl.rules} rules`,
      perUnit: PRICES.wafWebAclMonthly + acl.rules * PRICES.wafRuleMonthly,
    },
  ];
}

/** States entered on the normal path: follow Next, take each Choice's Default. */
export function normalPathTransitions(aslFile: string): number {
  const definition = JSON.parse(readFileSync(join(ROOT, 'state-machines', aslFile), 'utf8')) as {
    StartAt: string;
    States: Record<string, { Next?: string; Default?: string; End?: boolean; Type: string }>;
  };
  let count = 0;
  let current: string | undefined = definition.StartAt;
  while (current && count < 100) {
    const state: { Next?: string; Default?: string } | undefined = definition.States[current];
    count++;
    current = state?.Next ?? state?.Default;
  }
  return count;
}

interface Line {
  item: string;
  perUnit: number;
}

function lambda(template: Template, key: string, invocations: number): Line {
  const gbSeconds = memoryGb(template, key) * ((ASSUMPTIONS.durationMs[key] ?? 100) / 1000);
  return {
    item: `Lambda ${key}`,
    perUnit: invocations * (PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecond),
  };
}

function logs(invocations: number): Line {
  return {
    item: 'CloudWatch Logs',
    perUnit: (invocations * ASSUMPTIONS.logBytesPerInvocation * PRICES.logsGb) / 1e9,
  };
}

export function costModel(template: Template) {
  const a = ASSUMPTIONS;
  const evaluationBatch = batchSize(template, 'forecast-exception-evaluation');
  const commitmentType = stateMachineType(template, 'purchase-commitment');
  const ackType = stateMachineType(template, 'supplier-acknowledgement');
  const commitmentTransitions = normalPathTransitions('purchase-commitment.asl.json');
  const ackTransitions = normalPathTransitions('supplier-acknowledgement.asl.json');
  const approvalTransitions = normalPathTransitions('commitment-approval.asl.json');
  const workflowCost = (type: string, transitions: number) =>
    type === 'EXPRESS'
      ? PRICES.expressRequest + a.expressMemoryGb * a.expressDurationSeconds * PRICES.expressGbSecond
      : transitions * PRICES.standardTransition;

  const actionable = a.actionableShare;
  const exception: Line[] = [
    ...edgeLines(template),
    webhookRequest(template, '/v1/webhooks/planning'),
    lambda(template, 'planning-webhook', 1),
    { item: 'DynamoDB: one conditional write claims the delivery', perUnit: PRICES.dynamoWrite },
    { item: 'EventBridge: forecast-exception.raised', perUnit: PRICES.eventBridgeEvent },
    {
      item: 'SQS: delivery + batched receive/delete',
      perUnit: (1 + 2 / evaluationBatch + a.sqsPollingOverheadPerMessage) * PRICES.sqsRequest,
    },
    lambda(template, 'forecast-exception-evaluation', 1 / evaluationBatch),
    {
      item: 'Lambda forecast-exception-evaluation (per-exception duration)',
      perUnit:
        (1 - 1 / evaluationBatch) *
        memoryGb(template, 'forecast-exception-evaluation') *
        ((a.durationMs['forecast-exception-evaluation'] ?? 100) / 1000) *
        PRICES.lambdaGbSecond,
    },
    {
      item: 'DynamoDB: consumer idempotency 2 writes + supply query',
      perUnit: 2 * PRICES.dynamoWrite + PRICES.dynamoRead,
    },
    logs(2),
    // Actionable share from here on.
    {
      item: `EventBridge: evaluated, sourcing, posted events (x${actionable})`,
      perUnit: actionable * 3 * PRICES.eventBridgeEvent,
    },
    {
      item: `purchase-commitment ${commitmentType} (${commitmentTransitions} states) (x${actionable})`,
      perUnit: actionable * workflowCost(commitmentType, commitmentTransitions),
    },
    ...[
      'sourcing-request-action',
      'commitment-policy-check',
      'purchase-order-posting',
      'acknowledgement-wait',
    ].map((key) => {
      const line = lambda(template, key, actionable);
      return { item: `${line.item} (x${actionable})`, perUnit: line.perUnit };
    }),
    {
      item: `DynamoDB: ledger, supply, commitment writes ~8 (x${actionable})`,
      perUnit: actionable * 8 * PRICES.dynamoWrite,
    },
    {
      item: `supplier-acknowledgement ${ackType} (${ackTransitions} states) (x${actionable})`,
      perUnit: actionable * workflowCost(ackType, ackTransitions),
    },
    {
      item: `commitment-approval STANDARD (${approvalTransitions} states) (x${Number((actionable * a.approvalShareOfActionable).toFixed(4))})`,
      perUnit: actionable * a.approvalShareOfActionable * approvalTransitions * PRICES.standardTransition,
    },
    logs(actionable * 5),
  ];

  const poSync: Line[] = [
    ...edgeLines(template),
    webhookRequest(template, '/v1/webhooks/procurement'),
    lambda(template, 'procurement-webhook', 1),
    { item: 'DynamoDB: one conditional write claims the delivery', perUnit: PRICES.dynamoWrite },
    { item: 'EventBridge: purchase-order.acknowledged', perUnit: PRICES.eventBridgeEvent },
    {
      item: 'SQS: delivery + batched receive/delete',
      perUnit:
        (1 + 2 / batchSize(template, 'acknowledgement-sync') + a.sqsPollingOverheadPerMessage) *
        PRICES.sqsRequest,
    },
    lambda(template, 'acknowledgement-sync', 1),
    {
      item: 'DynamoDB: consumer idempotency 2 + ledger/supply/registry ~6 writes',
      perUnit: 8 * PRICES.dynamoWrite + 2 * PRICES.dynamoRead,
    },
    { item: 'EventBridge: purchase-order.amended', perUnit: PRICES.eventBridgeEvent },
    logs(2),
  ];
  return {
    exception,
    poSync,
    edge: edgeLines(template),
    fixedMonthly: fixedMonthly(template),
    evaluationBatch,
    commitmentType,
    ackType,
  };
}

/**
 * Prints the lines and their total; returns the total without the webhook edge's lines, which the
 * budget applies to: the edge is a security choice priced on its own (ADR 7), shown beside it.
 */
function print(title: string, lines: Line[], edge: readonly Line[], budget?: number): number {
  const perMillion = lines.map((line) => ({ ...line, cost: line.perUnit * 1e6 }));
  const total = perMillion.reduce((sum, line) => sum + line.cost, 0);
  const edgeCost = edge.reduce((sum, line) => sum + line.perUnit * 1e6, 0);
  const integration = total - edgeCost;
  console.log(`\n### ${title}\n\n| item | $ per 1M |\n|---|---:|`);
  for (const line of perMillion) console.log(`| ${line.item} | ${line.cost.toFixed(2)} |`);
  const verdict = budget
    ? ` (integration ${integration.toFixed(2)}, budget ${budget.toFixed(2)}: ${integration <= budget ? 'ok' : 'MISSED'}; webhook edge ${edgeCost.toFixed(2)})`
    : '';
  console.log(`| **total** | **${total.toFixed(2)}**${verdict} |`);
  return integration;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const model = costModel(loadTemplate(process.argv[2]));
  console.log('Supplyline cost model (from the synthesized prod template and the ASL files)');
  console.log('\nPrices:', JSON.stringify(PRICES));
  console.log('Assumptions:', JSON.stringify(ASSUMPTIONS));
  const exceptionIntegration = print(
    `1M forecast exceptions, ${ASSUMPTIONS.actionableShare * 100}% leading to a purchase order`,
    model.exception,
    model.edge,
    12,
  );
  print('1M purchase-order syncs (supplier acknowledgement -> ERP)', model.poSync, model.edge);
  const fixed = model.fixedMonthly;
  console.log(`\n### Fixed per month\n\n| item | $ per month |\n|---|---:|`);
  for (const line of fixed) console.log(`| ${line.item} | ${line.perUnit.toFixed(2)} |`);
  if (fixed.length === 0) console.log('| (none: no webhook edge in this template) | 0.00 |');
  process.exitCode = exceptionIntegration <= 12 ? 0 : 1;
}
