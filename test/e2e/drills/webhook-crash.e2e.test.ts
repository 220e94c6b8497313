/**
 * Drill: the planning webhook function dies between its delivery claim and PutEvents (issue #15).
 * The vendor's retries (the planning simulator's own schedule, re-signed each time) must get the
 * event onto the bus exactly once: answered 503 "in progress" while the dead invocation's claim may
 * still be live, then published by the retry that comes after the claim lapsed, never answered
 * `duplicate` for an event that was not published. The commitment then runs as usual, and nothing
 * lands in a DLQ or the quarantine. Figures in docs/fault-drills.md ("Webhook crash between claim
 * and publish").
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanningSimulator } from '../../../local/simulators/planning';
import {
  eventsOfDelivery,
  exceptionDelivery,
  freshExceptionId,
  nonEmptyQueues,
  raisedFor,
  waitFor,
} from '../support';
import { PLANNING_SECRET, scanTable, startDrillEnvironment, type DrillEnvironment } from './harness';

let environment: DrillEnvironment;
let vendor: PlanningSimulator;

beforeAll(async () => {
  environment = await startDrillEnvironment();
  // The vendor retries over a day; compressed, but past the dead claim's lapse (the function's
  // 10 s timeout and the 5 s margin): 1, 2, 4, 8, 16, 32 s after the first attempt.
  vendor = await PlanningSimulator.start({
    secrets: [PLANNING_SECRET],
    retry: { maxRetries: 6, baseDelayMs: 1000 },
  });
  vendor.setSubscriber(`${environment.runtime.baseUrl}/v1/webhooks/planning`);
}, 300_000);

afterAll(async () => {
  await vendor?.close();
  await environment?.stop();
});

describe('drill: the webhook function is killed between claim and publish', () => {
  it('the vendor’s retry gets the event onto the bus exactly once, and the commitment is posted without an operator', async () => {
    const { runtime } = environment;
    const exceptionId = freshExceptionId('CRASH');
    const delivery = exceptionDelivery(exceptionId);
    runtime.lambda.injectFault(runtime.functionName('PlanningWebhook'), {
      beforeCallTo: 'eventbridge',
      action: 'exit',
    });

    const started = Date.now();
    const sent = vendor.sendForecastException(delivery);
    await vendor.settle();

    const statuses = sent.delivery.attempts.map((attempt) => attempt.status ?? attempt.error);
    // Killed (the HTTP API answers a failed integration with 500), waiting while the dead claim may
    // be live (503 delivery-in-progress), then accepted.
    expect(statuses[0]).toBe(500);
    expect(statuses.at(-1)).toBe(202);
    expect(statuses.slice(1, -1).every((status) => status === 503)).toBe(true);
    expect(sent.delivery.state).toBe('delivered');
    expect(raisedFor(environment, exceptionId)).toHaveLength(1);

    // A resend of the same delivery now is a duplicate: still one event.
    const resend = vendor.sendForecastException(delivery);
    await vendor.settle();
    expect(resend.delivery.attempts.map((attempt) => attempt.status)).toEqual([202]);
    expect(raisedFor(environment, exceptionId)).toHaveLength(1);

    const eventId = sent.event.event_id;
    await waitFor(
      'the purchase order posted for the exception',
      () => eventsOfDelivery(environment, 'purchase-order.posted', eventId)[0],
      60_000,
    );
    const postedAfterMs = Date.now() - started;
    const deadLettered = Object.entries(nonEmptyQueues(environment)).filter(([name]) =>
      name.endsWith('-dlq'),
    );
    expect(deadLettered).toEqual([]);
    expect(await scanTable(runtime, 'WebhookQuarantine')).toEqual([]);
    const figures = {
      attempts: statuses,
      firstToAcceptedSeconds: Math.round((sent.delivery.attempts.at(-1)!.at.getTime() - started) / 1000),
      published: raisedFor(environment, exceptionId).length,
      postedWithoutOperator: 1,
      postedAfterSeconds: Math.round(postedAfterMs / 1000),
      deadLettered: deadLettered.length,
      quarantined: 0,
      lost: 0,
    };
    writeFileSync(join(tmpdir(), 'supplyline-webhook-crash-drill.json'), JSON.stringify(figures, null, 2));
    console.log(`[webhook crash drill] figures ${JSON.stringify(figures)}`);
  }, 120_000);
});
