/**
 * Lambda on one machine: each function runs from its BUNDLED asset (`cdk.out/<env>/asset.<hash>`)
 * in worker threads with the function's own environment (the template's variables, the Lambda
 * runtime variables, fake credentials and the local endpoints). A small pool of workers per
 * function is its concurrency; a worker keeps its module state between invocations (warm), is
 * replaced after a timeout or a crash (cold again), and failed invocations come back with the
 * error's name as `errorType`, as Lambda reports them (Step Functions Retry/Catch match on it).
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { FunctionModel } from '../../assembly';
import { functionNameOf } from '../../assembly';
import { functionAccessKeyId } from '../iam/enforcement';

/** A function error as Lambda returns it. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** The outcome of one invocation. */
export type InvocationResult =
  | { ok: true; payload: unknown; requestId: string; durationMs: number; coldStart: boolean }
  | { ok: false; error: LambdaErrorPayload; requestId: string; durationMs: number; coldStart: boolean };

/** A finished invocation, for inspection (dashboard, tests). */
export interface InvocationRecord {
  functionName: string;
  requestId: string;
  event: unknown;
  startedAt: Date;
  durationMs: number;
  coldStart: boolean;
  ok: boolean;
  result?: unknown;
  error?: LambdaErrorPayload;
}

/** Thrown by {@link LambdaRunner.invokeOrThrow}: `name` is the function error's `errorType`. */
export class LambdaFunctionError extends Error {
  constructor(readonly payload: LambdaErrorPayload) {
    super(payload.errorMessage);
    this.name = payload.errorType;
  }
}

/** What the caller may set on the context (the rest is generated). */
export interface InvokeContextOverrides {
  awsRequestId?: string;
  /** X-Ray trace header (`_X_AMZN_TRACE_ID`). */
  traceId?: string;
}

/**
 * A fault a drill arms for a function's next invocations: at the invocation's first request to the
 * stand-in of `beforeCallTo` (e.g. `eventbridge`: after its DynamoDB claim, before PutEvents), the
 * worker exits (`exit`: the function dies mid-invocation, the caller gets `Runtime.ExitError`) or
 * the request goes to a closed port (`fail`: the service is unreachable).
 */
export interface FunctionFault {
  beforeCallTo: 'eventbridge' | 'dynamodb' | 'sqs' | 'sfn' | 'secrets_manager' | 's3';
  action: 'exit' | 'fail';
  /** How many invocations it applies to. @default 1 */
  invocations?: number;
}

/** What the worker is told for one invocation. */
interface WorkerFault {
  hostname: string;
  port: string;
  action: FunctionFault['action'];
  exitCode: number;
}

/** Where a function's log lines go. */
export type LogSink =
  'inherit' | 'silent' | ((functionName: string, line: string, stream: 'stdout' | 'stderr') => void);

/** Configuration of the runner. */
export interface LambdaRunnerOptions {
  functions: readonly FunctionModel[];
  region: string;
  /** Variables every function gets on top of its template environment (local endpoints, simulators' URLs). */
  environment?: Readonly<Record<string, string>>;
  /** Variables per function (by physical name, construct id or key), applied last. */
  functionEnvironment?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Workers per function when the template reserves no concurrency. @default 4 */
  defaultConcurrency?: number;
  /**
   * Functions whose workers run at a lower OS priority ({@link BACKGROUND_NICE}, Linux only). In
   * AWS the function answering a webhook never shares CPU with the consumers and workflow tasks
   * behind it; on one machine it does. The runtime lowers every function no API route invokes, so
   * a backlog behind the queues slows that backlog, not the answers clients wait for.
   */
  lowPriority?: (fn: FunctionModel) => boolean;
  /** @default 'inherit' (lines prefixed with the function's construct id) */
  logs?: LogSink;
  /** Called after every invocation. */
  onInvocation?: (record: InvocationRecord) => void;
  /** Keep the last N invocation records. @default 1000 */
  historySize?: number;
}

interface WorkerSlot {
  worker: Worker;
  busy: boolean;
  warm: boolean;
  pending?: { id: string; settle: (message: ResultMessage) => void };
}

