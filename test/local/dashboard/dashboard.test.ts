/**
 * The operations dashboard in a real headless Chromium (playwright-core) on a running local
 * environment: it shows the consumer queues and the seed scenario's workflow executions, updates
 * live; a person signs in through the local OpenID Connect provider's login; signed in, its Redrive
 * button moves a poisoned DLQ message back to the consumer's queue exactly once, and a quarantined
 * webhook delivery can be inspected and re-submitted; open integration exceptions are aged (the
 * escalation function escalates the overdue ones once, the page shows the age buckets); a
 * reconciliation run is listed with its drift and its reports served to a signed-in person; Run
 * reconciliation now asks for one as the person and follows it to its end; a malformed EDI file is
 * listed with its reason (and by the ops CLI on the same runtime); signed out,
 * actions are refused again. Leaves
 * a screenshot in test-artifacts/dashboard.png.
 */
import { CONSUMER_ROUTES } from '../../../application/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { operationsState } from '../../../local/operations-state';
import { run } from '../../../ops/cli';
import { writeLocalRuntimeState } from '../../../ops/local-state';
import type { BrowserContext, Page } from 'playwright-core';
import { launchTestBrowser, type TestBrowser } from '../../support/chromium';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment';
import { runSeedScenario, type ScenarioReport } from '../../../local/scenario/seed-scenario';
import { postPlanning } from '../../e2e/support';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { poisonedForecastException, putEvents } from '../../ops/events';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IntegrationExceptionStore } from '../../../adapters/aws/integration-exceptions';
import { DynamoDbReconciliationLease } from '../../../adapters/aws/reconciliation-lease';
import { buildTopology, inventoryFromTemplate } from '../../../ops/topology';

const ARTIFACTS = resolve(import.meta.dirname, '../../../test-artifacts');
const DLQ = 'supplyline-dev-forecast-exception-evaluation-dlq';
const EVALUATION = 'forecast-exception-evaluation';

let environment: LocalEnvironment;
let scenario: ScenarioReport;
let browser: BrowserContext;
let page: Page;
let chromiumUnderTest: TestBrowser | undefined;
/** A reconciliation report's link, read while signed in, refused once signed out. */
let reportUrl: string;

beforeAll(async () => {
  environment = await startLocalEnvironment({
    settings: { port: 0, planningWebhookSecret: 'dashboard-test-secret' },
    quietFunctions: true,
    log: () => undefined,
  });
  scenario = await runSeedScenario(environment);
  chromiumUnderTest = await launchTestBrowser('dashboard');
  browser = chromiumUnderTest.context;
  // Nothing leaves the loopback (the provider's pages import a web font).
  await browser.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  page = await browser.newPage();
});

/** A POST as the page's own buttons send it: this start's token, the browser's cookies. */
async function postFromPage(path: string): Promise<{ status: number; body: { title?: string } }> {
  const token = await page.locator('meta[name="dashboard-token"]').getAttribute('content');
  const response = await page.request.post(new URL(path, page.url()).toString(), {
    headers: { 'x-dashboard-token': token ?? '', 'content-type': 'application/json' },
    data: '{}',
  });
  return { status: response.status(), body: (await response.json()) as { title?: string } };
}

afterAll(async () => {
  await chromiumUnderTest?.close();
  await environment?.stop();
});

/** Number of polls the page has rendered. */
const updates = async () => Number((await page.locator('body').getAttribute('data-updates')) ?? 0);

