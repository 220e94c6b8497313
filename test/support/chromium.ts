/**
 * The browser tests' Chromium (provisioned by test/support/provision-browser.ts): headless, in a
 * throw-away profile, with nothing of its own on the network (no updates, sync or background
 * requests), so a page under test is the only thing talking.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_EXECUTABLE } from '../../scripts/provision/chromium';

/** A browser context and how to close it and remove its profile. */
export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchTestBrowser(name: string): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), `supplyline-${name}-chromium-`));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_EXECUTABLE,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      viewport: { width: 1440, height: 1000 },
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