/** Log text a worker sends with a result (or alone, for writes outside an invocation). */
interface WorkerLogs {
  stdout: string;
  stderr: string;
}

type ResultMessage =
  | { type: 'result'; id: string; ok: true; payload: string; logs?: WorkerLogs }
  | { type: 'result'; id: string; ok: false; error: LambdaErrorPayload; logs?: WorkerLogs };

type WorkerMessage = ResultMessage | { type: 'logs'; logs: WorkerLogs };

interface Pool {
  fn: FunctionModel;
  env: Record<string, string>;
  slots: WorkerSlot[];
  waiting: (() => void)[];
  limit: number;
}

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

/**
 * The nice value of background workers: under contention the scheduler gives a nice-0 thread about
 * 68 times the share of one of them, and they still get the whole CPU when nothing else needs it.
 * Not 10: a burst keeps a dozen or more background workers runnable, and at nice 10 (a ninth of a
 * nice-0 thread each) together they weighed as much as one or two webhook workers.
 */
export const BACKGROUND_NICE = 19;

/** Runs the application's functions locally. */
export class LambdaRunner {
  private readonly pools = new Map<string, Pool>();
  private readonly history: InvocationRecord[] = [];
  private readonly faults = new Map<string, FunctionFault & { remaining: number }>();
  private stopped = false;

  constructor(private readonly options: LambdaRunnerOptions) {
    for (const fn of options.functions) {
      this.pools.set(fn.name, {
        fn,
        env: this.environmentOf(fn),
        slots: [],
        waiting: [],
        limit: Math.max(1, fn.reservedConcurrency ?? options.defaultConcurrency ?? 4),
      });
    }
  }

  /** Function names (physical). */
  get functionNames(): string[] {
    return [...this.pools.keys()];
  }

  /** The environment a function's workers get. */
  environment(functionName: string): Record<string, string> {
    return { ...this.pool(functionName).env };
  }

  /** Invocations so far (oldest first, at most `historySize`). */
  get invocations(): readonly InvocationRecord[] {
    return this.history;
  }

  /**
   * Invokes synchronously (RequestResponse). Never throws for a function error: the result says
   * `ok: false` with the error Lambda would report. Throws only for an unknown function.
   */
  async invoke(
    functionNameOrArn: string,
    event: unknown,
    context: InvokeContextOverrides = {},
  ): Promise<InvocationResult> {
    if (this.stopped) throw new Error('the Lambda runner is stopped');
    const pool = this.pool(functionNameOrArn);
    const requestId = context.awsRequestId ?? randomUUID();
    const slot = await this.acquire(pool);
    const startedAt = new Date();
    const coldStart = !slot.warm;
    let result: InvocationResult;
    try {
      const message = await this.run(pool, slot, requestId, event, context);
      const durationMs = Date.now() - startedAt.getTime();
      result = message.ok
        ? { ok: true, payload: JSON.parse(message.payload) as unknown, requestId, durationMs, coldStart }
        : { ok: false, error: message.error, requestId, durationMs, coldStart };
    } finally {
      this.release(pool, slot);
    }
    const record: InvocationRecord = {
      functionName: pool.fn.name,
      requestId,
      event,
      startedAt,
      durationMs: result.durationMs,
      coldStart,
      ok: result.ok,
      ...(result.ok ? { result: result.payload } : { error: result.error }),
    };
    this.history.push(record);
    if (this.history.length > (this.options.historySize ?? 1000)) this.history.shift();
    this.options.onInvocation?.(record);
    return result;
  }

  /**
   * Arms a fault for the function's next invocations (fault drills), or disarms it with
   * `undefined`. Function code is unchanged: the worker intercepts the request (worker.mjs).
   */
  injectFault(functionNameOrArn: string, fault: FunctionFault | undefined): void {
    const name = this.pool(functionNameOrArn).fn.name;
    if (fault) this.faults.set(name, { ...fault, remaining: fault.invocations ?? 1 });
    else this.faults.delete(name);
  }

