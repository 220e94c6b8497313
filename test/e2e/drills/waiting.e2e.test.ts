/**
 * Waiting is not failing (issue #15, docs/fault-drills.md): a procurement outage of 8 s and of 60 s,
 * with ten 429s, while a burst of 20 actionable exceptions arrives. An open breaker, our own request
 * budget, a Retry-After and an outage are waits, not failed deliveries: every commitment is posted
 * without an operator, nothing is dead-lettered or lost, and the wait follows the cause (the
 * breaker's remaining open time), not the queue's 360 s visibility timeout.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support';
import {
  actionable,
  apiCalls,
  breakerLog,
  burstFigures,
  deadLetters,
  drillEnvironments,
  duplicatesOf,
  environment,
  exceptionCodes,
  figures,
  logLines,
  outcomesOf,
  pathsOf,
  postedAtOf,
  quiet,
  sendAll,
  tally,
} from './reconciliation';

drillEnvironments('waiting-drills');

/** 20 exceptions 100 ms apart; from the 5th, ten 429s (Retry-After 2 s) and a 503 to everything for `outageSeconds`. */
async function outageDuringBurst(label: string, outageSeconds: number, firstWeek: number) {
  const started = Date.now();
  const deliveries = Array.from({ length: 20 }, (_, i) => actionable(`${label}-${i}`, firstWeek + i));
  const sentAt = new Map<string, number>();
  const outage = { start: 0, end: 0 };
  await sendAll(deliveries, 100, (index) => {
    sentAt.set(deliveries[index]!.event_id, Date.now());
    if (index !== 4) return;
    environment.procurement.injectRateLimitBurst(10, 2);
    outage.start = Date.now();
    environment.procurement.setFaults({ outage: true });
  });
  await waitFor(
    `the ${outageSeconds} s outage`,
    () => Date.now() >= outage.start + outageSeconds * 1000,
    outageSeconds * 1000 + 60_000,
  );
  environment.procurement.setFaults({ outage: false });
  outage.end = Date.now();

  await quiet();
  const letters = await deadLetters();
  const outcomes = outcomesOf(deliveries, letters);
  const postedAt = deliveries.flatMap(postedAtOf);
  const calls = apiCalls(started);
  const deferrals = logLines(started, 'deferred: waiting is not a failed delivery');
  figures[label] = {
    durationMs: Date.now() - started,
    outageMs: outage.end - outage.start,
    ...burstFigures(deliveries, sentAt, outcomes),
    lastPoAfterOutageEndMs: postedAt.length ? Math.max(...postedAt) - outage.end : null,
    integrationExceptionCodes: exceptionCodes(outcomes),
    deadLetters: letters.map((l) => `${l.queue}: ${l.reason.slice(0, 200)}`),
    procurementCalls: calls.length,
    procurement503: calls.filter((r) => r.status === 503).length,
    rateLimited429: calls.filter((r) => r.status === 429).length,
    consumerDeferrals: deferrals.length,
    consumerDeferralCauses: deferrals.reduce<Record<string, number>>((acc, l) => {
      const cause = /"cause":"([a-z-]+)"/.exec(l.line)?.[1] ?? 'unknown';
      acc[cause] = (acc[cause] ?? 0) + 1;
      return acc;
    }, {}),
    breakerChanges: breakerLog('procurement', started).map(
      (c) => `${c.from}>${c.to} @${c.at - outage.start}`,
    ),
    commitmentPaths: pathsOf(deliveries),
  };
  return { outcomes, letters, duplicates: await duplicatesOf(deliveries) };
}

describe('waiting is not failing: vendor outages during a burst', () => {
  for (const [label, seconds, firstWeek] of [
    ['drill 6', 8, 40],
    ['drill 7', 60, 100],
  ] as const) {
    it(`${label}: a ${seconds} s procurement outage plus ten 429s during a burst of 20: every commitment posted, DLQ empty`, async () => {
      const { outcomes, letters, duplicates } = await outageDuringBurst(
        label.replace(' ', ''),
        seconds,
        firstWeek,
      );
      const count = tally(outcomes);
      // Every commitment posted without an operator: nothing dead-lettered, nothing for a person, nothing lost.
      expect(letters).toEqual([]);
      expect(count.none).toBe(0);
      expect(count.several).toBe(0);
      expect(count.integrationException).toBe(0);
      expect(count.compensationFailed).toBe(0);
      expect(count.posted).toBe(20);
      expect(duplicates).toEqual({ sourcingRequests: 0, purchaseOrders: 0, erpOrders: 0 });
    }, 900_000);
  }
});
