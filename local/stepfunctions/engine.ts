/**
 * Step Functions on one machine: the state machine definitions (the same ASL files CDK deploys, with
 * the same substitutions) run in aws-local-stepfunctions, with the service integrations we use
 * implemented here: Lambda tasks (direct ARN and `lambda:invoke`), `.waitForTaskToken` with
 * SendTaskSuccess/SendTaskFailure, and `states:startExecution` of another state machine.
 *
 * Limits (documented in docs/adr/0004): JSONPath only; one task token per execution at a time
 * (aws-local-stepfunctions takes `$$.Task.Token` from the run's context); executions live in memory.
 */
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';

/** An execution history event (the library does not export its type). */
export type EventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'] & {
  type: string;
  state?: { name: string };
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface StateMachineSource {
  /** Physical name: the ARN's last segment (e.g. `supplyline-dev-purchase-commitment`). */
  name: string;
  /** The ASL document text, before substitution. */
  definition: string;
  type: 'STANDARD' | 'EXPRESS';
}

export interface LocalStepFunctionsOptions {
  stateMachines: readonly StateMachineSource[];
  /** Definition substitutions, as CDK hands them to CloudFormation. */
  substitutions: Readonly<Record<string, string>>;
  /** Invokes a Lambda function by ARN; a thrown error's `name` is the Step Functions error name. */
  invoke(functionArn: string, payload: unknown): Promise<unknown>;
  region?: string;
  account?: string;
  /** Scales every Retry interval (tests use 0 to retry at once). @default 1 */
  retryIntervalScale?: number;
  /** Called for every execution history event (dashboard, logs). */
  onEvent?(execution: ExecutionRecord, event: EventLog): void;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineName: string;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  /** State names in the order they were entered: the path the execution took. */
  path: string[];
  /** Retries per state name. */
  retries: Record<string, number>;
  done: Promise<ExecutionRecord>;
}

/** Errors with the names Step Functions gives them, so ASL Catch clauses match locally too. */
export class StepFunctionsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface TaskState {
  Type: 'Task';
  Resource: string;
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number }[];
}

interface LoadedMachine {
  source: StateMachineSource;
  definition: Record<string, unknown>;
  stateMachine: StateMachine;
}

interface PendingToken {
  /** The machine of the waiting execution: what IAM authorizes SendTaskSuccess against. */
  stateMachineArn: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
}

const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const START_EXECUTION = 'arn:aws:states:::states:startExecution';

