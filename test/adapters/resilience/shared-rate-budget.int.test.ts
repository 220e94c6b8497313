import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateBudget } from '../../../adapters/procurement/rate-budget';
import {
  PROCUREMENT_SHARED_BUDGET,
  SharedRateBudget,
  budgetKey,
  type BudgetLane,
  type SharedRateBudgetOptions,
} from '../../../adapters/resilience/shared-rate-budget';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

let dynamo: LocalDynamo;
let documents: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'budget' });
  documents = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => dynamo.stop());

/** A clock the test moves by hand, shared by the budgets of "different instances". */
function manualClock(start = Date.parse('2026-11-27T08:00:00.250Z')) {
  let now = start;
  return { now: () => now, set: (ms: number) => void (now = ms), advance: (ms: number) => void (now += ms) };
}

let endpoints = 0;
/** Every test gets its own endpoint so tests share the table without sharing windows. */
const newEndpoint = () => `procurement-${++endpoints}`;

/** One-second windows of 9, bulk up to 60 %: the simplest shape, used by most tests. */
const ONE_SECOND = { limitPerWindow: 9, windowMs: 1000, bulkShare: 0.6 };

function budget(
  endpoint: string,
  clock: { now: () => number },
  overrides: Partial<SharedRateBudgetOptions> = {},
) {
  return new SharedRateBudget({
    documents,
    tableName: dynamo.tableNames.circuitBreaker,
    endpoint,
    now: clock.now,
    ...ONE_SECOND,
    ...overrides,
  });
}

const granted = (decisions: { granted: boolean }[]) => decisions.filter((d) => d.granted).length;

