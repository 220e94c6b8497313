import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../../canonical/schemas/events';
import { FUNCTION_KEYS } from '../../application/functions';
import { BUCKETS } from '../../application/resources';
import {
  CANONICAL_EVENT_TYPES,
  CONSUMER_ROUTES,
  isObjectsCreated,
  LANES,
  onEvents,
  resolveRoutes,
  VISIBILITY_TIMEOUT_FACTOR,
  type ConsumerRoute,
} from '../../application/routing';

const route = (overrides: Partial<ConsumerRoute>): ConsumerRoute => ({
  consumer: 'test-consumer',
  description: 'test',
  lane: 'standard',
  handler: 'master-data-sync',
  pattern: onEvents(['supplier.updated']),
  maxReceiveCount: 3,
  ...overrides,
});

describe('routing table', () => {
  it('routes the planned consumers to their lanes and canonical events', () => {
    const byConsumer = Object.fromEntries(CONSUMER_ROUTES.map((r) => [r.consumer, r]));
    expect(byConsumer['forecast-exception-evaluation']).toMatchObject({
      lane: 'critical',
      pattern: { source: ['supplyline.planning'], 'detail-type': ['forecast-exception.raised'] },
    });
    expect(byConsumer['forecast-change-evaluation']).toMatchObject({
      lane: 'bulk',
      pattern: { 'detail-type': ['forecast.lines-changed'] },
    });
    expect(byConsumer['acknowledgement-sync']).toMatchObject({
      lane: 'critical',
      pattern: { source: ['supplyline.procurement'], 'detail-type': ['purchase-order.acknowledged'] },
    });
    expect(byConsumer['receipt-sync']).toMatchObject({
      lane: 'critical',
      pattern: { source: ['supplyline.erp'], 'detail-type': ['receipt.posted'] },
    });
    expect(byConsumer['master-data-sync']).toMatchObject({
      lane: 'standard',
      pattern: {
        source: ['supplyline.procurement', 'supplyline.erp'],
        'detail-type': ['supplier.updated', 'item.updated'],
      },
    });
    expect(byConsumer['forecast-sync']).toMatchObject({
      lane: 'bulk',
      pattern: { 'detail-type': ['forecast.published'] },
    });
    expect(byConsumer['integration-exception-recorder']).toMatchObject({
      lane: 'standard',
      pattern: {
        source: ['supplyline.operations'],
        'detail-type': ['integration-exception.raised', 'integration-exception.resolved'],
      },
    });
  });

  it('never puts bulk planning work in the critical lane', () => {
    const critical = CONSUMER_ROUTES.filter((r) => r.lane === 'critical').flatMap((r) =>
      isObjectsCreated(r.pattern) ? [] : r.pattern['detail-type'],
    );
    expect(critical).not.toContain('forecast.lines-changed');
    expect(critical).not.toContain('forecast.published');
  });

  it('resolves lane defaults, route overrides and environment concurrency', () => {
    const resolved = resolveRoutes({
      concurrency: {
        critical: { perConsumer: 7, laneBudget: 100 },
        standard: { perConsumer: 3, laneBudget: 100 },
        bulk: { perConsumer: 2, laneBudget: 100 },
      },
    });
    const receipt = resolved.find((r) => r.consumer === 'receipt-sync')!;
    expect(receipt).toMatchObject({
      batchSize: LANES.critical.batchSize,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 7,
      timeoutSeconds: LANES.critical.consumerTimeoutSeconds,
      visibilityTimeoutSeconds: LANES.critical.consumerTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
    });
    const forecast = resolved.find((r) => r.consumer === 'forecast-sync')!;
    expect(forecast).toMatchObject({ batchSize: 1, timeoutSeconds: 900, visibilityTimeoutSeconds: 5400 });
    for (const r of resolved) expect(r.maxConcurrency).toBeGreaterThanOrEqual(2);
  });

  it('names only catalog functions and canonical event types', () => {
    for (const r of CONSUMER_ROUTES) {
      expect(FUNCTION_KEYS).toContain(r.handler);
      if (isObjectsCreated(r.pattern))
        expect(Object.keys(BUCKETS)).toContain(r.pattern.objectsCreated.bucket);
      else
        for (const type of r.pattern['detail-type'])
          expect(Object.keys(CANONICAL_EVENT_TYPES)).toContain(type);
    }
  });

  it('gives every canonical event type one supplyline.<system> source', () => {
    for (const [type, system] of Object.entries(CANONICAL_EVENT_TYPES)) {
      expect(onEvents([type as keyof typeof CANONICAL_EVENT_TYPES]).source).toEqual([`supplyline.${system}`]);
    }
  });

  it('takes event types and sources from the canonical event catalog, not a copy', () => {
    expect(Object.keys(CANONICAL_EVENT_TYPES).sort()).toEqual(
      [...new Set(EVENT_CATALOG.map((e) => e.type))].sort(),
    );
    for (const definition of EVENT_CATALOG)
      expect(onEvents([definition.type]).source).toEqual([`supplyline.${definition.source}`]);
  });

  it.each<[Partial<ConsumerRoute>, RegExp]>([
    [{ maxConcurrency: 1 }, /maxConcurrency 1 must be an integer 2-1000/],
    [{ batchSize: 50, maxBatchingWindowSeconds: 0 }, /above 10 needs a batching window/],
    [{ maxBatchingWindowSeconds: 301 }, /maxBatchingWindowSeconds 301/],
    [{ timeoutSeconds: 901 }, /timeoutSeconds 901/],
    [{ maxReceiveCount: 0 }, /maxReceiveCount 0/],
    [{ consumer: 'Not Kebab' }, /kebab-case/],
    [
      { pattern: { source: ['supplyline.nowhere' as never], 'detail-type': ['item.updated' as never] } },
      /source 'supplyline.nowhere'/,
    ],
    [
      { pattern: { source: ['supplyline.erp'], 'detail-type': ['item.deleted' as never] } },
      /'item.deleted' is not a canonical event type/,
    ],
    [{ lane: 'express' as never }, /unknown lane 'express'/],
  ])('rejects an invalid route %j', (overrides, message) => {
    expect(() => resolveRoutes({ routes: [route(overrides)] })).toThrow(message);
  });

  it('rejects duplicate consumers and a lane budget the consumers exceed, listing every problem', () => {
    expect(() =>
      resolveRoutes({
        routes: [route({ maxConcurrency: 4 }), route({ maxConcurrency: 4 })],
        concurrency: {
          critical: { perConsumer: 2, laneBudget: 2 },
          standard: { perConsumer: 2, laneBudget: 6 },
          bulk: { perConsumer: 2, laneBudget: 2 },
        },
      }),
    ).toThrow(/defined twice[\s\S]*lane 'standard'.*adds up to 8, above the lane budget 6/);
  });
});
