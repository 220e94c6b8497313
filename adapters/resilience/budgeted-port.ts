/**
 * A port whose listed methods each take one request from a lane of a request budget before the
 * call, so a class of work (the system APIs' reads) cannot spend more of a system than its lane.
 * A refused call waits for the budget's next window while `maxWaitMs` allows (a caller asking
 * now is better served a little later than told to come back), then fails transiently.
 */
import { RequestBudgetExhausted, type BudgetLane, type RequestBudget } from './shared-rate-budget';

/** How a budgeted port takes its budget. */
export interface BudgetedPortOptions {
  budget: RequestBudget;
  lane: BudgetLane;
  /** The system the budget protects (in the failure). */
  system: string;
  /** Longest a call waits in all for its budget. @default 0 */
  maxWaitMs?: number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** `methods` of `port`, each granted by the budget's lane first; refused past maxWaitMs: RequestBudgetExhausted. */
export function budgetedPort<T extends object, K extends keyof T>(
  port: T,
  methods: readonly K[],
  options: BudgetedPortOptions,
): Pick<T, K> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const budgeted = {} as Record<K, unknown>;
  for (const method of methods) {
    budgeted[method] = async (...args: unknown[]) => {
      let waited = 0;
      for (;;) {
        const decision = await options.budget.take(options.lane);
        if (decision.granted) break;
        if (waited + decision.retryInMs > (options.maxWaitMs ?? 0))
          throw new RequestBudgetExhausted(
            String(method),
            options.lane,
            options.system,
            Math.max(1, Math.ceil(decision.retryInMs / 1000)),
          );
        await sleep(decision.retryInMs);
        waited += decision.retryInMs;
      }
      return (port[method] as (...a: unknown[]) => Promise<unknown>).apply(port, args);
    };
  }
  return budgeted as Pick<T, K>;
}
