import { afterEach, describe, expect, it } from 'vitest';
import { SHORT_CALL_BUDGET, worstCaseMs } from '../../../functions/commons/clients';
import {
  OUTCOME_RESERVE_MS,
  beginInvocation,
  timeLeftForCallsMs,
} from '../../../functions/commons/invocation';

describe('the invocation’s time for outbound calls', () => {
  afterEach(() => beginInvocation(undefined));

  it('is what Lambda says remains, less the reserve for recording the outcome', () => {
    beginInvocation({ getRemainingTimeInMillis: () => 30_000 }, 1_000);
    expect(OUTCOME_RESERVE_MS).toBe(worstCaseMs(SHORT_CALL_BUDGET));
    expect(timeLeftForCallsMs(1_000)).toBe(30_000 - OUTCOME_RESERVE_MS);
    expect(timeLeftForCallsMs(21_000)).toBe(10_000 - OUTCOME_RESERVE_MS);
  });

  it('follows the current invocation, and is unbounded when a handler is called without a context', () => {
    beginInvocation({ getRemainingTimeInMillis: () => 5_000 }, 0);
    expect(timeLeftForCallsMs(0)).toBeLessThan(0);
    beginInvocation({ getRemainingTimeInMillis: () => 60_000 }, 0);
    expect(timeLeftForCallsMs(0)).toBe(60_000 - OUTCOME_RESERVE_MS);
    beginInvocation(undefined);
    expect(timeLeftForCallsMs()).toBeUndefined();
  });
});
