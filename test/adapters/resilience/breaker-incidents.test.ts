import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../canonical/envelope';
import {
  validateIntegrationExceptionRaisedV1,
  validateIntegrationExceptionResolvedV1,
} from '../../../canonical/generated/validators';
import {
  CIRCUIT_CLOSED_RESOLUTION,
  breakerChangeReporter,
  circuitExceptionId,
  type BreakerIncidents,
  type BreakerReportingPorts,
} from '../../../adapters/resilience/breaker-incidents';
import type { BreakerStateChange } from '../../../adapters/resilience/circuit-breaker';

const OPENED_AT = Date.parse('2026-11-20T10:00:00Z');

function change(
  from: BreakerStateChange['from'],
  to: BreakerStateChange['to'],
  atMs: number,
): BreakerStateChange {
  return {
    endpoint: 'erp:tryton',
    system: 'erp',
    from,
    to,
    at: new Date(atMs),
    reason: to === 'open' ? 'failure-rate' : to === 'closed' ? 'probe-succeeded' : 'cool-down-elapsed',
    ...(to === 'open' ? { calls: 10, failureRate: 0.6, coolDownSeconds: 30 } : {}),
  };
}

/** Reporting ports over an in-memory incident table; `publish` fails when told to. */
function fakePorts(options: { publishFails?: boolean; incidents?: BreakerIncidents } = {}) {
  const incidents = new Map<string, number>();
  const published: CanonicalEvent[] = [];
  const metrics: { name: string; value: number; dimensions: Record<string, string> }[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const ports: BreakerReportingPorts = {
    incidents: options.incidents ?? {
      open: async (c) => {
        if (c.from === 'closed' || !incidents.has(c.endpoint)) incidents.set(c.endpoint, c.at.getTime());
        return incidents.get(c.endpoint)!;
      },
      close: async (c) => {
        const openedAt = incidents.get(c.endpoint);
        incidents.delete(c.endpoint);
        return openedAt;
      },
    },
    publish: async (events) => {
      if (options.publishFails) throw new Error('bus unavailable');
      published.push(...events);
    },
    tenantId: () => 'acme',
    logger: {
      warn: (message: string) => void warnings.push(message),
      error: (message: string) => void errors.push(message),
    },
    metric: (name, value, _unit, dimensions) => void metrics.push({ name, value, dimensions }),
  };
  return { ports, published, metrics, warnings, errors };
}

describe('breaker incidents as integration exceptions', () => {
  it('raises CIRCUIT_OPEN on opening and resolves the same exception on closing; half-open is only logged', async () => {
    // Prepare
    const { ports, published, metrics } = fakePorts();
    const report = breakerChangeReporter(ports);
    // Act
    await report(change('closed', 'open', OPENED_AT));
    await report(change('open', 'half-open', OPENED_AT + 30_000));
    await report(change('half-open', 'closed', OPENED_AT + 31_000));
    // Assess
    expect(metrics).toEqual([
      { name: 'CircuitBreakerOpen', value: 1, dimensions: { Endpoint: 'erp' } },
      { name: 'CircuitBreakerOpen', value: 0, dimensions: { Endpoint: 'erp' } },
    ]);
    const [raised, resolved] = published;
    expect(validateIntegrationExceptionRaisedV1(raised)).toMatchObject({ ok: true });
    expect(validateIntegrationExceptionResolvedV1(resolved)).toMatchObject({ ok: true });
    const id = circuitExceptionId('erp:tryton', OPENED_AT);
    expect(raised).toMatchObject({
      tenantId: 'acme',
      data: { exceptionId: id, code: 'CIRCUIT_OPEN', system: 'erp' },
    });
    expect(resolved).toMatchObject({ data: { exceptionId: id, resolution: CIRCUIT_CLOSED_RESOLUTION } });
  });

  it("reports an ERP instance's breaker under its own endpoint, any other under its system", async () => {
    const { ports, metrics } = fakePorts();
    const report = breakerChangeReporter({ ...ports, ownGauges: ['erp', 'erp:west'] });
    await report({ ...change('closed', 'open', OPENED_AT), endpoint: 'erp:west' });
    await report(change('closed', 'open', OPENED_AT));
    expect(metrics.map((m) => m.dimensions)).toEqual([{ Endpoint: 'erp:west' }, { Endpoint: 'erp' }]);
  });

  it('never throws: a bus that refuses the event is logged and the gauge still goes out', async () => {
    const { ports, metrics, errors } = fakePorts({ publishFails: true });
    await expect(breakerChangeReporter(ports)(change('closed', 'open', OPENED_AT))).resolves.toBeUndefined();
    expect(metrics).toHaveLength(1);
    expect(errors).toEqual(['circuit breaker exception event not published']);
  });

  it('still raises the opening when the incident cannot be stored; the closing then has nothing to resolve', async () => {
    const unavailable: BreakerIncidents = {
      open: async () => {
        throw new Error('table unavailable');
      },
      close: async () => undefined,
    };
    const { ports, published, warnings } = fakePorts({ incidents: unavailable });
    const report = breakerChangeReporter(ports);
    await report(change('closed', 'open', OPENED_AT));
    await report(change('half-open', 'closed', OPENED_AT + 31_000));
    expect(published.map((event) => event.eventType)).toEqual(['integration-exception.raised']);
    expect(warnings).toContain(
      'circuit breaker incident not stored; its closing cannot resolve the exception',
    );
    expect(warnings).toContain('circuit breaker closed without a stored incident: no exception to resolve');
  });
});
