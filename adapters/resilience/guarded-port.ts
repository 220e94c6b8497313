/**
 * A port whose every call goes through the shared circuit breaker of its endpoint, with in-place
 * retries for reads. The connector is loaded outside the breaker: a secret read is not the endpoint.
 */
import { TransientFailure } from '../../domain/failures';
import { CircuitOpenError, type CircuitBreaker } from './circuit-breaker';
import { RequestBudgetExhausted, type RequestBudget } from './shared-rate-budget';

/** In-place retries of a read that failed transiently: several reads per step multiply blips. */
const READ_RETRIES = 2;

/** Whether a failed read is worth another try in place. */
function retriableRead(error: unknown): boolean {
  // An open breaker or our own budget says "not now": retrying in place would only hammer them.
  return (
    error instanceof TransientFailure &&
    !(error instanceof CircuitOpenError) &&
    !(error instanceof RequestBudgetExhausted)
  );
}

/** Options of {@link guardedPort}. */
export interface GuardedPortOptions {
  /** Taken (critical lane) before every call; none: calls are not budgeted. */
  readonly budget?: RequestBudget;
  /** Longest in-process wait for the budget before RequestBudgetExhausted. @default 1000 */
  readonly maxBudgetWaitMs?: number;
}

/** Waits for a token of `budget` for at most `maxWaitMs`; RequestBudgetExhausted past that. */
async function takeBudget(budget: RequestBudget, endpoint: string, operation: string, maxWaitMs: number) {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const decision = await budget.take('critical');
    if (decision.granted) return;
    const wait = Math.max(1, decision.retryInMs);
    if (Date.now() + wait > deadline)
      throw new RequestBudgetExhausted(operation, 'critical', endpoint, Math.max(1, Math.ceil(wait / 1000)));
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * Each listed method loads the connector, then calls it through the breaker of `endpoint` (after
 * taking the budget, when there is one: a call the budget refuses is not the endpoint's failure).
 * Methods marked `read` are idempotent and retried in place twice with jitter; writes are retried by
 * their caller (workflow Retry, queue redelivery).
 */
export function guardedPort<T extends object, K extends keyof T>(
  endpoint: string,
  load: () => Promise<T>,
  methods: Readonly<Record<K, 'read' | 'write'>>,
  breaker: () => Pick<CircuitBreaker, 'execute'>,
  options: GuardedPortOptions = {},
): Pick<T, K> {
  const budget = options.budget;
  const port = {} as Record<K, unknown>;
  for (const method of Object.keys(methods) as K[]) {
    port[method] = async (...args: unknown[]) => {
      const client = await load();
      const call = async () => {
        if (budget) await takeBudget(budget, endpoint, String(method), options.maxBudgetWaitMs ?? 1000);
        return breaker().execute(endpoint, () =>
          (client[method] as (...a: unknown[]) => Promise<unknown>).apply(client, args),
        );
      };
      for (let attempt = 0; ; attempt++) {
        try {
          return await call();
        } catch (error) {
          if (methods[method] !== 'read' || attempt >= READ_RETRIES || !retriableRead(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
        }
      }
    };
  }
  return port as Pick<T, K>;
}
