import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { LambdaRunner } from '../../../local/lambda/functions';
import { localStateMachines, startStepFunctionsEndpoint } from '../../../local/stepfunctions/endpoint';
import type { AwsJsonServer } from '../../../local/http/aws-json';
import type { FunctionModel, StateMachineModel } from '../../../assembly';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const echo: FunctionModel = {
  logicalId: 'Echo',
  constructId: 'Echo',
  name: 'Supplyline-test-Echo',
  arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Supplyline-test-Echo`,
  assetDir: fileURLToPath(new URL('../fixtures/functions/echo', import.meta.url)),
  handler: 'index.handler',
  environment: {},
  timeoutSeconds: 5,
  memoryMb: 128,
  asyncMaximumRetryAttempts: 2,
  asyncMaximumEventAgeSeconds: 21_600,
};
const machine = (
  name: string,
  file: string,
  type: 'STANDARD' | 'EXPRESS' = 'STANDARD',
): StateMachineModel => ({
  logicalId: name,
  name: `Supplyline-test-${name}`,
  arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Supplyline-test-${name}`,
  type,
  definition: readFileSync(new URL(`../fixtures/state-machines/${file}`, import.meta.url), 'utf8'),
  substitutions: { EchoFunctionArn: echo.arn },
});
const approval = machine('Approval', 'approval.asl.json');
const retryCatch = machine('RetryCatch', 'retry-catch.asl.json', 'EXPRESS');

let lambda: LambdaRunner;
let endpoint: AwsJsonServer;
let sfn: SFNClient;

beforeAll(async () => {
  lambda = new LambdaRunner({ functions: [echo], region: REGION, logs: 'silent' });
  const machines = localStateMachines({
    stateMachines: [approval, retryCatch],
    invoke: (arn, payload) => lambda.invokeOrThrow(arn, payload),
    region: REGION,
    account: ACCOUNT,
    retryIntervalScale: 0,
  });
  endpoint = await startStepFunctionsEndpoint(machines);
  sfn = new SFNClient({
    region: REGION,
    endpoint: endpoint.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  sfn.destroy();
  await endpoint.close();
  await lambda.stop();
});

/** The token the waiting task handed to the function. */
async function tokenFor(name: string): Promise<string> {
  let token: string | undefined;
  await expect
    .poll(
      () =>
        (token = lambda.invocations
          .map((r) => r.event as { taskToken?: string; name?: string })
          .find((e) => e.taskToken && e.name === name)?.taskToken),
      { timeout: 10_000 },
    )
    .toBeDefined();
  return token!;
}

async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  let described: DescribeExecutionCommandOutput | undefined;
  await expect
    .poll(async () => (described = await sfn.send(new DescribeExecutionCommand({ executionArn }))).status, {
      timeout: 10_000,
    })
    .not.toBe('RUNNING');
  return described!;
}

describe('Step Functions endpoint with the real SFN client', () => {
  it('StartExecution, SendTaskSuccess, DescribeExecution', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: approval.arn,
        name: 'po-1',
        input: JSON.stringify({ name: 'PO-1' }),
      }),
    );
    expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:${approval.name}:po-1`);
    expect(started.startDate).toBeInstanceOf(Date);

    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(running.status).toBe('RUNNING');

    const token = await tokenFor('PO-1');
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ decision: 'APPROVED' }) }),
    );

    const done = await finished(started.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({
      name: 'PO-1',
      greeting: { echo: { action: 'echo', name: 'PO-1' } },
      approval: { decision: 'APPROVED' },
    });
    expect(JSON.parse(done.input!)).toEqual({ name: 'PO-1' });

    // The token is spent: answering again is TaskTimedOut, as in AWS.
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('SendTaskFailure fails the execution with the given error', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: approval.arn, input: JSON.stringify({ name: 'PO-2' }) }),
    );
    const token = await tokenFor('PO-2');
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'ApprovalDenied', cause: 'over budget' }),
    );
    const done = await finished(started.executionArn!);
    expect(done).toMatchObject({ status: 'FAILED', error: 'ApprovalDenied', cause: 'over budget' });
  });

  it('answers with the AWS error shapes', async () => {
    const input = JSON.stringify({ name: 'PO-3' });
    await sfn.send(new StartExecutionCommand({ stateMachineArn: approval.arn, name: 'po-3', input }));
    // Same name and input while running: idempotent. Different input: ExecutionAlreadyExists.
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: approval.arn, name: 'po-3', input })),
    ).resolves.toMatchObject({ executionArn: expect.stringContaining(':po-3') });
    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: approval.arn, name: 'po-3', input: '{"name":"other"}' }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(
      sfn.send(
        new SendTaskSuccessCommand({
          taskToken: 'local-token-00000000-0000-0000-0000-000000000000',
          output: '{}',
        }),
      ),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${approval.arn}-missing`, input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: approval.arn, input: 'not json' })),
    ).rejects.toMatchObject({ name: 'InvalidExecutionInput' });

    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: approval.arn, statusFilter: 'RUNNING' }),
    );
    expect(listed.executions?.map((e) => e.name)).toContain('po-3');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: await tokenFor('PO-3'), output: '{}' }));
  });

  it('Retry and Catch match the function error by its errorType (StartSyncExecution on Express)', async () => {
    const client = new SFNClient({
      region: REGION,
      endpoint: endpoint.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      // The SDK prefixes StartSyncExecution's host with `sync-`; a local IP endpoint has no such host.
      disableHostPrefix: true,
    });
    const result = await client.send(
      new StartSyncExecutionCommand({ stateMachineArn: retryCatch.arn, input: '{}' }),
    );
    client.destroy();
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as { outcome: string; failure: { Error: string } };
    expect(output.outcome).toBe('raised');
    expect(output.failure.Error).toBe('TransientFailure');
    // First attempt plus two retries.
    expect(lambda.invocations.filter((r) => r.error?.errorType === 'TransientFailure')).toHaveLength(3);
  });
});
