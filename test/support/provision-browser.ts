/**
 * globalSetup of the `browser` project (vitest.config.ts): the test command provisions the browser
 * its tests drive, as the Tryton tests provision Tryton, so `npm test` works on a fresh machine.
 * Runs only when a test of that project is selected.
 */
import { ensureChromiumInstalled } from '../../scripts/provision/chromium';

/** Installs Chromium when missing (root + apt), or fails the run printing the exact command. */
export default function provisionBrowser(): void {
  ensureChromiumInstalled((line) => console.log(`[chromium] ${line}`));
}
