/**
 * A workflow step refused by an open breaker, our own request budget or a 429's Retry-After has not
 * failed: the system asked it to wait. Such a step returns a deferral instead of throwing; the
 * purchase-commitment workflow notes it at `$.deferral`, waits `waitSeconds` (a Wait state's
 * SecondsPath: as long as the cause, not a fixed retry schedule) and runs the step again.
 *
 * All deferrals of one execution share a budget, because an Express workflow ends at 5 minutes
 * (and the compensation after it needs time too): past the budget the refusal is thrown, and the
 * workflow's Catch compensates and raises a technical integration exception with the reason.
 */
import type { TransientFailure } from '../../domain/failures';
import { deferralOf } from '../commons/consumer-deferral';

/** How long one execution may wait for refusals in all: 6 breaker cool-downs, inside Express's 5 minutes. */
export const WORKFLOW_DEFERRAL_BUDGET_SECONDS = 180;

/** What a refused step returns, and the workflow keeps at `$.deferral` while it waits. */
export interface StepDeferral {
  /** The refused step (the workflow task's name in logs). */
  step: string;
  /** How long to wait before running the step again (Wait SecondsPath). */
  waitSeconds: number;
  /** The execution's first refusal (ISO): the deferral budget runs from there. */
  since: string;
  /** Refusals so far in this execution, this one included. */
  deferrals: number;
  reason: string;
  system: string;
}

/** Wraps a step so that a refusal becomes `{ deferred }` while the execution's budget lasts. */
export function deferWhileRefused<I, O>(
  step: string,
  run: (input: I) => Promise<O>,
  options: { now?: () => Date; random?: () => number; budgetSeconds?: number } = {},
): (input: I) => Promise<O | { deferred: StepDeferral }> {
  const now = options.now ?? (() => new Date());
  const budgetSeconds = options.budgetSeconds ?? WORKFLOW_DEFERRAL_BUDGET_SECONDS;
  return async (input) => {
    try {
      return await run(input);
    } catch (error) {
      const previous = (input as unknown as { deferral?: StepDeferral } | null)?.deferral;
      const deferral = deferralOf(error, previous?.deferrals ?? 0, options.random);
      if (!deferral) throw error;
      const at = now();
      const since = previous?.since ?? at.toISOString();
      const waitSeconds = Math.max(1, Math.ceil(deferral.seconds));
      if (at.getTime() + waitSeconds * 1000 > Date.parse(since) + budgetSeconds * 1000) throw error;
      return {
        deferred: {
          step,
          waitSeconds,
          since,
          deferrals: (previous?.deferrals ?? 0) + 1,
          reason: (error as Error).message,
          system: (error as TransientFailure).system,
        },
      };
    }
  };
}
