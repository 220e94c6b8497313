/**
 * The Lambda side of a workflow task: Step Functions invokes the function directly, so the event
 * IS the state input and the return value is the task result. Errors propagate unchanged: their
 * names (TransientFailure, CircuitOpenError, BusinessRejection, ContractViolation) are the
 * errorType the state machine's Retry and Catch match on.
 */
import type { Context } from 'aws-lambda';
import { BusinessRejection } from '../../domain/failures';
import { beginInvocation } from '../commons/invocation';
import { logger, metrics } from '../commons/powertools';

/** Wraps one step: correlation id in every log line, metrics flushed, errors logged and rethrown. */
export function workflowTask<I, O>(
  task: string,
  step: (input: I) => Promise<O>,
): (input: I, context?: Context) => Promise<O> {
  return async (input, context) => {
    beginInvocation(context);
    if (context) logger.addContext(context);
    const correlationId = (input as { event?: { correlationId?: unknown } } | null)?.event?.correlationId;
    logger.appendKeys({ task, ...(typeof correlationId === 'string' ? { correlationId } : {}) });
    try {
      return await step(input);
    } catch (error) {
      const log = error instanceof BusinessRejection ? logger.warn : logger.error;
      log.call(logger, 'workflow task failed', { errorType: (error as Error).name, error: error as Error });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['task', 'correlationId']);
    }
  };
}
