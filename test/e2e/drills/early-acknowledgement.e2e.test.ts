/**
 * The acknowledgement that overtakes its posting (issue #15, docs/fault-drills.md): delivery is at
 * least once and not ordered, so the supplier's acknowledgement can arrive before the ERP post has
 * been recorded, while it runs, or after it. Each case must end the same way: the ERP order
 * amended exactly once, no PURCHASE_ORDER_UNKNOWN ("which Supplyline did not post") for a PO it did
 * post, and the sync API at the acknowledged status.
 */
import { describe, expect, it } from 'vitest';
import { waitFor, type CanonicalDetail } from '../support';
import {
  actionable,
  burstFigures,
  deadLetters,
  drillEnvironments,
  environment,
  events,
  figures,
  logLines,
  outcomesOf,
  purchaseOrdersOf,
  quiet,
  runtime,
  sendAll,
  type Delivery,
} from './reconciliation';

drillEnvironments('early-acknowledgement-drills');

type When = 'before' | 'during' | 'after';

/** The procurement PO of a delivery, once procurement has issued it (the ERP post comes next). */
const issued = (delivery: Delivery) =>
  waitFor(
    `the procurement PO of ${delivery.exception.exception_id}`,
    () => purchaseOrdersOf(delivery)[0],
    300_000,
  );

const posted = (delivery: Delivery) =>
  waitFor(
    `purchase-order.posted for ${delivery.exception.exception_id}`,
    () => events('purchase-order.posted', delivery.event_id)[0],
    300_000,
  );

/** Acknowledgement-sync's deferrals of an acknowledgement that overtook its PO, since `since`. */
const parked = (since: number) =>
  logLines(since, 'deferred: waiting is not a failed delivery', '"cause":"not-yet-known"').length;

/**
 * Sends one exception and delivers the supplier's partial confirmation (90 %: an ERP amendment)
 * `when` relative to the ERP post:
 * - before: the ERP goes down as procurement issues the PO (the post in flight fails and is
 *   retried); the acknowledgement is sent then and seen parked before the ERP comes back;
 * - during: every ERP call takes 3 s; the acknowledgement is sent as soon as procurement issued the
 *   PO, while the post is still running;
 * - after: once `purchase-order.posted` is on the bus.
 */
async function acknowledge(delivery: Delivery, when: When) {
  const sent = Date.now();
  if (when === 'during') environment.erp.setFaults({ latencyMs: 3_000 });
  if (when === 'before') environment.erp.setFaults({ latencyMs: 1_500 });
  await sendAll([delivery], 0);
  if (when === 'after') await posted(delivery);
  const po = await issued(delivery);
  if (when === 'before') environment.erp.setFaults({ outage: true });
  const ackedAt = Date.now();
  environment.procurement.acknowledgePurchaseOrder(po.po_number, { behaviour: 'partial' });
  if (when === 'before') {
    await waitFor(
      'the acknowledgement parked while the ERP post is not done',
      () => parked(ackedAt) > 0,
      300_000,
    );
    environment.erp.setFaults({ outage: false });
  }
  const postedEvent = await posted(delivery);
  environment.erp.setFaults({ latencyMs: 0 });
  return { sent, ackedAt, po, postedEvent };
}

/** The sync API's view of a purchase order (by its external reference, the ledger's identity). */
async function syncStatus(externalRef: string) {
  const response = await fetch(
    `${runtime().baseUrl}/v1/purchase-orders/${encodeURIComponent(externalRef)}/sync`,
    {
      headers: {
        'x-api-key': runtime().apiKey,
        // A governed route: the ops CLI's application token from the local provider.
        authorization: `Bearer ${await runtime().identity.token({ application: 'ops-cli' })}`,
      },
    },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as {
    systems: { system: string; state: string | null }[];
    openExceptions: unknown[];
  };
}

describe('an acknowledgement before, during and after the ERP post', () => {
  it('drill 8: each is applied exactly once, none raised as PURCHASE_ORDER_UNKNOWN, the sync API ends acknowledged', async () => {
    const started = Date.now();
    environment.procurement.setSupplierAckBehaviour('S-1001', 'never');
    const cases: When[] = ['before', 'during', 'after'];
    const deliveries = cases.map((when, i) => actionable(`D8-${when}`, 20 + i));
    const sentAt = new Map<string, number>();
    const runs: Record<When, { ackedAt: number; po: { po_number: string }; postedEvent: CanonicalDetail }> =
      {} as never;
    for (const [i, when] of cases.entries()) {
      const run = await acknowledge(deliveries[i]!, when);
      sentAt.set(deliveries[i]!.event_id, run.sent);
      runs[when] = run;
    }
    const amended = await waitFor(
      'every acknowledgement applied (purchase-order.amended)',
      () => {
        const list = cases.map((when) =>
          events('purchase-order.amended').filter(
            (a) => a.data.externalRef === runs[when].postedEvent.data.externalRef,
          ),
        );
        return list.every((l) => l.length > 0) ? list : undefined;
      },
      300_000,
    );
    await quiet();
    const letters = await deadLetters();
    const outcomes = outcomesOf(deliveries, letters);
    const unknown = events('integration-exception.raised').filter(
      (e) => e.data.code === 'PURCHASE_ORDER_UNKNOWN',
    );
    const orders = await Promise.all(
      cases.map((when) =>
        environment.erp.simulator.findPurchaseOrder(String(runs[when].postedEvent.data.externalRef)),
      ),
    );
    const statuses = await Promise.all(
      cases.map((when) => syncStatus(String(runs[when].postedEvent.data.externalRef))),
    );
    const procurementState = statuses.map(
      (s) => s.systems.find((system) => system.system === 'procurement')?.state,
    );
    figures.drill8 = {
      durationMs: Date.now() - started,
      ...burstFigures(deliveries, sentAt, outcomes),
      // How long before the posting reached the bus the acknowledgement was delivered (negative: after).
      acknowledgedBeforePostedMs: Object.fromEntries(
        cases.map((when) => [
          when,
          Date.parse(String(runs[when].postedEvent.emittedAt)) - runs[when].ackedAt,
        ]),
      ),
      parkedAcknowledgements: parked(started),
      amendedEventsPerOrder: amended.map((l) => l.length),
      erpRevisions: orders.map((o) => o?.revision),
      purchaseOrderUnknown: unknown.length,
      syncApiProcurementState: procurementState,
      deadLetters: letters.map((l) => `${l.queue}: ${l.reason.slice(0, 200)}`),
    };

    expect(letters).toEqual([]);
    expect(unknown).toEqual([]);
    // Amended exactly once per order: one event, ERP revision 0 -> 1, 90 % of 120 EA confirmed.
    expect(amended.map((l) => l.length)).toEqual([1, 1, 1]);
    for (const order of orders) {
      expect(order?.revision).toBe(1);
      expect(order?.lines[0]?.quantityEa).toBe('108');
    }
    expect(procurementState).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    for (const status of statuses) expect(status.openExceptions).toEqual([]);
    environment.procurement.setSupplierAckBehaviour('S-1001', 'full');
  }, 900_000);
});
