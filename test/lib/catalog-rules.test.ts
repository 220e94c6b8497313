import { describe, expect, it } from 'vitest';
import { BREAKER_STATE, FUNCTION_CATALOG } from '../../application/functions';

describe('function catalog rules', () => {
  it('gives every function that calls an external system the breaker table and the bus', () => {
    // Connector calls go through the shared circuit breaker and request budget (circuitBreaker
    // table), and breaker state changes are published as integration exceptions (bus).
    const missing = FUNCTION_CATALOG.filter((definition) => definition.grants.connectors?.length)
      .filter(
        (definition) =>
          BREAKER_STATE.some((op) => !definition.grants.tables?.circuitBreaker?.includes(op)) ||
          !definition.grants.bus,
      )
      .map((definition) => definition.key);
    expect(missing).toEqual([]);
  });
});
