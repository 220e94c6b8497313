/**
 * Bulk forecast synchronisation on the local runtime: the planning simulator publishes a plan
 * version with its export; the forecast-sync function (bulk lane) streams it from the simulator,
 * keeps its snapshots in the local S3, and emits the changed lines as micro-batched canonical events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../local/eventbridge/bus';
import { readSettings, startLocalEnvironment, type LocalEnvironment } from '../../local/environment';

let environment: LocalEnvironment;
beforeAll(async () => {
  environment = await startLocalEnvironment({
    settings: { ...readSettings({}), port: 0 },
    quietFunctions: true,
    log: () => undefined,
  });
}, 240_000);
afterAll(async () => environment?.stop());

function exportFile(version: number, quantities: Record<string, number>, extra = ''): string {
  const rows = Object.entries(quantities).map(
    ([sku, qty]) => `${sku},DC-EAST-02,2027-01-04,${qty},CS,12,${version}`,
  );
  return `sku,site,week_start,qty,uom,pack_size,plan_version\n${rows.join('\n')}\n${extra}`;
}

function linesChanged(planId: string): EventEnvelope[] {
  return environment.runtime.busActivity
    .filter(
      (activity): activity is { type: 'accepted'; event: EventEnvelope } => activity.type === 'accepted',
    )
    .map((activity) => activity.event)
    .filter(
      (event) =>
        event['detail-type'] === 'forecast.lines-changed' &&
        (event.detail as { data: { planId: string } }).data.planId === planId,
    );
}

async function until<T>(probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('bulk forecast synchronisation on the local runtime', () => {
  const planId = `PLAN-E2E-${Date.now().toString(36).toUpperCase()}`;

  it('emits every line of a first version, then only what changed beyond the threshold, and skips a bad row', async () => {
    const { planning, runtime } = environment;
    const v1 = await planning.publishForecast({
      content: exportFile(
        1,
        { 'SKU-10442': 100, 'SKU-10443': 50, 'SKU-20991': 10 },
        'SKU-BAD,DC-EAST-02,2027-01-04,-5,CS,12,1\n',
      ),
      plan: { plan_id: planId, version: 1 },
    });
    expect(await until(() => (v1.delivery.state === 'delivered' ? true : undefined))).toBe(true);
    const first = await until(() => {
      const events = linesChanged(planId);
      return events.length > 0 ? events : undefined;
    });
    const firstLines = first.flatMap(
      (event) => (event.detail as { data: { lines: { itemCode: string; quantityEa: string }[] } }).data.lines,
    );
    expect(firstLines.map((line) => `${line.itemCode}=${line.quantityEa}`).sort()).toEqual([
      'SKU-10442=1200',
      'SKU-10443=600',
      'SKU-20991=120',
    ]);

    // Version 2: +10% on SKU-10442 (at the threshold: emitted), +5% on SKU-10443 (under: not emitted).
    const v2 = await planning.publishForecast({
      content: exportFile(2, { 'SKU-10442': 110, 'SKU-10443': 52.5, 'SKU-20991': 10 }),
      plan: { plan_id: planId, version: 2 },
    });
    await until(() => (v2.delivery.state === 'delivered' ? true : undefined));
    const second = await until(() => {
      const events = linesChanged(planId).filter(
        (event) => (event.detail as { data: { planVersion: number } }).data.planVersion === 2,
      );
      return events.length > 0 ? events : undefined;
    });
    const secondLines = second.flatMap(
      (event) =>
        (
          event.detail as {
            data: { lines: { itemCode: string; quantityEa: string; previousQuantityEa: string }[] };
          }
        ).data.lines,
    );
    expect(secondLines).toEqual([
      expect.objectContaining({ itemCode: 'SKU-10442', quantityEa: '1320', previousQuantityEa: '1200' }),
    ]);
    expect(
      Object.entries(runtime.queueDepths()).filter(
        ([name, depth]) => name.includes('dlq') && depth.visible > 0,
      ),
    ).toEqual([]);
  }, 180_000);
});

// Last: every path above ran with the roles' IAM policies enforced (local/iam); a refused call some
// path tolerated (retried, quarantined, sent to a DLQ) would be a grant missing in AWS.
describe('IAM', () => {
  it("made no call a function's role does not allow", () => {
    expect(environment.runtime.accessDenials).toEqual([]);
  });
});
