/** Asynchronous invocation (EventBridge rule and schedule targets) with Lambda's own retries. */
import type { FunctionModel } from '../../assembly';
import type { LambdaRunner } from './functions';

/**
 * Invokes and retries a failing function `asyncMaximumRetryAttempts` times (1 s, then 2 s apart
 * locally; 1 and 2 minutes in AWS); the last failure is logged and the event dropped.
 */
export async function invokeAsync(
  runner: LambdaRunner,
  fn: FunctionModel,
  payload: unknown,
  log: (line: string) => void,
  source: string,
): Promise<void> {
  const attempts = fn.asyncMaximumRetryAttempts + 1;
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((done) => setTimeout(done, 1000 * attempt));
    const result = await runner.invoke(fn.name, payload).catch((error: Error) => ({
      ok: false as const,
      error: { errorType: error.name, errorMessage: error.message },
    }));
    if (result.ok) return;
    last = `${result.error.errorType}: ${result.error.errorMessage}`;
  }
  log(`async invocation of ${fn.constructId} from ${source} failed ${attempts} time(s), dropped: ${last}`);
}
