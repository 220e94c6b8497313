/**
 * The delivery ledger on the local DynamoDB (dynalite), alone and under the real intake pipeline:
 * a claim is in progress until the publish is confirmed, and an abandoned claim (its function died
 * between claim and publish) lapses with its invocation, so the vendor's retry publishes.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../../adapters/aws/delivery-ledger';
import { mapForecastException } from '../../../adapters/planning/mapping';
import { signPlanningPayload } from '../../../adapters/planning/signature';
import { planningWebhook } from '../../../adapters/planning/webhook';
import { receiveWebhook, type IntakePorts } from '../../../adapters/webhooks/intake';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { forecastExceptionDelivery } from '../../fixtures/planning';

let dynamo: LocalDynamo;
let docs: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'delivery-ledger' });
  docs = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => dynamo.stop());

const T0 = new Date('2026-11-27T08:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let ids = 0;
const context = {
  tenantId: 'acme',
  now: () => T0,
  newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
};
const event = (version: number, exceptionId = 'E1') =>
  mapForecastException(
    forecastExceptionDelivery({ plan: { version }, exception: { exception_id: exceptionId } }),
    context,
  );
const versionOf = (e: CanonicalEvent) => ({
  objectKey: `ForecastException#${e.sourceObjectId}`,
  version: e.sourceVersion,
});
/** A ledger whose clock the test moves. */
function ledgerAt(clock: { now: Date }) {
  return new DeliveryLedger(docs, dynamo.tableNames.syncLedger, () => clock.now);
}
const UNTIL = at(15);

describe('delivery ledger on the local DynamoDB (one write per webhook delivery)', () => {
  it('claims a newer version once: completed duplicates get the first event id, older versions are stale', async () => {
    const ledger = ledgerAt({ now: T0 });
    const v7 = event(7);
    expect(await ledger.claim(v7, versionOf(v7), UNTIL)).toEqual({ outcome: 'claimed' });
    await ledger.complete(v7, versionOf(v7));
    const again = event(7);
    expect(await ledger.claim(again, versionOf(again), UNTIL)).toEqual({
      outcome: 'duplicate',
      eventId: v7.eventId,
    });
    const v9 = event(9);
    expect(await ledger.claim(v9, versionOf(v9), UNTIL)).toEqual({
      outcome: 'claimed',
      previous: { version: 7, eventId: v7.eventId },
    });
    const v8 = event(8);
    expect(await ledger.claim(v8, versionOf(v8), UNTIL)).toEqual({ outcome: 'stale' });
  });

  it('answers a delivery of a change still in progress with the time left, never as a duplicate', async () => {
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const first = event(3, 'E-IN-PROGRESS');
    await ledger.claim(first, versionOf(first), UNTIL);
    clock.now = at(4);
    const retry = event(3, 'E-IN-PROGRESS');
    expect(await ledger.claim(retry, versionOf(retry), at(19))).toEqual({
      outcome: 'in-progress',
      retryAfterSeconds: 11,
    });
  });

  it('lets a retry take over a claim whose invocation is over, and gives it back if that publish fails too', async () => {
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const v2 = event(2, 'E-ABANDONED');
    await ledger.claim(v2, versionOf(v2), UNTIL);
    await ledger.complete(v2, versionOf(v2));
    const crashed = event(3, 'E-ABANDONED');
    await ledger.claim(crashed, versionOf(crashed), UNTIL); // never completed: the function died
    clock.now = at(16);
    const retry = event(3, 'E-ABANDONED');
    const claim = await ledger.claim(retry, versionOf(retry), at(31));
    expect(claim).toEqual({
      outcome: 'claimed',
      previous: { version: 3, eventId: crashed.eventId, inProgressUntil: UNTIL.getTime() },
    });
    await ledger.release(retry, versionOf(retry), claim);
    const older = event(1, 'E-ABANDONED');
    expect((await ledger.claim(older, versionOf(older), at(31))).outcome).toBe('stale');
    const again = event(3, 'E-ABANDONED');
    expect((await ledger.claim(again, versionOf(again), at(31))).outcome).toBe('claimed');
  });

  it('lets exactly one of several concurrent deliveries of the same change claim it', async () => {
    const ledger = ledgerAt({ now: T0 });
    const deliveries = [1, 2, 3, 4, 5].map(() => event(3, 'E-CONCURRENT'));
    const claims = await Promise.all(deliveries.map((e) => ledger.claim(e, versionOf(e), UNTIL)));
    expect(claims.filter((claim) => claim.outcome === 'claimed')).toHaveLength(1);
    expect(claims.filter((claim) => claim.outcome === 'in-progress')).toHaveLength(4);
  });

  it('releases a claim after a failed publish back to the previous version, so an older version stays stale', async () => {
    const ledger = ledgerAt({ now: T0 });
    const v2 = event(2, 'E-RELEASE');
    await ledger.claim(v2, versionOf(v2), UNTIL);
    await ledger.complete(v2, versionOf(v2));
    const v4 = event(4, 'E-RELEASE');
    const claim = await ledger.claim(v4, versionOf(v4), UNTIL);
    await ledger.release(v4, versionOf(v4), claim);
    const v3 = event(3, 'E-RELEASE');
    expect((await ledger.claim(v3, versionOf(v3), UNTIL)).outcome).toBe('claimed');
    const v1 = event(1, 'E-RELEASE');
    expect((await ledger.claim(v1, versionOf(v1), UNTIL)).outcome).toBe('stale');
    const retry = event(4, 'E-RELEASE');
    expect((await ledger.claim(retry, versionOf(retry), UNTIL)).outcome).toBe('claimed');
  });

  it('claims an unversioned delivery (acknowledgement) by its idempotency key, and releases it', async () => {
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const ack = event(1, 'E-ACK');
    const claim = await ledger.claim(ack, undefined, UNTIL);
    expect(claim.outcome).toBe('claimed');
    expect((await ledger.claim(event(1, 'E-ACK'), undefined, UNTIL)).outcome).toBe('in-progress');
    await ledger.release(ack, undefined, claim);
    const retry = event(1, 'E-ACK');
    expect((await ledger.claim(retry, undefined, UNTIL)).outcome).toBe('claimed');
    await ledger.complete(retry, undefined);
    expect(await ledger.claim(event(1, 'E-ACK'), undefined, UNTIL)).toEqual({
      outcome: 'duplicate',
      eventId: retry.eventId,
    });
  });

  it('lets the retry of an unversioned delivery take over a claim whose invocation is over', async () => {
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    await ledger.claim(event(1, 'E-ACK-CRASH'), undefined, UNTIL);
    clock.now = at(16);
    expect((await ledger.claim(event(1, 'E-ACK-CRASH'), undefined, at(31))).outcome).toBe('claimed');
  });
});

