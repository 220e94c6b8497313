import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalTaskGone } from '../../../adapters/aws/workflows';
import {
  executionName,
  lateTolerantTaskSuccess,
  sfnTaskSuccess,
  startWorkflow,
} from '../../../adapters/aws/workflows';

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

describe('Step Functions calls', () => {
  it('starts an execution named after the business key, with the input as JSON', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x' });
    await startWorkflow(new SFNClient({ region: 'us-east-1' }), 'arn:sm', 'forecast-exception:P-1:v3', {
      a: 1,
    });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: 'arn:sm',
      name: executionName('forecast-exception:P-1:v3'),
      input: '{"a":1}',
    });
  });

  it('answers a task token, and a workflow that stopped waiting is reported to onGone, not thrown', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    const gone: ApprovalTaskGone[] = [];
    const answer = lateTolerantTaskSuccess(sfnTaskSuccess(new SFNClient({ region: 'us-east-1' })), (error) =>
      gone.push(error),
    );
    await expect(answer('token-1', { acknowledged: true })).resolves.toBeUndefined();
    expect(gone).toHaveLength(1);
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({
      taskToken: 'token-1',
      output: '{"acknowledged":true}',
    });
  });

  it('rethrows every other failure of the answer', async () => {
    const answer = lateTolerantTaskSuccess(
      async () => {
        throw new Error('boom');
      },
      () => undefined,
    );
    await expect(answer('token-1', {})).rejects.toThrow('boom');
  });
});
