/**
 * The local runtime's browsable API page in a real headless Chromium (playwright-core): Swagger UI
 * served from node_modules on the local API's port renders the OpenAPI document generated from the
 * route declarations, lists the operations, and tries one with a person's access token and the
 * API key through the local API Gateway and the template's authorizer. Leaves a screenshot in
 * test-artifacts/api-docs.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { API_ROUTES } from '../../../application/api-routes';
import { launchTestBrowser, type TestBrowser } from '../../support/chromium';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment';

const ARTIFACTS = resolve(import.meta.dirname, '../../../test-artifacts');

let environment: LocalEnvironment;
let browser: BrowserContext;
let page: Page;
let chromiumUnderTest: TestBrowser | undefined;
/** Requests the page made beyond the loopback (refused): it must need none. */
const outside: string[] = [];

beforeAll(async () => {
  environment = await startLocalEnvironment({
    settings: { port: 0, planningWebhookSecret: 'api-docs-test-secret' },
    quietFunctions: true,
    log: () => undefined,
  });
  chromiumUnderTest = await launchTestBrowser('api-docs');
  browser = chromiumUnderTest.context;
  // Nothing leaves the loopback: the page must work from node_modules alone.
  await browser.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    outside.push(route.request().url());
    return route.abort();
  });
  page = await browser.newPage();
});

afterAll(async () => {
  await chromiumUnderTest?.close();
  await environment?.stop();
});

describe('the browsable API page', () => {
  it('lists every declared operation', async () => {
    await page.goto(`${environment.runtime.baseUrl}/_docs/`);
    await page.locator('.opblock').first().waitFor();
    const operationIds = await page.locator('.opblock-summary-operation-id').allTextContents();
    for (const route of API_ROUTES.filter((r) => r.contract))
      expect(operationIds, route.path).toContain(route.contract!.operationId);
    expect(outside).toEqual([]);
  });

  it('tries an operation with a person’s access token and the API key', async () => {
    const token = await environment.runtime.identity.token({ person: 'ava.approver' });
    await page.locator('.btn.authorize').first().click();
    const forms = page.locator('.auth-container');
    await forms.nth(0).locator('input').first().fill(token);
    await forms.nth(0).locator('button.authorize').click();
    await forms.nth(1).locator('input').first().fill(environment.runtime.apiKey);
    await forms.nth(1).locator('button.authorize').click();
    await page.locator('button.close-modal').click();

    const operation = page.locator('#operations-default-listPendingApprovals');
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    expect(await operation.locator('.live-responses-table .microlight').first().textContent()).toContain(
      '"items"',
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'api-docs.png'), fullPage: false });
  });

  it('refuses the same operation without a token, as the document says (401 problem+json)', async () => {
    const answer = await page.request.get(`${environment.runtime.baseUrl}/v1/approvals`, {
      headers: { 'x-api-key': environment.runtime.apiKey },
    });
    expect(answer.status()).toBe(401);
    expect(await answer.json()).toMatchObject({ type: 'urn:supplyline:problem:access-token-invalid' });
  });
});
