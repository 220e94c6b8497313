import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  CircuitOpenError,
  type BreakerStateChange,
  type CircuitBreakerOptions,
} from '../../../adapters/resilience/circuit-breaker';
import { DynamoDbBreakerStore } from '../../../adapters/resilience/dynamodb-breaker-store';
import { RequestBudgetExhausted } from '../../../adapters/resilience/shared-rate-budget';
import { BusinessRejection, TransientFailure } from '../../../domain/failures';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

let dynamo: LocalDynamo;
let store: DynamoDbBreakerStore;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'breaker' });
  store = new DynamoDbBreakerStore(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.circuitBreaker,
  );
});
afterAll(async () => dynamo.stop());

const POLICY = {
  failureRateThreshold: 0.5,
  minimumCalls: 4,
  windowSeconds: 60,
  bucketSeconds: 10,
  coolDownSeconds: 30,
  halfOpenProbes: 1,
  probeTimeoutSeconds: 20,
};

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-11-27T08:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

let endpoints = 0;
/** Every test gets its own endpoint so tests share the table without sharing state. */
const newEndpoint = (system = 'erp') => `${system}:tryton-${++endpoints}`;

function breaker(clock: { now: () => number }, overrides: Partial<CircuitBreakerOptions> = {}) {
  const changes: BreakerStateChange[] = [];
  const errors: unknown[] = [];
  const instance = new CircuitBreaker({
    store,
    policy: POLICY,
    now: clock.now,
    onStateChange: (change) => void changes.push(change),
    onError: (error) => void errors.push(error),
    ...overrides,
  });
  return { breaker: instance, changes, errors };
}

const down = () => Promise.reject(new TransientFailure('ERP answered 503', 'erp'));
const up = () => Promise.resolve('ok');

async function callTimes(b: CircuitBreaker, endpoint: string, fn: () => Promise<unknown>, times: number) {
  for (let i = 0; i < times; i++) await b.execute(endpoint, fn).catch(() => undefined);
}