export class LocalStepFunctions {
  private readonly machines = new Map<string, LoadedMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tokens = new Map<string, PendingToken>();
  private readonly aborts = new Map<string, () => void>();
  private readonly region: string;
  private readonly account: string;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '000000000000';
    for (const source of options.stateMachines) {
      let text = source.definition;
      for (const [key, value] of Object.entries(options.substitutions))
        text = text.replaceAll(`\${${key}}`, value);
      const unresolved = /\$\{([A-Za-z0-9]+)\}/.exec(text);
      if (unresolved) throw new Error(`${source.name}: substitution ${unresolved[1]} has no value`);
      const definition = JSON.parse(text) as Record<string, unknown>;
      resolveTimeoutPathsFromStateInput(definition.States as Record<string, Record<string, unknown>>);
      // Validated once here (the library validates in its constructor); every run reuses it.
      const stateMachine = new StateMachine(definition as never, {
        validationOptions: { checkArn: false, checkPaths: true },
      });
      this.machines.set(source.name, { source, definition, stateMachine });
    }
  }

  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.region}:${this.account}:stateMachine:${name}`;
  }

  /** StartExecution: validates the name like AWS (a Standard name is unique), then runs in the background. */
  startExecution(stateMachineArn: string, input: unknown, name: string = randomUUID()): ExecutionRecord {
    const machineName = stateMachineArn.split(':').pop() ?? '';
    const machine = this.machines.get(machineName);
    if (!machine)
      throw new StepFunctionsError(
        'StepFunctions.StateMachineDoesNotExistException',
        `No state machine ${stateMachineArn}`,
      );
    const executionArn = `arn:aws:states:${this.region}:${this.account}:${machine.source.type === 'EXPRESS' ? 'express' : 'execution'}:${machineName}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing && machine.source.type === 'STANDARD') {
      throw new StepFunctionsError(
        'StepFunctions.ExecutionAlreadyExistsException',
        `Execution already exists: ${executionArn}`,
      );
    }
    const record = this.run(machine, executionArn, machineName, name, input);
    this.executions.set(executionArn, record);
    return record;
  }

  describeExecution(executionArn: string): ExecutionRecord | undefined {
    return this.executions.get(executionArn);
  }

  listExecutions(): ExecutionRecord[] {
    return [...this.executions.values()];
  }

  /** The state machine whose execution waits on a task token (undefined: unknown, answered or expired). */
  taskTokenStateMachine(taskToken: string): string | undefined {
    return this.tokens.get(taskToken)?.stateMachineArn;
  }

  sendTaskSuccess(taskToken: string, output: unknown): void {
    this.takeToken(taskToken).resolve(output);
  }

  sendTaskFailure(taskToken: string, error: string, cause?: string): void {
    this.takeToken(taskToken).reject(new StepFunctionsError(error, cause ?? ''));
  }

  /**
   * Aborts every running execution and fails the tokens they wait on: a waiting task's timeout
   * (hours for an approval) would otherwise keep the process alive after the runtime stopped.
   */
  stop(): void {
    for (const abort of this.aborts.values()) abort();
    for (const pending of this.tokens.values())
      pending.reject(new StepFunctionsError('States.Runtime', 'the local runtime stopped'));
    this.tokens.clear();
  }

  /** Resolves when every execution started so far (and those they started) has finished. */
  async settle(): Promise<void> {
    for (;;) {
      const running = [...this.executions.values()].filter((execution) => execution.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.all(running.map((execution) => execution.done));
    }
  }

  private takeToken(taskToken: string): PendingToken {
    const pending = this.tokens.get(taskToken);
    if (!pending)
      throw new StepFunctionsError(
        'TaskTimedOut',
        'Task Timed Out: the token is unknown, answered or expired',
      );
    this.tokens.delete(taskToken);
    return pending;
  }

  private handlers(
    states: Record<string, unknown>,
    token: string,
    stateMachineArn: string,
  ): Record<string, (input: Json) => Promise<Json>> {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, raw] of Object.entries(states)) {
      const state = raw as TaskState;
      if (state.Type !== 'Task') continue;
      if (state.Resource === WAIT_FOR_TOKEN) {
        handlers[stateName] = async (input) => {
          const { FunctionName, Payload: raw } = input as {
            FunctionName: string;
            Payload: { [key: string]: Json };
          };
          // Copy, not delete: the library reads the timeout from this same input after calling us.
          const { [TIMEOUT_KEY]: _timeout, ...Payload } = raw;
          const answered = new Promise<unknown>((resolve, reject) =>
            this.tokens.set(token, { stateMachineArn, resolve, reject }),
          );
          // Awaited only after the invoke: a failure before then (stop() while the task's function
          // runs) must not surface as an unhandled rejection; `await answered` still throws it.
          answered.catch(() => undefined);
          try {
            await this.options.invoke(FunctionName, Payload);
          } catch (error) {
            this.tokens.delete(token);
            throw error;
          }
          return (await answered) as Json;
        };
      } else if (state.Resource === LAMBDA_INVOKE) {
        handlers[stateName] = async (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
          return { Payload: (await this.options.invoke(FunctionName, Payload)) as Json, StatusCode: 200 };
        };
      } else if (state.Resource === START_EXECUTION) {
        handlers[stateName] = async (input) => {
          const { StateMachineArn, Input, Name } = input as {
            StateMachineArn: string;
            Input: Json;
            Name?: string;
          };
          const child = this.startExecution(StateMachineArn, Input, Name);
          return { ExecutionArn: child.executionArn, StartDate: child.startDate.toISOString() };
        };
      } else if (state.Resource.startsWith('arn:aws:lambda:')) {
        handlers[stateName] = async (input) => (await this.options.invoke(state.Resource, input)) as Json;
      } else {
        throw new Error(`state ${stateName}: resource ${state.Resource} is not supported locally`);
      }
    }
    return handlers;
  }

  private retryOverrides(states: Record<string, unknown>): Record<string, number[]> {
    const scale = this.options.retryIntervalScale ?? 1;
    const overrides: Record<string, number[]> = {};
    for (const [stateName, raw] of Object.entries(states)) {
      const retry = (raw as TaskState).Retry;
      if (!retry || scale === 1) continue;
      overrides[stateName] = retry.map((retrier) =>
        Math.round((retrier.IntervalSeconds ?? 1) * 1000 * scale),
      );
    }
    return overrides;
  }

  private run(
    machine: LoadedMachine,
    executionArn: string,
    stateMachineName: string,
    name: string,
    input: unknown,
  ): ExecutionRecord {
    const token = `local-token-${randomUUID()}`;
    const states = machine.definition.States as Record<string, unknown>;
    const record = {
      executionArn,
      stateMachineName,
      name,
      status: 'RUNNING',
      input,
      startDate: new Date(),
      path: [],
      retries: {},
    } as unknown as ExecutionRecord;
    const execution = machine.stateMachine.run(input as Json, {
      overrides: {
        taskResourceLocalHandlers: this.handlers(states, token, this.stateMachineArn(stateMachineName)),
        retryIntervalOverrides: this.retryOverrides(states),
      },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          StartTime: record.startDate.toISOString(),
          Input: input as Json,
        },
        StateMachine: { Id: this.stateMachineArn(stateMachineName), Name: stateMachineName },
        Task: { Token: token },
      } as never,
    });
    this.aborts.set(executionArn, execution.abort);
    const history = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered' && event.state) record.path.push(event.state.name);
        if (event.type === 'StateRetried' && event.state) {
          record.retries[event.state.name] = (record.retries[event.state.name] ?? 0) + 1;
        }
        this.options.onEvent?.(record, event);
      }
    })();
    record.done = execution.result.then(
      async (output) => {
        await history;
        this.aborts.delete(executionArn);
        Object.assign(record, { status: 'SUCCEEDED', output, stopDate: new Date() });
        return record;
      },
      async (error: Error & { cause?: { name?: string; message?: string } }) => {
        await history.catch(() => undefined);
        this.aborts.delete(executionArn);
        const failure = lastFailure(record, error);
        Object.assign(record, {
          status: error.name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED',
          error: failure.error,
          cause: failure.cause,
          stopDate: new Date(),
        });
        this.tokens.delete(token);
        return record;
      },
    );
    return record;
  }
}

const TIMEOUT_KEY = '__supplylineTimeoutSeconds';

/**
 * AWS resolves TimeoutSecondsPath against the state's input; aws-local-stepfunctions resolves it
 * against the effective input (after Parameters). Carrying the value through the Payload (removed
 * again before the function is invoked) makes the same ASL behave the same here.
 */
function resolveTimeoutPathsFromStateInput(states: Record<string, Record<string, unknown>>): void {
  for (const state of Object.values(states)) {
    const path = state.TimeoutSecondsPath;
    const parameters = state.Parameters as { Payload?: Record<string, unknown> } | undefined;
    if (state.Type !== 'Task' || typeof path !== 'string' || !parameters?.Payload) continue;
    parameters.Payload[`${TIMEOUT_KEY}.$`] = path;
    state.TimeoutSecondsPath = `$.Payload.${TIMEOUT_KEY}`;
  }
}

function lastFailure(
  record: ExecutionRecord,
  error: Error & { cause?: unknown },
): { error: string; cause: string } {
  const fail = record.path.at(-1);
  const caught = error.cause as { name?: string; message?: string } | undefined;
  return { error: caught?.name ?? error.name ?? fail ?? 'Error', cause: caught?.message ?? error.message };
}