describe('SharedRateBudget on the local DynamoDB', () => {
  it('never grants more than the limit in one window across two instances hammering concurrently', async () => {
    const clock = manualClock();
    const endpoint = newEndpoint();
    const [a, b] = [budget(endpoint, clock), budget(endpoint, clock)];
    const decisions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).take('critical')),
    );
    expect(granted(decisions)).toBe(9);
    // Refused requests learn when the next window opens (the clock is 250 ms into this one).
    for (const decision of decisions.filter((d) => !d.granted))
      expect(decision).toEqual({ granted: false, retryInMs: 750 });
    const { Item } = await documents.send(
      new GetCommand({
        TableName: dynamo.tableNames.circuitBreaker,
        Key: { endpoint: `budget#${endpoint}#${Math.floor(clock.now() / 1000)}` },
      }),
    );
    expect(Item?.used).toBe(9);
  });

  it('caps bulk work at its share while critical work still gets the rest of the window', async () => {
    const clock = manualClock();
    const endpoint = newEndpoint();
    const [a, b] = [budget(endpoint, clock), budget(endpoint, clock)];
    const bulk = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take('bulk')));
    expect(granted(bulk)).toBe(5); // floor(9 x 0.6)
    const critical = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take('critical')),
    );
    expect(granted(critical)).toBe(4);
    expect(await a.take('bulk')).toMatchObject({ granted: false });
  });

  it('serves critical work first: once critical work has taken the bulk share, bulk waits for the next window', async () => {
    const clock = manualClock();
    const endpoint = newEndpoint();
    const shared = budget(endpoint, clock);
    const critical = await Promise.all(Array.from({ length: 5 }, () => shared.take('critical')));
    expect(granted(critical)).toBe(5);
    expect(await shared.take('bulk')).toEqual({ granted: false, retryInMs: 750 });
    expect(granted(await Promise.all(Array.from({ length: 6 }, () => shared.take('critical'))))).toBe(4);
  });

  it('rolls over to a fresh window each second and gives each window an expiry a minute on', async () => {
    const clock = manualClock();
    const endpoint = newEndpoint();
    const shared = budget(endpoint, clock, { limitPerWindow: 2, bulkShare: 0.5 });
    const lanes: BudgetLane[] = ['critical', 'critical', 'critical'];
    expect((await Promise.all(lanes.map((lane) => shared.take(lane)))).map((d) => d.granted).sort()).toEqual([
      false,
      true,
      true,
    ]);
    clock.advance(749);
    expect(await shared.take('critical')).toEqual({ granted: false, retryInMs: 1 });
    clock.advance(1);
    expect(await shared.take('critical')).toEqual({ granted: true });
    expect(await shared.take('bulk')).toEqual({ granted: false, retryInMs: 1000 });
    expect(await shared.take('critical')).toEqual({ granted: true });

    const second = Math.floor(clock.now() / 1000);
    const { Item } = await documents.send(
      new GetCommand({
        TableName: dynamo.tableNames.circuitBreaker,
        Key: { endpoint: budgetKey(endpoint, second * 1000) },
      }),
    );
    expect(Item).toEqual({ endpoint: `budget#${endpoint}#${second}`, used: 2, expiresAt: second + 61 });
  });

  it('keeps the budgets of different endpoints apart', async () => {
    const clock = manualClock();
    const [one, two] = [
      budget(newEndpoint(), clock, { limitPerWindow: 1, bulkShare: 1 }),
      budget(newEndpoint(), clock, { limitPerWindow: 1, bulkShare: 1 }),
    ];
    expect(await one.take('critical')).toEqual({ granted: true });
    expect(await two.take('bulk')).toEqual({ granted: true });
    expect(await one.take('critical')).toMatchObject({ granted: false });
  });

  it('lets the fallback decide when the table cannot be reached, and reports why', async () => {
    const clock = manualClock();
    const errors: unknown[] = [];
    const fallback = new RateBudget({
      capacity: 1,
      refillPerSecond: 1,
      criticalReservedShare: 0,
      now: clock.now,
    });
    const shared = budget(newEndpoint(), clock, {
      tableName: 'no-such-table',
      fallback,
      onError: (error) => void errors.push(error),
    });
    expect(await shared.take('critical')).toEqual({ granted: true });
    expect(await shared.take('critical')).toEqual({ granted: false, retryInMs: 1000 });
    expect(errors).toHaveLength(2);
    expect((errors[0] as Error).name).toBe('ResourceNotFoundException');
    // Without a fallback, the platform's own 429 is the last line: the request goes.
    const open = budget(newEndpoint(), clock, { tableName: 'no-such-table' });
    expect(await open.take('bulk')).toEqual({ granted: true });
  });

  it('refuses settings that leave bulk work nothing or make no sense', () => {
    const clock = manualClock();
    expect(() => budget('x', clock, { limitPerWindow: 0 })).toThrow(RangeError);
    expect(() => budget('x', clock, { limitPerWindow: 2.5 })).toThrow(RangeError);
    expect(() => budget('x', clock, { bulkShare: 0 })).toThrow(RangeError);
    expect(() => budget('x', clock, { limitPerWindow: 1, bulkShare: 0.6 })).toThrow(RangeError);
    expect(() => budget('x', clock, { windowMs: 300 })).toThrow(RangeError);
  });
  it('with the procurement defaults, never lets more than 9 requests into any one-second interval', async () => {
    const clock = manualClock(Date.parse('2026-11-27T08:00:00.000Z'));
    const endpoint = newEndpoint();
    const instances = [1, 2, 3].map(() => budget(endpoint, clock, PROCUREMENT_SHARED_BUDGET));
    const sent: number[] = [];
    // Three instances ask 4 times each every 40 ms for 3 s, mixing lanes.
    for (let step = 0; step < 75; step++) {
      const decisions = await Promise.all(
        instances.flatMap((instance, i) =>
          Array.from({ length: 4 }, (_, j) => instance.take((i + j) % 3 === 0 ? 'bulk' : 'critical')),
        ),
      );
      for (const decision of decisions) if (decision.granted) sent.push(clock.now());
      clock.advance(40);
    }
    const busiest = Math.max(...sent.map((t) => sent.filter((u) => u > t - 1000 && u <= t).length));
    expect(busiest).toBeLessThanOrEqual(9);
    expect(sent).toHaveLength(6 * 3); // 6 per second, every window full
  });

  it('with the procurement defaults, gives bulk work 2 of a window’s 3 and keeps the third for critical work', async () => {
    const clock = manualClock(Date.parse('2026-11-27T08:00:00.100Z'));
    const endpoint = newEndpoint();
    const shared = budget(endpoint, clock, PROCUREMENT_SHARED_BUDGET);
    expect(granted(await Promise.all(Array.from({ length: 5 }, () => shared.take('bulk'))))).toBe(2);
    expect(await shared.take('bulk')).toEqual({ granted: false, retryInMs: 400 });
    expect(await shared.take('critical')).toEqual({ granted: true });
    expect(await shared.take('critical')).toEqual({ granted: false, retryInMs: 400 });
    clock.advance(400);
    expect(await shared.take('bulk')).toEqual({ granted: true });
    const { Item } = await documents.send(
      new GetCommand({
        TableName: dynamo.tableNames.circuitBreaker,
        Key: { endpoint: `budget#${endpoint}#${Math.floor(clock.now() / 1000)}.5` },
      }),
    );
    expect(Item?.used).toBe(1);
  });
});
