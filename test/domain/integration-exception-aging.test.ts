/**
 * Exception aging (business-rules.md, "Reconciliation"): the age buckets, when an open exception is
 * due (24 h; critical 4 h), and one escalation per exception, announced, taken back when the bus
 * refuses the announcement.
 */
import { describe, expect, it } from 'vitest';
import type { IntegrationException, IntegrationExceptionEscalatedV1 } from '../../canonical/generated/types';
import { validateIntegrationExceptionEscalatedV1 } from '../../canonical/generated/validators';
import {
  DEFAULT_ESCALATION_POLICY,
  ageBucketOf,
  agingDistribution,
  escalateOverdueExceptions,
  escalationDueAt,
  isDueForEscalation,
} from '../../domain/integration-exception-aging';
import type { EscalationPorts, OpenIntegrationException } from '../../domain/ports/integration-exceptions';
import { integrationException } from '../fixtures/integration-exceptions';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const HOUR = 3600;

function exception(overrides: Partial<IntegrationException> = {}): IntegrationException {
  return integrationException({
    raisedAt: '2026-12-04T12:00:00.000Z',
    resolvedAt: null,
    resolution: null,
    ...overrides,
  });
}

const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * HOUR * 1000).toISOString();

/** The store and bus as plain objects: what escalation did is read back from them. */
function fakePorts(open: OpenIntegrationException[], publishFails = false) {
  const marks = new Map<string, string>(
    open.filter((o) => o.escalatedAt).map((o) => [o.exception.exceptionId, o.escalatedAt!]),
  );
  const published: IntegrationExceptionEscalatedV1[] = [];
  let ids = 0;
  const ports: EscalationPorts = {
    async *openExceptions() {
      for (const item of open)
        yield {
          ...item,
          ...(marks.has(item.exception.exceptionId)
            ? { escalatedAt: marks.get(item.exception.exceptionId)! }
            : {}),
        };
    },
    markEscalated: async (id, at) => {
      if (marks.has(id)) return false;
      marks.set(id, at);
      return true;
    },
    undoEscalation: async (id, at) => {
      if (marks.get(id) === at) marks.delete(id);
    },
    publish: async (event) => {
      if (publishFails) throw new Error('bus unavailable');
      published.push(event);
    },
    tenantId: 'dev',
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
  return { ports, marks, published };
}

describe('age buckets', () => {
  it.each([
    [0, 'under-1h'],
    [HOUR - 1, 'under-1h'],
    [HOUR, '1h-4h'],
    [4 * HOUR - 1, '1h-4h'],
    [4 * HOUR, '4h-24h'],
    [24 * HOUR - 1, '4h-24h'],
    [24 * HOUR, 'over-24h'],
    [90 * 24 * HOUR, 'over-24h'],
  ])('an age of %is is in %s', (age, bucket) => {
    expect(ageBucketOf(age)).toBe(bucket);
  });

  it('counts every bucket, empty ones as 0', () => {
    expect(agingDistribution([10, 2 * HOUR, 3 * HOUR, 30 * HOUR])).toEqual({
      'under-1h': 1,
      '1h-4h': 2,
      '4h-24h': 0,
      'over-24h': 1,
    });
  });
});

describe('when an open exception escalates', () => {
  it('after 24 h, or 4 h when its code is critical', () => {
    expect(escalationDueAt(exception({ raisedAt: '2026-12-05T00:00:00Z' }), DEFAULT_ESCALATION_POLICY)).toBe(
      '2026-12-06T00:00:00.000Z',
    );
    expect(
      escalationDueAt(
        exception({ raisedAt: '2026-12-05T00:00:00Z', code: 'CIRCUIT_OPEN' }),
        DEFAULT_ESCALATION_POLICY,
      ),
    ).toBe('2026-12-05T04:00:00.000Z');
  });

  it('is due exactly at its limit, not before, and only once and only while open', () => {
    const policy = DEFAULT_ESCALATION_POLICY;
    expect(isDueForEscalation({ exception: exception({ raisedAt: hoursAgo(24) }) }, NOW, policy)).toBe(true);
    expect(
      isDueForEscalation(
        { exception: exception({ raisedAt: new Date(NOW.getTime() - 24 * HOUR * 1000 + 1).toISOString() }) },
        NOW,
        policy,
      ),
    ).toBe(false);
    expect(
      isDueForEscalation(
        { exception: exception({ raisedAt: hoursAgo(30) }), escalatedAt: hoursAgo(5) },
        NOW,
        policy,
      ),
    ).toBe(false);
    expect(
      isDueForEscalation(
        { exception: exception({ raisedAt: hoursAgo(30), status: 'RESOLVED', resolvedAt: hoursAgo(1) }) },
        NOW,
        policy,
      ),
    ).toBe(false);
  });

  it('follows the environment’s policy: its own limits and critical codes', () => {
    const policy = { openHours: 8, criticalOpenHours: 1, criticalCodes: ['SUPPLIER_NOT_APPROVED'] };
    expect(isDueForEscalation({ exception: exception({ raisedAt: hoursAgo(1) }) }, NOW, policy)).toBe(true);
    expect(
      isDueForEscalation({ exception: exception({ raisedAt: hoursAgo(1), code: 'OTHER' }) }, NOW, policy),
    ).toBe(false);
  });
});

describe('escalateOverdueExceptions', () => {
  const open: OpenIntegrationException[] = [
    {
      exception: exception({ exceptionId: 'IX-OLD', raisedAt: hoursAgo(30) }),
      correlationId: 'flow-7',
      tenantId: 'acme',
    },
    {
      exception: exception({
        exceptionId: 'IX-CRIT',
        raisedAt: hoursAgo(5),
        code: 'CIRCUIT_OPEN',
        system: 'erp',
      }),
    },
    { exception: exception({ exceptionId: 'IX-YOUNG', raisedAt: hoursAgo(5) }) },
    { exception: exception({ exceptionId: 'IX-NEW', raisedAt: hoursAgo(0.5) }) },
  ];

  it('escalates each overdue exception once, records when, announces it, and ages them all', async () => {
    const { ports, marks, published } = fakePorts(open);

    const pass = await escalateOverdueExceptions(ports, DEFAULT_ESCALATION_POLICY);

    expect(pass).toEqual({
      open: 4,
      distribution: { 'under-1h': 1, '1h-4h': 0, '4h-24h': 2, 'over-24h': 1 },
      oldestAgeSeconds: 30 * HOUR,
      escalated: ['IX-OLD', 'IX-CRIT'],
    });
    expect([...marks]).toEqual([
      ['IX-OLD', NOW.toISOString()],
      ['IX-CRIT', NOW.toISOString()],
    ]);
    expect(published.map((event) => [event.eventType, event.data.exceptionId, event.idempotencyKey])).toEqual(
      [
        ['integration-exception.escalated', 'IX-OLD', 'integration-exception:IX-OLD:escalated'],
        ['integration-exception.escalated', 'IX-CRIT', 'integration-exception:IX-CRIT:escalated'],
      ],
    );
    // The escalation joins the flow the exception was raised in, for its tenant.
    expect(published[0]).toMatchObject({
      correlationId: 'flow-7',
      tenantId: 'acme',
      occurredAt: NOW.toISOString(),
    });
    expect(published[1]).toMatchObject({ tenantId: 'dev' });
    for (const event of published) expect(validateIntegrationExceptionEscalatedV1(event).ok).toBe(true);

    // The next pass finds them escalated already: nothing is announced twice.
    const again = await escalateOverdueExceptions(ports, DEFAULT_ESCALATION_POLICY);
    expect(again.escalated).toEqual([]);
    expect(published).toHaveLength(2);
  });

  it('skips one another pass escalated (or a person resolved) between the read and the mark', async () => {
    const { ports, published } = fakePorts(open.slice(0, 1));
    ports.markEscalated = async () => false;
    expect((await escalateOverdueExceptions(ports, DEFAULT_ESCALATION_POLICY)).escalated).toEqual([]);
    expect(published).toEqual([]);
  });

  it('takes the mark back when the bus refuses the announcement, so the next pass escalates it', async () => {
    const { ports, marks } = fakePorts(open.slice(0, 1), true);
    await expect(escalateOverdueExceptions(ports, DEFAULT_ESCALATION_POLICY)).rejects.toThrow(
      'bus unavailable',
    );
    expect(marks.size).toBe(0);
  });

  it('reports nothing open as an empty distribution and an oldest age of 0', async () => {
    const { ports } = fakePorts([]);
    expect(await escalateOverdueExceptions(ports, DEFAULT_ESCALATION_POLICY)).toEqual({
      open: 0,
      distribution: { 'under-1h': 0, '1h-4h': 0, '4h-24h': 0, 'over-24h': 0 },
      oldestAgeSeconds: 0,
      escalated: [],
    });
  });
});
