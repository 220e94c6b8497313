/** Shared helpers of the CDK infrastructure tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, type NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_KEYS, type FunctionKey } from '../../application/functions';
import {
  loadEnvironmentConfig,
  type EnvironmentConfig,
  type EnvironmentName,
} from '../../application/environments';
import { SupplylineStack, type SupplylineStackProps } from '../../lib/supplyline-stack';

/** Absolute path of a fixture file. */
export function fixture(relative: string): string {
  return fileURLToPath(new URL(`./fixtures/${relative}`, import.meta.url));
}

/** Every catalog function served by the fixture handler. */
export const FIXTURE_ENTRIES = Object.fromEntries(
  FUNCTION_KEYS.map((key) => [key, fixture('functions/handler.ts')]),
) as Record<FunctionKey, string>;

/** The approval decision schema in the shape canonical/generated/json-schema will have. */
export const APPROVAL_DECISION_SCHEMA = JSON.parse(
  readFileSync(fixture('schemas/approval-decision.json'), 'utf8'),
) as Record<string, unknown>;

/** A minimal exception resolution schema. */
export const EXCEPTION_RESOLUTION_SCHEMA = {
  type: 'object',
  required: ['resolution'],
  properties: { resolution: { type: 'string', minLength: 1 } },
  additionalProperties: false,
};

/** A request model as generated. */
const generatedApiSchema = (name: string) =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../canonical/generated/json-schema/api/${name}.json`, import.meta.url)),
      'utf8',
    ),
  ) as Record<string, unknown>;

/** The proposed purchase order schema as generated (the process API's request model). */
export const PURCHASE_ORDER_PROPOSAL_SCHEMA = generatedApiSchema('PurchaseOrderProposal');

/** The purchase requisition schema as generated (the requisition API's request model). */
export const PURCHASE_REQUISITION_SUBMISSION_SCHEMA = generatedApiSchema('PurchaseRequisitionSubmission');

const CDK_JSON = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8'),
) as {
  context: Record<string, unknown>;
};

/** An App with the project's feature flags, no bundling and no built-in CloudFormation validation. */
export function testApp(): App {
  return new App({
    context: { ...CDK_JSON.context, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
}

/** The configuration of `env` as the CLI would build it offline. */
export function testConfig(
  env: EnvironmentName,
  overrides: Partial<EnvironmentConfig> = {},
): EnvironmentConfig {
  return { ...loadEnvironmentConfig(env, { context: () => undefined, env: {} }), ...overrides };
}

/** A Supplyline stack of `env` built from fixture handlers, the real ASL and fixture schemas, with its template. */
export function buildStack(
  env: EnvironmentName,
  props: Partial<SupplylineStackProps> = {},
): { stack: SupplylineStack; template: Template } {
  const app = testApp();
  const stack = new SupplylineStack(app, `Test-${env}`, {
    config: testConfig(env),
    functionEntries: FIXTURE_ENTRIES,
    apiModels: {
      ApprovalDecision: APPROVAL_DECISION_SCHEMA,
      ExceptionResolution: EXCEPTION_RESOLUTION_SCHEMA,
      PurchaseOrderProposal: PURCHASE_ORDER_PROPOSAL_SCHEMA,
      PurchaseRequisitionSubmission: PURCHASE_REQUISITION_SUBMISSION_SCHEMA,
    },
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

/** Synthesized template JSON (CloudFormation is untyped here). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON has no static type
export type Json = any;

/** A synthesized resource. */
export interface CfnJson {
  readonly Type: string;
  readonly Properties: Json;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Resources of a type as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): [string, CfnJson][] {
  return Object.entries(template.findResources(type)) as [string, CfnJson][];
}

/** The IAM statements of function `key`'s role. */
export function roleStatements(stack: SupplylineStack, template: Template, key: FunctionKey): Json[] {
  const roleId = stack.getLogicalId(stack.functions[key].role!.node.defaultChild as never);
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
}

/** The schedule expression of function `key`'s EventBridge rule, if it has one. */
export function scheduleExpression(
  stack: SupplylineStack,
  template: Template,
  key: FunctionKey,
): string | undefined {
  const rule = stack.schedules[key];
  if (!rule) return undefined;
  const ruleId = stack.getLogicalId(rule.node.defaultChild as never);
  return resourcesOf(template, 'AWS::Events::Rule').find(([id]) => id === ruleId)?.[1].Properties
    .ScheduleExpression;
}

/**
 * A nested stack's template, and `fromParent`: what one of its parameter references (`{ Ref }`)
 * stands for in the parent's template (other values unchanged).
 */
export function nestedTemplate(
  parent: Stack,
  parentTemplate: Template,
  nested: NestedStack,
): { template: Template; fromParent: (value: Json) => Json } {
  const id = parent.getLogicalId(nested.nestedStackResource as never);
  const parameters = (parentTemplate.toJSON().Resources[id].Properties.Parameters ?? {}) as Record<
    string,
    Json
  >;
  return {
    template: Template.fromStack(nested),
    fromParent: (value) => (typeof value?.Ref === 'string' ? (parameters[value.Ref] ?? value) : value),
  };
}
