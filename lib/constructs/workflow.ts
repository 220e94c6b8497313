import { existsSync, readFileSync } from 'node:fs';
import { ArnFormat, RemovalPolicy, Stack, Validations, type Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { pascalCase } from '../../application/resources';
import { tableActions, type BindableTable } from './supplyline-function';

/** Properties of {@link Workflow}. */
export interface WorkflowProps {
  /** Kebab-case workflow name (names the log group). */
  readonly name: string;
  /** Physical state machine name; fixed so other workflows and functions can build its ARN. */
  readonly stateMachineName?: string;
  /** The ASL file (JSONPath, `${...}` definition substitutions). */
  readonly definitionPath: string;
  /** STANDARD for long waits and task tokens; EXPRESS for short, high-volume flows. */
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Functions the state machine invokes, by catalog key: substitution `${<PascalKey>FunctionArn}`. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /**
   * State machines it starts, by workflow name -> ARN: substitution `${<PascalName>StateMachineArn}`
   * and states:StartExecution on exactly those ARNs. Pass ARNs built from fixed names
   * ({@link stateMachineArnOf}), so workflows can start each other without a dependency cycle.
   */
  readonly starts?: Readonly<Record<string, string>>;
  /** Tables used through direct integrations, by key: substitution `${<PascalKey>TableName}`. */
  readonly tables?: Readonly<
    Record<string, { readonly table: BindableTable; readonly access: 'read' | 'readWrite' }>
  >;
  /** Bus used through the direct PutEvents integration: substitution `${EventBusName}`. */
  readonly bus?: events.IEventBus;
  /** Further substitutions (business numbers as strings). */
  readonly substitutions?: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Customer-managed key of the log group. @default the CloudWatch Logs service key */
  readonly logEncryptionKey?: kms.IKey;
  /** Prefix of the log group name under /aws/vendedlogs/states/. */
  readonly logGroupPrefix: string;
  /** Execution timeout. @default none (Standard) / 5 minutes (Express, the service limit) */
  readonly timeout?: Duration;
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/**
 * A state machine from an ASL file (DefinitionBody.fromFile) with definition substitutions for
 * its functions, tables, bus and business numbers; logging without execution data (ALL for
 * Express, ERROR for Standard) to a log group with retention; X-Ray tracing; and permission to invoke exactly its functions.
 * Every `${...}` in the file must be substituted, or construction fails naming what is missing.
 */
export class Workflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  /** True when the state machine puts events on the bus (a producer). */
  public readonly publishes: boolean;
  /** The state machine's role. */
  public get role(): iam.IRole {
    return this.stateMachine.role;
  }
  /** The substitutions handed to CloudFormation. */
  public readonly substitutions: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const definition = readDefinition(props);

    const substitutions: Record<string, string> = { ...props.substitutions };
    for (const [key, fn] of Object.entries(props.functions))
      substitutions[`${pascalCase(key)}FunctionArn`] = fn.functionArn;
    for (const [name, arn] of Object.entries(props.starts ?? {}))
      substitutions[`${pascalCase(name)}StateMachineArn`] = arn;
    for (const [key, binding] of Object.entries(props.tables ?? {})) {
      substitutions[`${pascalCase(key)}TableName`] = binding.table.table.tableName;
    }
    if (props.bus) substitutions.EventBusName = props.bus.eventBusName;
    const missing = [...new Set([...definition.matchAll(PLACEHOLDER)].map((m) => m[1]!))].filter(
      (name) => !(name in substitutions),
    );
    if (missing.length > 0) {
      throw new Error(
        `Workflow '${props.name}': ${props.definitionPath} uses substitutions nobody provides: ${missing.join(', ')}` +
          ` (provided: ${Object.keys(substitutions).sort().join(', ') || 'none'})`,
      );
    }
    this.substitutions = substitutions;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/vendedlogs/states/${props.logGroupPrefix}-${props.name}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
      encryptionKey: props.logEncryptionKey,
    });
    const express = props.type === 'EXPRESS';
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      definitionBody: sfn.DefinitionBody.fromFile(props.definitionPath),
      definitionSubstitutions: substitutions,
      stateMachineType: express ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      timeout: props.timeout,
      logs: {
        destination: this.logGroup,
        // Express keeps no execution history: its logs are the history of states and errors.
        // Standard has the history. Neither logs inputs and outputs: they are whole purchase
        // orders, which would sit in CloudWatch Logs for the retention period.
        level: express ? sfn.LogLevel.ALL : sfn.LogLevel.ERROR,
        includeExecutionData: false,
      },
    });

    // Exactly these functions, unqualified ARNs only (no `:*` version wildcard).
    const functionArns = Object.values(props.functions).map((fn) => fn.functionArn);
    if (functionArns.length > 0) {
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functionArns }),
      );
    }
    const started = Object.values(props.starts ?? {});
    if (started.length > 0) {
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: started }),
      );
    }
    for (const binding of Object.values(props.tables ?? {})) {
      const table = binding.table.table;
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({
          actions: tableActions(binding.access),
          resources: [table.tableArn, ...binding.table.indexNames.map((n) => `${table.tableArn}/index/${n}`)],
        }),
      );
    }
    props.bus?.grantPutEventsTo(this.stateMachine);
    this.publishes = props.bus !== undefined;

    if (!express) {
      Validations.of(this.stateMachine).acknowledge({
        id: 'AwsSolutions-SF1',
        reason:
          'Standard workflows log ERROR only: every state transition is already in the execution history ' +
          '(90 days), and ALL would log each purchase order payload a second time at CloudWatch Logs prices.',
      });
    }
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    Validations.of(policy ?? this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs vended delivery (logs:*LogDelivery*, resource policies) and X-Ray tracing actions that ' +
        'Step Functions needs support no resource-level permissions.',
    });
  }
}

/** The ARN of the state machine named `name` in the stack's account and region, without referencing it. */
export function stateMachineArnOf(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function readDefinition(props: WorkflowProps): string {
  const where = `Workflow '${props.name}'`;
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(props.name)) throw new Error(`${where}: name must be kebab-case`);
  if (!existsSync(props.definitionPath))
    throw new Error(`${where}: definition ${props.definitionPath} does not exist`);
  const text = readFileSync(props.definitionPath, 'utf8');
  let asl: { StartAt?: unknown; States?: unknown; QueryLanguage?: unknown };
  try {
    asl = JSON.parse(text) as typeof asl;
  } catch (error) {
    throw new Error(`${where}: ${props.definitionPath} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof asl.StartAt !== 'string' || typeof asl.States !== 'object' || asl.States === null) {
    throw new Error(`${where}: ${props.definitionPath} has no StartAt/States`);
  }
  if (asl.QueryLanguage === 'JSONata') {
    throw new Error(`${where}: JSONata definitions cannot run in the local runtime; use JSONPath`);
  }
  if (props.type === 'EXPRESS' && /\.waitForTaskToken|\.sync(:2)?"/.test(text)) {
    throw new Error(`${where}: Express workflows support neither .waitForTaskToken nor .sync; use STANDARD`);
  }
  return text;
}
