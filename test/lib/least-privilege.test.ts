import { WORKFLOW_CATALOG } from '../../application/workflows';
/**
 * Exact least privilege: every permission a function's role holds must be one its handler's code
 * can use. The code's reach is read from the handler bundled the way Lambda bundles it
 * (test/lib/code-reach.ts); the template is the prod stack built from the function catalog. A
 * grant the bundle cannot use fails here, naming the function and the grant. The other direction,
 * a call the code makes that its role does not allow (a MISSING grant), is checked by behaviour:
 * the local runtime enforces each role's policies at the stand-ins (local/iam), so any e2e path that
 * reaches the call fails with AccessDenied as in AWS (test/local/iam/missing-grant.e2e.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_CATALOG, type FunctionKey } from '../../application/functions';
import { IDENTITY_ENV_VARS } from '../../application/resources';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import { PROJECT_ROOT } from '../../lib/supplyline-stack';
import { WEBHOOK_EDGE_SECRET, codeReach, type CodeReach } from './code-reach';
import { buildStack, resourcesOf, type Json } from './support';
import { resolve } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';

/** The SDK commands that make each action useful (any one of them). */
const ACTION_NEEDS: Readonly<Record<string, readonly string[]>> = {
  'dynamodb:GetItem': ['GetCommand', 'GetItemCommand'],
  'dynamodb:Query': ['QueryCommand'],
  'dynamodb:Scan': ['ScanCommand'],
  'dynamodb:PutItem': ['PutCommand', 'PutItemCommand'],
  'dynamodb:UpdateItem': ['UpdateCommand', 'UpdateItemCommand'],
  'dynamodb:DeleteItem': ['DeleteCommand', 'DeleteItemCommand'],
  'events:PutEvents': ['PutEventsCommand'],
  'secretsmanager:GetSecretValue': ['GetSecretValueCommand'],
  's3:ListBucket': ['ListObjectsV2Command'],
  's3:GetObject': ['GetObjectCommand', 'HeadObjectCommand'],
  's3:PutObject': ['PutObjectCommand'],
  's3:DeleteObject': ['DeleteObjectCommand', 'DeleteObjectsCommand'],
  'states:StartExecution': ['StartExecutionCommand'],
  'states:SendTaskSuccess': ['SendTaskSuccessCommand'],
};

/** Actions that follow from another grant (the key of an encrypted resource, the function's own logs, tracing, its queue). */
const DERIVED_SERVICES = ['kms', 'logs', 'xray', 'sqs'];

let stack: SupplylineStack;
let template: Template;
const reach = new Map<FunctionKey, CodeReach>();

beforeAll(async () => {
  ({ stack, template } = buildStack('prod'));
  for (const definition of FUNCTION_CATALOG) {
    reach.set(definition.key, await codeReach(resolve(PROJECT_ROOT, definition.entry)));
  }
});

/** The statements of the policies attached to a function's role. */
function statementsOf(key: FunctionKey): Json[] {
  const roleId = stack.getLogicalId(stack.functions[key].role.node.defaultChild as never);
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
}

/** Which catalog resource a statement resource names, as `<kind>:<key>`. */
function resourceName(resource: Json): string {
  const text = JSON.stringify(resource);
  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  for (const [key, binding] of Object.entries(stack.data.tables))
    if (text.includes(`"${id(binding.table)}"`)) return `table:${key}`;
  for (const [key, binding] of Object.entries(stack.buckets.buckets))
    if (text.includes(`"${id(binding.bucket)}"`)) return `bucket:${key}`;
  for (const [key, binding] of Object.entries(stack.integrationSecrets.secrets))
    if (text.includes(`"${id(binding.secret)}"`)) return `secret:${key}`;
  if (stack.webhookEdge && text.includes(`"${id(stack.webhookEdge.originSecret)}"`))
    return `secret:${WEBHOOK_EDGE_SECRET}`;
  if (text.includes(`"${id(stack.bus)}"`)) return 'bus';
  const machine = new RegExp(
    `stateMachine:[A-Za-z0-9-]*?-(${WORKFLOW_CATALOG.map((workflow) => workflow.name).join('|')})"`,
  ).exec(text);
  if (machine) return `workflow:${machine[1]}`;
  return `unknown:${text}`;
}

