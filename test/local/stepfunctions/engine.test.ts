import { describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../../local/stepfunctions/engine';

const WAITING = JSON.stringify({
  StartAt: 'Wait for approval',
  States: {
    'Wait for approval': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'approval-request', Payload: { 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 86400,
      End: true,
    },
  },
});

describe('local Step Functions engine: stop()', () => {
  it('ends a task still invoking its function without an unhandled rejection', async () => {
    // Prepare: the task's function has not returned when the runtime stops, and then fails (its
    // worker is stopped too).
    let invoked!: () => void;
    const invoking = new Promise<void>((resolve) => (invoked = resolve));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let failInvoke!: () => void;
    const engine = new LocalStepFunctions({
      stateMachines: [{ name: 'waiting', definition: WAITING, type: 'STANDARD' }],
      substitutions: {},
      invoke: () => {
        invoked();
        return new Promise((_resolve, reject) => (failInvoke = () => reject(new Error('worker stopped'))));
      },
    });

    try {
      // Act
      const execution = engine.startExecution(
        'arn:aws:states:us-east-1:000000000000:stateMachine:waiting',
        {},
      );
      await invoking;
      engine.stop();
      failInvoke();
      await new Promise((resolve) => setTimeout(resolve, 50));

      // Assess
      expect(unhandled).toEqual([]);
      expect(execution.status).not.toBe('RUNNING');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