describe('the intake with the real ledger: a function that dies between claim and publish', () => {
  const SECRET = 'planning-secret';
  /** Ports over the real ledger; `publish` as the case needs it; the clock moved by the test. */
  function intake(clock: { now: Date }, publish: IntakePorts['publish']): IntakePorts {
    const ledger = ledgerAt(clock);
    return {
      secrets: async () => [SECRET],
      now: () => clock.now,
      newId: context.newId,
      tenantId: 'acme',
      claim: (e, version, until) => ledger.claim(e, version, until),
      complete: (e, version) => ledger.complete(e, version),
      release: (e, version, claim) => ledger.release(e, version, claim),
      publish,
      recordStale: async () => undefined,
      quarantine: { quarantine: async () => undefined },
    };
  }
  /** A delivery signed now, handled by an invocation with 10 s left (the webhook's timeout). */
  const delivery = (now: Date, exceptionId = 'EXC-CRASH') => {
    const body = Buffer.from(
      JSON.stringify(forecastExceptionDelivery({ exception: { exception_id: exceptionId } })),
    );
    return {
      headers: {
        'content-type': 'application/json',
        'x-planning-event': 'forecast.exception',
        'x-planning-signature': signPlanningPayload(body, [SECRET], now),
      },
      body,
      requestId: `req-${now.getTime()}`,
      deadline: new Date(now.getTime() + 10_000),
    };
  };

  it('publishes the vendor retry exactly once: claim, crash before publish, retry', async () => {
    const clock = { now: T0 };
    const published: CanonicalEvent[] = [];
    // The first invocation claims, then dies: its publish never happens and nothing is released.
    let claimed!: () => void;
    const reachedPublish = new Promise<void>((resolve) => (claimed = resolve));
    void receiveWebhook(
      planningWebhook,
      delivery(clock.now),
      intake(clock, () => {
        claimed();
        return new Promise<void>(() => undefined);
      }),
    );
    await reachedPublish;
    const ports = intake(clock, async (e) => void published.push(e));

    // A retry while the dead invocation could still be running: retryable, not a duplicate.
    clock.now = at(5);
    const early = await receiveWebhook(planningWebhook, delivery(clock.now), ports);
    expect(early.statusCode).toBe(503);
    expect(early.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(early.body).type).toBe('urn:supplyline:problem:delivery-in-progress');
    expect(early.headers['retry-after']).toBe('10'); // deadline 10 s + 5 s margin - 5 s
    expect(published).toHaveLength(0);

    // The vendor's next retry, after the dead invocation's time is certainly up, publishes.
    clock.now = at(60);
    const retry = await receiveWebhook(planningWebhook, delivery(clock.now), ports);
    expect(retry.statusCode).toBe(202);
    expect(JSON.parse(retry.body).status).toBe('accepted');
    expect(published.map((e) => e.idempotencyKey)).toEqual([
      'forecast-exception:CONSENSUS-2026W48:EXC-CRASH:v7',
    ]);

    // And from then on it is a duplicate of that event.
    clock.now = at(120);
    const later = await receiveWebhook(planningWebhook, delivery(clock.now), ports);
    expect(JSON.parse(later.body)).toMatchObject({ status: 'duplicate', eventId: published[0]!.eventId });
    expect(published).toHaveLength(1);
  });

  it('publishes two concurrent deliveries of the same change once; the other is told to retry', async () => {
    const clock = { now: T0 };
    const published: CanonicalEvent[] = [];
    // The winner's publish waits until the other delivery was answered: both overlap for certain.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const ports = intake(clock, async (e) => {
      await gate;
      published.push(e);
    });
    const deliveries = [
      receiveWebhook(planningWebhook, delivery(clock.now, 'EXC-TWICE'), ports),
      receiveWebhook(planningWebhook, delivery(clock.now, 'EXC-TWICE'), ports),
    ];
    const loser = await Promise.race(deliveries);
    expect(loser.statusCode).toBe(503);
    expect(loser.headers['retry-after']).toBe('15');
    open();
    const answers = await Promise.all(deliveries);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 503]);
    expect(published).toHaveLength(1);
    const redelivery = await receiveWebhook(planningWebhook, delivery(clock.now, 'EXC-TWICE'), ports);
    expect(JSON.parse(redelivery.body).status).toBe('duplicate');
    expect(published).toHaveLength(1);
  });
});
