/**
 * A Step Functions endpoint (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`) over
 * LocalStepFunctions, so the real `@aws-sdk/client-sfn` works unchanged with `endpoint` (or
 * AWS_ENDPOINT_URL_SFN). The state machines are the template's (definition + substitutions);
 * their Lambda tasks call the local Lambda runner by ARN.
 *
 * Operations: StartExecution, StartSyncExecution (Express), DescribeExecution, ListExecutions,
 * SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, DescribeStateMachine, ListStateMachines.
 */
import { LocalStepFunctions, type EventLog, type ExecutionRecord } from './engine';
import { AwsServiceError, requiredString, startAwsJsonServer, type AwsJsonServer } from '../http/aws-json';
import type { StateMachineModel } from '../../assembly';

/** Task tokens the local engine hands out (`local-token-<uuid>`). */
const TOKEN = /^local-token-[0-9a-f-]{36}$/;

/** The engine plus what the endpoint needs to answer like AWS. */
export interface LocalStateMachines {
  engine: LocalStepFunctions;
  stateMachines: readonly StateMachineModel[];
  /** Tokens seen in task payloads: a well-formed token not in here does not exist. */
  issuedTokens: Set<string>;
  /** Tokens answered through the endpoint. */
  answeredTokens: Set<string>;
}

