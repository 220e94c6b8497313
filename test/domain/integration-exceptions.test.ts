import { describe, expect, it } from 'vitest';
import type { IntegrationException } from '../../canonical/generated/types';
import { validateIntegrationExceptionResolvedV1 } from '../../canonical/generated/validators';
import {
  IntegrationExceptionAlreadyResolved,
  compareForWork,
  exceptionAgeSeconds,
  isExceptionStatus,
  normalisedTime,
  openExceptionStats,
  resolutionKey,
  resolveIntegrationException,
  resolvedEvent,
  resolvedException,
  withAge,
  type ResolutionPorts,
} from '../../domain/integration-exceptions';

const NOW = new Date('2026-11-27T12:00:00.000Z');

function exception(overrides: Partial<IntegrationException> = {}): IntegrationException {
  return {
    exceptionId: 'IX-1',
    category: 'TECHNICAL',
    code: 'ERP_UNAVAILABLE',
    message: 'The ERP did not answer for 30 minutes.',
    status: 'OPEN',
    objectType: 'PurchaseOrder',
    objectId: 'PO-1',
    system: 'erp',
    raisedAt: '2026-11-27T11:00:00.000Z',
    ...overrides,
  };
}

const context = { now: () => NOW, newId: () => '00000000-0000-4000-8000-000000000001' };

describe('integration exception rules', () => {
  it('knows the statuses', () => {
    expect(isExceptionStatus('OPEN')).toBe(true);
    expect(isExceptionStatus('RESOLVED')).toBe(true);
    expect(isExceptionStatus('open')).toBe(false);
    expect(isExceptionStatus(undefined)).toBe(false);
  });

  it('ages an open exception with the clock and a resolved one until its resolution, in whole seconds', () => {
    expect(exceptionAgeSeconds(exception(), NOW)).toBe(3600);
    expect(exceptionAgeSeconds(exception({ raisedAt: '2026-11-27T11:59:59.400Z' }), NOW)).toBe(0);
    expect(
      exceptionAgeSeconds(
        exception({ status: 'RESOLVED', resolvedAt: '2026-11-27T11:10:00Z', resolution: 'x' }),
        NOW,
      ),
    ).toBe(600);
    // Clock skew never gives a negative age.
    expect(exceptionAgeSeconds(exception({ raisedAt: '2026-11-27T12:00:05Z' }), NOW)).toBe(0);
    expect(withAge(exception(), NOW)).toEqual({ ...exception(), ageSeconds: 3600, ageBucket: '1h-4h' });
    // An escalated exception says when it was escalated.
    expect(withAge(exception(), NOW, '2026-11-27T12:00:00.000Z')).toEqual({
      ...exception(),
      ageSeconds: 3600,
      ageBucket: '1h-4h',
      escalatedAt: '2026-11-27T12:00:00.000Z',
    });
  });

  it('orders OPEN first, then oldest first, then by id', () => {
    const items = [
      exception({ exceptionId: 'R', status: 'RESOLVED', raisedAt: '2026-01-01T00:00:00Z' }),
      exception({ exceptionId: 'B', raisedAt: '2026-11-27T10:00:00Z' }),
      exception({ exceptionId: 'A', raisedAt: '2026-11-27T10:00:00Z' }),
      exception({ exceptionId: 'C', raisedAt: '2026-11-27T09:00:00+00:00' }),
    ];
    expect([...items].sort(compareForWork).map((item) => item.exceptionId)).toEqual(['C', 'A', 'B', 'R']);
  });

  it('normalises times so that text order is time order', () => {
    expect(normalisedTime('2026-11-27T12:00:00+01:00')).toBe('2026-11-27T11:00:00.000Z');
    expect(normalisedTime('2026-11-27T12:00:00Z') < normalisedTime('2026-11-27T12:00:00.5Z')).toBe(true);
    expect(() => normalisedTime('yesterday')).toThrow(RangeError);
  });

  it('computes the dashboard figures; none open reads as age 0', () => {
    expect(openExceptionStats(0, undefined, NOW)).toEqual({ openCount: 0, oldestAgeSeconds: 0 });
    expect(openExceptionStats(3, '2026-11-26T12:00:00Z', NOW)).toEqual({
      openCount: 3,
      oldestAgeSeconds: 86_400,
    });
  });

  it('resolves an open exception once', () => {
    const resolved = resolvedException(exception(), { resolvedBy: 'ops.anna', reason: 'ERP back' }, NOW);
    expect(resolved).toMatchObject({
      status: 'RESOLVED',
      resolvedAt: '2026-11-27T12:00:00.000Z',
      resolution: 'ERP back',
    });
    expect(() => resolvedException(resolved, { resolvedBy: 'b', reason: 'again' }, NOW)).toThrow(
      IntegrationExceptionAlreadyResolved,
    );
  });

  it('builds a valid resolved event keyed on the exception', () => {
    const resolved = resolvedException(exception(), { resolvedBy: 'ops.anna', reason: 'ERP back' }, NOW);
    const event = resolvedEvent(
      resolved,
      { tenantId: 'acme', correlationId: 'flow-1', causationId: 'req-1' },
      context,
    );
    expect(validateIntegrationExceptionResolvedV1(event)).toMatchObject({ ok: true });
    expect(event).toMatchObject({
      eventType: 'integration-exception.resolved',
      sourceSystem: 'operations',
      sourceObjectId: 'IX-1',
      sourceVersion: NOW.getTime(),
      occurredAt: '2026-11-27T12:00:00.000Z',
      correlationId: 'flow-1',
      causationId: 'req-1',
      idempotencyKey: resolutionKey('IX-1'),
      data: resolved,
    });
    expect(() => resolvedEvent(exception(), { tenantId: 'acme' }, context)).toThrow(/not resolved/);
  });
});

describe('resolving with its announcement', () => {
  function ports(publish: ResolutionPorts['publish']) {
    const calls: string[] = [];
    const resolvedAt = '2026-11-27T12:00:00.000Z';
    const value: ResolutionPorts = {
      ...context,
      tenantId: 'default',
      resolve: async (id, resolution) => {
        calls.push(`resolve ${id}`);
        return {
          exception: { ...exception(), status: 'RESOLVED', resolvedAt, resolution: resolution.reason },
          tenantId: 'acme',
        };
      },
      undoResolution: async (id, at) => void calls.push(`undo ${id} ${at}`),
      publish: async (event) => {
        calls.push(`publish ${event.eventType} ${event.tenantId}`);
        await publish(event);
      },
    };
    return { calls, value };
  }

  it('publishes the resolution with the tenant the exception was raised in', async () => {
    const { calls, value } = ports(async () => {});
    const resolved = await resolveIntegrationException('IX-1', { resolvedBy: 'a', reason: 'b' }, value);
    expect(resolved.status).toBe('RESOLVED');
    expect(calls).toEqual(['resolve IX-1', 'publish integration-exception.resolved acme']);
  });

  it('undoes the resolution when the bus does not take the event', async () => {
    const { calls, value } = ports(async () => {
      throw new Error('bus down');
    });
    await expect(
      resolveIntegrationException('IX-1', { resolvedBy: 'a', reason: 'b' }, value),
    ).rejects.toThrow('bus down');
    expect(calls).toEqual([
      'resolve IX-1',
      'publish integration-exception.resolved acme',
      'undo IX-1 2026-11-27T12:00:00.000Z',
    ]);
  });
});