describe('operations dashboard', () => {
  it('shows the consumer queues and the seed scenario executions with the path each took, live', async () => {
    expect(scenario.ok, scenario.reason).toBe(true);
    const url = environment.runtime.dashboardUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_dashboard$/);
    await page.goto(url!);

    const rows = page.locator('#queues tbody tr');
    // One row per consumer lane, in the order the routing declares them.
    const consumers = CONSUMER_ROUTES.map((route) => route.consumer);
    expect(consumers).toContain(EVALUATION);
    await expect.poll(() => rows.count()).toBe(consumers.length);
    await expect.poll(() => rows.locator('td:nth-child(2)').allTextContents()).toEqual(consumers);
    await expect
      .poll(() => page.locator(`#queues tr[data-consumer="${EVALUATION}"] td.dlq-depth`).textContent())
      .toBe('0');

    const executions = page.locator('#executions-table tbody tr');
    await expect.poll(() => executions.count()).toBe(scenario.workflows.length);
    const text = (await executions.allTextContents()).join('\n');
    expect(text).toContain('supplyline-dev-purchase-commitment');
    expect(text).toContain('Source the need → Sourcing outcome → Check ERP policies');
    expect(text).toContain('supplyline-dev-supplier-acknowledgement');
    expect(await page.locator('#breakers-table tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^erp\s*closed/),
      expect.stringMatching(/^planning\s*closed/),
      expect.stringMatching(/^procurement\s*closed/),
    ]);
    // The sync lag and forecast-to-order charts have the scenario's data points.
    await expect.poll(() => page.locator('#chart-lag circle').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#chart-f2o circle').count()).toBe(1);

    const seen = await updates();
    await expect.poll(updates, { timeout: 5000 }).toBeGreaterThanOrEqual(seen + 2);
  });

  it('ages the open exceptions: the local runtime’s escalation function escalates the overdue ones once, the page shows the buckets', async () => {
    const { runtime } = environment;
    const topology = buildTopology(inventoryFromTemplate(runtime.model));
    const store = new IntegrationExceptionStore(
      DynamoDBDocumentClient.from(runtime.clients.dynamodb),
      topology.tables.integrationExceptions!,
    );
    const suffix = Date.now();
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();
    const raised = (exceptionId: string, hours: number, code: string) =>
      store.record({
        exceptionId,
        category: 'TECHNICAL',
        code,
        message: 'for the aging test',
        status: 'OPEN',
        objectType: 'PurchaseOrder',
        objectId: `PO-${exceptionId}`,
        system: 'erp',
        raisedAt: hoursAgo(hours),
      });
    // Past 24 h; critical past 4 h; not critical, 5 h: only the first two are due.
    const [aged, critical, waiting] = [`IX-AGED-${suffix}`, `IX-CRIT-${suffix}`, `IX-WAIT-${suffix}`];
    await raised(aged, 30, 'SUPPLIER_NOT_APPROVED');
    await raised(critical, 5, 'CIRCUIT_OPEN');
    await raised(waiting, 5, 'SUPPLIER_NOT_APPROVED');

    const escalation = runtime.functionName('integration-exception-escalation');
    for (let pass = 0; pass < 2; pass += 1)
      expect(await runtime.lambda.invoke(escalation, {})).toMatchObject({ ok: true });

    const escalatedIds = () =>
      runtime.busActivity
        .filter((a) => a.type === 'accepted' && a.event['detail-type'] === 'integration-exception.escalated')
        .map((a) =>
          a.type === 'accepted' ? (a.event.detail as { data: { exceptionId: string } }).data.exceptionId : '',
        )
        .filter((id) => id.endsWith(String(suffix)));
    // Once each, however many passes ran.
    expect(escalatedIds().sort()).toEqual([aged, critical].sort());
    expect((await store.getStored(aged))?.escalatedAt).toBeDefined();
    expect((await store.getStored(waiting))?.escalatedAt).toBeUndefined();
    expect(runtime.accessDenials.filter((d) => d.functionName === escalation)).toEqual([]);

    const count = (bucket: string) =>
      page.locator(`#exception-aging [data-bucket="${bucket}"] .aging-count`).textContent();
    await expect.poll(() => count('over-24h')).toBe('1');
    await expect.poll(() => count('4h-24h')).toBe('2');
    expect(await count('1h-4h')).toBe('0');
    await expect.poll(() => page.locator('#exception-escalation').textContent()).toContain('2 escalated');
    expect(await page.locator(`#exceptions tr[data-exception-id="${aged}"] .escalated`).count()).toBe(1);
    expect(await page.locator(`#exceptions tr[data-exception-id="${waiting}"] .escalated`).count()).toBe(0);
  });

  it('lists a malformed partner file kept in the mailbox with its partner, code, reason and key, as ops edi rejected --local does', async () => {
    const { runtime } = environment;
    const bucket = runtime.model.buckets.find((b) => b.constructId === 'EdiMailboxBucket')!.name;
    const key = `inbound/acme-beverages/dashboard-${Date.now()}.x12`;
    const s3 = new S3Client({
      region: runtime.model.region,
      endpoint: runtime.endpoints.sqs,
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'NOT AN INTERCHANGE' }));
    s3.destroy();

    const row = page.locator(`#edi-rejected-table tr[data-key="${key}"]`);
    await expect.poll(() => row.count(), { timeout: 60_000, interval: 500 }).toBe(1);
    const cells = await row.locator('td').allTextContents();
    // No readable ISA: the folder names the partner, but nobody is known to have sent it (no 997).
    expect(cells.slice(1, 5)).toEqual([
      'acme-beverages (unknown sender)',
      'EDI_INTERCHANGE_UNREADABLE',
      'OPEN',
      key,
    ]);
    expect(cells[5]).toMatch(/ISA/);

    // The operations CLI reads the same list from the running runtime's state file.
    const stateDir = mkdtempSync(join(tmpdir(), 'dashboard-ops-'));
    try {
      const stateFile = join(stateDir, 'local-runtime.json');
      writeLocalRuntimeState(operationsState(runtime), stateFile);
      const out: string[] = [];
      const code = await run(['edi', 'rejected', '--state-file', stateFile, '--json'], {
        out: (text) => void out.push(text),
        err: () => undefined,
      });
      expect(code).toBe(0);
      expect(JSON.parse(out.join(''))).toContainEqual(
        expect.objectContaining({ key, partner: 'acme-beverages', code: 'EDI_INTERCHANGE_UNREADABLE' }),
      );
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('signs a person in through the local provider’s login and back to the dashboard', async () => {
    const dashboardUrl = environment.runtime.dashboardUrl!;
    await expect
      .poll(() => page.locator('#signed-in-as').textContent())
      .toBe('not signed in: sign in to act');
    // Reading is open, acting is not.
    expect(await postFromPage('/_dashboard/api/dlq/forecast-sync/redrive')).toMatchObject({
      status: 401,
      body: { title: 'Sign-in required' },
    });

    await page.locator('#sign-in').click();
    const issuer = environment.runtime.identity.issuer;
    await page.waitForURL((url) => url.href.startsWith(`${issuer}/interaction/`), { waitUntil: 'commit' });
    await page.locator('input[name="login"]').fill('ava.approver');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    // The provider asks for consent to the dashboard client's scopes once.
    await page.waitForURL((url) => url.href.startsWith(issuer), { waitUntil: 'commit' });
    await page.locator('button', { hasText: 'Continue' }).click();

    await page.waitForURL(dashboardUrl);
    await expect
      .poll(() => page.locator('#signed-in-as').textContent())
      .toBe('signed in as ava.approver (approver)');
    expect(await page.locator('#sign-out').isVisible()).toBe(true);
    // The session is an HttpOnly cookie: the page's scripts cannot read it.
    expect(await page.evaluate('document.cookie')).not.toContain('supplyline_dashboard_session');
    expect((await browser.cookies()).find((c) => c.name === 'supplyline_dashboard_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/_dashboard',
    });
  });

  it('Redrive moves a poisoned DLQ message back to the consumer queue exactly once', async () => {
    const { runtime } = environment;
    const correlationId = `dashboard-poison-${Date.now()}`;
    await putEvents(runtime.clients.eventBridge, runtime.bus.name, [
      poisonedForecastException(correlationId),
    ]);

    const dlqCell = page.locator(`#queues tr[data-consumer="${EVALUATION}"] td.dlq-depth`);
    await expect.poll(() => dlqCell.textContent(), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => page.locator('#dead-letters').textContent()).toContain(correlationId);
    const redriveButton = page.locator(`button.redrive[data-consumer="${EVALUATION}"]`);
    expect(await redriveButton.isEnabled()).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    const evaluationFunction = runtime.functionName('ForecastExceptionEvaluation');
    const deliveriesOf = () =>
      runtime
        .invocations()
        .filter(
          (i) => i.functionName === evaluationFunction && JSON.stringify(i.event).includes(correlationId),
        ).length;
    const before = deliveriesOf();
    expect(before).toBe(1);

    await redriveButton.click();
    await expect
      .poll(async () => (await page.locator('#queues').getAttribute('data-last-redrive')) ?? '')
      .toBe(JSON.stringify({ consumer: EVALUATION, moved: 1, failed: 0 }));
    await expect
      .poll(() => page.locator('#toast').textContent())
      .toContain('moved 1 message(s) back to the queue');

    // The consumer received it again from its own queue: once, not twice...
    await expect.poll(deliveriesOf, { timeout: 15_000 }).toBe(before + 1);
    // ...and, still schema-invalid, dead-lettered it again: one message in the DLQ, not two.
    await expect.poll(() => runtime.queueDepths()[DLQ]!.visible, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => dlqCell.textContent()).toBe('1');
    await new Promise((done) => setTimeout(done, 1500));
    expect(deliveriesOf()).toBe(before + 1);
    expect(runtime.queueMessages(DLQ).filter((m) => m.body.includes(correlationId))).toHaveLength(1);
  });

  it('lists a quarantined webhook delivery; Inspect shows its body, Re-submit puts it through the intake again', async () => {
    const deliveryId = `dashboard-refused-${Date.now()}`;
    const body = JSON.stringify({ event_id: deliveryId, notes: 'refused for its content' });
    const refused = await postPlanning(environment, body, { deliveryId });
    expect(refused.status).toBe(422);

    const id = `planning-${deliveryId}`;
    const row = page.locator(`#quarantine tr[data-quarantine-id="${id}"]`);
    await expect.poll(() => row.count(), { timeout: 5000 }).toBe(1);
    await row.locator('button.inspect').click();
    await expect.poll(() => page.locator('#quarantine-detail').textContent()).toContain(body);

    await row.locator('button.resubmit').click();
    await expect
      .poll(async () =>
        JSON.parse((await page.locator('#quarantine').getAttribute('data-last-resubmit')) ?? '{}'),
      )
      .toMatchObject({ quarantineId: id, outcome: 'refused', status: 422, resolved: false });
    // Still open, with the re-submit as its second attempt.
    await expect.poll(() => row.locator('td.quarantine-status').textContent()).toBe('open');
    await expect.poll(() => row.locator('td').nth(6).textContent()).toBe('2');
  });

  it('lists a held delivery (vendor-valid, beyond the canonical model) with its status; Re-submit keeps it held', async () => {
    const exceptionId = `EXC-HELD-${Date.now()}`;
    const held = await postPlanning(
      environment,
      forecastExceptionDelivery({ exception: { exception_id: exceptionId, uom: 'EA', forecast_qty: -5 } }),
      { deliveryId: exceptionId },
    );
    expect(held.status).toBe(202);

    const id = `planning-${exceptionId}`;
    const row = page.locator(`#quarantine tr[data-quarantine-id="${id}"]`);
    await expect.poll(() => row.count(), { timeout: 5000 }).toBe(1);
    await expect.poll(() => row.locator('td.quarantine-status').textContent()).toBe('held');
    await row.locator('button.resubmit').click();
    await expect
      .poll(async () =>
        JSON.parse((await page.locator('#quarantine').getAttribute('data-last-resubmit')) ?? '{}'),
      )
      .toMatchObject({ quarantineId: id, outcome: 'held', status: 202, resolved: false });
  });

  it('lists a reconciliation run with its drift on the chart, and serves its JSON and CSV report to a signed-in person', async () => {
    const { runtime } = environment;
    const reconciliation = runtime.functionName('purchase-order-reconciliation');
    // One iteration of a run, as the reconciliation loop invokes it (a local window fits in one).
    const runId = `dashboard-${Date.now()}`;
    const result = await runtime.lambda.invoke(reconciliation, { runId });
    expect(result).toMatchObject({ ok: true, payload: { runId, complete: true } });
    const row = page.locator(`#reconciliation-runs tr[data-run-id="${runId}"]`);
    await expect.poll(() => row.count(), { timeout: 5000 }).toBe(1);
    await expect.poll(() => page.locator('#chart-drift circle').count()).toBeGreaterThan(0);

    const [json, csv] = await row
      .locator('a')
      .evaluateAll((links) => links.map((link) => (link as unknown as { href: string }).href));
    expect(json).toMatch(/\/_dashboard\/api\/reconciliation-reports\/runs%2F\d{4}-\d{2}-\d{2}%2F.+\.json$/);
    const report = await page.request.get(json!);
    expect(report.status()).toBe(200);
    const { summary } = (await report.json()) as { summary: { runId: string; orders: number } };
    expect(summary.runId).toBe(runId);
    expect(summary.orders).toBeGreaterThan(0);
    expect(await row.locator('td').nth(2).textContent()).toBe(String(summary.orders));
    const table = await page.request.get(csv!);
    expect(table.headers()['content-type']).toContain('text/csv');
    expect((await table.text()).split('\r\n')[0]).toMatch(/^class,/);
    // Nothing but a run's report is served.
    const other = await page.request.get(
      new URL('/_dashboard/api/reconciliation-reports/..%2Fsecrets.json', page.url()).toString(),
    );
    expect(other.status()).toBe(404);
    reportUrl = json!;
  });

  it('Run reconciliation now asks the governed API as the person signed in, shows the run until it has finished, and is refused while another run holds the lease', async () => {
    const { runtime } = environment;
    const topology = buildTopology(inventoryFromTemplate(runtime.model));
    const lease = new DynamoDbReconciliationLease(
      DynamoDBDocumentClient.from(runtime.clients.dynamodb),
      topology.tables.circuitBreaker!,
    );
    const asked = page.locator('#reconciliation-asked');
    const daily = `daily-${Date.now()}`;
    expect(await lease.acquire(daily, new Date(Date.now() + 60_000).toISOString())).toEqual({
      acquired: true,
    });
    await page.locator('#reconcile-now').click();
    await expect.poll(() => asked.getAttribute('data-status')).toBe('refused');
    expect(await asked.textContent()).toContain(`Reconciliation run ${daily} is in progress`);
    await lease.release(daily);

    const requests = runtime.apiRequests.length;
    await page.locator('#reconcile-now').click();
    await expect.poll(() => asked.getAttribute('data-status'), { timeout: 60_000 }).toBe('finished');
    const runId = (await asked.getAttribute('data-run-id'))!;
    // Through the governed API, as the person signed in.
    expect(
      runtime.apiRequests.slice(requests).filter((r) => r.path === '/v1/reconciliation-runs'),
    ).toMatchObject([{ httpMethod: 'POST', status: 202 }]);
    const record = await page.request.get(
      new URL(`/_dashboard/api/reconciliation-runs/${runId}`, page.url()).toString(),
    );
    expect(await record.json()).toMatchObject({ runId, status: 'finished', requestedBy: 'ava.approver' });
    expect(await asked.locator('.asked-summary').textContent()).toMatch(
      /^\d+ order\(s\), \d+ difference\(s\), \d+ repaired, \d+ exception\(s\) raised$/,
    );
    // Its report is listed with the other runs, and served from the link it shows.
    await expect.poll(() => page.locator(`#reconciliation-runs tr[data-run-id="${runId}"]`).count()).toBe(1);
    const json = await asked.locator('a', { hasText: 'JSON' }).getAttribute('href');
    const report = await page.request.get(new URL(json!, page.url()).toString());
    expect(((await report.json()) as { summary: { runId: string } }).summary.runId).toBe(runId);
    expect(await page.locator('#reconcile-now').isEnabled()).toBe(true);
  });

  it('signs out at the dashboard and the provider; actions are refused again', async () => {
    const dashboardUrl = environment.runtime.dashboardUrl!;
    await page.locator('#sign-out').click();
    // The provider's own sign-out confirmation, then back to the dashboard.
    await page.waitForURL((url) => url.href.startsWith(environment.runtime.identity.issuer), {
      waitUntil: 'commit',
    });
    await page.locator('button', { hasText: 'Yes, sign me out' }).click();
    await page.waitForURL(dashboardUrl);
    await expect
      .poll(() => page.locator('#signed-in-as').textContent())
      .toBe('not signed in: sign in to act');
    expect(await postFromPage('/_dashboard/api/dlq/forecast-sync/redrive')).toMatchObject({ status: 401 });
    expect(await postFromPage('/_dashboard/api/reconciliation-runs')).toMatchObject({ status: 401 });
    // Reports too are for signed-in people only.
    expect((await page.request.get(reportUrl)).status()).toBe(401);
  });
});
