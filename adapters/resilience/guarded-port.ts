/**
 * A port whose every call goes through the shared circuit breaker of its endpoint, with in-place
 * retries for reads. The connector is loaded outside the breaker: a secret read is not the endpoint.
 */
import { TransientFailure } from '../../domain/failures';
import { CircuitOpenError, type CircuitBreaker } from './circuit-breaker';
import { RequestBudgetExhausted } from './shared-rate-budget';

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

/**
 * Each listed method loads the connector, then calls it through the breaker of `endpoint`. Methods
 * marked `read` are idempotent and retried in place twice with jitter; writes are retried by their
 * caller (workflow Retry, queue redelivery).
 */
export function guardedPort<T extends object, K extends keyof T>(
  endpoint: string,
  load: () => Promise<T>,
  methods: Readonly<Record<K, 'read' | 'write'>>,
  breaker: () => Pick<CircuitBreaker, 'execute'>,
): Pick<T, K> {
  const port = {} as Record<K, unknown>;
  for (const method of Object.keys(methods) as K[]) {
    port[method] = async (...args: unknown[]) => {
      const client = await load();
      const call = () =>
        breaker().execute(endpoint, () =>
          (client[method] as (...a: unknown[]) => Promise<unknown>).apply(client, args),
        );
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