/** Why `action` on `resource` is not something the function's code uses, or undefined when it is. */
function unused(code: CodeReach, action: string, resource: string): string | undefined {
  const needs = ACTION_NEEDS[action];
  if (!needs) return `${action} is an action no handler makes`;
  if (!needs.some((command) => code.commands.has(command)))
    return `${action}: the code constructs none of ${needs.join(', ')}`;
  const [kind, key] = resource.split(':') as [string, string];
  if (kind === 'table' && !code.tables.has(key)) return `${action} on table ${key}: the code never names it`;
  if (kind === 'bucket' && !code.buckets.has(key))
    return `${action} on bucket ${key}: the code never names it`;
  if (kind === 'secret' && !code.secrets.has(key))
    return `${action} on secret ${key}: the code never reads it`;
  if (kind === 'workflow' && action === 'states:StartExecution' && !code.workflows.has(key))
    return `${action} on ${key}: the code never starts it`;
  if (kind === 'unknown') return `${action} on a resource outside the catalog: ${key}`;
  return undefined;
}

describe('least privilege, from what each function’s code uses', () => {
  it.each(FUNCTION_CATALOG.map((definition) => definition.key))(
    '%s holds no grant its code does not use',
    (key) => {
      const code = reach.get(key)!;
      const problems: string[] = [];
      for (const statement of statementsOf(key)) {
        const actions = [statement.Action].flat() as string[];
        const resources = [statement.Resource].flat() as Json[];
        for (const action of actions) {
          if (DERIVED_SERVICES.includes(action.split(':')[0]!)) continue;
          for (const resource of resources) {
            const problem = unused(code, action, resourceName(resource));
            if (problem) problems.push(problem);
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each(FUNCTION_CATALOG.map((definition) => definition.key))(
    '%s is given no identity setting its code does not read',
    (key) => {
      const functionId = stack.getLogicalId(stack.functions[key].node.defaultChild as never);
      const variables = Object.keys(
        template.toJSON().Resources[functionId].Properties.Environment?.Variables ?? {},
      );
      const identity: readonly string[] = Object.values(IDENTITY_ENV_VARS);
      const given = variables.filter((name) => identity.includes(name));
      expect(given.filter((name) => !reach.get(key)!.identityVariables.has(name))).toEqual([]);
    },
  );

  // The reconciliation run Queries each posting day (the byPostedDay index) and scans nothing.
  it('grants dynamodb:Scan only to the receipt poller, on the correlation table', () => {
    const scanners = FUNCTION_CATALOG.filter((definition) =>
      statementsOf(definition.key).some((st) => [st.Action].flat().includes('dynamodb:Scan')),
    ).map((definition) => definition.key);
    expect(scanners).toEqual(['erp-receipt-poller']);
    for (const key of scanners) {
      const scan = statementsOf(key).find((st) => [st.Action].flat().includes('dynamodb:Scan'))!;
      expect(new Set([scan.Resource].flat().map(resourceName)), key).toEqual(
        new Set(['table:workflowCorrelation']),
      );
    }
  });

  it('grants the webhooks and approval-decision no idempotency table', () => {
    // approval-decision's PutEvents, once unused, now publishes approval.decided: the test above
    // holds it to what its bundle sends.
    for (const key of ['planning-webhook', 'procurement-webhook', 'approval-decision'] as const) {
      const named = statementsOf(key).flatMap((st) => [st.Resource].flat().map(resourceName));
      expect(named, key).not.toContain('table:idempotency');
    }
  });
});
