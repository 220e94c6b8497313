import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getPriority as osPriority } from 'node:os';
import {
  BACKGROUND_NICE,
  LambdaFunctionError,
  LambdaRunner,
  type LambdaRunnerOptions,
} from '../../../local/lambda/functions';
import type { FunctionModel } from '../../../assembly';
import { functionAccessKeyId } from '../../../local/iam/enforcement';

const assetDir = (name: string) => fileURLToPath(new URL(`../fixtures/functions/${name}`, import.meta.url));

function fn(overrides: Partial<FunctionModel> = {}): FunctionModel {
  return {
    logicalId: 'EchoFunctionABCD1234',
    constructId: 'Echo',
    name: 'Supplyline-test-EchoFunctionABCD1234',
    arn: 'arn:aws:lambda:eu-west-1:000000000000:function:Supplyline-test-EchoFunctionABCD1234',
    assetDir: assetDir('echo'),
    handler: 'index.handler',
    environment: { TABLE_NAME: 'from-template', SHARED: 'template' },
    timeoutSeconds: 5,
    memoryMb: 256,
    asyncMaximumRetryAttempts: 2,
    asyncMaximumEventAgeSeconds: 21_600,
    ...overrides,
  };
}

let runner: LambdaRunner | undefined;
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
});

function start(options: Partial<LambdaRunnerOptions> = {}, functions = [fn()]): LambdaRunner {
  runner = new LambdaRunner({ functions, region: 'eu-west-1', logs: 'silent', ...options });
  return runner;
}

