/**
 * A port whose listed methods each take one request from a lane of a request budget before the
 * call, so a class of work (the system APIs' reads) cannot spend more of a system than its lane.
 */
import { RequestBudgetExhausted, type BudgetLane, type RequestBudget } from './shared-rate-budget';

/** `methods` of `port`, each granted by `budget` in `lane` first; refused: RequestBudgetExhausted. */
export function budgetedPort<T extends object, K extends keyof T>(
  port: T,
  methods: readonly K[],
  budget: RequestBudget,
  lane: BudgetLane,
  system: string,
): Pick<T, K> {
  const budgeted = {} as Record<K, unknown>;
  for (const method of methods) {
    budgeted[method] = async (...args: unknown[]) => {
      const decision = await budget.take(lane);
      if (!decision.granted)
        throw new RequestBudgetExhausted(
          String(method),
          lane,
          system,
          Math.max(1, Math.ceil(decision.retryInMs / 1000)),
        );
      return (port[method] as (...a: unknown[]) => Promise<unknown>).apply(port, args);
    };
  }
  return budgeted as Pick<T, K>;
}