  /** The fault this invocation runs with, counted off the armed ones. */
  private takeFault(pool: Pool): WorkerFault | undefined {
    const armed = this.faults.get(pool.fn.name);
    if (!armed) return undefined;
    if (--armed.remaining <= 0) this.faults.delete(pool.fn.name);
    const endpoint = pool.env[`AWS_ENDPOINT_URL_${armed.beforeCallTo.toUpperCase()}`];
    if (!endpoint) throw new Error(`no local endpoint for ${armed.beforeCallTo} in ${pool.fn.name}`);
    const url = new URL(endpoint);
    return { hostname: url.hostname, port: url.port, action: armed.action, exitCode: 86 };
  }

  /** Invokes and returns the payload, or throws a {@link LambdaFunctionError} named after the errorType. */
  async invokeOrThrow(
    functionNameOrArn: string,
    event: unknown,
    context?: InvokeContextOverrides,
  ): Promise<unknown> {
    const result = await this.invoke(functionNameOrArn, event, context);
    if (!result.ok) throw new LambdaFunctionError(result.error);
    return result.payload;
  }

  /** Terminates every worker; in-flight invocations fail with `Runtime.Stopped`. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.pools.values()].flatMap((pool) => pool.slots.splice(0));
    for (const slot of all) {
      slot.pending?.settle({
        type: 'result',
        id: slot.pending.id,
        ok: false,
        error: { errorType: 'Runtime.Stopped', errorMessage: 'the local runtime is stopping' },
      });
    }
    await Promise.all(all.map((slot) => slot.worker.terminate()));
  }

  private pool(functionNameOrArn: string): Pool {
    const name = functionNameOf(functionNameOrArn);
    const pool = this.pools.get(name);
    if (!pool) {
      throw Object.assign(new Error(`Function not found: ${functionNameOrArn}`), {
        name: 'ResourceNotFoundException',
      });
    }
    return pool;
  }

  private environmentOf(fn: FunctionModel): Record<string, string> {
    const region = this.options.region;
    const perFunction = Object.entries(this.options.functionEnvironment ?? {})
      .filter(([key]) => [fn.name, fn.constructId, fn.logicalId, kebab(fn.constructId)].includes(key))
      .map(([, variables]) => variables);
    return {
      // What the Lambda service sets in every execution environment.
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime ?? 'nodejs22.x'}`,
      LAMBDA_TASK_ROOT: fn.assetDir,
      LAMBDA_RUNTIME_DIR: fn.assetDir,
      // Its own key: the local IAM enforcement (local/iam) knows the function by it.
      AWS_ACCESS_KEY_ID: functionAccessKeyId(fn),
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: 'local',
      ...fn.environment,
      ...this.options.environment,
      ...Object.assign({}, ...perFunction),
    };
  }

  private async acquire(pool: Pool): Promise<WorkerSlot> {
    for (;;) {
      const idle = pool.slots.find((slot) => !slot.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (pool.slots.length < pool.limit) {
        const slot = this.spawn(pool);
        slot.busy = true;
        return slot;
      }
      await new Promise<void>((resolve) => pool.waiting.push(resolve));
      if (this.stopped) throw new Error('the Lambda runner is stopped');
    }
  }

  private release(pool: Pool, slot: WorkerSlot): void {
    slot.busy = false;
    pool.waiting.shift()?.();
  }

  private spawn(pool: Pool): WorkerSlot {
    const { fn } = pool;
    const worker = new Worker(WORKER_URL, {
      workerData: {
        assetDir: fn.assetDir,
        handler: fn.handler,
        nice: this.options.lowPriority?.(fn) ? BACKGROUND_NICE : 0,
      },
      env: pool.env,
      stdout: true,
      stderr: true,
      execArgv: (pool.env.NODE_OPTIONS ?? '').includes('--enable-source-maps')
        ? ['--enable-source-maps']
        : [],
      // MemorySize bounds the heap, as it bounds the whole sandbox in Lambda.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, fn.memoryMb) },
      name: fn.name,
    });
    worker.unref();
    const slot: WorkerSlot = { worker, busy: false, warm: false };
    // What the worker's own log capture misses (native writes) still arrives on its stdio.
    this.pipeLogs(fn, worker.stdout, 'stdout');
    this.pipeLogs(fn, worker.stderr, 'stderr');
    const lines = this.lineSink(fn);
    const discard = (error: LambdaErrorPayload) => {
      const index = pool.slots.indexOf(slot);
      if (index >= 0) pool.slots.splice(index, 1);
      slot.pending?.settle({ type: 'result', id: slot.pending.id, ok: false, error });
      pool.waiting.shift()?.();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.logs) lines(message.logs);
      if (message.type === 'result' && slot.pending?.id === message.id) slot.pending.settle(message);
    });
    worker.on('error', (error) =>
      discard({
        errorType: error.name === 'Error' ? 'Runtime.ExitError' : `Runtime.${error.name}`,
        errorMessage: `the execution environment crashed: ${error.message}`,
        trace: (error.stack ?? '').split('\n'),
      }),
    );
    worker.on('exit', (code) =>
      discard({
        errorType: 'Runtime.ExitError',
        errorMessage: `Runtime exited with error: exit status ${code}`,
      }),
    );
    pool.slots.push(slot);
    return slot;
  }

  private run(
    pool: Pool,
    slot: WorkerSlot,
    requestId: string,
    event: unknown,
    overrides: InvokeContextOverrides,
  ): Promise<ResultMessage> {
    const { fn } = pool;
    const timeoutMs = fn.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    return new Promise<ResultMessage>((resolve) => {
      const timer = setTimeout(() => {
        // Lambda stops the sandbox: module state is lost, the next invocation starts cold.
        const index = pool.slots.indexOf(slot);
        if (index >= 0) pool.slots.splice(index, 1);
        slot.pending = undefined;
        void slot.worker.terminate();
        resolve({
          type: 'result',
          id: requestId,
          ok: false,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `${new Date().toISOString()} ${requestId} Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
          },
        });
      }, timeoutMs);
      slot.pending = {
        id: requestId,
        settle: (message) => {
          clearTimeout(timer);
          slot.pending = undefined;
          if (message.ok) slot.warm = true;
          else if (!message.error.errorType.startsWith('Runtime.')) slot.warm = true;
          resolve(message);
        },
      };
      slot.worker.postMessage({
        type: 'invoke',
        id: requestId,
        fault: this.takeFault(pool),
        // JSON in, as Lambda receives it: the handler never shares objects with the caller.
        payload: JSON.stringify(event ?? null),
        context: {
          awsRequestId: requestId,
          functionName: fn.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: fn.arn,
          memoryLimitInMB: fn.memoryMb,
          logGroupName: pool.env.AWS_LAMBDA_LOG_GROUP_NAME,
          logStreamName: pool.env.AWS_LAMBDA_LOG_STREAM_NAME,
          deadline,
          traceId:
            overrides.traceId ??
            `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};Sampled=0`,
        },
      });
    });
  }

  /** Writes log text to the sink line by line (a line may span two messages). */
  private lineSink(fn: FunctionModel): (logs: WorkerLogs) => void {
    const sink = this.options.logs ?? 'inherit';
    const partial = { stdout: '', stderr: '' };
    return (logs) => {
      if (sink === 'silent') return;
      for (const which of ['stdout', 'stderr'] as const) {
        if (!logs[which]) continue;
        const lines = (partial[which] + logs[which]).split('\n');
        partial[which] = lines.pop()!;
        for (const line of lines) {
          if (sink === 'inherit')
            (which === 'stdout' ? process.stdout : process.stderr).write(`[${fn.constructId}] ${line}\n`);
          else sink(fn.name, line, which);
        }
      }
    };
  }

  private pipeLogs(fn: FunctionModel, stream: Readable, which: 'stdout' | 'stderr'): void {
    const sink = this.options.logs ?? 'inherit';
    if (sink === 'silent') {
      stream.resume();
      return;
    }
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => {
      if (sink === 'inherit')
        (which === 'stdout' ? process.stdout : process.stderr).write(`[${fn.constructId}] ${line}\n`);
      else sink(fn.name, line, which);
    });
  }
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