describe('LambdaRunner', () => {
  it('runs the bundled asset with the template environment, the runtime variables and overrides', async () => {
    const lambda = start({
      environment: { SHARED: 'override', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:1' },
      functionEnvironment: { echo: { ONLY_ECHO: 'yes' } },
    });
    const get = async (name: string) =>
      (
        (await lambda.invokeOrThrow('Supplyline-test-EchoFunctionABCD1234', { action: 'env', name })) as {
          value: string | null;
          region: string;
        }
      ).value;
    expect(await get('TABLE_NAME')).toBe('from-template');
    expect(await get('SHARED')).toBe('override');
    expect(await get('ONLY_ECHO')).toBe('yes');
    expect(await get('AWS_ENDPOINT_URL_SQS')).toBe('http://127.0.0.1:1');
    expect(await get('AWS_LAMBDA_FUNCTION_NAME')).toBe('Supplyline-test-EchoFunctionABCD1234');
    // Its own access key: the local IAM enforcement knows the function's role by it.
    expect(await get('AWS_ACCESS_KEY_ID')).toBe(functionAccessKeyId(fn()));
    expect(await get('AWS_ACCESS_KEY_ID')).not.toBe('local');
    // The worker's environment is its own: the test process is untouched.
    expect(process.env.TABLE_NAME).toBeUndefined();
  });

  it('gives a Lambda context and accepts the function ARN', async () => {
    const lambda = start();
    const result = (await lambda.invokeOrThrow(
      fn().arn,
      { action: 'context' },
      { awsRequestId: 'req-1' },
    )) as {
      awsRequestId: string;
      functionName: string;
      remaining: number;
    };
    expect(result.awsRequestId).toBe('req-1');
    expect(result.functionName).toBe(fn().name);
    expect(result.remaining).toBeGreaterThan(3000);
    expect(result.remaining).toBeLessThanOrEqual(5000);
  });

  it.runIf(process.platform === 'linux')(
    'runs the workers of low-priority functions at BACKGROUND_NICE, the others at the default',
    async () => {
      const background = fn();
      const interactive = fn({
        name: 'Supplyline-test-WebhookFunction5678',
        logicalId: 'WebhookFunction5678',
      });
      const lambda = start({ lowPriority: (f) => f.name === background.name }, [background, interactive]);
      expect(await lambda.invokeOrThrow(background.name, { action: 'nice' })).toEqual({
        nice: BACKGROUND_NICE,
      });
      expect(await lambda.invokeOrThrow(interactive.name, { action: 'nice' })).toEqual({ nice: 0 });
      // The caller's thread is untouched.
      expect(osPriority()).toBe(0);
    },
  );

  it('keeps module state between invocations of a warm worker', async () => {
    const lambda = start({ defaultConcurrency: 1 });
    const first = await lambda.invoke(fn().name, { action: 'state' });
    const second = await lambda.invoke(fn().name, { action: 'state' });
    expect(first.ok && second.ok).toBe(true);
    expect(first.coldStart).toBe(true);
    expect(second.coldStart).toBe(false);
    const [a, b] = [first, second].map((r) =>
      r.ok ? (r.payload as { invocations: number; initializedAt: number }) : undefined,
    );
    expect(b?.invocations).toBe((a?.invocations ?? 0) + 1);
    expect(b?.initializedAt).toBe(a?.initializedAt);
  });

  it('returns function errors with their name as errorType, and invokeOrThrow throws that name', async () => {
    const lambda = start();
    const result = await lambda.invoke(fn().name, { action: 'fail' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.errorType).toBe('TransientFailure');
      expect(result.error.errorMessage).toBe('the ERP is down');
    }
    await expect(lambda.invokeOrThrow(fn().name, { action: 'fail' })).rejects.toSatisfy(
      (error: unknown) => error instanceof LambdaFunctionError && error.name === 'TransientFailure',
    );
  });

  it('serialises results as JSON, like Lambda', async () => {
    const lambda = start();
    expect(await lambda.invokeOrThrow(fn().name, { action: 'date' })).toEqual({
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  it('times out after the function timeout and starts the next invocation cold', async () => {
    const lambda = start({ defaultConcurrency: 1 }, [fn({ timeoutSeconds: 1 })]);
    await lambda.invoke(fn().name, { action: 'state' });
    const result = await lambda.invoke(fn().name, { action: 'sleep', ms: 3000 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.errorType).toBe('Sandbox.Timedout');
      expect(result.error.errorMessage).toMatch(/Task timed out after 1\.00 seconds/);
    }
    const after = await lambda.invoke(fn().name, { action: 'state' });
    expect(after.coldStart).toBe(true);
    expect(after.ok && (after.payload as { invocations: number }).invocations).toBe(1);
  });

  it('runs at most the pool size at once per function', async () => {
    const lambda = start({ defaultConcurrency: 2 });
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => lambda.invoke(fn().name, { action: 'sleep', ms: 200 })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    // Most invocations running at the same moment, from the runner's own records.
    const spans = lambda.invocations.map((r) => [
      r.startedAt.getTime(),
      r.startedAt.getTime() + r.durationMs,
    ]);
    const overlap = Math.max(
      ...spans.map(([start]) => spans.filter(([s, e]) => s! <= start! && start! < e!).length),
    );
    expect(overlap).toBe(2);
    expect(lambda.invocations.filter((r) => r.coldStart)).toHaveLength(2);
  });

  it('reports a crashed execution environment and replaces it', async () => {
    const lambda = start({ defaultConcurrency: 1 });
    const crashed = await lambda.invoke(fn().name, { action: 'crash' });
    expect(crashed.ok).toBe(false);
    if (!crashed.ok) expect(crashed.error.errorType).toMatch(/^Runtime\./);
    const next = await lambda.invoke(fn().name, { action: 'echo' });
    expect(next.ok).toBe(true);
    expect(next.coldStart).toBe(true);
  });

  it('runs callback-style handlers from .js assets', async () => {
    const lambda = start({}, [fn({ assetDir: assetDir('callback') })]);
    expect(await lambda.invokeOrThrow(fn().name, { n: 21 })).toEqual({ doubled: 42 });
  });

  it('reports a missing handler as Runtime.HandlerNotFound', async () => {
    const lambda = start({}, [fn({ handler: 'index.nothing' })]);
    const result = await lambda.invoke(fn().name, {});
    expect(!result.ok && result.error.errorType).toBe('Runtime.HandlerNotFound');
  });

  it('passes function log lines to the sink', async () => {
    const lines: string[] = [];
    const lambda = start({ logs: (name, line) => lines.push(`${name}: ${line}`) });
    await lambda.invokeOrThrow(fn().name, { action: 'log', message: 'hello' });
    await expect.poll(() => lines.join('\n')).toContain('"message":"hello"');
  });

  it('refuses unknown functions', async () => {
    const lambda = start();
    await expect(lambda.invoke('nope', {})).rejects.toThrow(/Function not found/);
  });

  it('runs a drill fault at the invocation’s first call to a stand-in: the worker exits, or the call fails; once', async () => {
    const received: string[] = [];
    const standIn = createServer((req, res) => {
      received.push(req.method ?? '');
      res.writeHead(200).end('{}');
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    try {
      const lambda = start({ environment: { AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint } });
      const name = 'Supplyline-test-EchoFunctionABCD1234';
      const call = { action: 'call', endpointVariable: 'AWS_ENDPOINT_URL_EVENTBRIDGE' };

      lambda.injectFault(name, { beforeCallTo: 'eventbridge', action: 'exit' });
      const killed = await lambda.invoke(name, call);
      expect(killed).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
      expect(received).toEqual([]);
      expect(await lambda.invokeOrThrow(name, call)).toEqual({ status: 200 });

      lambda.injectFault(name, { beforeCallTo: 'eventbridge', action: 'fail', invocations: 2 });
      expect(await lambda.invokeOrThrow(name, call)).toEqual({ error: 'ECONNREFUSED' });
      expect(await lambda.invokeOrThrow(name, call)).toEqual({ error: 'ECONNREFUSED' });
      expect(await lambda.invokeOrThrow(name, call)).toEqual({ status: 200 });
      expect(received).toEqual(['POST', 'POST']);
    } finally {
      await new Promise((resolve) => standIn.close(resolve));
    }
  });
});