/** Builds the engine from the template's state machines; `invoke` runs a Lambda by ARN (errors named by errorType). */
export function localStateMachines(options: {
  stateMachines: readonly StateMachineModel[];
  invoke: (functionArn: string, payload: unknown) => Promise<unknown>;
  region: string;
  account: string;
  /** Scales every Retry interval. @default 1 */
  retryIntervalScale?: number;
  onEvent?: (execution: ExecutionRecord, event: EventLog) => void;
  /** Reports substitution conflicts between state machines. */
  warn?: (message: string) => void;
}): LocalStateMachines {
  const substitutions: Record<string, string> = {};
  for (const machine of options.stateMachines) {
    for (const [key, value] of Object.entries(machine.substitutions)) {
      if (key in substitutions && substitutions[key] !== value) {
        options.warn?.(
          `substitution ${key} differs between state machines; ${machine.name} gets ${substitutions[key]}`,
        );
        continue;
      }
      substitutions[key] = value;
    }
  }
  const issuedTokens = new Set<string>();
  const engine = new LocalStepFunctions({
    stateMachines: options.stateMachines.map((m) => ({
      name: m.name,
      definition: m.definition,
      type: m.type,
    })),
    substitutions,
    region: options.region,
    account: options.account,
    ...(options.retryIntervalScale !== undefined ? { retryIntervalScale: options.retryIntervalScale } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    invoke: (functionArn, payload) => {
      collectTokens(payload, issuedTokens);
      return options.invoke(functionArn, payload);
    },
  });
  return { engine, stateMachines: options.stateMachines, issuedTokens, answeredTokens: new Set() };
}

function collectTokens(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (TOKEN.test(value)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTokens(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectTokens(item, into);
  }
}

/** Starts the endpoint. */
export async function startStepFunctionsEndpoint(
  machines: LocalStateMachines,
  options: { port?: number; host?: string } = {},
): Promise<AwsJsonServer> {
  const { engine } = machines;
  const machineByArn = (arn: string) => {
    const machine = machines.stateMachines.find(
      (m) => m.arn === arn || engine.stateMachineArn(m.name) === arn,
    );
    if (!machine)
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  };
  const execution = (arn: string) => {
    const record = engine.describeExecution(arn);
    if (!record) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  };
  const parseJson = (text: unknown, type: string, what: string) => {
    if (text === undefined) return {};
    try {
      return JSON.parse(String(text)) as unknown;
    } catch {
      throw new AwsServiceError(type, `Invalid ${what}: not valid JSON`);
    }
  };
  const token = (input: Record<string, unknown>) => {
    const value = requiredString(input, 'taskToken');
    if (!TOKEN.test(value)) throw new AwsServiceError('InvalidToken', 'Invalid Token');
    if (!machines.issuedTokens.has(value))
      throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    return value;
  };
  const answer = (value: string, send: () => void) => {
    try {
      send();
    } catch (error) {
      throw new AwsServiceError('TaskTimedOut', (error as Error).message || 'Task Timed Out');
    }
    machines.answeredTokens.add(value);
    return {};
  };
  const start = (input: Record<string, unknown>) => {
    const machine = machineByArn(requiredString(input, 'stateMachineArn'));
    const name = typeof input.name === 'string' ? input.name : undefined;
    if (name !== undefined && !/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    }
    const parsed = parseJson(input.input, 'InvalidExecutionInput', 'execution input');
    if (name !== undefined) {
      const arn = executionArn(engine, machine, name);
      const existing = engine.describeExecution(arn);
      // StartExecution is idempotent for a running Standard execution with the same name and input.
      if (existing) {
        if (
          machine.type === 'STANDARD' &&
          existing.status === 'RUNNING' &&
          sameJson(existing.input, parsed)
        ) {
          return existing;
        }
        throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
      }
    }
    try {
      return engine.startExecution(machine.arn, parsed, name);
    } catch (error) {
      if ((error as Error).name.includes('ExecutionAlreadyExists')) {
        throw new AwsServiceError('ExecutionAlreadyExists', (error as Error).message);
      }
      throw error;
    }
  };

  return startAwsJsonServer({
    name: 'stepfunctions',
    targetPrefix: 'AWSStepFunctions',
    version: '1.0',
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    operations: {
      StartExecution: (input) => {
        const record = start(input);
        return { executionArn: record.executionArn, startDate: record.startDate };
      },
      StartSyncExecution: async (input) => {
        const machine = machineByArn(requiredString(input, 'stateMachineArn'));
        if (machine.type !== 'EXPRESS') {
          throw new AwsServiceError(
            'StateMachineTypeNotSupported',
            'This operation is only supported by Express state machines',
          );
        }
        const record = await start(input).done;
        return {
          ...describe(record, machine.arn),
          billingDetails: { billedDurationInMilliseconds: 100, billedMemoryUsedInMB: 64 },
        };
      },
      DescribeExecution: (input) => {
        const record = execution(requiredString(input, 'executionArn'));
        return describe(record, engine.stateMachineArn(record.stateMachineName));
      },
      ListExecutions: (input) => {
        const machine = machineByArn(requiredString(input, 'stateMachineArn'));
        const status = typeof input.statusFilter === 'string' ? input.statusFilter : undefined;
        const all = engine
          .listExecutions()
          .filter((e) => e.stateMachineName === machine.name && (!status || e.status === status))
          .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
        const offset = typeof input.nextToken === 'string' ? Number(input.nextToken) || 0 : 0;
        const max = typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : 100;
        const page = all.slice(offset, offset + max);
        return {
          executions: page.map((e) => ({
            executionArn: e.executionArn,
            stateMachineArn: machine.arn,
            name: e.name,
            status: e.status,
            startDate: e.startDate,
            stopDate: e.stopDate,
          })),
          ...(offset + max < all.length ? { nextToken: String(offset + max) } : {}),
        };
      },
      SendTaskSuccess: (input) => {
        const value = token(input);
        const output = parseJson(requiredString(input, 'output'), 'InvalidOutput', 'output');
        return answer(value, () => engine.sendTaskSuccess(value, output));
      },
      SendTaskFailure: (input) => {
        const value = token(input);
        const error = typeof input.error === 'string' ? input.error : '';
        const cause = typeof input.cause === 'string' ? input.cause : '';
        return answer(value, () => engine.sendTaskFailure(value, error, cause));
      },
      SendTaskHeartbeat: (input) => {
        const value = token(input);
        // Heartbeats are not modelled by the engine: a token still waiting accepts them.
        if (machines.answeredTokens.has(value)) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
        return {};
      },
      DescribeStateMachine: (input) => {
        const machine = machineByArn(requiredString(input, 'stateMachineArn'));
        return {
          stateMachineArn: machine.arn,
          name: machine.name,
          status: 'ACTIVE',
          definition: substitute(machine),
          roleArn: `arn:aws:iam::${machine.arn.split(':')[4]}:role/local-${machine.name}`.slice(0, 2048),
          type: machine.type,
          creationDate: new Date(0),
        };
      },
      ListStateMachines: () => ({
        stateMachines: machines.stateMachines.map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: m.type,
          creationDate: new Date(0),
        })),
      }),
    },
  });
}

function describe(record: ExecutionRecord, stateMachineArn: string) {
  return {
    executionArn: record.executionArn,
    stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    stopDate: record.stopDate,
    input: JSON.stringify(record.input ?? {}),
    inputDetails: { included: true },
    ...(record.output !== undefined
      ? { output: JSON.stringify(record.output), outputDetails: { included: true } }
      : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
}

function executionArn(engine: LocalStepFunctions, machine: StateMachineModel, name: string): string {
  const [, , , region, account] = engine.stateMachineArn(machine.name).split(':');
  return `arn:aws:states:${region}:${account}:${machine.type === 'EXPRESS' ? 'express' : 'execution'}:${machine.name}:${name}`;
}

function substitute(machine: StateMachineModel): string {
  let text = machine.definition;
  for (const [key, value] of Object.entries(machine.substitutions))
    text = text.replaceAll(`\${${key}}`, value);
  return text;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