describe('circuit breaker on the local DynamoDB', () => {
  it('opens when the failure rate over the window reaches the threshold with enough calls', async () => {
    const clock = manualClock();
    const { breaker: b, changes } = breaker(clock);
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, up, 2);
    await callTimes(b, endpoint, down, 1);
    expect(await b.status(endpoint)).toBe('closed'); // 1/3 failed, below min calls anyway
    await callTimes(b, endpoint, down, 1); // 2/4 = 50 % with 4 calls
    expect(await b.status(endpoint)).toBe('open');
    expect(changes).toEqual([
      expect.objectContaining({
        endpoint,
        system: 'erp',
        from: 'closed',
        to: 'open',
        reason: 'failure-rate',
        calls: 4,
        failureRate: 0.5,
        coolDownSeconds: 30,
      }),
    ]);
  });

  it('stays closed below the minimum number of calls, even when all of them fail', async () => {
    const clock = manualClock();
    const { breaker: b, changes } = breaker(clock);
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 3);
    expect(await b.status(endpoint)).toBe('closed');
    expect(changes).toEqual([]);
  });

  it('forgets failures that have left the rolling window', async () => {
    const clock = manualClock();
    const { breaker: b } = breaker(clock);
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 3);
    clock.advance(61_000);
    await callTimes(b, endpoint, down, 1);
    await callTimes(b, endpoint, up, 3);
    expect(await b.status(endpoint)).toBe('closed');
    const stored = await store.read(endpoint);
    // The old bucket was deleted when it left the window.
    expect([...stored.window.values()].reduce((sum, bucket) => sum + bucket.calls, 0)).toBe(4);
  });

  it('counts business rejections as successful calls', async () => {
    const clock = manualClock();
    const { breaker: b } = breaker(clock);
    const endpoint = newEndpoint('procurement');
    const rejected = () =>
      Promise.reject(new BusinessRejection('SUPPLIER_NOT_APPROVED', 'no', 'procurement'));
    for (let i = 0; i < 6; i++)
      await expect(b.execute(endpoint, rejected)).rejects.toBeInstanceOf(BusinessRejection);
    expect(await b.status(endpoint)).toBe('closed');
  });

  it('rejects while open without calling, with the remaining cool-down as retryAfterSeconds', async () => {
    const clock = manualClock();
    const { breaker: b } = breaker(clock);
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 4);
    clock.advance(12_000);
    let called = 0;
    const error = await b
      .execute(endpoint, async () => {
        called++;
      })
      .catch((e: unknown) => e);
    expect(called).toBe(0);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toBeInstanceOf(TransientFailure);
    expect(error).toMatchObject({ endpoint, system: 'erp', retryAfterSeconds: 18, name: 'CircuitOpenError' });
  });

  it('says how long it stays open, as every instance sees it from the shared store', async () => {
    const clock = manualClock();
    const { breaker: b } = breaker(clock);
    const { breaker: other } = breaker(clock);
    const endpoint = newEndpoint();
    expect(await other.remainingOpenMs(endpoint)).toBe(0);
    await callTimes(b, endpoint, down, 4);
    expect(await other.remainingOpenMs(endpoint)).toBe(30_000);
    clock.advance(12_500);
    expect(await other.remainingOpenMs(endpoint)).toBe(17_500);
    clock.advance(17_500);
    // Cool-down over: the next caller probes, nothing is refused any more for the cool-down.
    expect(await other.remainingOpenMs(endpoint)).toBe(0);
  });

  it('takes a 429 with Retry-After as an answer: it neither opens the breaker nor fails a probe', async () => {
    const clock = manualClock();
    const { breaker: b } = breaker(clock);
    const endpoint = newEndpoint('procurement');
    const rateLimited = () =>
      Promise.reject(new TransientFailure('procurement answered 429', 'procurement', 2));
    await callTimes(b, endpoint, rateLimited, 6);
    expect(await b.status(endpoint)).toBe('closed');
    // Opened by an outage (6 of 12 calls failed); the probe after the cool-down meets the rate limit.
    await callTimes(b, endpoint, down, 6);
    expect(await b.status(endpoint)).toBe('open');
    clock.advance(30_000);
    await expect(b.execute(endpoint, rateLimited)).rejects.toThrow('429');
    expect(await b.status(endpoint)).toBe('closed');
  });

  it('lets a limited number of probes through after the cool-down; a probe success closes it', async () => {
    const clock = manualClock();
    const { breaker: b, changes } = breaker(clock);
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 4);
    clock.advance(30_000);

    let releaseProbe!: () => void;
    const probe = b.execute(
      endpoint,
      () => new Promise<string>((resolve) => (releaseProbe = () => resolve('back'))),
    );
    await waitUntil(() => releaseProbe !== undefined);
    expect(await b.status(endpoint)).toBe('half-open');
    // The one probe slot is taken: a second caller is refused without calling.
    let called = 0;
    await expect(b.execute(endpoint, async () => void called++)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(0);

    releaseProbe();
    await expect(probe).resolves.toBe('back');
    expect(await b.status(endpoint)).toBe('closed');
    expect(changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).toEqual([
      'closed>open:failure-rate',
      'open>half-open:cool-down-elapsed',
      'half-open>closed:probe-succeeded',
    ]);
    // Closing clears the window: one new failure does not re-open it.
    await callTimes(b, endpoint, down, 1);
    expect(await b.status(endpoint)).toBe('closed');
  });

  it('does not close on a probe our own request budget refused: the endpoint was never called', async () => {
    const clock = manualClock();
    const { breaker: b } = breaker(clock);
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 4);
    clock.advance(30_000);
    await expect(
      b.execute(endpoint, async () => {
        throw new RequestBudgetExhausted('getSupplier', 'critical', 'procurement', 1);
      }),
    ).rejects.toBeInstanceOf(RequestBudgetExhausted);
    expect(await b.status(endpoint)).toBe('half-open');
  });

  it('re-opens for a new cool-down when the probe fails', async () => {
    const clock = manualClock();
    const { breaker: b, changes } = breaker(clock);
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 4);
    clock.advance(31_000);
    await expect(b.execute(endpoint, down)).rejects.toBeInstanceOf(TransientFailure);
    expect(await b.status(endpoint)).toBe('open');
    expect(changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).toEqual([
      'closed>open:failure-rate',
      'open>half-open:cool-down-elapsed',
      'half-open>open:probe-failed',
    ]);
    clock.advance(29_000);
    await expect(b.execute(endpoint, up)).rejects.toMatchObject({ retryAfterSeconds: 1 });
  });

  it('gives a probe slot back when its caller never reports', async () => {
    const clock = manualClock();
    const { breaker: b } = breaker(clock);
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 4);
    clock.advance(30_000);
    // A probe whose Lambda died: the slot is claimed and never settled.
    void b.execute(endpoint, () => new Promise(() => {}));
    await waitUntil(async () => (await store.read(endpoint)).state.status === 'half-open');
    await expect(b.execute(endpoint, up)).rejects.toBeInstanceOf(CircuitOpenError);
    clock.advance(20_000);
    await expect(b.execute(endpoint, up)).resolves.toBe('ok');
    expect(await b.status(endpoint)).toBe('closed');
  });

  it('shares state between two instances (two Lambda environments) on the same table', async () => {
    const clock = manualClock();
    const first = breaker(clock);
    const second = breaker(clock);
    const endpoint = newEndpoint('procurement');
    // Failures from both instances add up in one window.
    await callTimes(first.breaker, endpoint, down, 2);
    await callTimes(second.breaker, endpoint, down, 2);
    expect(await second.breaker.status(endpoint)).toBe('open');

    // The first instance's cache is at most the TTL old: after it, it refuses without calling.
    clock.advance(1_000);
    let called = 0;
    await expect(first.breaker.execute(endpoint, async () => void called++)).rejects.toBeInstanceOf(
      CircuitOpenError,
    );
    expect(called).toBe(0);

    // After the cool-down only one of them gets the probe; the other is refused.
    clock.advance(30_000);
    let release!: () => void;
    const probe = first.breaker.execute(endpoint, () => new Promise<void>((resolve) => (release = resolve)));
    await waitUntil(() => release !== undefined);
    await expect(second.breaker.execute(endpoint, up)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await probe;
    clock.advance(1_000);
    await expect(second.breaker.execute(endpoint, up)).resolves.toBe('ok');

    // Each transition was reported once, by the instance that made it.
    expect(first.changes.map((c) => `${c.from}>${c.to}`)).toEqual(['open>half-open', 'half-open>closed']);
    expect(second.changes.map((c) => `${c.from}>${c.to}`)).toEqual(['closed>open']);
  });

  it('lets exactly one of many concurrent callers claim the probe', async () => {
    const clock = manualClock();
    const instances = [breaker(clock), breaker(clock), breaker(clock), breaker(clock)];
    const endpoint = newEndpoint();
    await callTimes(instances[0]!.breaker, endpoint, down, 4);
    clock.advance(30_000);
    let calls = 0;
    const results = await Promise.allSettled(
      instances.map(({ breaker: b }) =>
        b.execute(endpoint, async () => {
          calls++;
          // The probe is still running while the others decide.
          await new Promise((resolve) => setTimeout(resolve, 100));
        }),
      ),
    );
    expect(calls).toBe(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
    expect(await instances[0]!.breaker.status(endpoint)).toBe('closed');
  });

  it('keeps reads cheap: an open breaker refuses from its cache without reading the store', async () => {
    const clock = manualClock();
    let reads = 0;
    const counting = {
      read: (endpoint: string) => {
        reads++;
        return store.read(endpoint);
      },
      recordCall: store.recordCall.bind(store),
      compareAndSet: store.compareAndSet.bind(store),
    };
    const { breaker: b } = breaker(clock, { store: counting });
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 4);
    const before = reads;
    await callTimes(b, endpoint, up, 20);
    expect(reads - before).toBe(0);
  });

  it('lets calls through when its store is unreachable (a protection, not a dependency)', async () => {
    const clock = manualClock();
    const broken = {
      read: () => Promise.reject(new Error('DynamoDB unavailable')),
      recordCall: () => Promise.reject(new Error('DynamoDB unavailable')),
      compareAndSet: () => Promise.reject(new Error('DynamoDB unavailable')),
    };
    const { breaker: b, errors } = breaker(clock, { store: broken });
    await expect(b.execute(newEndpoint(), up)).resolves.toBe('ok');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('never fails a call because the state-change callback failed', async () => {
    const clock = manualClock();
    const { breaker: b, errors } = breaker(clock, {
      onStateChange: () => Promise.reject(new Error('metrics sink down')),
    });
    const endpoint = newEndpoint();
    await callTimes(b, endpoint, down, 3);
    await expect(b.execute(endpoint, down)).rejects.toThrow('ERP answered 503');
    expect(await b.status(endpoint)).toBe('open');
    expect(errors).toEqual([expect.objectContaining({ message: 'metrics sink down' })]);
  });
});

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
