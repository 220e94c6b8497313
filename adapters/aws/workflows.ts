/**
 * The Step Functions calls the functions make: starting a workflow under a name derived from its
 * business key (so a repeated start is refused rather than run twice), and answering a task token.
 * Step Functions' errors are classified here: a workflow that stopped waiting is
 * {@link ApprovalTaskGone}, a server fault is a TransientFailure, a client fault is our bug.
 */
import { createHash } from 'node:crypto';
import { SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { TransientFailure } from '../../domain/failures';

/** The workflow no longer waits on the token (Step Functions TaskTimedOut / TaskDoesNotExist). */
export class ApprovalTaskGone extends Error {
  override readonly name = 'ApprovalTaskGone';
}

/** An execution name from a business key: readable, within Step Functions' 80 characters and charset. */
export function executionName(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `${key.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 63)}-${hash}`;
}

/** Starts an execution of `stateMachineArn` named after `businessKey`, with `input` as its JSON input. */
export async function startWorkflow(
  client: SFNClient,
  stateMachineArn: string,
  businessKey: string,
  input: object,
): Promise<void> {
  await client.send(
    new StartExecutionCommand({
      stateMachineArn,
      name: executionName(businessKey),
      input: JSON.stringify(input),
    }),
  );
}

/** SendTaskSuccess with its errors classified (see the file header). */
export function sfnTaskSuccess(client: SFNClient): (taskToken: string, output: object) => Promise<void> {
  return async (taskToken, output) => {
    try {
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    } catch (error) {
      const { name, message, $fault } = error as Error & { $fault?: 'client' | 'server' };
      if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist')
        throw new ApprovalTaskGone(`the workflow no longer waits: ${name}`, { cause: error });
      // Client faults (InvalidToken, AccessDenied, InvalidOutput) are our bugs: retrying cannot help.
      if ($fault === 'client') throw error;
      throw new TransientFailure(
        `Step Functions did not take the decision: ${message}`,
        'stepfunctions',
        undefined,
        {
          cause: error,
        },
      );
    }
  };
}

/**
 * Answers a task token with `output`. A workflow that stopped waiting (its deadline passed) is
 * not an error here: the late answer was applied where it matters, and the workflow has already
 * raised its own exception; `onGone` hears about it.
 */
export function lateTolerantTaskSuccess(
  send: (taskToken: string, output: object) => Promise<void>,
  onGone: (error: ApprovalTaskGone) => void,
): (taskToken: string, output: object) => Promise<void> {
  return async (taskToken, output) => {
    try {
      await send(taskToken, output);
    } catch (error) {
      if (!(error instanceof ApprovalTaskGone)) throw error;
      onGone(error);
    }
  };
}
