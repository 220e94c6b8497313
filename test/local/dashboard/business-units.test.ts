/**
 * `npm start`'s two business units on the local runtime: the seed scenario raises one forecast
 * exception per unit (east at DC-EAST-02, west at DC-WEST-01) and each becomes a purchase order in
 * its own unit's embedded ERP, never in the other's; the dashboard, in a real headless Chromium,
 * has a row per unit with its own breaker endpoint and acknowledgement sync lag (issue #18, ADR 0013).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOCAL_BUSINESS_UNITS } from '../../../local/business-units';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment';
import { runSeedScenario, type ScenarioReport } from '../../../local/scenario/seed-scenario';
import { launchTestBrowser, type TestBrowser } from '../../support/chromium';

let environment: LocalEnvironment;
let report: ScenarioReport;
let chromium: TestBrowser | undefined;

beforeAll(async () => {
  environment = await startLocalEnvironment({
    settings: { port: 0, planningWebhookSecret: 'business-units-test-secret' },
    quietFunctions: true,
    log: () => undefined,
    businessUnits: LOCAL_BUSINESS_UNITS,
  });
  report = await runSeedScenario(environment);
}, 280_000);

afterAll(async () => {
  await chromium?.close();
  await environment?.stop();
});

it('reaches each business unit’s own ERP with its own order', async () => {
  expect(report.ok, report.reason).toBe(true);
  expect(report.units?.map((u) => [u.unit, u.site, u.warehouseCode])).toEqual([
    ['east', 'DC-EAST-02', 'WH-EAST'],
    ['west', 'DC-WEST-01', 'WH-WEST'],
  ]);
  const [east, west] = report.units!;
  expect(east!.externalRef).not.toBe(west!.externalRef);
  const erps = environment.erps!;
  // Each order is in its unit's ERP, with that unit's warehouse, and absent from the other's.
  expect(await erps.east!.simulator.findPurchaseOrder(east!.externalRef)).toMatchObject({
    number: east!.erpNumber,
    warehouseCode: 'WH-EAST',
  });
  expect(await erps.west!.simulator.findPurchaseOrder(west!.externalRef)).toMatchObject({
    number: west!.erpNumber,
    warehouseCode: 'WH-WEST',
  });
  expect(await erps.east!.simulator.findPurchaseOrder(west!.externalRef)).toBeNull();
  expect(await erps.west!.simulator.findPurchaseOrder(east!.externalRef)).toBeNull();
});

it('shows a dashboard row per business unit, each with its own ERP endpoint', async () => {
  chromium = await launchTestBrowser('business-units');
  // Nothing leaves the loopback.
  await chromium.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  const page = await chromium.context.newPage();
  await page.goto(environment.runtime.dashboardUrl!);
  const rows = page.locator('#business-units-table tbody tr');
  await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
  expect(await page.locator('#business-units-card').isVisible()).toBe(true);
  const cells = async (unit: string) =>
    (await page.locator(`#business-units-table tr[data-unit="${unit}"] td`).allInnerTexts()).map((t) =>
      t.trim(),
    );
  expect((await cells('east')).slice(0, 3)).toEqual(['east', 'erp', 'closed']);
  expect((await cells('west')).slice(0, 3)).toEqual(['west', 'erp:west', 'closed']);
  // East's acknowledgement was applied in the scenario: its lag is on east's row, under its SLO.
  await expect
    .poll(async () => (await cells('east')).slice(3), { timeout: 20_000 })
    .toEqual([expect.stringMatching(/^\d+\.\d{3} s$/), '120 s', 'OK']);
});
