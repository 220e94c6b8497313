/**
 * The current invocation's end, as Lambda reports it, so the vendor clients built once per execution
 * environment (functions/commons/connectors.ts) can fit each outbound call inside it. Lambda runs
 * one invocation at a time per execution environment (so does the local runtime's worker), which is
 * what makes one module-level value right.
 */
import type { Context } from 'aws-lambda';
import { SHORT_CALL_BUDGET, worstCaseMs } from './clients';

/**
 * Kept back from outbound calls for what a handler still does after its last one: record the
 * outcome (an idempotency release, a deferral, a failure record), each a short AWS call.
 */
export const OUTCOME_RESERVE_MS = worstCaseMs(SHORT_CALL_BUDGET);

let endsAt: number | undefined;

/** Called by every handler wrapper on entry; without a context (a test calling the handler) calls are unbounded. */
export function beginInvocation(
  context: Pick<Context, 'getRemainingTimeInMillis'> | undefined,
  now = Date.now(),
): void {
  endsAt = context ? now + context.getRemainingTimeInMillis() : undefined;
}

/** Milliseconds left for outbound vendor calls in the current invocation (`undefined`: unbounded). */
export function timeLeftForCallsMs(now = Date.now()): number | undefined {
  return endsAt === undefined ? undefined : endsAt - OUTCOME_RESERVE_MS - now;
}
